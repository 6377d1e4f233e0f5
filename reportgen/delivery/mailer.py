"""SMTP and the messages themselves: the only module that imports smtplib, ssl and email."""

from __future__ import annotations

import contextlib
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from ..config import PASSWORD_VARIABLE, SECURITY_PORTS, SendOptions
from ..errors import SendError


def sender(options: SendOptions) -> tuple[str, str]:
    """(name, address) of the sender; an address is required."""
    name, address = parseaddr(options.sender)
    if "@" not in address:
        raise SendError(
            "No sender address is given.",
            fix='Give --from "Name <address>", or set from in the [mail] table of brand.toml '
            "or the [send] table of reportgen.toml.",
        )
    return name, address


def compose(
    name_to: str, email: str, to: str, pdf: bytes, filename: str, text: tuple[str, str], options: SendOptions
) -> EmailMessage:
    """The message (subject, body) to one leader, or to --to-me, with their PDF attached."""
    name, address = sender(options)
    subject, body = text
    message = EmailMessage()
    message["From"] = formataddr((name, address))
    message["To"] = formataddr((name_to, to)) if to == email else to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=address.rpartition("@")[2] or None)
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


class TemporaryFailure(Exception):
    """The server could not take the message now (4xx, lost connection): retry later."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): mark it failed and go on."""


class Mailer:
    """One SMTP connection, opened on demand, re-opened after a drop."""

    def __init__(self, options: SendOptions, password: Callable[[], str | None]) -> None:
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
        """Open the connection: encrypted, certificates verified, logged in."""
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
        """Say goodbye to the server, or just close the connection if it is gone."""
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


def as_bytes(message: EmailMessage) -> bytes:
    """The message as a file, for an .eml draft."""
    return message.as_bytes()
