"""Turns raw rows into responses: headers → items and identity fields, answers → numbers."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time

from .models import CellValue, ColumnMap, Instrument, Problem, Response, Scale

HEADER_SEARCH_ROWS = 10  # the header row is looked for among the sheet's first rows
FUZZY_HEADER_RATIO = 0.9  # close enough for a header with a typo or a changed word
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
# "3. ", "3) ", "Q3 ", "q3: ", "3.1 " before the text of a header.
_NUMBERING = re.compile(r"^\s*(?:q\s*)?\d+(?:[._]\d+)*(?:\s*[.):]\s*|\s+)(?=\S)", re.IGNORECASE)
# "4 - Enig", "4 = Agree", "4: Enig" as an answer.
_NUMBER_AND_LABEL = re.compile(r"^(\d+)\s*[-–=:.)]\s*(.+)$")
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


def normalize(text: str) -> str:
    """Compare headers and labels by letters and digits only, case ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def normalize_header(header: str) -> str:
    """A header's comparable form, without a numbering prefix such as "3." or "Q3 "."""
    stripped = _NUMBERING.sub("", header)
    return normalize(stripped) or normalize(header)


# Matrix questions: "Question [Statement]" (Google Forms), "Question - Statement",
# "Question.Statement" (Microsoft Forms grids); the statement is what names the item.
_GRID = (re.compile(r"\[([^\[\]]+)\]\s*$"), re.compile(r"\s[-–]\s(.+)$"), re.compile(r"\.([^.]+\.?)$"))


def grid_statements(header: str) -> list[str]:
    """The statement parts a grid question's header may end with, most specific first."""
    return [match.group(1) for pattern in _GRID if (match := pattern.search(header.strip()))]


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def find_columns(
    sheet: str, rows: Iterable[tuple[int, Sequence[CellValue]]], instrument: Instrument
) -> ColumnMap | None:
    """The column map of the first row that holds every required identity column."""
    for number, values in rows:
        if number > HEADER_SEARCH_ROWS:
            break
        column_map = map_headers(sheet, number, [_text(v) for v in values], instrument)
        required = [f.id for f in instrument.identity.values() if f.required]
        if all(field in column_map.identity for field in required):
            return column_map
    return None


def map_headers(sheet: str, header_row: int, headers: Sequence[str], instrument: Instrument) -> ColumnMap:
    """Match header texts to identity fields, items (by text or code) and free-text questions."""
    identity: dict[str, tuple[int, int]] = {}  # field → (synonym rank, column)
    items: dict[str, int] = {}
    free_text: dict[str, int] = {}
    targets = _targets(instrument)
    unmatched: list[tuple[int, str]] = []
    for column, header in enumerate(headers):
        key = normalize_header(header)
        if not key:
            continue
        target = targets.get(key) or targets.get(normalize(header))
        for statement in grid_statements(header):
            target = target or targets.get(normalize_header(statement))
        if target is None:
            unmatched.append((column, key))
            continue
        kind, ident, rank = target
        if kind == "identity":
            if ident not in identity or rank < identity[ident][0]:
                identity[ident] = (rank, column)
        else:
            chosen = items if kind == "item" else free_text
            chosen.setdefault(ident, column)
    _match_fuzzy(unmatched, instrument, items, free_text)
    return ColumnMap(
        sheet=sheet,
        header_row=header_row,
        headers=tuple(headers),
        identity={field: column for field, (_, column) in identity.items()},
        items=items,
        free_text=free_text,
    )


def _targets(instrument: Instrument) -> dict[str, tuple[str, str, int]]:
    """Normalised header → (kind, id, rank): what a header can mean."""
    targets: dict[str, tuple[str, str, int]] = {}
    for item in (*instrument.items, *instrument.free_text):
        kind = "free_text" if item.kind == "free_text" else "item"
        for text in (item.code, *item.text.values()):
            targets.setdefault(normalize(text), (kind, item.code, 0))
    for field in instrument.identity.values():
        for rank, header in enumerate(field.headers):
            targets.setdefault(normalize(header), ("identity", field.id, rank))
    return targets


def _match_fuzzy(
    unmatched: list[tuple[int, str]], instrument: Instrument, items: dict[str, int], free_text: dict[str, int]
) -> None:
    """Match a header with a small difference (a typo, an edited word) to the one item it resembles."""
    texts = [
        (normalize(text), item)
        for item in (*instrument.items, *instrument.free_text)
        if item.code not in items and item.code not in free_text
        for text in item.text.values()
    ]
    for column, key in unmatched:
        if len(key) < 12:  # short headers (ID, Start time) are never item texts
            continue
        scored = sorted(
            ((difflib.SequenceMatcher(None, key, text).ratio(), item.code, item.kind) for text, item in texts),
            reverse=True,
        )
        if not scored or scored[0][0] < FUZZY_HEADER_RATIO:
            continue
        ratio, code, kind = scored[0]
        runner_up = next((r for r, c, _ in scored if c != code), 0.0)
        chosen = free_text if kind == "free_text" else items
        if ratio - runner_up > 0.05 and code not in chosen:
            chosen[code] = column


def map_row(number: int, values: Sequence[CellValue], columns: ColumnMap, instrument: Instrument) -> Response | None:
    """The response in one data row, or None for a blank row."""
    if all(not _text(v).strip() for v in values):
        return None

    def cell(column: int | None) -> CellValue:
        return values[column] if column is not None and column < len(values) else None

    def where(column: int) -> str:
        return f"column {column_letter(column)} ({columns.headers[column]})"

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

    ids = columns.identity
    name = " ".join(_text(cell(ids.get("name"))).split())
    email = _text(cell(ids.get("email"))).strip()
    invalid = None
    if not name:
        invalid = f"{where(ids['name'])}: no name"
    elif not email:
        invalid = f"{where(ids['email'])}: no e-mail address"
    elif not _EMAIL.match(email):
        invalid = f'{where(ids["email"])}: "{email}" is not an e-mail address'

    submitted, problem = parse_timestamp(cell(ids.get("submitted")))
    if problem:
        problems.append(Problem(number, column_letter(ids["submitted"]), problem))
    return Response(
        source_row=number,
        name=name,
        email=email,
        organisation=" ".join(_text(cell(ids.get("organisation"))).split()),
        role=" ".join(_text(cell(ids.get("role"))).split()),
        submitted=submitted,
        language=parse_language(cell(ids.get("language")), instrument.languages),
        answers=answers,
        free_text={code: _text(cell(column)).strip() for code, column in columns.free_text.items()},
        problems=tuple(problems),
        invalid_reason=invalid,
    )


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
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _on_scale(number: float, scale: Scale) -> tuple[int | None, str | None]:
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
    code = re.split(r"[-_\s]", _text(value).strip().casefold(), maxsplit=1)[0]
    return code if code in languages else None


def resolve_duplicates(responses: Iterable[Response]) -> dict[int, int]:
    """Superseded row → the row that supersedes it, among valid responses with the same e-mail.

    The latest by the timestamp wins; without timestamps on every submission, the
    row furthest down the sheet (the later submission) wins.
    """
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if response.invalid_reason is None:
            groups.setdefault(response.email_key, []).append(response)
    superseded: dict[int, int] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        timed = all(r.submitted is not None for r in group)
        winner = max(group, key=lambda r: (r.submitted if timed else datetime.min, r.source_row))
        for response in group:
            if response is not winner:
                superseded[response.source_row] = winner.source_row
    return superseded


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
