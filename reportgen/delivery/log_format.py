"""delivery.csv's lines: its columns and dialects, a line read whole or named as damaged, a line written whole."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from ..errors import SendError
from ..output.writer import csv_unsafe

DELIVERY = "delivery.csv"
PREVIOUS = "delivery.previous.csv"  # the log as it was before this run first wrote to it
BOM = "\ufeff"
DELIVERY_COLUMNS = ("time", "status", "name", "email", "sent_to", "pdf", "sha256", "message_id", "smtp_response")
# The columns before Message-IDs were logged: such a file is read, and appended to, as it is.
EARLIER_COLUMNS = ("time", "status", "name", "email", "sent_to", "pdf", "sha256", "smtp_response")
# sending: about to hand the message over; sent: accepted; failed: refused for good, or not sendable;
# deferred: refused for now, not delivered; unknown: handed over, answer lost; marked: --mark-sent;
# test: a --to-me message, which is no delivery.
STATUSES = frozenset({"sending", "sent", "failed", "deferred", "unknown", "marked", "test"})
# draft: an .eml draft written by send --eml (a later --send leaves it unless --include-drafted).
# The reminders of leaders who have not answered (no report, no sha256): reminding (about to hand it
# over), reminded (accepted), remind-failed (refused), remind-draft (an .eml written by remind --eml).
DRAFT_STATUSES = frozenset({"draft"})
REMIND_STATUSES = frozenset({"reminding", "reminded", "remind-failed", "remind-draft"})
STATUSES = STATUSES | DRAFT_STATUSES | REMIND_STATUSES
_SHA256 = re.compile(r"[0-9a-f]{64}")

NEVER = datetime.min.replace(tzinfo=UTC)


def decoded(line: bytes) -> str:
    """A line as text: UTF-8, as reportgen writes it; else Windows-1252, as Excel saves "CSV (semicolon)"."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", "replace")


def cells(text: str, delimiter: str) -> tuple[str | None, list[str]]:
    """The line's cells, or why it cannot be read as a line of the log."""
    try:
        [written] = csv.reader([text], strict=True, delimiter=delimiter)
    except (UnicodeDecodeError, csv.Error, ValueError) as error:
        return f"it cannot be read as CSV ({error})", []
    if csv_line(written, delimiter) != text + "\n":  # e.g. a quote inside a cell that was not quoted
        return "it is not as reportgen wrote it", []
    return None, [csv_unsafe(cell) for cell in written]


def header(first: str, path: Path, whole: bool) -> tuple[tuple[str, ...], str]:
    """The file's columns and delimiter, from its first line: reportgen's, with "," or ";"."""
    for delimiter in (",", ";"):
        columns = tuple(first.strip().split(delimiter))
        if whole and columns in (DELIVERY_COLUMNS, EARLIER_COLUMNS):
            return columns, delimiter
    raise SendError(
        f"Line 1 of the delivery log is not reportgen's header ({', '.join(DELIVERY_COLUMNS)}), so it cannot "
        "tell who has been sent their report. Was it saved by a spreadsheet program?",
        fix=f"Put back the file as reportgen wrote it ({PREVIOUS} beside it is the copy from before the last run "
        "that wrote to it), then run send again; do not send before that, or leaders may get their report twice.",
        file=path,
    )


def problem(cells: list[str], columns: tuple[str, ...]) -> str | None:
    """Why these cells are not a line reportgen wrote, or None."""
    if len(cells) != len(columns):
        return f"it has {len(cells)} fields instead of {len(columns)}"
    values = dict(zip(columns, cells, strict=True))
    if values["status"] not in STATUSES:
        return f'its status "{values["status"]}" is not one reportgen writes'
    if time_of(values["time"]) == NEVER:
        return f'its time "{values["time"]}" is not a time'
    if "@" not in values["email"]:
        return "it has no e-mail address"
    if values["sha256"] and not _SHA256.fullmatch(values["sha256"]):
        return "its sha256 is not a hash"
    return None


def ending_and_columns(path: Path) -> tuple[str, tuple[str, ...], str]:
    """A line end if the file's last line was cut short (so the new line stays whole), the file's columns and delimiter.

    No columns for a new or empty file, which gets the header first.
    """
    try:
        with path.open("rb") as file:
            first = file.readline()
            file.seek(0, os.SEEK_END)
            if file.tell() == 0:
                return "", (), ","
            file.seek(-1, os.SEEK_END)
            ending = "" if file.read(1) == b"\n" else "\n"
    except FileNotFoundError:
        return "", (), ","
    header = first.decode("utf-8", "replace").removeprefix(BOM).strip()
    delimiter = ";" if header.startswith(f"{DELIVERY_COLUMNS[0]};") else ","
    columns = tuple(header.split(delimiter))
    return ending, columns if columns == EARLIER_COLUMNS else DELIVERY_COLUMNS, delimiter


def dialect(folder: Path) -> tuple[str, bool]:
    """The delimiter and BOM of the folder's manifest.csv (the report language's CSV dialect); "," without one."""
    try:
        with (folder / "manifest.csv").open("rb") as file:
            head = file.read(64).decode("utf-8", "replace")
    except OSError:
        return ",", False
    return (";", True) if head.removeprefix(BOM).startswith("source_row;") else (",", head.startswith(BOM))


def csv_line(cells: Iterable[str], delimiter: str = ",") -> str:
    """One CSV line; line ends inside a cell (a multi-line SMTP reply) become spaces, so a record is one line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n", delimiter=delimiter).writerow([" ".join(c.splitlines()) for c in cells])
    return buffer.getvalue()


def sync_folder(folder: Path) -> None:
    """The new file's name on disk too, not only its contents."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # Windows opens no folders; its file system records the name with the file
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def time_of(text: str) -> datetime:
    """A logged time; NEVER for one that is not a time."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return NEVER
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
