"""Delivers the built reports: one e-mail per leader, exactly once, or one .eml draft each.

Reads DIR/manifest.csv (written by build) and keeps DIR/delivery.csv, one line per message
the server accepted (or refused), written the moment it happens so that a re-run, after a
crash or Ctrl-C, never sends a leader the same report twice.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import ipaddress
import os
import smtplib
import socket
import ssl
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from . import writer
from .errors import ReportgenError
from .models import PDF_LEADER_KEY, email_key, leader_id

DELIVERY = "delivery.csv"
DELIVERY_COLUMNS = ("time", "status", "name", "email", "sent_to", "pdf", "sha256", "smtp_response")
PASSWORD_VARIABLE = "REPORTGEN_SMTP_PASSWORD"
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
RETRY_DELAYS = (5.0, 30.0, 120.0)  # seconds to wait before each retry of a temporary failure
DEFAULTS: dict[str, object] = {"smtp_security": "starttls", "rate": 20, "daily_cap": 300}
OPTION_TYPES: dict[str, type] = {
    "from": str, "smtp_host": str, "smtp_port": int, "smtp_user": str, "smtp_security": str, "rate": int,
    "daily_cap": int,
}  # fmt: skip


class SendError(ReportgenError):
    """Delivery cannot start or must stop: bad settings, no server, failed login."""


@dataclass(frozen=True)
class Options:
    """How to deliver: from options, reportgen.toml and the brand, in that order."""

    sender: str = ""  # "Name <address>"
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_user: str | None = None
    smtp_security: str = "starttls"
    smtp_cafile: Path | None = None  # a certificate authority to trust besides the system's
    rate: int = 20  # messages per minute
    daily_cap: int = 300  # messages per 24 hours, counted in delivery.csv
    retry_delays: tuple[float, ...] = field(default_factory=lambda: RETRY_DELAYS)


def merge_options(given: Mapping[str, object], config: Mapping[str, object], brand: Mapping[str, object]) -> Options:
    """Options given on the command line win over reportgen.toml, which wins over the brand."""
    merged = {**DEFAULTS, **brand, **config, **{k: v for k, v in given.items() if v is not None}}
    return Options(
        sender=str(merged.get("from") or ""),
        smtp_host=_optional(merged.get("smtp_host")),
        smtp_port=int(merged["smtp_port"]) if merged.get("smtp_port") else None,  # type: ignore[call-overload]
        smtp_user=_optional(merged.get("smtp_user")),
        smtp_security=str(merged["smtp_security"]),
        smtp_cafile=Path(str(merged["smtp_cafile"])) if merged.get("smtp_cafile") else None,
        rate=int(merged["rate"]),  # type: ignore[call-overload]
        daily_cap=int(merged["daily_cap"]),  # type: ignore[call-overload]
    )


def load_config(path: Path, required: bool) -> dict[str, object]:
    """The [send] table of a reportgen.toml, checked; {} when an optional file is absent."""
    if not path.is_file():
        if required:
            raise SendError("The config file does not exist.", fix="Check the path given to --config.", file=path)
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("send", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SendError(f"The config file cannot be read ({error}).", fix="Correct it.", file=path) from None
    check_options(table, path, "[send]")
    return dict(table)


def check_options(table: Mapping[str, object], path: Path, where: str) -> None:
    """Every key known and of its type; every problem listed at once."""
    problems = [f"unknown key '{key}'" for key in table if key not in OPTION_TYPES]
    problems += [
        f"'{key}' must be {'a whole number' if kind is int else 'text in quotes'}"
        for key, kind in OPTION_TYPES.items()
        if key in table and (not isinstance(table[key], kind) or isinstance(table[key], bool))
    ]
    if problems:
        raise SendError(
            f"The {where} settings have problems: " + "; ".join(problems) + ".",
            fix=f"Correct them; the known keys are {', '.join(OPTION_TYPES)}.",
            file=path,
        )


# --- what to send -------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """One leader's report and what became of it in this run."""

    source_row: int
    name: str
    email: str
    pdf: str
    language: str
    sha256: str = ""
    size: int = 0
    action: str = "send"  # send, skip, changed, failed
    reason: str = ""


@dataclass
class Summary:
    """What a run did, for the CLI to print."""

    sent: list[Letter] = field(default_factory=list)
    drafts: list[Letter] = field(default_factory=list)
    planned: list[Letter] = field(default_factory=list)  # a dry run's
    skipped: list[Letter] = field(default_factory=list)
    changed: list[Letter] = field(default_factory=list)
    failed: list[Letter] = field(default_factory=list)
    not_sent: list[Letter] = field(default_factory=list)  # left for the next run: stopped, cap reached
    interrupted: bool = False
    stopped: str = ""


