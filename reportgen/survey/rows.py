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
# terminal (ESC); tab and newline are kept.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_row(values: Sequence[CellValue], number: int, cleaned: dict[int, tuple[int, ...]]) -> Row:
    """The row's values with control characters (NUL, ESC …; not tab or newline) removed from the texts.

    The columns where some were removed are noted in `cleaned`, for a warning.
    """
    found: list[int] = []
    result: list[CellValue] = []
    for index, value in enumerate(values):
        if isinstance(value, str) and _CONTROL.search(value):
            value = _CONTROL.sub("", value)
            found.append(index)
        result.append(value)
    if found:
        cleaned[number] = tuple(found)
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
