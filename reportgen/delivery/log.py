"""DIR/delivery.csv: the intent to send each message and its outcome, each line written whole and fsynced.

Before a message's DATA the line `sending` (with its Message-ID) goes to disk; after the
server's answer, `sent`, `failed` or `deferred`. A `sending` line without an outcome (the
connection was lost after the message was handed over, the process was killed) is read as
"unknown": the leader may have the mail, so it is never sent again without being asked to.
A line that cannot be read (cut short by a crash, a stray quote) is reported by its number
and read as "unknown" for the leader it names, never as "not sent". A last line cut short before
it names anyone (a full disk) is set aside with a note: its write never finished, so the message
it was about never left (the intent goes to disk before the message does).

Written in the CSV dialect of the folder's manifest (";" and a BOM for Danish Excel); a copy saved
by Excel with ";" (and CRLF, or in Windows-1252) is read too. Before a run first writes to it, the
file as it was is copied to delivery.previous.csv.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from ..errors import SendError
from ..models import email_key
from ..output.writer import csv_safe, write_atomic
from . import log_format as fmt
from .log_format import DELIVERY as DELIVERY
from .log_format import PREVIOUS as PREVIOUS


class Logged(Protocol):
    """What a log line says of the message: whose report, which file, its hash."""

    @property
    def name(self) -> str:
        """The leader's name."""

    @property
    def email(self) -> str:
        """The leader's e-mail address."""

    @property
    def pdf(self) -> str:
        """The report's file name."""

    @property
    def sha256(self) -> str:
        """The report's hash."""


@dataclass(frozen=True)
class Entry:
    """One whole line of delivery.csv."""

    line: int
    time: str
    status: str
    email: str
    sha256: str
    message_id: str
    response: str


@dataclass(frozen=True)
class Damaged:
    """A line that cannot be read as reportgen wrote it, with the leaders it seems to name."""

    line: int
    problem: str
    emails: frozenset[str]  # e-mail keys of known leaders found in it
    cut: bool = False  # the file's last line, without its line end


@dataclass
class Leader:
    """What delivery.csv says of one leader: the last report sent, and a message whose outcome is unknown."""

    sent: Entry | None = None
    unknown: Entry | Damaged | None = None
    drafted: Entry | None = None  # the last .eml draft written of their report (send --eml)
    failed: Entry | None = None  # the last message refused, when none went out after it


@dataclass
class History:
    """Every leader's state in delivery.csv, and the damaged lines that name no known leader."""

    leaders: dict[str, Leader] = field(default_factory=dict)
    unattributed: list[Damaged] = field(default_factory=list)
    set_aside: Damaged | None = None  # the last line, cut short before it named anyone: its write never finished

    def of(self, email: str) -> Leader:
        """The leader's state; an empty one for a leader never sent to."""
        return self.leaders.get(email_key(email), Leader())


def read_history(folder: Path, emails: Iterable[str]) -> History:
    """Each leader's state from delivery.csv; `emails` are the manifest's, to tell whose a damaged line is."""
    known = {email_key(email) for email in emails}
    history = History()
    entries, damaged = _read(folder)
    items: list[Entry | Damaged] = [*entries, *damaged]
    last = max((item.line for item in items), default=0)
    for item in sorted(items, key=lambda item: item.line):
        if isinstance(item, Damaged):
            for key in item.emails & known:
                history.leaders.setdefault(key, Leader()).unknown = item
            if item.emails & known:
                continue
            if item.cut and item.line == last:
                history.set_aside = item
            else:
                history.unattributed.append(item)
            continue
        if item.status == "test" or item.status in fmt.REMIND_STATUSES:
            continue
        leader = history.leaders.setdefault(email_key(item.email), Leader())
        if item.status in fmt.DRAFT_STATUSES:
            leader.drafted = item
        elif item.status in ("sent", "marked"):
            leader.sent, leader.unknown, leader.failed = item, None, None
        elif item.status in ("sending", "unknown"):
            leader.unknown = item
        else:  # failed, deferred: the server said no, so nothing went out
            leader.unknown = None
            leader.failed = item if item.status == "failed" else leader.failed
    return history