def plan(folder: Path, resend: tuple[str, ...] = ()) -> list[Letter]:
    """Every rendered report of the manifest with what to do with it, checked against delivery.csv."""
    manifest = folder / writer.MANIFEST
    if not manifest.is_file():
        raise SendError(
            "The folder has no manifest.csv, so there is nothing to send.",
            fix="Give the folder that reportgen build wrote the reports into.",
            file=folder,
        )
    with manifest.open(encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if row.get("status") == "rendered"]
    sent = _sent_before(folder)
    again = {email_key(address) for address in resend}
    letters = []
    for row in rows:
        pdf_name = writer.csv_unsafe(row["pdf"])
        email = writer.csv_unsafe(row["email"])
        letter = Letter(
            source_row=int(row["source_row"]),
            name=writer.csv_unsafe(row["name"]),
            email=email,
            pdf=pdf_name,
            language=row.get("language") or "da",
        )
        path = folder / pdf_name
        if Path(pdf_name).name != pdf_name or not path.is_file():
            letters.append(replace(letter, action="failed", reason=f"{pdf_name} is missing; run build again"))
            continue
        data = path.read_bytes()
        letter = replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        earlier = sent.get(email_key(email))
        if email_key(email) in again:
            pass
        elif earlier is not None and earlier["sha256"] == letter.sha256:
            letter = replace(letter, action="skip", reason=f"already sent {earlier['time']}")
        elif earlier is not None:
            letter = replace(letter, action="changed", reason=f"changed since it was sent {earlier['time']}; not sent")
        letters.append(letter)
    return letters


def owner_problem(data: bytes, letter: Letter) -> str | None:
    """Why this PDF must not go to this leader, or None: its metadata must name the manifest row's leader."""
    try:
        metadata: Mapping[str, object] = PdfReader(io.BytesIO(data)).metadata or {}
    except (PyPdfError, ValueError) as error:
        return f"{letter.pdf} cannot be read as a PDF ({error})"
    found = metadata.get(f"/{PDF_LEADER_KEY}")
    if found is None:
        return f"{letter.pdf} carries no leader id (built by an older reportgen?); run build --force"
    if str(found) != leader_id(letter.email):
        return f"{letter.pdf} belongs to another leader than {letter.email}; not sent"
    return None


def _checked_pdf(folder: Path, letter: Letter) -> tuple[Letter, bytes | None]:
    """The PDF's bytes, read once: checked for its owner, then attached and recorded as they are."""
    try:
        data = (folder / letter.pdf).read_bytes()
    except OSError as error:
        return replace(letter, action="failed", reason=f"{letter.pdf} cannot be read ({error})"), None
    problem = owner_problem(data, letter)
    if problem:
        return replace(letter, action="failed", reason=problem), None
    return replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data)), data


def sender(options: Options) -> tuple[str, str]:
    """(name, address) of the sender; an address is required."""
    name, address = parseaddr(options.sender)
    if "@" not in address:
        raise SendError(
            "No sender address is given.",
            fix='Give --from "Name <address>", or set from in the [mail] table of brand.toml '
            "or the [send] table of reportgen.toml.",
        )
    return name, address


def compose(letter: Letter, to: str, pdf: bytes, text: tuple[str, str], options: Options) -> EmailMessage:
    """The message (subject, body) to one leader, or to --to-me, with their PDF attached."""
    name, address = sender(options)
    subject, body = text
    message = EmailMessage()
    message["From"] = formataddr((name, address))
    message["To"] = formataddr((letter.name, to)) if to == letter.email else to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=letter.pdf)
    return message


# --- delivery log ------------------------------------------------------------------------


def _sent_before(folder: Path) -> dict[str, dict[str, str]]:
    """E-mail key → the last "sent" record of delivery.csv; lines cut short by a crash are ignored."""
    path = folder / DELIVERY
    if not path.is_file():
        return {}
    sent: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as file:
        for record in csv.DictReader(file):
            if record.get("status") == "sent" and record.get("sha256") and record.get("smtp_response") is not None:
                sent[email_key(writer.csv_unsafe(record["email"]))] = record
    return sent


def sent_in_last_day(folder: Path) -> int:
    """Messages recorded as sent (or test-sent) in the last 24 hours, for the daily cap."""
    path = folder / DELIVERY
    if not path.is_file():
        return 0
    since = datetime.now(UTC) - timedelta(days=1)
    with path.open(encoding="utf-8", newline="") as file:
        return sum(
            1
            for record in csv.DictReader(file)
            if record.get("status") in ("sent", "test") and _parse_time(record.get("time", "")) >= since
        )


