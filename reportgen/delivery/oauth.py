"""Signing in without a password: one small interface for access tokens, and the three ways to get them.

`IdentityProvider.token(purpose)` is all that sending needs: an OAuth 2.0 access token for
"smtp" (XOAUTH2) or "graph" (Microsoft Graph). It comes from the facilitator's stored
sign-in (`reportgen login microsoft|google`: MSAL's device code, google-auth-oauthlib's
installed-app flow), refreshed with the refresh token kept by `tokens.TokenStore`, or from
the output of a command IT provides (`--oauth-token-command`, like msmtp's passwordeval).
msal and google-auth-oauthlib are imported only when a sign-in is used.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import SendError
from .tokens import TokenStore

# Scopes per provider and purpose. Microsoft's refresh token serves both resources once consented.
MICROSOFT_SCOPES = {
    "smtp": ["https://outlook.office.com/SMTP.Send"],
    "graph": ["https://graph.microsoft.com/Mail.Send", "https://graph.microsoft.com/Mail.ReadWrite"],
}
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
GOOGLE_SCOPES = ["https://mail.google.com/"]  # the one scope Gmail's SMTP accepts for XOAUTH2
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
REGISTER_FIX = {
    "microsoft": "Ask IT for the client id of an app registration in Entra ID (a public client with the device "
    "code flow allowed, and the delegated permissions SMTP.Send, Mail.Send and Mail.ReadWrite consented), then "
    "give it with --client-id (and --tenant) or as microsoft_client_id in the [send] table of reportgen.toml.",
    "google": "Make an OAuth client of type Desktop app in Google Cloud (APIs & Services → Credentials, scope "
    "https://mail.google.com/), then give its id and secret with --client-id and --client-secret or as "
    "google_client_id and google_client_secret in the [send] table of reportgen.toml.",
}


class IdentityProvider(Protocol):
    """Where access tokens come from; tests give one of their own."""

    def token(self, purpose: str) -> str:
        """A fresh access token for "smtp" or "graph"; SendError saying what to do when there is none."""


@dataclass(frozen=True)
class App:
    """The app registration a sign-in goes through: IT's, configured, never built in."""

    provider: str  # "microsoft" or "google"
    client_id: str
    tenant: str = "organizations"  # Microsoft: a tenant id or domain, or "organizations"
    client_secret: str = ""  # Google's installed apps have one that is not secret