def record_drafts(folder: Path, letters: Iterable[Logged], where: Path | str) -> None:
    """Record each letter's draft as `draft`: an .eml file in the folder `where` (send --eml), or a mailbox's Drafts.

    The one place drafts are recorded: a later send holds them back unless --include-drafted.
    """
    for letter in letters:
        record(folder, letter, "draft", str(where), "draft written, not sent")


def reminders(folder: Path) -> dict[str, list[Entry]]:
    """E-mail key → the reminder lines of that leader, oldest first."""
    entries, _ = _read(folder)
    found: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.status in fmt.REMIND_STATUSES:
            found.setdefault(email_key(entry.email), []).append(entry)
    return found


def sent_in_last_day(folder: Path) -> int:
    """Messages handed to the server in the last 24 hours, for the daily cap.

    Reports sent, tests and unknowns; each reminder by its intent line (whatever became of it).
    """
    since = datetime.now(UTC) - timedelta(days=1)
    entries, _ = _read(folder)
    return sum(
        1
        for entry in entries
        if entry.status in ("sent", "test", "unknown", "reminding") and fmt.time_of(entry.time) >= since
    )


def _read(folder: Path) -> tuple[list[Entry], list[Damaged]]:
    """Every line of the log, whole or damaged; SendError when its header is not reportgen's."""
    path = folder / DELIVERY
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as error:
        raise SendError(
            f"The delivery log cannot be read ({error.strerror}).", fix="Check its permissions.", file=path
        ) from None
    if not data:
        return [], []
    lines = data.removeprefix(fmt.BOM.encode()).split(b"\n")
    complete = data.endswith(b"\n")
    if complete:
        lines.pop()  # the empty piece after the last line end
    lines = [line.removesuffix(b"\r") for line in lines]  # saved by Excel: CRLF (reportgen writes no CR)
    columns, delimiter = fmt.header(fmt.decoded(lines[0]), path, whole=complete or len(lines) > 1)
    entries: list[Entry] = []
    damaged: list[Damaged] = []
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cut = number == len(lines) and not complete
        problem = "it is cut short" if cut else None
        cells: list[str] = []
        if problem is None:
            problem, cells = fmt.cells(fmt.decoded(raw), delimiter)
        if problem is None:
            problem = fmt.problem(cells, columns)
        if problem is not None:
            text = fmt.decoded(raw)
            found = {email_key(token) for token in re.split(r'[,"\s;]+', text) if "@" in token}
            damaged.append(Damaged(number, problem, frozenset(found), cut=cut))
            continue
        values = dict(zip(columns, cells, strict=True))
        entries.append(
            Entry(
                number,
                values["time"],
                values["status"],
                values["email"],
                values["sha256"],
                values.get("message_id", ""),
                values["smtp_response"],
            )
        )
    return entries, damaged


def record(folder: Path, letter: Logged, status: str, sent_to: str, response: str, message_id: str = "") -> None:
    """Append one whole line to delivery.csv and make sure it is on disk before going on."""
    path = folder / DELIVERY
    values = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": status,
        "name": letter.name,
        "email": letter.email,
        "sent_to": sent_to,
        "pdf": letter.pdf,
        "sha256": letter.sha256,
        "message_id": message_id,
        "smtp_response": response,
    }
    ending, columns, delimiter = fmt.ending_and_columns(path)
    if not columns:
        delimiter, bom = fmt.dialect(folder)
        header = (fmt.BOM if bom else "") + fmt.csv_line(fmt.DELIVERY_COLUMNS, delimiter)
    else:
        header = ""
    row = fmt.csv_line((csv_safe(values[column]) for column in columns or fmt.DELIVERY_COLUMNS), delimiter)
    line = (ending + header + row).encode("utf-8")
    created = not path.exists()
    handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        while line:  # one write, as a rule; a short one is finished, never left half
            line = line[os.write(handle, line) :]
        os.fsync(handle)
    finally:
        os.close(handle)
    if created:
        fmt.sync_folder(folder)


def keep_previous(folder: Path) -> None:
    """Copy delivery.csv to delivery.previous.csv before a run first writes to it: the facilitator's way back."""
    try:
        data = (folder / DELIVERY).read_bytes()
    except OSError:
        return
    write_atomic(folder / PREVIOUS, data)
