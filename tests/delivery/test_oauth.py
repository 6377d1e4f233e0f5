"""Sending without a password: XOAUTH2 against a real SMTP server on 127.0.0.1, the token store, refused sign-ins.

The server (aiosmtpd) offers XOAUTH2 and nothing else, checks the user and the bearer token,
and answers a wrong token as Microsoft 365 and Gmail do (a 334 JSON challenge, then 535).
Only the identity provider is replaced, through its one interface (or --oauth-token-command).
"""

from __future__ import annotations

import base64
import json
import ssl
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError

from reportgen import config
from reportgen.delivery import oauth
from reportgen.delivery.log import DELIVERY
from reportgen.delivery.oauth import App, StoredSignIn, TokenCommand
from reportgen.delivery.refusals import advice
from reportgen.delivery.tokens import TokenStore
from reportgen.errors import SendError
from reportgen.pipeline.send import SendRequest, send

from ..conftest import invoke
from . import test_send as mail
from .loopback import JsonHandler
from .test_send import SENDER, Mailbox, _free_port, attachment

# The three leaders' reports built once, their copies, the plain server and the certificate, as test_send has them.
built, reports, server, certificate = mail.built, mail.reports, mail.server, mail.certificate

USER = "workshop@example.dk"
TOKEN = "ya29.token-for-workshop"  # noqa: S105 (a test token)


@dataclass
class OAuthMailbox(Mailbox):
    """A mailbox whose server signs in with XOAUTH2 only, and remembers who signed in with what."""

    token: str = TOKEN
    sign_ins: list[tuple[str, str, bool]] | None = None

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        blob = base64.b64decode(args[1]) if len(args) > 1 else await server.challenge_auth("")
        fields = dict(part.split("=", 1) for part in blob.decode().split("\x01") if "=" in part)
        ok = fields.get("user") == USER and fields.get("auth") == f"Bearer {self.token}"
        if self.sign_ins is not None:
            self.sign_ins.append((fields.get("user", ""), fields.get("auth", ""), ok))
        if ok:
            return AuthResult(success=True)
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))  # the client answers ""
        return AuthResult(success=False, handled=False, message="535 5.7.3 Authentication unsuccessful")


def tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


@pytest.fixture
def oauth_server(certificate: tuple[Path, Path]) -> Iterator[tuple[OAuthMailbox, int, Controller]]:
    """STARTTLS as Microsoft 365 and Gmail have it, then XOAUTH2 as the only way to sign in."""
    mailbox, port = OAuthMailbox(sign_ins=[]), _free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, tls_context=tls(certificate), require_starttls=True,
        auth_required=True, auth_exclude_mechanism=["LOGIN", "PLAIN"],
    )  # fmt: skip
    controller.start()
    yield mailbox, port, controller
    controller.stop()


def token_command(token: str) -> str:
    return f"{sys.executable} -c \"print('{token}')\""


