"""Microsoft Graph as a mail transport: /me/sendMail to send, POST /me/messages for a draft in the mailbox.

Each message goes as the same MIME text the SMTP path sends (base64, Content-Type text/plain,
as Graph documents for MIME), so the headers, the Message-ID and the attachment are the same
whichever way it goes. Graph answers 202 to sendMail and 201 with the draft to POST
/me/messages. The outcomes map onto the SMTP ones: refused before the request was whole, or
429/503, is temporary (not sent); 400/404/413 is permanent for that message; a lost answer, or
500/502/504 (the gateway may have passed it on), is unknown; 401/403 stops the run.
"""

from __future__ import annotations

import base64
import http.client
import json
import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..config import SendOptions
from ..errors import SendError
from .mailer import PermanentFailure, StopSending, TemporaryFailure, UnknownOutcome, as_bytes, is_loopback

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .letters import Letter
    from .oauth import IdentityProvider

MIME_LIMIT = 4 * 1024 * 1024  # bytes of base64 MIME Graph takes in one request
TEMPORARY = {429, 503}
UNKNOWN = {500, 502, 504}


class GraphMailer:
    """Sends (or files as drafts) through Microsoft Graph with the facilitator's delegated token."""

    def __init__(self, options: SendOptions, identity: IdentityProvider) -> None:
        parts = urlsplit(options.graph_url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise SendError(f"--graph-url {options.graph_url} is not an http(s) address.", fix=_URL_FIX)
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise SendError(f"--graph-url {options.graph_url} is not encrypted (http).", fix=_URL_FIX)
        self.options = options
        self.identity = identity
        self.parts = parts
        self.token: str | None = None
        self.connection: http.client.HTTPConnection | None = None

    def connect(self) -> None:
        """Get the access token (a sign-in that fails stops the run before anything is sent)."""
        self.token = self.identity.token("graph")

    def describe(self) -> str:
        """The endpoint, for a message that it cannot be reached."""
        return f"--graph-url ({self.options.graph_url})"

    def send(self, message: EmailMessage, recipient: str, before_data: Callable[[], None]) -> str:
        """Send through /me/sendMail; "202 Accepted" once Graph has taken it."""
        status, reason, _ = self._post("/me/sendMail", message, before_data)
        return f"{status} {reason} (Microsoft Graph)"

    def create_draft(self, message: EmailMessage) -> str:
        """Put the message in the facilitator's Drafts folder, unsent; Graph's id for it."""
        _, _, answer = self._post("/me/messages", message, lambda: None)
        try:
            return str(json.loads(answer)["id"])
        except (ValueError, KeyError, TypeError):
            return ""

    def _post(self, path: str, message: EmailMessage, before: Callable[[], None]) -> tuple[int, str, bytes]:
        """POST the message as base64 MIME; (status, reason, body) of a 2xx answer, else the failure it means."""
        body = base64.b64encode(as_bytes(message))
        if len(body) > MIME_LIMIT:
            raise PermanentFailure(
                f"the message is {len(body) // 1024} KB as Graph takes it, over its 4 MB limit; send this one from "
                "Outlook"
            )
        token = self.token or self.identity.token("graph")
        self.token = token
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain", "Accept": "application/json"}
        try:
            connection = self._connection()
            before()
            connection.request("POST", self.parts.path.rstrip("/") + path, body=body, headers=headers)
        except OSError as error:
            self.close()
            raise TemporaryFailure(f"Microsoft Graph cannot be reached ({error})") from None
        try:
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise UnknownOutcome(f"the connection was lost before Graph's answer ({error})") from None
        if 200 <= response.status < 300:
            return response.status, response.reason, answer
        raise _failure(response.status, response.reason, answer)

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            host, port, timeout = str(self.parts.hostname), self.parts.port, self.options.smtp_timeout
            if self.parts.scheme == "https":
                context = ssl.create_default_context()
                self.connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
            else:
                self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        return self.connection

    def close(self) -> None:
        """Close the connection, if one is open."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class MailboxDrafts:
    """Drafts in the facilitator's own Drafts folder through Graph (--drafts-to-mailbox): looked at in Outlook."""

    def __init__(self, graph: GraphMailer) -> None:
        self.graph = graph

    def file(self, letter: Letter, message: EmailMessage) -> None:
        """Create the draft; nothing is sent."""
        self.graph.create_draft(message)


def _failure(status: int, reason: str, answer: bytes) -> Exception:
    """The exception a non-2xx answer means, with Graph's own error code and message."""
    try:
        error = json.loads(answer).get("error", {})
        said = f"{error.get('code', reason)}: {error.get('message', '')}".strip(": ")
    except (ValueError, AttributeError):
        said = reason
    text = f"{status} {said} (Microsoft Graph)"
    if status in (401, 403):
        return StopSending(
            f"{text}. Microsoft Graph refused your sign-in for sending; nothing more was sent. Sign in again with "
            "`reportgen login microsoft --graph`; if it says access is denied, IT must consent to the delegated "
            "permissions Mail.Send (and Mail.ReadWrite for drafts) for the app"
        )
    if status in TEMPORARY:
        return TemporaryFailure(text)
    if status in UNKNOWN:
        return UnknownOutcome(f"Graph answered {text}, so it may have been sent")
    return PermanentFailure(text)


_URL_FIX = "Leave --graph-url out for Microsoft's own (https://graph.microsoft.com/v1.0), or give an https address."
