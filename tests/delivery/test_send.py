"""`reportgen send` against a real SMTP server on 127.0.0.1 (aiosmtpd), started by the tests."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import Result

from reportgen import config
from reportgen.config import Settings
from reportgen.delivery.letters import Letter, MailText
from reportgen.delivery.log import DELIVERY
from reportgen.delivery.owner import owner_problem
from reportgen.output.manifest import read_manifest
from reportgen.pipeline import send as send_pipeline
from reportgen.pipeline.build import build

from ..conftest import IDENTITY, FakeClock, invoke, item_headers, leader_row, write_xlsx

LEADERS = [
    ("Søren Østergaard", "soren@example.dk"),
    ("Åse Bræmer", "aase@example.dk"),
    ("Lars Nielsen", "lars@example.com"),
]
SENDER = "Workshop <workshop@example.dk>"


@dataclass
class Mailbox:
    """What the server received, and how it should behave."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    # Drop the connection at RCPT once this many were accepted: the server goes away between messages.
    # (A drop after the message was handed over is another fault, "unknown": see test_send_faults.py.)
    drop_after: int | None = None
    refuse: set[str] = field(default_factory=set)  # recipients refused for good (550)
    busy: int = 0  # answer this many DATA commands with "451 try again later" first

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 closing"
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 try again later"
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return f"250 OK queued as {len(self.messages)}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three leaders' reports, built once; each test sends from its own copy."""
    folder = tmp_path_factory.mktemp("send")
    rows = [leader_row(name, email, 3 + n % 2) for n, (name, email) in enumerate(LEADERS)]
    survey = write_xlsx(folder / "survey.xlsx", [IDENTITY + item_headers(), *rows])
    build(Settings(survey=survey, output_dir=folder / "reports", report_date=date(2026, 11, 27), jobs=1))
    return folder / "reports"


@pytest.fixture
def reports(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_clock: FakeClock) -> Path:
    monkeypatch.chdir(tmp_path)  # no reportgen.toml of the developer's
    return Path(shutil.copytree(built, tmp_path / "reports"))


