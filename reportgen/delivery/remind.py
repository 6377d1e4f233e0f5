"""Reminders to the invited leaders who have not answered: planned, drafted or sent, at most once a day each.

Logged in delivery.csv as send logs reports (delivery/log.py): `reminding` goes to disk before the
message's DATA, `reminded` or `remind-failed` after the server's answer; an .eml draft is
`remind-draft`. A leader with any of these lines today (but a refusal) is not reminded again
today unless asked (--again); one whose draft was written today only with --include-drafted.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import SendOptions
from ..errors import SendError
from ..models import email_key
from ..output.writer import write_atomic
from .addresses import AddressError, parse_address
from .log import Entry, record, reminders, sent_in_last_day
from .mailer import Mailer, PermanentFailure, TemporaryFailure, UnknownOutcome, as_bytes, sender_address

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .send import Clock


@dataclass(frozen=True)
class Reminder:
    """One invited leader who has not answered, and what this run does about it."""

    row: int  # on the invited list
    name: str
    email: str
    action: str = "remind"  # remind, skip (reminded today), drafted (a draft written today), held, failed
    reason: str = ""
    pdf: str = ""  # a reminder has no report: the log's pdf and sha256 stay empty
    sha256: str = ""

    def message_id(self, options: SendOptions, day: date) -> str:
        """The same id for the same leader's reminder on the same day."""
        key = hashlib.sha256(email_key(self.email).encode("utf-8")).hexdigest()[:16]
        return f"<reportgen.remind.{key}.{day:%Y%m%d}@{sender_address(options).domain}>"


@dataclass
class RemindSummary:
    """What a reminder run did, for the CLI to print."""

    planned: list[Reminder] = field(default_factory=list)
    sent: list[Reminder] = field(default_factory=list)
    drafts: list[Reminder] = field(default_factory=list)
    skipped: list[Reminder] = field(default_factory=list)  # reminded today, drafted today, or held back
    failed: list[Reminder] = field(default_factory=list)
    unknown: list[Reminder] = field(default_factory=list)  # handed over, answer lost: counts as reminded
    not_sent: list[Reminder] = field(default_factory=list)
    stopped: str = ""
    interrupted: bool = False


def plan_reminders(
    folder: Path, waiting: Iterable[Reminder], today: date, again: bool = False, include_drafted: bool = False
) -> list[Reminder]:
    """Each waiting leader with what to do: remind, or why not (reminded today, a draft today, no address)."""
    log = reminders(folder)
    planned = []
    for reminder in waiting:
        if reminder.action != "remind":
            planned.append(reminder)
            continue
        try:
            parse_address(reminder.email)
        except AddressError as error:
            planned.append(replace(reminder, action="failed", reason=f"not an address mail can be sent to: {error}"))
            continue
        today_lines = [e for e in log.get(email_key(reminder.email), []) if _day(e) == today]
        handed = [e for e in today_lines if e.status in ("reminding", "reminded")]
        drafted = [e for e in today_lines if e.status == "remind-draft"]
        if handed and not again:
            planned.append(replace(reminder, action="skip", reason=f"reminded today ({_clock(handed[-1])})"))
        elif drafted and not handed and not (again or include_drafted):
            reason = f"a draft was written today ({_clock(drafted[-1])}); --include-drafted sends it anyway"
            planned.append(replace(reminder, action="drafted", reason=reason))
        else:
            planned.append(reminder)
    return planned


def _day(entry: Entry) -> date:
    """The local day of a log line."""
    return datetime.fromisoformat(entry.time).astimezone().date()


def _clock(entry: Entry) -> str:
    return datetime.fromisoformat(entry.time).astimezone().strftime("%H:%M")


def _summary(reminders_: list[Reminder]) -> RemindSummary:
    summary = RemindSummary()
    for reminder in reminders_:
        if reminder.action == "failed":
            summary.failed.append(reminder)
        elif reminder.action != "remind":
            summary.skipped.append(reminder)
    return summary


def dry_run(planned: list[Reminder]) -> RemindSummary:
    """Who a real run would remind; nothing sent, nothing recorded."""
    summary = _summary(planned)
    summary.planned = [r for r in planned if r.action == "remind"]
    return summary


