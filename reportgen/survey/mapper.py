"""Turns one data row into a response: identity values, answers as numbers on their scales."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from functools import cache

from ..models import CellValue, ColumnMap, ExportRules, Instrument, Problem, Response, Scale
from .headers import EMAIL, cell_text, column_letter, normalize

# "4 - Enig", "4 = Agree", "4: Enig" as an answer.
_NUMBER_AND_LABEL = re.compile(r"^(\d{1,3})\s*[-–=:.)]\s*(.+)$")
_TIMESTAMP_FORMATS = (
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y/%m/%d %H:%M:%S",
)


def map_row(number: int, values: Sequence[CellValue], columns: ColumnMap, instrument: Instrument) -> Response | None:
    """The response in one data row, or None for a blank row."""
    if all(not cell_text(v).strip() for v in values):
        return None

    def cell(column: int | None) -> CellValue:
        value = values[column] if column is not None and column < len(values) else None
        labels = columns.value_labels.get(column) if column is not None else None
        # A codebook's value code stands for its label ("4" → "Enig").
        return labels.get(cell_text(value).strip(), value) if labels else value

    def joined(field: str) -> str:
        if field in ids:
            return " ".join(cell_text(cell(ids[field])).split())
        parts = instrument.identity[field].parts if field in instrument.identity else ()
        return " ".join(" ".join(cell_text(cell(ids.get(part))).split()) for part in parts if part in ids).strip()

    def where(column: int) -> str:
        return f"column {column_letter(column)} ({columns.headers[column]})"

    ids = columns.identity

    problems: list[Problem] = []
    answers: dict[str, int | None] = {}
    for item in instrument.items:
        column = columns.items.get(item.code)
        if column is None:
            answers[item.code] = None
            continue
        value, problem = parse_answer(cell(column), instrument.scales[item.scale_id])
        answers[item.code] = value
        if problem:
            problems.append(Problem(number, column_letter(column), f"{problem}; counted as not answered"))

    name = joined("name")
    email = cell_text(cell(ids.get("email"))).strip()
    invalid = None
    if not name:
        used = ["name"] if "name" in ids else instrument.identity["name"].parts
        name_columns = [ids[f] for f in used if f in ids]
        invalid = f"{' and '.join(where(c) for c in name_columns)}: no name"
    elif not email:
        invalid = f"{where(ids['email'])}: no e-mail address"
    elif not EMAIL.match(email):
        invalid = f'{where(ids["email"])}: "{email}" is not an e-mail address'

    submitted, problem = parse_timestamp(cell(ids.get("submitted")))
    if problem:
        problems.append(Problem(number, column_letter(ids["submitted"]), problem))
    return Response(
        source_row=number,
        name=name,
        email=email,
        organisation=joined("organisation"),
        group=" ".join(cell_text(cell(columns.group)).split()),
        role=joined("role"),
        submitted=submitted,
        language=parse_language(cell(ids.get("language")), instrument.languages),
        answers=answers,
        free_text={code: cell_text(cell(column)).strip() for code, column in columns.free_text.items()},
        problems=tuple(problems),
        invalid_reason=invalid,
        unfinished=_unfinished(cell(ids.get("finished")), cell(ids.get("progress")), instrument),
    )


@cache
def _not_finished(rules: ExportRules) -> frozenset[str]:
    """The values that mean "did not finish", normalised once, not for every row."""
    return frozenset(normalize(value) for value in rules.not_finished)


def _unfinished(finished: CellValue, progress: CellValue, instrument: Instrument) -> str | None:
    """Why the export says the respondent did not finish (Qualtrics' Finished and Progress), if it does."""
    if finished is False or normalize(cell_text(finished)) in _not_finished(instrument.exports):
        return f"Finished: {cell_text(finished)}"
    shown = cell_text(progress).strip().rstrip("%").strip()
    percent = _number(shown) if shown else None
    if percent is not None and percent < 100:
        return f"Progress: {shown} %"
    return None


def parse_answer(value: CellValue, scale: Scale) -> tuple[int | None, str | None]:
    """An answer as a number on the scale, or None with the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool | datetime | date | time):
        return None, f'"{value}" is not an answer on the scale {_describe(scale)}'
    if isinstance(value, int | float):
        return _on_scale(value, scale)
    text = str(value).strip()
    number = _number(text)
    if number is not None:
        return _on_scale(number, scale)
    labelled = _label_value(text, scale)
    if labelled is not None:
        return labelled, None
    both = _NUMBER_AND_LABEL.match(text)
    if both and _label_value(both.group(2), scale) == int(both.group(1)):
        return int(both.group(1)), None
    return None, f'"{text}" is not an answer on the scale {_describe(scale)}'


def _number(text: str) -> float | None:
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None  # "inf" and "nan" are text, not numbers


def _on_scale(number: float, scale: Scale) -> tuple[int | None, str | None]:
    if not math.isfinite(number):
        return None, f"{number} is outside the scale {_describe(scale)}"
    if number == int(number) and scale.min <= number <= scale.max:
        return int(number), None
    shown = int(number) if number == int(number) else number
    return None, f"{shown} is outside the scale {_describe(scale)}"


def _label_value(text: str, scale: Scale) -> int | None:
    key = normalize(text)
    for labels in scale.labels.values():
        for offset, label in enumerate(labels):
            if normalize(label) == key:
                return scale.min + offset
    return None


def _describe(scale: Scale) -> str:
    first = next(iter(scale.labels.values()))
    return f"({scale.min}–{scale.max} or {first[0]} … {first[-1]})"


def parse_timestamp(value: CellValue) -> tuple[datetime | None, str | None]:
    """A submission time from a date cell or a text in a common export format."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value, None
    if isinstance(value, date):
        return datetime.combine(value, time()), None
    text = " ".join(str(value).split())
    for parse in (datetime.fromisoformat, *(_strptime(fmt) for fmt in _TIMESTAMP_FORMATS)):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        # Compare times with and without a zone as UTC, so that max() never fails.
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed, None
    return None, f'"{text}" is not a date and time; the row order decides between duplicates'


def _strptime(fmt: str) -> Callable[[str], datetime]:
    return lambda text: datetime.strptime(text, fmt)


def parse_language(value: CellValue, languages: Sequence[str]) -> str | None:
    """A language code such as "da", "en" or "en-GB" if the instrument has that language."""
    code = re.split(r"[-_\s]", cell_text(value).strip().casefold(), maxsplit=1)[0]
    return code if code in languages else None
