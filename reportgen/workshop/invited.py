"""The invited leaders: a workbook or CSV file with name and e-mail (an export, or a plain two-column list)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..models import CellValue, email_key
from ..survey.cells import cell_text, column_letter
from ..survey.reader import open_export
from .settings import WorkshopError

INVITED_FILES = ("invited.xlsx", "invited.csv")
# Header words of a name column, in any export reportgen reads; the fullest name first.
_NAME_HEADERS = ("fulde navn", "full name", "navn", "name", "deltager", "participant")


@dataclass(frozen=True)
class Invited:
    """One invited leader, with the row of the list they are on."""

    row: int
    name: str
    email: str


@dataclass(frozen=True)
class InvitedList:
    """Everyone on the list, in its order, each e-mail once; rows that could not be used, with why."""

    path: Path
    leaders: tuple[Invited, ...]
    skipped: tuple[str, ...] = ()  # "row 7: no e-mail address", "row 9: the same e-mail as row 3"


def find_invited(folder: Path, given: Path | None) -> Path | None:
    """--invited FILE, else invited.xlsx or invited.csv in the workshop folder, else None."""
    if given is not None:
        return given
    for name in INVITED_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def read_invited(path: Path) -> InvitedList:
    """The leaders on the list; WorkshopError when no column of e-mail addresses can be found."""
    with open_export(path) as export:
        sheets = [list(export.rows(sheet)) for sheet in export.sheet_names]
    for rows in sheets:
        column = _email_column(rows)
        if column is not None:
            return _leaders(path, rows, column)
    raise WorkshopError(
        "No column of e-mail addresses was found in the list of invited leaders.",
        fix="Give a list with the leaders' names and e-mail addresses (one leader a row), e.g. the survey tool's "
        "participant list or a sheet with the two columns Navn and E-mail.",
        file=path,
    )


def _email_column(rows: list[tuple[int, tuple[CellValue, ...]]]) -> int | None:
    """The column where most cells hold an address."""
    counts: dict[int, int] = {}
    for _, values in rows:
        for index, value in enumerate(values):
            if "@" in cell_text(value):
                counts[index] = counts.get(index, 0) + 1
    return max(counts, key=lambda index: (counts[index], -index)) if counts else None


def _leaders(path: Path, rows: list[tuple[int, tuple[CellValue, ...]]], column: int) -> InvitedList:
    first = next(n for n, (_, values) in enumerate(rows) if "@" in _cell(values, column))
    header = [cell_text(value).strip().casefold() for value in rows[first - 1][1]] if first else []
    name_column = _name_column(header, rows[first:], column)
    leaders: list[Invited] = []
    skipped: list[str] = []
    seen: dict[str, int] = {}
    for number, values in rows[first:]:
        email, name = (
            _cell(values, column).strip(),
            _cell(values, name_column).strip() if name_column is not None else "",
        )
        if not email and not name:
            continue
        if "@" not in email:
            skipped.append(f"row {number}: no e-mail address in column {column_letter(column)}")
        elif email_key(email) in seen:
            skipped.append(f"row {number}: {email} is on the list already (row {seen[email_key(email)]})")
        else:
            seen[email_key(email)] = number
            leaders.append(Invited(number, name or email, email))
    return InvitedList(path, tuple(leaders), tuple(skipped))


def _name_column(header: list[str], rows: list[tuple[int, tuple[CellValue, ...]]], email: int) -> int | None:
    """The column headed by a name word, else the first other column that holds text."""
    for word in _NAME_HEADERS:
        for index, text in enumerate(header):
            if index != email and word in text and "mail" not in text:
                return index
    width = max((len(values) for _, values in rows), default=0)
    for index in range(width):
        if index != email and any(_cell(values, index).strip() for _, values in rows):
            return index
    return None


def _cell(values: tuple[CellValue, ...], index: int | None) -> str:
    return cell_text(values[index]) if index is not None and index < len(values) else ""
