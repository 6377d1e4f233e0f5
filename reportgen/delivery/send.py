"""Sends the built reports: one e-mail per leader, exactly once, or one .eml draft each.

Keeps DIR/delivery.csv (delivery/log.py) so that a re-run, after a crash or Ctrl-C, never
sends a leader the same report twice; paces by --rate, stops at the daily cap, retries a
temporary failure and then stops so that a re-run finishes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..config import SendOptions
from ..output.writer import write_atomic
from .letters import Letter
from .log import record, sent_in_last_day
from .mailer import Mailer, PermanentFailure, TemporaryFailure, as_bytes
from .owner import owner_problem

if TYPE_CHECKING:
    from email.message import EmailMessage


class Clock(Protocol):
    """Time as the pacing sees it; tests give one that never sleeps."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""

    def sleep(self, seconds: float) -> None:
        """Wait this long."""


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
    not_sent: list[Letter] = field(default_factory=list)  # left for the next run: stopped, cap reached
    interrupted: bool = False
    stopped: str = ""


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


Compose = Callable[[Letter, str, bytes], "EmailMessage"]  # (letter, recipient, PDF) → the message


def deliver(
    folder: Path,
    letters: list[Letter],
    compose_for: Compose,
    mailer: Mailer,
    options: SendOptions,
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    clock: Clock | None = None,
) -> Summary:
    """Send each letter marked "send", one recipient per message, recording each as it is accepted."""
    clock = clock or SystemClock()
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
            clock.sleep(max(0.0, last + interval - clock.monotonic()))
            try:
                response = _with_retries(mailer, message, recipient, options, clock)
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
                last = clock.monotonic()
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


def _with_retries(mailer: Mailer, message: EmailMessage, recipient: str, options: SendOptions, clock: Clock) -> str:
    for delay in (0.0, *options.retry_delays):
        clock.sleep(delay)
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
        write_atomic(target / f"{Path(letter.pdf).stem}.eml", as_bytes(message))
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