class TokenCommand:
    """The access token printed by IT's own command (`--oauth-token-command`), run for each connection."""

    def __init__(self, command: str) -> None:
        self.command = command

    def token(self, purpose: str) -> str:
        """The command's first line of output; SendError if it fails or prints nothing."""
        try:
            done = subprocess.run(  # noqa: S603 (the facilitator's own command, split as a shell would)
                shlex.split(self.command), capture_output=True, text=True, timeout=120, check=False
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as error:
            raise SendError(
                f"The token command {self.command!r} cannot be run ({error}).",
                fix="Check --oauth-token-command (or oauth_token_command in reportgen.toml).",
            ) from None
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines:
            said = done.stderr.strip().splitlines()[-1:] or ["nothing"]
            raise SendError(
                f"The token command {self.command!r} gave no access token (exit {done.returncode}, said: {said[0]}).",
                fix="Run it yourself to see what it needs; it must print the token on its first line.",
            )
        return lines[0].strip()


class StoredSignIn:
    """The facilitator's sign-in from `reportgen login`, refreshed silently; the new refresh token kept."""

    def __init__(self, provider: str, store: TokenStore | None = None) -> None:
        self.provider = provider
        self.store = store or TokenStore()

    def token(self, purpose: str) -> str:
        """An access token from the stored refresh token."""
        record = self.store.load(self.provider)
        if record is None:
            raise SendError(
                f"You have not signed in with {self.provider.capitalize()} on this computer.",
                fix=f"Run: reportgen login {self.provider}   (then send again), or give --oauth-token-command.",
            )
        access, renewed = FLOWS[self.provider].refresh(record, purpose)
        if renewed != record:
            self.store.save(self.provider, renewed)
        return access


class Flow(Protocol):
    """A provider's interactive sign-in and its silent refresh."""

    def sign_in(self, app: App, purpose: str, tell: Callable[[str], None]) -> dict[str, str]:
        """Sign in interactively; the record to store (account, refresh token, the app)."""

    def refresh(self, record: dict[str, str], purpose: str) -> tuple[str, dict[str, str]]:
        """An access token from the record, and the record with any new refresh token."""


class MicrosoftFlow:
    """Microsoft 365 through MSAL: the device code (a code typed at microsoft.com/devicelogin), no browser here."""

    def _app(self, client_id: str, tenant: str) -> Any:
        """MSAL's client for the tenant: a tenant id or domain, or a whole authority URL (another cloud, a test)."""
        import msal

        authority = tenant if tenant.startswith("https://") else f"{MICROSOFT_AUTHORITY}/{tenant}"
        known = authority.startswith(MICROSOFT_AUTHORITY + "/")
        return msal.PublicClientApplication(client_id, authority=authority, instance_discovery=known)

    def sign_in(self, app: App, purpose: str, tell: Callable[[str], None]) -> dict[str, str]:
        """Show the code and the address to type it at; wait until the facilitator has signed in there."""
        client = self._app(app.client_id, app.tenant)
        flow = client.initiate_device_flow(scopes=MICROSOFT_SCOPES[purpose])
        if "user_code" not in flow:
            raise _refused("microsoft", flow)
        tell(str(flow["message"]))
        result = client.acquire_token_by_device_flow(flow)
        return _record(app, result, str(result.get("id_token_claims", {}).get("preferred_username", "")))

    def refresh(self, record: dict[str, str], purpose: str) -> tuple[str, dict[str, str]]:
        """A token for SMTP or Graph from the one refresh token."""
        client = self._app(record["client_id"], record["tenant"])
        result = client.acquire_token_by_refresh_token(record["refresh_token"], scopes=MICROSOFT_SCOPES[purpose])
        if "access_token" not in result:
            raise _refused("microsoft", result)
        renewed = {**record, "refresh_token": str(result.get("refresh_token") or record["refresh_token"])}
        return str(result["access_token"]), renewed


class GoogleFlow:
    """Gmail through google-auth-oauthlib: the browser opens Google's page, the answer comes back to localhost."""

    def sign_in(self, app: App, purpose: str, tell: Callable[[str], None]) -> dict[str, str]:
        """Open the browser (or show the address to open) and wait for the answer on a local port."""
        from google_auth_oauthlib.flow import InstalledAppFlow

        installed = {"client_id": app.client_id, "client_secret": app.client_secret}
        config = {"installed": {**installed, "auth_uri": GOOGLE_AUTH_URI, "token_uri": GOOGLE_TOKEN_URI}}
        flow = InstalledAppFlow.from_client_config(config, scopes=GOOGLE_SCOPES)
        credentials = flow.run_local_server(port=0, authorization_prompt_message="Open this address to sign in: {url}")
        if not credentials.refresh_token:
            raise _refused("google", {"error_description": "Google sent no refresh token"})
        return _record(app, {"refresh_token": credentials.refresh_token}, "")

    def refresh(self, record: dict[str, str], purpose: str) -> tuple[str, dict[str, str]]:
        """A fresh access token from Google's token endpoint."""
        from google.auth.exceptions import RefreshError
        from google.auth.transport.requests import Request
        from google.oauth2.credentials import Credentials

        credentials = Credentials(  # type: ignore[no-untyped-call]
            None,
            refresh_token=record["refresh_token"],
            token_uri=record.get("token_uri") or GOOGLE_TOKEN_URI,
            client_id=record["client_id"],
            client_secret=record["client_secret"],
        )
        try:
            credentials.refresh(Request())  # type: ignore[no-untyped-call]
        except RefreshError as error:
            raise _refused("google", {"error_description": str(error)}) from None
        return str(credentials.token), record


FLOWS: dict[str, Flow] = {"microsoft": MicrosoftFlow(), "google": GoogleFlow()}


def login(app: App, purpose: str, tell: Callable[[str], None], store: TokenStore | None = None) -> str:
    """Sign in interactively and keep the refresh token; where it was kept."""
    if not app.client_id:
        raise SendError(
            f"No app registration is given for {app.provider.capitalize()}.", fix=REGISTER_FIX[app.provider]
        )
    record = FLOWS[app.provider].sign_in(app, purpose, tell)
    store = store or TokenStore()
    return store.save(app.provider, record)


def _record(app: App, result: dict[str, Any], account: str) -> dict[str, str]:
    if "refresh_token" not in result:
        raise _refused(app.provider, result)
    kept = {"provider": app.provider, "account": account, "client_id": app.client_id, "tenant": app.tenant}
    return {**kept, "client_secret": app.client_secret, "refresh_token": str(result["refresh_token"])}


def _refused(provider: str, result: dict[str, Any]) -> SendError:
    said = str(result.get("error_description") or result.get("error") or "no answer")
    first = said.splitlines()[0] if said else "no answer"
    return SendError(
        f"{provider.capitalize()} did not sign you in ({first}).",
        fix=f"Run reportgen login {provider} again; if it says the app needs consent or is unknown: "
        + REGISTER_FIX[provider],
    )
