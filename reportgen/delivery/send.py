"""Sends the built reports: one e-mail per leader, at most once, or one .eml draft each.

Keeps DIR/delivery.csv (delivery/log.py), the intent before each message and its outcome
after, so that a re-run, after a crash, a kill or Ctrl-C, never sends a leader the same
report twice; a message whose outcome is unknown is never sent again unasked. Paces by
--rate, stops at the daily cap, retries a temporary failure (one the server certainly did
not take) and then stops so that a re-run finishes. A server that cannot be reached before
the first message stops the run at once.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..config import SendOptions
from ..errors import SendError
from ..output.writer import write_atomic
from .letters import Letter
from .log import record, sent_in_last_day
from .mailer import PermanentFailure, StopSending, TemporaryFailure, UnknownOutcome, as_bytes
from .owner import owner_problem

if TYPE_CHECKING:
    from email.message import EmailMessage


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


@dataclass
class Summary:
    """What a run did, for the CLI to print."""

    sent: list[Letter] = field(default_factory=list)
    drafts: list[Letter] = field(default_factory=list)
    planned: list[Letter] = field(default_factory=list)  # a dry run's
    skipped: list[Letter] = field(default_factory=list)
    changed: list[Letter] = field(default_factory=list)
    failed: list[Letter] = field(default_factory=list)
    unknown: list[Letter] = field(default_factory=list)  # may have been delivered: never sent again unasked
    marked: list[Letter] = field(default_factory=list)  # recorded as sent by --mark-sent
    not_sent: list[Letter] = field(default_factory=list)  # left for the next run: stopped, cap reached
    drafted: list[Letter] = field(default_factory=list)  # a draft was written earlier: held unless --include-drafted
    interrupted: bool = False
    stopped: str = ""
    dry: bool = False  # a dry run: nothing was meant to be sent


def _checked_pdf(folder: Path, letter: Letter) -> tuple[Letter, bytes | None]:
    """The PDF's bytes, read once: checked for its owner, then attached and recorded as they are."""
    try:
        data = (folder / letter.pdf).read_bytes()
    except OSError as error:
        return replace(letter, action="failed", reason=f"{letter.pdf} cannot be read ({error})"), None
    problem = owner_problem(data, letter.pdf, letter.email, letter.leader_id)
    if problem:
        return replace(letter, action="failed", reason=problem), None
    return replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data)), data


UNANSWERED_STOP = 2  # messages in a row whose answer was lost, after which the run stops
Compose = Callable[[Letter, str, bytes], "EmailMessage"]  # (letter, recipient, PDF) → the message


def deliver(
    folder: Path,
    letters: list[Letter],
    compose_for: Compose,
    mailer: Transport,
    options: SendOptions,
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    clock: Clock | None = None,
) -> Summary:
    """Send each letter marked "send", one recipient per message, logging the intent and then the outcome."""
    clock = clock or SystemClock()
    summary = _sorted(letters)
    budget = options.daily_cap - sent_in_last_day(folder)
    interval = 60.0 / max(options.rate, 1)
    last = 0.0
    queue = [letter for letter in letters if letter.action == "send"]
    unanswered = 0  # messages in a row whose outcome is unknown
    attempt: _Attempt | None = None
    try:
        if queue and budget > 0:
            _first_connection(mailer)
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
            attempt = _Attempt(folder, letter, recipient, str(message["Message-ID"]), logged=not to_me)
            clock.sleep(max(0.0, last + interval - clock.monotonic()))
            try:
                response = _with_retries(mailer, message, attempt, options, clock)
            except PermanentFailure as error:
                failed = replace(letter, action="failed", reason=f"not sent: {error}")
                attempt.outcome("failed", str(error), always=True)
                summary.failed.append(failed)
                continue
            except UnknownOutcome as error:
                budget -= 1
                attempt.outcome("unknown", str(error))
                if to_me:
                    summary.failed.append(replace(letter, action="failed", reason=f"{error}; check your inbox"))
                else:
                    reason = f"handed to the server as {attempt.message_id}, but {error}"
                    summary.unknown.append(replace(letter, action="unknown", reason=reason))
                unanswered += 1
                if unanswered == UNANSWERED_STOP:  # a server that answers no one: don't leave everyone unknown
                    summary.stopped = (
                        f"the server's answer was lost for {unanswered} messages in a row; check those, and run "
                        "send again later (or with a longer --smtp-timeout) to finish"
                    )
                    summary.not_sent += queue[index + 1 :]
                    break
                continue
            except TemporaryFailure as error:
                summary.stopped = f"the server could not be reached: {error}; run send again to finish"
                summary.not_sent += queue[index:]
                break
            except StopSending as error:
                attempt.outcome("deferred", f"not sent: {error}")
                summary.stopped = str(error)
                summary.not_sent += queue[index:]
                break
            finally:
                last = clock.monotonic()
            unanswered = 0
            attempt.outcome("sent", response)
            if to_me:
                record(folder, letter, "test", recipient, response, attempt.message_id)
            budget -= 1
            summary.sent.append(letter)
            if on_letter:
                on_letter(letter)
    except KeyboardInterrupt:
        summary.interrupted = True
        if attempt is not None and attempt.pending:  # Ctrl-C while the message was on its way
            attempt.outcome("unknown", "interrupted (Ctrl-C) while the message was on its way")
            reason = f"handed to the server as {attempt.message_id}, but the run was interrupted before its answer"
            summary.unknown.append(replace(attempt.letter, action="unknown", reason=reason))
        done = {letter.source_row for letter in (*summary.sent, *summary.failed, *summary.unknown)}
        summary.not_sent += [letter for letter in queue if letter.source_row not in done]
    finally:
        mailer.close()
    return summary