def oauth_send(folder: Path, port: int, *options: str, cafile: Path | None = None) -> Any:
    args = ["send", str(folder), "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
    security = ["--smtp-cafile", str(cafile)] if cafile else ["--smtp-security", "none"]
    return invoke([*args, *security, "--smtp-auth", "oauth2", "--rate", "600", *options])


def test_the_server_offers_xoauth2_only(
    oauth_server: tuple[OAuthMailbox, int, Controller], certificate: tuple[Path, Path]
) -> None:
    import smtplib

    with smtplib.SMTP("127.0.0.1", oauth_server[1]) as connection:
        connection.starttls(context=ssl.create_default_context(cafile=str(certificate[0])))
        connection.ehlo()
        assert connection.esmtp_features["auth"].split() == ["XOAUTH2"]


def test_xoauth2_with_the_token_commands_token_sends_each_leader_once(
    reports: Path, oauth_server: tuple[OAuthMailbox, int, Controller], certificate: tuple[Path, Path]
) -> None:
    mailbox, port, _ = oauth_server
    command = ["--oauth-token-command", token_command(TOKEN), "--send"]
    result = oauth_send(reports, port, *command, cafile=certificate[0])
    assert result.exit_code == 0, result.output
    assert sorted(to[0] for to, _ in mailbox.messages) == ["aase@example.dk", "lars@example.com", "soren@example.dk"]
    assert mailbox.sign_ins and all(sign_in == (USER, f"Bearer {TOKEN}", True) for sign_in in mailbox.sign_ins)
    again = oauth_send(reports, port, *command, cafile=certificate[0])
    assert again.exit_code == 0 and len(mailbox.messages) == 3, again.output


def test_a_wrong_token_stops_before_anything_is_sent_and_says_what_to_do(
    reports: Path, oauth_server: tuple[OAuthMailbox, int, Controller], certificate: tuple[Path, Path]
) -> None:
    mailbox, port, _ = oauth_server
    command = ["--oauth-token-command", token_command("expired"), "--send"]
    result = oauth_send(reports, port, *command, cafile=certificate[0])
    assert result.exit_code == 2, result.output
    assert "refused the sign-in of workshop@example.dk (535 5.7.3" in result.output
    assert "reportgen login microsoft" in result.output and "Traceback" not in result.output
    assert mailbox.sign_ins == [(USER, "Bearer expired", False)]
    assert not mailbox.messages and not (reports / DELIVERY).exists()


class FixedIdentity:
    """The one interface, given by the test: a token per purpose, and which purposes were asked for."""

    def __init__(self, token: str) -> None:
        self.value = token
        self.asked: list[str] = []

    def token(self, purpose: str) -> str:
        self.asked.append(purpose)
        return self.value


def test_the_identity_provider_is_the_one_thing_replaced(
    reports: Path, oauth_server: tuple[OAuthMailbox, int, Controller], certificate: tuple[Path, Path]
) -> None:
    mailbox, port, _ = oauth_server
    given = {"sender": SENDER, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_cafile": certificate[0],
             "smtp_auth": "oauth2", "rate": 600}  # fmt: skip
    identity = FixedIdentity(TOKEN)
    summary = send(SendRequest(reports, "send", given=given, identity=identity)).summary
    assert len(summary.sent) == 3 and len(mailbox.messages) == 3
    assert set(identity.asked) == {"smtp"}
    for (to, message), letter in zip(sorted(mailbox.messages, key=lambda m: m[0]), sorted(summary.sent,
                                     key=lambda letter: letter.email), strict=True):  # fmt: skip
        assert to == [letter.email] and attachment(message)[1] == (reports / letter.pdf).read_bytes()


def test_a_server_without_xoauth2_is_said_so(reports: Path, server: tuple[Mailbox, int]) -> None:
    result = oauth_send(reports, server[1], "--oauth-token-command", token_command(TOKEN), "--send")
    assert result.exit_code == 2 and "does not offer sign-in with OAuth (XOAUTH2)" in result.output


def test_a_failing_token_command_is_one_paragraph() -> None:
    with pytest.raises(SendError, match="gave no access token") as caught:
        TokenCommand(f"{sys.executable} -c \"import sys; sys.exit('no ticket')\"").token("smtp")
    assert "no ticket" in caught.value.message


# --- the token store -------------------------------------------------------------------------


def test_the_token_file_is_readable_only_by_its_owner(tmp_path: Path) -> None:
    store = TokenStore("file", tmp_path / "sign-in")
    record = {"provider": "microsoft", "refresh_token": "rt-1", "client_id": "c", "tenant": "t", "account": USER}
    where = store.save("microsoft", record)
    path = tmp_path / "sign-in" / "microsoft.json"
    assert str(path) in where
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert store.load("microsoft") == record and store.load("google") is None
    store.save("microsoft", {**record, "refresh_token": "rt-2"})  # replaced, still private
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and store.load("microsoft") == {**record, "refresh_token": "rt-2"}
    assert [p.name for p in path.parent.iterdir()] == ["microsoft.json"]  # no temporary file left


class FakeFlow:
    """A provider's flow as the test plays it: a device code to show, and refresh tokens that rotate."""

    def __init__(self) -> None:
        self.refreshed: list[str] = []

    def sign_in(self, app: App, purpose: str, tell: Any) -> dict[str, str]:
        tell(f"To sign in, open https://microsoft.com/devicelogin and enter the code ABC123 ({purpose}).")
        return {"provider": app.provider, "account": USER, "client_id": app.client_id, "tenant": app.tenant,
                "client_secret": "", "refresh_token": "rt-1"}  # fmt: skip

    def refresh(self, record: dict[str, str], purpose: str) -> tuple[str, dict[str, str]]:
        self.refreshed.append(record["refresh_token"])
        return f"at-{purpose}", {**record, "refresh_token": record["refresh_token"] + "+"}


def test_login_keeps_the_sign_in_and_send_refreshes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flow = FakeFlow()
    monkeypatch.setitem(oauth.FLOWS, "microsoft", flow)
    store = TokenStore("file", tmp_path)
    told: list[str] = []
    where = oauth.login(App("microsoft", "client-1", "example.dk"), "smtp", told.append, store)
    assert "ABC123" in told[0] and str(tmp_path / "microsoft.json") in where
    signed_in = StoredSignIn("microsoft", store)
    assert signed_in.token("graph") == "at-graph" and signed_in.token("smtp") == "at-smtp"
    assert flow.refreshed == ["rt-1", "rt-1+"]  # each new refresh token kept for the next time
    assert (store.load("microsoft") or {}).get("refresh_token") == "rt-1++"


def test_no_sign_in_says_to_log_in(tmp_path: Path) -> None:
    with pytest.raises(SendError, match="reportgen login google"):
        StoredSignIn("google", TokenStore("file", tmp_path)).token("smtp")


def test_login_without_an_app_registration_says_what_it_must_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTGEN_TOKEN_DIR", str(tmp_path / "tokens"))
    result = invoke(["login", "microsoft"])
    assert result.exit_code == 2, result.output
    assert "public client" in result.output and "SMTP.Send" in result.output and "Traceback" not in result.output


# --- refused sign-ins ------------------------------------------------------------------------

MICROSOFT_OFF = "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."


@pytest.fixture
def microsoft_like(certificate: tuple[Path, Path]) -> Iterator[int]:
    """A server that answers a password sign-in as a Microsoft 365 tenant with SMTP AUTH off does."""

    def refuse(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False, message=f"535 {MICROSOFT_OFF}")

    port = _free_port()
    controller = Controller(
        Mailbox(), hostname="127.0.0.1", port=port, authenticator=refuse, auth_required=True,
        tls_context=tls(certificate), require_starttls=True,
    )  # fmt: skip
    controller.start()
    yield port
    controller.stop()


def test_microsofts_5_7_139_points_to_oauth_not_to_an_app_password(
    reports: Path, microsoft_like: int, certificate: tuple[Path, Path]
) -> None:
    args = ["send", str(reports), "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(microsoft_like)]
    result = invoke([*args, "--smtp-cafile", str(certificate[0]), "--smtp-user", USER, "--send"],
                    env={config.PASSWORD_VARIABLE: "the-normal-password"})  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "SmtpClientAuthentication is disabled" in result.output
    assert "reportgen login microsoft" in result.output and "--smtp-auth oauth2" in result.output
    assert "--via graph" in result.output and "an app password will not help" in result.output
    assert not (reports / DELIVERY).exists()


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        (504, "5.7.30 Basic authentication is not supported for Client Submission.", "MICROSOFT_OAUTH"),
        (535, "5.7.139 Authentication unsuccessful, the user credentials were incorrect.", "PASSWORD"),
        (534, "5.7.9 Application-specific password required. https://support.google.com/mail/?p=... gsmtp",
         "GOOGLE_OAUTH"),
        (534, "5.7.14 <https://accounts.google.com/signin/continue?...> Please log in with your web browser",
         "GOOGLE_OAUTH"),
        (535, "5.7.8 Username and Password not accepted. For more information, go to ... gsmtp", "GOOGLE_OAUTH"),
        (535, "5.7.8 Authentication credentials invalid", "PASSWORD"),
    ],
)  # fmt: skip
def test_each_providers_refusal_gets_its_own_way_out(code: int, text: str, expected: str) -> None:
    from reportgen.delivery import refusals

    assert advice(code, text, oauth=False) == getattr(refusals, expected)


