"""SMTP and the messages themselves: the only module that imports smtplib, ssl and email."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr, quote
from typing import TYPE_CHECKING

from ..config import SECURITY_PORTS, SendOptions
from ..errors import SendError
from .addresses import Address, AddressError, parse_address
from .refusals import login_refused

if TYPE_CHECKING:
    from .oauth import IdentityProvider


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


def sender_address(options: SendOptions) -> Address:
    """The sender's address, checked as the leaders' are."""
    address = sender(options)[1]
    try:
        return parse_address(address)
    except AddressError as error:
        raise SendError(
            f"The sender address {address} cannot be used: {error}",
            fix='Give --from "Name <address>" with an address mail can be sent from.',
        ) from None


def message_id(leader: str, sha256: str, options: SendOptions, test: bool = False) -> str:
    """A Message-ID made of the leader's id (from the manifest) and the PDF's hash: one report's mail has one id."""
    kind = "test." if test else ""
    return f"<reportgen.{kind}{leader[:16]}.{sha256[:16]}@{sender_address(options).domain}>"


def compose(
    name_to: str,
    email: str,
    to: str,
    pdf: bytes,
    filename: str,
    text: tuple[str, str],
    options: SendOptions,
    identity: str,
) -> EmailMessage:
    """The message (subject, body) to one leader, or to --to-me, with their PDF attached."""
    name = sender(options)[0]
    subject, body = text
    message = EmailMessage()
    message["From"] = _header_address(name, sender_address(options))
    message["To"] = _header_address(name_to if to == email else "", parse_address(to))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = identity
    message.set_content(body)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    return message


def compose_text(name_to: str, to: str, text: tuple[str, str], options: SendOptions, identity: str) -> EmailMessage:
    """A message without attachment (a reminder) to one leader."""
    subject, body = text
    message = EmailMessage()
    message["From"] = _header_address(sender(options)[0], sender_address(options))
    message["To"] = _header_address(name_to, parse_address(to))
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = identity
    message.set_content(body)
    return message


def _header_address(name: str, address: Address) -> str:
    """A From or To header's value; the domain in IDNA unless the whole address must be UTF-8 anyway."""
    if address.smtputf8:  # formataddr wants ASCII; the message then goes out with UTF-8 headers (RFC 6532)
        return f'"{quote(name)}" <{address.envelope}>' if name else address.envelope
    return formataddr((name, address.envelope))


CONNECT_TIMEOUT = 20.0  # seconds


class TemporaryFailure(Exception):
    """The server did not take the message now (4xx, lost connection before it was handed over): retry later."""


class PermanentFailure(Exception):
    """The server refused this message for good (5xx), or it cannot be sent: mark it failed and go on."""


class UnknownOutcome(Exception):
    """The message was handed over but the server's answer never came: it may have been delivered."""


class StopSending(Exception):
    """The server refused the sender, not the message (a sign-in no longer accepted): nothing taken; stop the run."""


