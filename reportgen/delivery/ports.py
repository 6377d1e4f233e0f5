"""What the send loop talks to: the clock it paces by, the transport that hands messages over, the draft box."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .letters import Letter


class Clock(Protocol):
    """Time as the pacing sees it; tests give one that never sleeps."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""

    def sleep(self, seconds: float) -> None:
        """Wait this long."""


class Transport(Protocol):
    """A way to hand messages over: SMTP (mailer.Mailer) or Microsoft Graph (graph.GraphMailer)."""

    def connect(self) -> object:
        """Connect and sign in; TemporaryFailure when the server cannot be reached."""

    def send(self, message: EmailMessage, recipient: str, before_data: Callable[[], None]) -> str:
        """Hand one message over; the server's reply."""

    def describe(self) -> str:
        """The settings that name the server, for a message that it cannot be reached."""

    def close(self) -> None:
        """Close the connection."""


class DraftBox(Protocol):
    """Where drafts go instead of being sent: .eml files, or the mailbox's Drafts folder."""

    def file(self, letter: Letter, message: EmailMessage) -> None:
        """Keep this message as a draft, unsent."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Wait."""
        time.sleep(seconds)