def test_the_new_settings_are_checked_like_the_others(reports: Path, tmp_path: Path) -> None:
    settings = tmp_path / "reportgen.toml"
    settings.write_text('[send]\nsmtp_auth = "kerberos"\nvia = "pigeon"\ngraph_url = 7\n', encoding="utf-8")
    result = invoke(["send", str(reports), "--config", str(settings)])
    assert result.exit_code == 2, result.output
    assert "'smtp_auth' must be one of password, oauth2" in result.output
    assert "'via' must be one of smtp, graph" in result.output and "'graph_url' must be" in result.output


def test_googles_refresh_posts_the_refresh_token_to_the_token_endpoint(tmp_path: Path) -> None:
    """GoogleFlow.refresh through google-auth for real, against a token endpoint on 127.0.0.1."""
    import threading
    from http.server import HTTPServer
    from urllib.parse import parse_qs

    posted: list[dict[str, list[str]]] = []

    class TokenEndpoint(JsonHandler):
        def do_POST(self) -> None:
            posted.append(parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            self.answer(200, {"access_token": "ya29.fresh", "expires_in": 3599, "token_type": "Bearer"})

    endpoint = HTTPServer(("127.0.0.1", 0), TokenEndpoint)
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    try:
        store = TokenStore("file", tmp_path)
        record = {"provider": "google", "account": "", "client_id": "cid.apps.googleusercontent.com",
                  "tenant": "", "client_secret": "not-secret", "refresh_token": "1//rt",
                  "token_uri": f"http://127.0.0.1:{endpoint.server_address[1]}/token"}  # fmt: skip
        store.save("google", record)
        assert StoredSignIn("google", store).token("smtp") == "ya29.fresh"
    finally:
        endpoint.shutdown()
        endpoint.server_close()
        thread.join()
    [form] = posted
    assert form["grant_type"] == ["refresh_token"] and form["refresh_token"] == ["1//rt"]
    assert form["client_id"] == ["cid.apps.googleusercontent.com"] and form["client_secret"] == ["not-secret"]


def _jwt(claims: dict[str, str]) -> str:
    """An unsigned JWT as MSAL reads it (it decodes the id token's claims, it does not check them here)."""

    def part(data: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.sig"


@pytest.fixture
def entra(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A pretend Microsoft Entra on https://127.0.0.1: discovery, the device code, and the token endpoint."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    asked: list[dict[str, str]] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"https://127.0.0.1:{server.server_address[1]}/contoso"

    class Entra(JsonHandler):
        def do_GET(self) -> None:
            asked.append({"GET": self.path})
            self.answer(200, {"issuer": f"{base}/v2.0", "token_endpoint": f"{base}/oauth2/v2.0/token",
                              "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                              "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode"})  # fmt: skip

        def do_POST(self) -> None:
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
            asked.append({"POST": self.path, **form})
            if self.path.endswith("/devicecode"):
                message = "To sign in, open https://microsoft.com/devicelogin and enter the code ABCD-EFGH."
                return self.answer(200, {"device_code": "dc-1", "user_code": "ABCD-EFGH", "interval": 1,
                                         "verification_uri": "https://microsoft.com/devicelogin", "expires_in": 900,
                                         "message": message})  # fmt: skip
            purpose = "graph" if "graph.microsoft.com" in form.get("scope", "") else "smtp"
            if form.get("grant_type") == "refresh_token" and form.get("refresh_token") != "rt-1":
                return self.answer(400, {"error": "invalid_grant", "error_description": "AADSTS70000: expired"})
            info = base64.urlsafe_b64encode(b'{"uid": "u1", "utid": "t1"}').decode().rstrip("=")
            claims = {"preferred_username": USER, "oid": "u1", "tid": "t1", "iss": f"{base}/v2.0", "aud": "app-1",
                      "sub": "s1"}  # fmt: skip
            self.answer(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": f"at-{purpose}",
                              "refresh_token": "rt-1", "id_token": _jwt(claims), "client_info": info,
                              "scope": form.get("scope", "")})  # fmt: skip

    server.RequestHandlerClass = Entra
    server.socket = tls(certificate).wrap_socket(server.socket, server_side=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))  # MSAL's requests trusts the test authority
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, asked
    server.shutdown()
    server.server_close()
    thread.join()


def test_msal_device_code_sign_in_and_refresh_against_a_pretend_entra(
    entra: tuple[str, list[dict[str, str]]], tmp_path: Path
) -> None:
    authority, asked = entra
    store = TokenStore("file", tmp_path)
    told: list[str] = []
    oauth.login(App("microsoft", "app-1", authority), "smtp", told.append, store)
    assert told == ["To sign in, open https://microsoft.com/devicelogin and enter the code ABCD-EFGH."]
    record = store.load("microsoft")
    assert record is not None and record["refresh_token"] == "rt-1" and record["account"] == USER  # noqa: S105
    device = next(step for step in asked if step.get("POST", "").endswith("/devicecode"))
    assert device["client_id"] == "app-1" and "https://outlook.office.com/SMTP.Send" in device["scope"]
    assert StoredSignIn("microsoft", store).token("graph") == "at-graph"
    refreshed = [step for step in asked if step.get("grant_type") == "refresh_token"]
    assert len(refreshed) == 1 and "https://graph.microsoft.com/Mail.Send" in refreshed[0]["scope"]
    store.save("microsoft", {**record, "refresh_token": "rt-expired"})
    with pytest.raises(SendError, match=r"did not sign you in \(AADSTS70000: expired\)"):
        StoredSignIn("microsoft", store).token("smtp")


class SmallVault(KeyringBackend):
    """A keyring like Windows' Credential Manager: it refuses what is longer than its limit."""

    priority = 1  # type: ignore[assignment]
    limit = 2560

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password) > self.limit:
            raise PasswordSetError(f"the password is {len(password)} characters, over {self.limit}")
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def vault() -> Iterator[SmallVault]:
    import keyring

    before = keyring.get_keyring()
    backend = SmallVault()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_the_keyring_keeps_the_sign_in_and_a_too_long_one_goes_to_the_file(tmp_path: Path, vault: SmallVault) -> None:
    store = TokenStore("keyring", tmp_path)
    short = {"provider": "microsoft", "refresh_token": "rt-short"}
    assert "the system keyring (SmallVault" in store.save("microsoft", short)
    assert vault.kept[("reportgen", "microsoft")] == json.dumps(short) and not (tmp_path / "microsoft.json").exists()
    assert store.load("microsoft") == short
    long = {"provider": "microsoft", "refresh_token": "r" * 3000}
    where = store.save("microsoft", long)
    assert "readable only by you; the system keyring refused it (the password is" in where
    assert stat.S_IMODE((tmp_path / "microsoft.json").stat().st_mode) == 0o600
    assert ("reportgen", "microsoft") not in vault.kept  # the older record is gone: the file is read
    assert store.load("microsoft") == long