class Mailer:
    """One SMTP connection, opened on demand, re-opened after a drop."""

    def __init__(
        self, options: SendOptions, password: Callable[[], str | None], identity: IdentityProvider | None = None
    ) -> None:
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
        if options.smtp_security == "none" and not is_loopback(options.smtp_host):
            raise SendError(
                f"Sending without encryption is allowed only to a relay on this machine, not to {options.smtp_host}.",
                fix="Use --smtp-security starttls or ssl, or a local relay on 127.0.0.1.",
            )
        if options.smtp_auth not in ("password", "oauth2"):
            raise SendError(
                f'--smtp-auth "{options.smtp_auth}" is not one of password, oauth2.',
                fix="Use password (with --smtp-user), or oauth2 after reportgen login microsoft|google.",
            )
        if options.smtp_auth == "oauth2" and identity is None:
            raise SendError("--smtp-auth oauth2 needs an access token.", fix="Run reportgen login first.")
        self.options = options
        self.port = options.smtp_port or SECURITY_PORTS[options.smtp_security]
        self.identity = identity if options.smtp_auth == "oauth2" else None
        self.password = password() if options.smtp_user and self.identity is None else None
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
            user = self.login_user()
            oauth = self.identity is not None
            raise login_refused(host, user, error.smtp_code, _text(error.smtp_error), oauth) from None
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
        # A server that is not there is known soon: connecting and logging in wait CONNECT_TIMEOUT at most.
        timeout = min(options.smtp_timeout, CONNECT_TIMEOUT)
        if options.smtp_security == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(host, self.port, context=context, timeout=timeout)
        else:
            connection = smtplib.SMTP(host, self.port, timeout=timeout)
        try:
            connection.ehlo()
            if options.smtp_security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if self.identity is not None:
                _xoauth2(connection, self.login_user(), self.identity.token("smtp"), host)
            elif options.smtp_user:
                connection.login(options.smtp_user, self.password or "")
            if connection.sock is not None:
                connection.sock.settimeout(options.smtp_timeout)  # the answer to a message may take longer
        except BaseException:
            connection.close()
            raise
        return connection

    def login_user(self) -> str:
        """Whom to sign in as: --smtp-user, else (for XOAUTH2) the sender's address."""
        return self.options.smtp_user or (sender(self.options)[1] if self.identity is not None else "")

    def describe(self) -> str:
        """The server and its settings, for a message that it cannot be reached."""
        options = self.options
        return (
            f"--smtp-host ({options.smtp_host}), --smtp-port ({self.port}) and --smtp-security "
            f"({options.smtp_security})"
        )

    def send(self, message: EmailMessage, recipient: str, before_data: Callable[[], None]) -> str:
        """Hand the message to the server for this one recipient; the server's reply when it accepts it.

        `before_data` runs once the server has taken sender and recipient, just before the message
        itself goes out (the intent is logged there). TemporaryFailure and PermanentFailure mean the
        server did not take it; UnknownOutcome, raised once the message has been handed over, means
        it may have: never send that one again on your own.
        """
        address = parse_address(recipient)
        from_address = sender_address(self.options)
        utf8 = address.smtputf8 or from_address.smtputf8
        try:
            connection = self.connection or self.connect()
            if utf8 and not connection.has_extn("smtputf8"):
                raise PermanentFailure(
                    f"{address.envelope if address.smtputf8 else from_address.envelope} has letters beyond ASCII "
                    "before the @, and the server does not accept such addresses (it does not offer SMTPUTF8); "
                    "send this one from your own mail program"
                )
            code, reply = connection.mail(from_address.envelope, ["SMTPUTF8", "BODY=8BITMIME"] if utf8 else [])
            _check(code, reply, connection)
            code, reply = connection.rcpt(address.envelope)
            _check(code, reply, connection)
            before_data()
            code, reply = connection.docmd("DATA")
            _check(code, reply, connection, ok=(354,))
            # CRLF line ends, as SMTP wants; UTF-8 headers only where the server was asked for SMTPUTF8.
            payload = _dot_stuffed(message.as_bytes(policy=policy.SMTPUTF8 if utf8 else policy.SMTP))
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise TemporaryFailure(f"connection lost ({error})") from None
        try:
            connection.send(payload)
            code, reply = connection.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise UnknownOutcome(f"the connection was lost before the server's answer ({error})") from None
        if code != 250:
            failure = TemporaryFailure if 400 <= code < 500 else PermanentFailure
            raise failure(f"{code} {_text(reply)}")
        return f"{code} {_text(reply)}"

    def close(self) -> None:
        """Say goodbye to the server, or just close the connection if it is gone."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def _xoauth2(connection: smtplib.SMTP, user: str, token: str, host: str) -> None:
    """Sign in with SASL XOAUTH2 (Microsoft 365, Gmail): the user and a bearer token, no password."""
    offered = connection.esmtp_features.get("auth", "").upper().split()
    if "XOAUTH2" not in offered:
        raise SendError(
            f"The SMTP server {host} does not offer sign-in with OAuth (XOAUTH2); it offers: "
            f"{', '.join(offered) or 'no sign-in at all'}.",
            fix="Use --smtp-auth password with this server, or the server of your Microsoft 365 or Google account "
            "(smtp.office365.com, smtp.gmail.com).",
        )
    initial = f"user={user}\x01auth=Bearer {token}\x01\x01"

    def respond(challenge: bytes | None = None) -> str:
        # An error comes as a 334 challenge (JSON); the empty answer ends the exchange, and the 535 follows.
        return initial if challenge is None else ""

    connection.auth("XOAUTH2", respond, initial_response_ok=True)


def _check(code: int, reply: bytes | str, connection: smtplib.SMTP, ok: tuple[int, ...] = (250, 251)) -> None:
    """Nothing if the server said `ok`; else the failure its code means, the transaction ended."""
    if code in ok:
        return
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.rset()  # end the refused transaction; the connection serves the next message
    failure = TemporaryFailure if 400 <= code < 500 else PermanentFailure
    raise failure(f"{code} {_text(reply)}")


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA carries it: a leading dot doubled on each line, ended by a line with one dot."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data + (b"" if data.endswith(b"\r\n") else b"\r\n") + b".\r\n"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def is_loopback(host: str) -> bool:
    """Whether every address of the host is on this machine."""
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None))
    except (OSError, ValueError):
        return False


def as_bytes(message: EmailMessage) -> bytes:
    """The message as a file, for an .eml draft; with UTF-8 headers when an address needs them."""
    local_parts = [address.username for name in ("From", "To") for address in message[name].addresses]
    return message.as_bytes(policy=policy.default.clone(utf8=not all(part.isascii() for part in local_parts)))