def _first_connection(mailer: Transport) -> None:
    """Connect before the first message: a server that cannot be reached ends the run at once, nothing sent."""
    try:
        mailer.connect()
    except TemporaryFailure as error:
        raise SendError(
            f"The SMTP server cannot be reached: {error}. Nothing was sent.",
            fix=f"Check {mailer.describe()} against your mail provider's settings, and that this computer is online "
            "(a firewall may block the port); then run send again.",
        ) from None


@dataclass
class _Attempt:
    """One letter's way to the server, logged: the intent before DATA, then what became of it."""

    folder: Path
    letter: Letter
    recipient: str
    message_id: str
    logged: bool  # a --to-me test is recorded only once it has been sent
    pending: bool = False  # the intent is logged and its outcome not yet

    def intend(self) -> None:
        """Log that the message is about to go out: from here on, a crash leaves it "unknown"."""
        if self.logged:
            self.pending = True  # from the first byte of the line on: a line cut short is read as unknown too
            record(self.folder, self.letter, "sending", self.recipient, "", self.message_id)

    def outcome(self, status: str, response: str, always: bool = False) -> None:
        """Log what became of the message logged as intended (or, `always`, of one refused before that)."""
        if self.pending or (always and self.logged):
            record(self.folder, self.letter, status, self.recipient, response, self.message_id)
            self.pending = False


def _with_retries(
    mailer: Transport, message: EmailMessage, attempt: _Attempt, options: SendOptions, clock: Clock
) -> str:
    """The server's reply once it accepts; a temporary failure (it surely did not take it) is tried again."""
    for delay in (0.0, *options.retry_delays):
        clock.sleep(delay)
        try:
            return mailer.send(message, attempt.recipient, attempt.intend)
        except TemporaryFailure as error:
            attempt.outcome("deferred", f"not delivered: {error}")
            failure = error
    raise failure


class EmlFolder:
    """Drafts as .eml files in a folder, marked unsent, for the facilitator's own mail program (--eml)."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def file(self, letter: Letter, message: EmailMessage) -> None:
        """Write the message as PDF-name.eml."""
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        write_atomic(self.target / f"{Path(letter.pdf).stem}.eml", as_bytes(message))


def write_drafts(folder: Path, box: DraftBox, letters: list[Letter], compose_for: Compose) -> Summary:
    """One draft per letter to send, filed in the box (.eml files, or the mailbox's Drafts folder)."""
    summary = _sorted(letters)
    queue = [letter for letter in letters if letter.action == "send"]
    for index, letter in enumerate(queue):
        letter, pdf = _checked_pdf(folder, letter)
        if pdf is None:
            summary.failed.append(letter)
            continue
        try:
            box.file(letter, compose_for(letter, letter.email, pdf))
        except (PermanentFailure, UnknownOutcome) as error:
            summary.failed.append(replace(letter, action="failed", reason=f"no draft made: {error}"))
            continue
        except (TemporaryFailure, StopSending) as error:
            summary.stopped = f"no more drafts could be made: {error}; run send again to finish"
            summary.not_sent += queue[index:]
            break
        summary.drafts.append(letter)
    return summary


def dry_run(folder: Path, letters: list[Letter]) -> Summary:
    """What a real run would do, with each PDF's owner checked; nothing sent, nothing recorded."""
    summary = _sorted(letters)
    summary.dry = True
    for letter in letters:
        if letter.action == "send":
            letter, pdf = _checked_pdf(folder, letter)
            (summary.planned if pdf is not None else summary.failed).append(letter)
    return summary


def _sorted(letters: list[Letter]) -> Summary:
    """A summary that already lists the letters the plan skips, holds back or can't send."""
    summary = Summary()
    lists = {
        "skip": summary.skipped, "changed": summary.changed, "failed": summary.failed, "unknown": summary.unknown,
        "marked": summary.marked, "drafted": summary.drafted,
    }  # fmt: skip
    for letter in letters:
        if letter.action in lists:
            lists[letter.action].append(letter)
    return summary