Compose = Callable[[Reminder], "EmailMessage"]


def write_drafts(folder: Path, target: Path, planned: list[Reminder], compose: Compose) -> RemindSummary:
    """One .eml draft per reminder, each recorded as remind-draft."""
    summary = _summary(planned)
    target.mkdir(parents=True, exist_ok=True)
    for reminder in planned:
        if reminder.action != "remind":
            continue
        message = compose(reminder)
        message["X-Unsent"] = "1"  # Outlook and Thunderbird open it as a draft to send
        write_atomic(_free_name(target, reminder), as_bytes(message))
        record(folder, reminder, "remind-draft", str(target), "draft written, not sent", str(message["Message-ID"]))
        summary.drafts.append(reminder)
    return summary


def _free_name(target: Path, reminder: Reminder) -> Path:
    """reminder-ROW-ADDRESS.eml, or -2, -3 … after it: a draft already there (perhaps edited) is never replaced."""
    stem = f"reminder-{reminder.row:03d}-{re.sub(r'[^A-Za-z0-9._-]+', '_', reminder.email.strip())[:60]}"
    path, n = target / f"{stem}.eml", 1
    while os.path.lexists(path):
        n += 1
        path = target / f"{stem}-{n}.eml"
    return path


def send_reminders(
    folder: Path, planned: list[Reminder], compose: Compose, mailer: Mailer, options: SendOptions, clock: Clock
) -> RemindSummary:
    """Send each planned reminder once, the intent logged before its DATA and the outcome after."""
    summary = _summary(planned)
    queue = [reminder for reminder in planned if reminder.action == "remind"]
    budget = options.daily_cap - sent_in_last_day(folder)
    interval, last = 60.0 / max(options.rate, 1), 0.0
    try:
        if queue and budget > 0:
            _first_connection(mailer)
        for index, reminder in enumerate(queue):
            if budget <= 0:
                summary.stopped = f"the daily cap of {options.daily_cap} messages is reached; run remind tomorrow"
                summary.not_sent += queue[index:]
                break
            clock.sleep(max(0.0, last + interval - clock.monotonic()))
            if not _send_one(folder, reminder, compose(reminder), mailer, summary):
                summary.not_sent += queue[index + 1 :]
                break
            last, budget = clock.monotonic(), budget - 1
    except KeyboardInterrupt:
        summary.interrupted = True
        done = {r.email for r in (*summary.sent, *summary.failed, *summary.unknown)}
        summary.not_sent += [r for r in queue if r.email not in done]
    finally:
        mailer.close()
    return summary


def _first_connection(mailer: Mailer) -> None:
    """Connect before the first reminder: a server that cannot be reached ends the run at once, nothing sent."""
    try:
        mailer.connect()
    except TemporaryFailure as error:
        raise SendError(
            f"The SMTP server cannot be reached: {error}. No reminder was sent.",
            fix="Check --smtp-host, --smtp-port and --smtp-security against your mail provider's settings, and that "
            "this computer is online; then run remind again.",
        ) from None


def _send_one(folder: Path, reminder: Reminder, message: EmailMessage, mailer: Mailer, summary: RemindSummary) -> bool:
    """Hand one reminder over and log it; False when the run must stop (the server cannot be reached)."""
    identity = str(message["Message-ID"])
    intended = []

    def intend() -> None:
        intended.append(True)
        record(folder, reminder, "reminding", reminder.email, "", identity)

    try:
        response = mailer.send(message, reminder.email, intend)
    except PermanentFailure as error:
        record(folder, reminder, "remind-failed", reminder.email, str(error), identity)
        summary.failed.append(replace(reminder, action="failed", reason=f"not sent: {error}"))
        return True
    except UnknownOutcome as error:  # the "reminding" line stays: it counts as reminded today
        summary.unknown.append(replace(reminder, action="unknown", reason=str(error)))
        return True
    except TemporaryFailure as error:
        if intended:
            record(folder, reminder, "remind-failed", reminder.email, f"not delivered: {error}", identity)
        summary.stopped = f"the server could not be reached: {error}; run remind again to finish"
        summary.not_sent.append(reminder)
        return False
    record(folder, reminder, "reminded", reminder.email, response, identity)
    summary.sent.append(reminder)
    return True