def record(folder: Path, letter: Letter, status: str, sent_to: str, response: str) -> None:
    """Append one line to delivery.csv and make sure it is on disk before going on."""
    path = folder / DELIVERY
    new = not path.exists()
    row = (datetime.now(UTC).isoformat(timespec="seconds"), status, letter.name, letter.email, sent_to,
           letter.pdf, letter.sha256, response)  # fmt: skip
    with path.open("a", encoding="utf-8", newline="") as file:
        out = csv.writer(file, lineterminator="\n")
        if new:
            out.writerow(DELIVERY_COLUMNS)
        out.writerow([writer.csv_safe(cell) for cell in row])
        file.flush()
        os.fsync(file.fileno())


def _parse_time(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


# --- SMTP ---------------------------------------------------------------------------------


class TemporaryFailure(Exception):
    """The server could not take the message now (4xx, lost connection): retry later."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): mark it failed and go on."""


class Mailer:
    """One SMTP connection, opened on demand, re-opened after a drop."""

    def __init__(self, options: Options, password: Callable[[], str | None]) -> None:
        if not options.smtp_host:
            raise SendError(
                "No SMTP server is given.",
                fix="Give --smtp-host (and --smtp-user), set smtp_host in reportgen.toml or the brand, "
                "or write drafts with --eml DIR instead.",
            )
        if options.smtp_security not in SECURITY_PORTS:
            raise SendError(
                f'--smtp-security "{options.smtp_security}" is not one of starttls, ssl, none.',
                fix="Use starttls (port 587, the default) or ssl (port 465).",
            )
        if options.smtp_security == "none" and not _is_loopback(options.smtp_host):
            raise SendError(
                f"Sending without encryption is allowed only to a relay on this machine, not to {options.smtp_host}.",
                fix="Use --smtp-security starttls or ssl, or a local relay on 127.0.0.1.",
            )
        self.options = options
        self.port = options.smtp_port or SECURITY_PORTS[options.smtp_security]
        self.password = password() if options.smtp_user else None
        self.connection: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        options = self.options
        context = ssl.create_default_context()  # certificates and host names verified
        if options.smtp_cafile:
            context.load_verify_locations(cafile=str(options.smtp_cafile))
        host = str(options.smtp_host)
        try:
            connection = self._open(host, context)
        except smtplib.SMTPAuthenticationError as error:
            raise SendError(
                f"The SMTP server {host} refused the login of {options.smtp_user} "
                f"({error.smtp_code} {_text(error.smtp_error)}).",
                fix=f"Check the user and the password in {PASSWORD_VARIABLE}. Gmail and Microsoft 365 accounts "
                "with two-step verification need an app password (Google: Account → Security → App passwords; "
                "Microsoft 365: My Account → Security info → App password), not the normal one.",
            ) from None
        except ssl.SSLCertVerificationError as error:
            raise SendError(
                f"The certificate of the SMTP server {host} cannot be verified ({error.verify_message}).",
                fix="Check the host name; for a relay with its own certificate authority, give it with "
                "--smtp-cafile FILE.",
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise SendError(
                f"The SMTP server {host} does not offer STARTTLS on port {self.port}.",
                fix="Use --smtp-security ssl (port 465), or the server's submission port 587.",
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"cannot connect to {host}:{self.port} ({error})") from None
        self.connection = connection
        return connection

    def _open(self, host: str, context: ssl.SSLContext) -> smtplib.SMTP:
        """A connection, encrypted and logged in; closed again if any of that fails."""
        options = self.options
        if options.smtp_security == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(host, self.port, context=context, timeout=60)
        else:
            connection = smtplib.SMTP(host, self.port, timeout=60)
        try:
            connection.ehlo()
            if options.smtp_security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if options.smtp_user:
                connection.login(options.smtp_user, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage, recipient: str) -> str:
        """Hand the message to the server for this one recipient; the server's reply when it accepts it."""
        sender = parseaddr(self.options.sender)[1]
        try:
            connection = self.connection or self.connect()
            code, reply = connection.mail(sender)
            _check(code, reply, connection)
            code, reply = connection.rcpt(recipient)
            _check(code, reply, connection)
            code, reply = connection.data(message.as_bytes(policy=policy.SMTP))  # CRLF line ends, as SMTP wants
            _check(code, reply, connection)
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise TemporaryFailure(f"connection lost ({error})") from None
        except smtplib.SMTPDataError as error:  # data() raises where mail() and rcpt() return the code
            failure = TemporaryFailure if 400 <= error.smtp_code < 500 else PermanentFailure
            raise failure(f"{error.smtp_code} {_text(error.smtp_error)}") from None
        return f"{code} {_text(reply)}"

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def _check(code: int, reply: bytes | str, connection: smtplib.SMTP) -> None:
    if code in (250, 251):
        return
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.rset()  # end the refused transaction; the connection serves the next message
    failure = TemporaryFailure if 400 <= code < 500 else PermanentFailure
    raise failure(f"{code} {_text(reply)}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


# --- the run --------------------------------------------------------------------------------


Compose = Callable[[Letter, str, bytes], EmailMessage]  # (letter, recipient, PDF) → the message


def deliver(
    folder: Path,
    letters: list[Letter],
    compose_for: Compose,
    mailer: Mailer,
    options: Options,
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Summary:
    """Send each letter marked "send", one recipient per message, recording each as it is accepted."""
    summary = _sorted(letters)
    budget = options.daily_cap - sent_in_last_day(folder)
    interval = 60.0 / max(options.rate, 1)
    last = 0.0
    queue = [letter for letter in letters if letter.action == "send"]
    try:
        for index, letter in enumerate(queue):
            if budget <= 0:
                summary.stopped = f"the daily cap of {options.daily_cap} messages is reached; run send again tomorrow"
                summary.not_sent += queue[index:]
                break
            letter, pdf = _checked_pdf(folder, letter)
            if pdf is None:
                record(folder, letter, "failed", "", letter.reason)
                summary.failed.append(letter)
                continue
            recipient = to_me or letter.email
            message = compose_for(letter, recipient, pdf)
            sleep(max(0.0, last + interval - time.monotonic()))
            try:
                response = _with_retries(mailer, message, recipient, options, sleep)
            except PermanentFailure as error:
                failed = replace(letter, action="failed", reason=f"refused by the server: {error}")
                record(folder, failed, "failed", recipient, str(error))
                summary.failed.append(failed)
                continue
            except TemporaryFailure as error:
                summary.stopped = f"the server could not be reached: {error}; run send again to finish"
                summary.not_sent += queue[index:]
                break
            finally:
                last = time.monotonic()
            record(folder, letter, "test" if to_me else "sent", recipient, response)
            budget -= 1
            summary.sent.append(letter)
            if on_letter:
                on_letter(letter)
    except KeyboardInterrupt:
        summary.interrupted = True
        done = {letter.source_row for letter in (*summary.sent, *summary.failed)}
        summary.not_sent += [letter for letter in queue if letter.source_row not in done]
    finally:
        mailer.close()
    return summary


def _with_retries(
    mailer: Mailer, message: EmailMessage, recipient: str, options: Options, sleep: Callable[[float], None]
) -> str:
    for delay in (0.0, *options.retry_delays):
        sleep(delay)
        try:
            return mailer.send(message, recipient)
        except TemporaryFailure as error:
            failure = error
    raise failure


def write_drafts(folder: Path, target: Path, letters: list[Letter], compose_for: Compose) -> Summary:
    """One .eml draft per letter to send, marked unsent, for the facilitator's own mail program."""
    summary = _sorted(letters)
    target.mkdir(parents=True, exist_ok=True)
    for letter in letters:
        if letter.action != "send":
            continue
        letter, pdf = _checked_pdf(folder, letter)
        if pdf is None:
            summary.failed.append(letter)
            continue
        message = compose_for(letter, letter.email, pdf)
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        writer.write_atomic(target / f"{Path(letter.pdf).stem}.eml", message.as_bytes())
        summary.drafts.append(letter)
    return summary


def dry_run(folder: Path, letters: list[Letter]) -> Summary:
    """What a real run would do, with each PDF's owner checked; nothing sent, nothing recorded."""
    summary = _sorted(letters)
    for letter in letters:
        if letter.action == "send":
            letter, pdf = _checked_pdf(folder, letter)
            (summary.planned if pdf is not None else summary.failed).append(letter)
    return summary


def _sorted(letters: list[Letter]) -> Summary:
    """A summary that already lists the letters the plan skips, holds back or can't send."""
    summary = Summary()
    lists = {"skip": summary.skipped, "changed": summary.changed, "failed": summary.failed}
    for letter in letters:
        if letter.action in lists:
            lists[letter.action].append(letter)
    return summary


def _optional(value: object) -> str | None:
    return str(value) if value else None
