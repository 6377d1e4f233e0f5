"""What every reader hands on: rows of cell values with their numbers, cleaned, within the limits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..models import CellValue

Row = tuple[CellValue, ...]
# Limits past which an input is refused before it is read whole (see README, "Safety").
MAX_ROWS = 100_000  # rows of a sheet or CSV file, counted to the last row with a value
MAX_CSV_BYTES = 200 * 1024**2  # a CSV, .xls or .ods file, read whole
# Control characters, which no survey answer holds and which break scores.xlsx (NUL) or the
# terminal (ESC); tab and newline are kept, and a Windows line end (CR LF) is a newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


Flags = dict[int, list[tuple[int, str]]]  # row number → (column, what the reader did to the cell)
CONTROL_REMOVED = "control characters (such as NUL or ESC) removed"


def clean_row(values: Sequence[CellValue], number: int, flags: Flags) -> Row:
    """The row's values with control characters (NUL, ESC …; not tab or newline) removed from the texts.

    Each cell where some were removed is noted in `flags`, for a warning on the row.
    """
    result: list[CellValue] = []
    for index, value in enumerate(values):
        if isinstance(value, str) and "\r" in value:
            value = value.replace("\r\n", "\n")  # a cell's own line breaks, as a CSV from Windows writes them
        if isinstance(value, str) and _CONTROL.search(value):
            value = _CONTROL.sub("", value)
            flags.setdefault(number, []).append((index, CONTROL_REMOVED))
        result.append(value)
    return tuple(result)


def too_big(path: Path, size: str, limit: str, sheet: str | None = None) -> InputError:
    """The error for an input past one of the limits."""
    return InputError(
        f"The file {size}; reportgen reads at most {limit}, to stay safe with damaged or hostile files.",
        fix="Check that this is the survey export; if it is, export only the responses you need "
        "(for example one workshop's) and run reportgen on that file.",
        file=path,
        sheet=sheet,
    )