def send(folder: Path, port: int, *options: str, env: dict[str, str] | None = None) -> Result:
    args = ["send", str(folder), "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
    return invoke([*args, "--rate", "600", *options], env=env)


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return str(part.get_filename()), part.get_content()


def test_each_leader_gets_one_message_with_one_recipient_and_their_own_pdf(
    reports: Path, server: tuple[Mailbox, int]
) -> None:
    mailbox, port = server
    result = send(reports, port, "--smtp-security", "none", "--send")
    assert result.exit_code == 0, result.output
    assert sorted(rcpts[0] for rcpts, _ in mailbox.messages) == sorted(email for _, email in LEADERS)
    ids = {row.email: row.leader_id for row in read_manifest(reports) or []}
    for rcpts, message in mailbox.messages:
        assert len(rcpts) == 1 and message["To"].addresses[0].addr_spec == rcpts[0]
        assert message["Cc"] is None and message["Bcc"] is None
        name, data = attachment(message)
        assert data == (reports / name).read_bytes()
        assert owner_problem(data, name, rcpts[0], ids[rcpts[0]]) is None
        assert message["Subject"].startswith("Din personlige rapport")
    # Again: nothing new is sent.
    again = send(reports, port, "--smtp-security", "none", "--send")
    assert again.exit_code == 0 and len(mailbox.messages) == len(LEADERS)
    assert "3 already sent" in again.output


def test_an_interrupted_run_resumes_without_sending_anyone_twice(reports: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    mailbox.drop_after = 1
    first = send(reports, port, "--smtp-security", "none", "--send")
    assert first.exit_code == 1 and "could not be reached" in first.output
    assert len(mailbox.messages) == 1
    mailbox.drop_after = None
    second = send(reports, port, "--smtp-security", "none", "--send")
    assert second.exit_code == 0, second.output
    received = sorted(rcpts[0] for rcpts, _ in mailbox.messages)
    assert received == sorted(email for _, email in LEADERS)  # each exactly once


def test_dry_run_sends_nothing_and_to_me_sends_only_to_me(reports: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    dry = send(reports, port, "--smtp-security", "none")
    assert dry.exit_code == 0 and "Dry run: 3 to send" in dry.output and not mailbox.messages
    assert not (reports / DELIVERY).exists()
    test = send(reports, port, "--smtp-security", "none", "--send", "--to-me", "me@example.dk")
    assert test.exit_code == 0, test.output
    assert [rcpts for rcpts, _ in mailbox.messages] == [["me@example.dk"]]  # one sample, unless --all
    first = next(line for line in test.stdout.splitlines() if "test →" in line)
    assert first.strip() in {f"test → you ({name}'s report)" for name, _ in LEADERS}
    assert "1 test message sent to me@example.dk, none to the leaders" in test.stdout
    every = send(reports, port, "--smtp-security", "none", "--send", "--to-me", "--all")
    assert every.exit_code == 0, every.output
    assert [rcpts for rcpts, _ in mailbox.messages[1:]] == [["workshop@example.dk"]] * 3  # --to-me alone: the sender
    # A test run does not count as delivery: the real run still sends to every leader.
    real = send(reports, port, "--smtp-security", "none", "--send")
    assert real.exit_code == 0 and len(mailbox.messages) == 7


def test_drafts_parse_back_with_the_right_attachment(reports: Path, tmp_path: Path) -> None:
    result = invoke(["send", str(reports), "--from", SENDER, "--eml", str(tmp_path / "drafts")])
    assert result.exit_code == 0, result.output
    drafts = sorted((tmp_path / "drafts").glob("*.eml"))
    assert len(drafts) == 3
    for draft in drafts:
        message = BytesParser(policy=policy.default).parsebytes(draft.read_bytes())
        assert message["X-Unsent"] == "1"
        name, data = attachment(message)  # type: ignore[arg-type]
        assert name == f"{draft.stem}.pdf" and data == (reports / name).read_bytes()
        assert message["To"].addresses[0].addr_spec in {email for _, email in LEADERS}


def test_a_pdf_swapped_for_another_leaders_is_caught_before_sending(reports: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    first, second = sorted(reports.glob("*-*.pdf"))[:2]
    shutil.copy(second, first)  # the first leader's file now holds the second leader's report
    result = send(reports, port, "--smtp-security", "none", "--send")
    assert result.exit_code == 1
    assert "belongs to another leader" in result.output and first.name in result.output
    assert len(mailbox.messages) == 2
    assert all(attachment(m)[0] != first.name for _, m in mailbox.messages)


def test_a_refused_recipient_fails_alone_and_a_changed_pdf_waits_for_resend(
    reports: Path, server: tuple[Mailbox, int]
) -> None:
    mailbox, port = server
    mailbox.refuse = {"lars@example.com"}
    result = send(reports, port, "--smtp-security", "none", "--send")
    assert result.exit_code == 1 and "550" in result.output and len(mailbox.messages) == 2
    pdf = next(reports.glob("*soren*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n% changed\n")
    mailbox.refuse = set()
    again = send(reports, port, "--smtp-security", "none", "--send")
    assert "changed since it was sent" in again.output
    assert [rcpts for rcpts, _ in mailbox.messages[2:]] == [["lars@example.com"]]
    resend = send(reports, port, "--smtp-security", "none", "--send", "--resend", "SOREN@example.dk")
    assert resend.exit_code == 0, resend.output
    assert [rcpts for rcpts, _ in mailbox.messages[3:]] == [["soren@example.dk"]]


def test_no_encryption_is_refused_for_a_remote_host(reports: Path) -> None:
    result = invoke(
        ["send", str(reports), "--from", SENDER, "--smtp-host", "192.0.2.1", "--smtp-security", "none", "--send"]
    )
    assert result.exit_code == 2 and "only to a relay on this machine" in result.output


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Mailbox, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=data.login == b"ws" and data.password == b"right", handled=False)

    mailbox, port = Mailbox(), _free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=authenticate, auth_required=True,
    )  # fmt: skip
    controller.start()
    yield mailbox, port
    controller.stop()


def test_starttls_with_a_self_signed_certificate_is_refused_unless_trusted(
    reports: Path, tls_server: tuple[Mailbox, int], certificate: tuple[Path, Path]
) -> None:
    mailbox, port = tls_server
    env = {config.PASSWORD_VARIABLE: "right"}
    refused = send(reports, port, "--smtp-user", "ws", "--send", env=env)
    assert refused.exit_code == 2 and "cannot be verified" in refused.output and not mailbox.messages
    trusted = send(reports, port, "--smtp-user", "ws", "--smtp-cafile", str(certificate[0]), "--send", env=env)
    assert trusted.exit_code == 0, trusted.output
    assert len(mailbox.messages) == 3


def test_a_failed_login_stops_at_once_and_mentions_app_passwords(
    reports: Path, tls_server: tuple[Mailbox, int], certificate: tuple[Path, Path]
) -> None:
    mailbox, port = tls_server
    env = {config.PASSWORD_VARIABLE: "wrong"}
    result = send(reports, port, "--smtp-user", "ws", "--smtp-cafile", str(certificate[0]), "--send", env=env)
    assert result.exit_code == 2 and "app password" in result.output
    assert not mailbox.messages and not (reports / DELIVERY).exists()


def test_a_temporary_failure_is_retried_and_sent_once(reports: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    mailbox.busy = 2  # the first message is refused twice with 451, then accepted
    result = send(reports, port, "--smtp-security", "none", "--send")
    assert result.exit_code == 0, result.output
    assert sorted(rcpts[0] for rcpts, _ in mailbox.messages) == sorted(email for _, email in LEADERS)


def test_the_daily_cap_stops_the_run_and_counts_earlier_sends(reports: Path, server: tuple[Mailbox, int]) -> None:
    mailbox, port = server
    first = send(reports, port, "--smtp-security", "none", "--send", "--daily-cap", "2")
    assert first.exit_code == 1 and "daily cap of 2" in first.output and len(mailbox.messages) == 2
    again = send(reports, port, "--smtp-security", "none", "--send", "--daily-cap", "2")
    assert again.exit_code == 1 and len(mailbox.messages) == 2
    raised = send(reports, port, "--smtp-security", "none", "--send", "--daily-cap", "3")
    assert raised.exit_code == 0 and len(mailbox.messages) == 3


def test_settings_come_from_reportgen_toml_and_options_win(reports: Path, tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text('[send]\nfrom = "Toml Sender <toml@example.dk>"\n', encoding="utf-8")
    drafts = tmp_path / "drafts"
    assert invoke(["send", str(reports), "--eml", str(drafts)]).exit_code == 0
    message = BytesParser(policy=policy.default).parsebytes(next(drafts.glob("*.eml")).read_bytes())
    assert message["From"].addresses[0].addr_spec == "toml@example.dk"
    given = invoke(["send", str(reports), "--eml", str(tmp_path / "d2"), "--from", SENDER])
    assert given.exit_code == 0
    message = BytesParser(policy=policy.default).parsebytes(next((tmp_path / "d2").glob("*.eml")).read_bytes())
    assert message["From"].addresses[0].addr_spec == "workshop@example.dk"
    (tmp_path / "reportgen.toml").write_text('[send]\nsmtp_hots = "x"\nrate = "fast"\n', encoding="utf-8")
    bad = invoke(["send", str(reports)])
    assert (
        bad.exit_code == 2 and "unknown key 'smtp_hots'" in bad.output and "'rate' must be a whole number" in bad.output
    )
    # A misspelt table would leave every mail setting out without a word.
    (tmp_path / "reportgen.toml").write_text('[sned]\nfrom = "Toml Sender <toml@example.dk>"\n', encoding="utf-8")
    bad = invoke(["send", str(reports)])
    assert bad.exit_code == 2 and "unknown table [sned]" in bad.output


def test_every_setting_in_reportgen_toml_is_range_checked_like_its_option(reports: Path, tmp_path: Path) -> None:
    settings = '[send]\nsmtp_timeout = -1\nrate = 0\nsmtp_port = 70000\nsmtp_security = "tls"\ndaily_cap = 0\n'
    (tmp_path / "reportgen.toml").write_text(settings, encoding="utf-8")
    bad = invoke(["send", str(reports), "--config", str(tmp_path / "reportgen.toml")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "Internal error" not in bad.output
    for words in (
        "'smtp_timeout' must be at least 0.1",
        "'rate' must be at least 1",
        "'smtp_port' must be at most 65535",
        "'smtp_security' must be one of starttls, ssl, none",
        "'daily_cap' must be at least 1",
    ):
        assert words in bad.output, words
    # The command line refuses the same values with the same bounds.
    for option, value in (("--smtp-timeout", "-1"), ("--rate", "601"), ("--smtp-port", "0")):
        refused = invoke(["send", str(reports), option, value])
        assert refused.exit_code == 2 and "range" in refused.output, option


def test_ctrl_c_leaves_the_log_consistent_and_a_rerun_finishes(
    reports: Path, server: tuple[Mailbox, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox, port = server
    given = {"sender": SENDER, "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", "rate": 600}
    run = send_pipeline.prepare_send(reports, None, None, given)
    calls = 0
    compose = MailText.message

    def compose_then_interrupt(mail: MailText, letter: Letter, to: str, pdf: bytes) -> EmailMessage:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second message is being prepared
        return compose(mail, letter, to, pdf)

    monkeypatch.setattr(MailText, "message", compose_then_interrupt)
    summary = send_pipeline.deliver(run, lambda: None)
    assert summary.interrupted and len(summary.sent) == 1 and len(summary.not_sent) == 2
    lines = (reports / DELIVERY).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("\ufefftime;status;")  # a Danish build's log, in Danish Excel's dialect as its manifest
    assert len(lines) == 3 and ";sending;" in lines[1] and ";sent;" in lines[2]  # the intent, then the outcome
    rerun = send(reports, port, "--smtp-security", "none", "--send")
    assert rerun.exit_code == 0 and "1 already sent" in rerun.output
    assert sorted(rcpts[0] for rcpts, _ in mailbox.messages) == sorted(email for _, email in LEADERS)


def test_implicit_tls_on_its_own_port(reports: Path, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        result = send(reports, port, "--smtp-security", "ssl", "--smtp-cafile", str(cert), "--send")
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert sorted(rcpts[0] for rcpts, _ in mailbox.messages) == sorted(email for _, email in LEADERS)


def test_mail_uses_the_instrument_the_reports_were_built_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.survey.instrument import DEFAULT_INSTRUMENT

    monkeypatch.chdir(tmp_path)
    own = tmp_path / "own.toml"
    own.write_text(
        DEFAULT_INSTRUMENT.read_text(encoding="utf-8").replace(
            'title = { da = "Lederens GPS til sociale medier"', 'title = { da = "Vores egen ledertest"'
        ),
        encoding="utf-8",
    )
    rows = [leader_row(name, email, 4) for name, email in LEADERS[:1]]
    survey = write_xlsx(tmp_path / "survey.xlsx", [IDENTITY + item_headers(), *rows])
    build(Settings(survey=survey, output_dir=tmp_path / "r", instrument=own, report_date=date(2026, 11, 27), jobs=1))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # send finds the instrument from build.json, not from the cwd
    dry = invoke(["send", str(tmp_path / "r"), "--from", SENDER])
    assert dry.exit_code == 0, dry.output
    assert "Din personlige rapport: Vores egen ledertest" in dry.output


def test_messages_are_paced_by_the_rate_and_retries_wait(
    reports: Path, server: tuple[Mailbox, int], fake_clock: FakeClock
) -> None:
    mailbox, port = server
    mailbox.busy = 1  # the first DATA is answered "451 try again later"
    args = ["send", str(reports), "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(port)]
    result = invoke([*args, "--smtp-security", "none", "--rate", "20", "--send"])
    assert result.exit_code == 0, result.output
    assert len(mailbox.messages) == len(LEADERS)
    waits = [s for s in fake_clock.slept if s > 0]
    assert config.RETRY_DELAYS[0] in waits  # the retry waited its delay, on the fake clock
    assert waits.count(3.0) == len(LEADERS) - 1  # 20 a minute: 3 s between one message and the next
