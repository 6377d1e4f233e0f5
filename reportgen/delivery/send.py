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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import SendOptions
from ..errors import SendError
from .letters import Letter
from .log import keep_previous, record, sent_in_last_day
from .mailer import PermanentFailure, StopSending, TemporaryFailure, UnknownOutcome
from .owner import address_problem, owner_problem

# Re-exported: the send loop's clock and transport are imported from here by remind and the pipeline.
from .ports import Clock as Clock
from .ports import DraftBox as DraftBox
from .ports import SystemClock as SystemClock
from .ports import Transport as Transport

if TYPE_CHECKING:
    from email.message import EmailMessage


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
    problem = owner_problem(data, letter.pdf, letter.email, letter.leader_id) or address_problem(letter)
    if problem:
        return replace(letter, action="failed", reason=problem), None
    return replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data)), data


UNANSWERED_STOP = 2  # messages in a row whose answer was lost, after which the run stops
Compose = Callable[[Letter, str, bytes], "EmailMessage"]  # (letter, recipient, PDF) → the message


class _Stop(Exception):
    """The run stops here; the letters not yet tried are left for the next run."""


@dataclass
class _Run:
    """One send run's state: where it logs, how it paces, what it has done so far."""

    folder: Path
    mailer: Transport
    options: SendOptions
    compose_for: Compose
    to_me: str | None
    on_letter: Callable[[Letter], None] | None
    clock: Clock
    summary: Summary
    budget: int
    last: float = 0.0
    unanswered: int = 0  # messages in a row whose outcome is unknown
    attempt: _Attempt | None = None

    def one(self, letter: Letter) -> TemporaryFailure | None:
        """Send one letter, once; the refusal when its mailbox refuses it for now (it is tried again at the end)."""
        letter, pdf = _checked_pdf(self.folder, letter)
        if pdf is None:
            record(self.folder, letter, "failed", "", letter.reason)
            self.summary.failed.append(letter)
            return None
        recipient = self.to_me or letter.email
        message = self.compose_for(letter, recipient, pdf)
        self.attempt = attempt = _Attempt(self.folder, letter, recipient, str(message["Message-ID"]), not self.to_me)
        self.clock.sleep(max(0.0, self.last + 60.0 / max(self.options.rate, 1) - self.clock.monotonic()))
        try:
            response = _with_retries(self.mailer, message, attempt, self.options, self.clock)
        except PermanentFailure as error:
            attempt.outcome("failed", str(error), always=True)
            self.summary.failed.append(replace(letter, action="failed", reason=f"not sent: {error}"))
            return None
        except UnknownOutcome as error:
            self._unknown(attempt, error)
            return None
        except TemporaryFailure as error:
            if error.mailbox:
                return error
            raise _Stop(f"the server could not be reached: {error}; run send again to finish") from None
        except StopSending as error:
            attempt.outcome("deferred", f"not sent: {error}")
            raise _Stop(str(error)) from None
        finally:
            self.last = self.clock.monotonic()
        self._sent(attempt, response)
        return None

    def _sent(self, attempt: _Attempt, response: str) -> None:
        self.unanswered = 0
        attempt.outcome("sent", response)
        if self.to_me:
            record(self.folder, attempt.letter, "test", attempt.recipient, response, attempt.message_id)
        self.budget -= 1
        self.summary.sent.append(attempt.letter)
        if self.on_letter:
            self.on_letter(attempt.letter)

    def _unknown(self, attempt: _Attempt, error: UnknownOutcome) -> None:
        self.budget -= 1
        attempt.outcome("unknown", str(error))
        letter = attempt.letter
        if self.to_me:
            self.summary.failed.append(replace(letter, action="failed", reason=f"{error}; check your inbox"))
        else:
            reason = f"handed to the server as {attempt.message_id}, but {error}"
            self.summary.unknown.append(replace(letter, action="unknown", reason=reason))
        self.unanswered += 1
        if self.unanswered == UNANSWERED_STOP:  # a server that answers no one: don't leave everyone unknown
            raise _Stop(
                f"the server's answer was lost for {self.unanswered} messages in a row; check those, and run "
                "send again later (or with a longer --smtp-timeout) to finish"
            )

    def each(self, queue: list[Letter]) -> list[tuple[Letter, TemporaryFailure]]:
        """Every letter of the queue tried once, in order; those whose mailbox refused them for now."""
        refused = []
        for letter in queue:
            if self.budget <= 0:
                raise _Stop(f"the daily cap of {self.options.daily_cap} messages is reached; run send again tomorrow")
            error = self.one(letter)
            if error is not None:
                refused.append((letter, error))
        return refused

    def deferred(self, refused: list[tuple[Letter, TemporaryFailure]]) -> None:
        """The letters a mailbox refused for now, tried again after each retry delay, then failed with its words.

        One full mailbox never holds up the others: they were all sent before these are tried again,
        and the wait is bounded by the retry delays, once per run.
        """
        for delay in self.options.retry_delays:
            if not refused:
                return
            self.clock.sleep(delay)
            refused = self.each([letter for letter, _ in refused])
        for letter, error in refused:
            reason = f"not sent: the server refused it each time, for now ({error}); run send again later"
            record(self.folder, letter, "failed", "", reason)
            self.summary.failed.append(replace(letter, action="failed", reason=reason))


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
    summary = _sorted(letters)
    budget = options.daily_cap - sent_in_last_day(folder)
    run = _Run(folder, mailer, options, compose_for, to_me, on_letter, clock or SystemClock(), summary, budget)
    queue = [letter for letter in letters if letter.action == "send"]
    try:
        if queue and budget > 0:
            _first_connection(mailer)
            keep_previous(folder)
        run.deferred(run.each(queue))
    except _Stop as stop:
        summary.stopped = str(stop)
        summary.not_sent += _untried(queue, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
        attempt = run.attempt
        if attempt is not None and attempt.pending:  # Ctrl-C while the message was on its way
            attempt.outcome("unknown", "interrupted (Ctrl-C) while the message was on its way")
            reason = f"handed to the server as {attempt.message_id}, but the run was interrupted before its answer"
            summary.unknown.append(replace(attempt.letter, action="unknown", reason=reason))
        summary.not_sent += _untried(queue, summary)
    finally:
        mailer.close()
    return summary


def _untried(queue: list[Letter], summary: Summary) -> list[Letter]:
    """The letters of the queue that this run neither sent, failed nor left unknown."""
    done = {letter.source_row for letter in (*summary.sent, *summary.failed, *summary.unknown)}
    return [letter for letter in queue if letter.source_row not in done]


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
    """The server's reply once it accepts; a failure of the server (421, a lost connection) is tried again.

    A refusal for this mailbox alone is raised at once: it is tried again at the end of the run.
    """
    for delay in (0.0, *options.retry_delays):
        clock.sleep(delay)
        try:
            return mailer.send(message, attempt.recipient, attempt.intend)
        except TemporaryFailure as error:
            attempt.outcome("deferred", f"not delivered: {error}")
            if error.mailbox:
                raise
            failure = error
    raise failure


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
        "skip": summary.skipped,
        "changed": summary.changed,
        "failed": summary.failed,
        "unknown": summary.unknown,
        "marked": summary.marked,
        "drafted": summary.drafted,
    }
    for letter in letters:
        if letter.action in lists:
            lists[letter.action].append(letter)
    return summary
