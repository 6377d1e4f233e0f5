"""Choices numbered from 0: a tool that writes a 1–5 scale as 0–4 is found before any answer is read.

Read as they stand, such answers would all count one step too low and every 0 as no answer,
with nothing but a warning per cell. The values decide: numbers from one below the scale's
first value up to one below its last, a 0 among them and no top value in any column. A
facilitator who knows better says so in the mapping file (first_code = 0 or 1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..models import ColumnMap, Instrument, Scale
from .cells import as_number, cell_text, code_key, column_letter, normalize
from .rows import Row

DataRows = Iterator[tuple[int, Row]]


class ChoicesFromZero(InputError):
    """The answers are numbered from 0; carries the columns so that --write-mapping can still write them."""

    def __init__(self, columns: ColumnMap, message: str, fix: str, file: Path) -> None:
        super().__init__(message, fix=fix, file=file)
        self.columns = columns


def read_codes(
    columns: ColumnMap, rows: DataRows, instrument: Instrument, first_code: int | None, survey: Path
) -> tuple[ColumnMap, DataRows]:
    """The columns with the codes' first value settled: as the mapping file says, or from the values.

    Stops (ChoicesFromZero) when the values are numbered from 0 and no mapping file has said so.
    """
    data = list(rows)
    scales = {item.code: instrument.scales[item.scale_id] for item in instrument.items}
    numbered = _numbers(columns, data, scales, instrument)
    columns = replace(columns, notes=(*columns.notes, *_unlabelled(columns, numbered, instrument)))
    if first_code == 1:
        return columns, iter(data)
    if first_code == 0:
        note = (
            "the answers' numbers are read from 0 (first_code = 0 in the mapping file): 0 is each scale's first choice"
        )
        return replace(columns, code_shift=1, notes=(*columns.notes, note)), iter(data)
    if not _from_zero(numbered, scales):
        return columns, iter(data)
    letters = [column_letter(column) for column in sorted(columns.items[code] for code in numbered)]
    shown = f"{letters[0]}–{letters[-1]}" if len(letters) > 1 else letters[0]
    found = sorted({value for values in numbered.values() for value in values})
    scale = scales[next(iter(numbered))]
    raise ChoicesFromZero(
        columns,
        f"The answers in the question columns ({shown}) are numbers from {found[0]:g} to {found[-1]:g}, and none is "
        f"{scale.max}, the top of the {scale.min}–{scale.max} scale: the survey tool seems to have numbered the "
        "choices from 0. Read as they are, all answers would count one choice too low, and every 0 would count as "
        "no answer.",
        fix="Export the answers as text (the choices' labels) instead of numbers, if the tool can. Otherwise run "
        f"reportgen check {survey.name} --write-mapping mapping.toml, which writes first_code = 0 into mapping.toml, "
        'and add --mapping mapping.toml when you run check, score and build. If 0 means "not answered" in this '
        "export, change that line to first_code = 1.",
        file=survey,
    )


def _numbers(
    columns: ColumnMap, data: Sequence[tuple[int, Row]], scales: dict[str, Scale], instrument: Instrument
) -> dict[str, set[float]]:
    """Each scored column's numeric answers (not a codebook's codes, not a tool's missing-value codes)."""
    missing = {code_key(code) for code in instrument.exports.missing_codes}
    found: dict[str, set[float]] = {}
    for code, column in columns.items.items():
        if code not in scales or column in columns.value_labels:
            continue
        for _, values in data:
            text = cell_text(values[column]).strip() if column < len(values) else ""
            number = as_number(text) if text else None  # a label is no number: only numbers are looked up
            number = None if number is None or code_key(text) in missing else number
            if number is not None:
                found.setdefault(code, set()).add(number)
    return found


def _from_zero(numbered: dict[str, set[float]], scales: dict[str, Scale]) -> bool:
    """Whether every column's numbers lie one below its scale, a 0 among them and no column's top value."""
    if not numbered:
        return False
    below = all(values <= set(range(scales[code].min - 1, scales[code].max)) for code, values in numbered.items())
    first_below = any(scales[code].min - 1 in values for code, values in numbered.items())
    return below and first_below


def _unlabelled(columns: ColumnMap, numbered: dict[str, set[float]], instrument: Instrument) -> list[str]:
    """A note where a tool that writes choice codes (SurveyXact) has numbers in its answers and no Labels for them."""
    if not numbered:
        return []
    headers = {normalize(part) for header in columns.headers for part in header.split(" / ") if part}
    return [
        f"this looks like a {tool} export without its Labels sheet: the answers are read as the scale's numbers "
        "(1 for the scale's first choice, 2 for the next, and so on); if the survey listed the choices in another "
        "order (for example the most positive first), export it again as Excel with the Labels sheet, or give "
        "dataset.csv with labels.csv in the same folder"
        for tool, detect in instrument.exports.coded
        if headers & {normalize(name) for name in detect}
    ]
