"""Turns one data row into a response: identity values, answers as numbers on their scales."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from functools import cache

from ..models import CellValue, ColumnMap, Instrument, Problem, Response, ascii_lower, email_key
from .cells import (
    DAY_OR_MONTH,
    EMAIL,
    EXCEL_ERROR,
    INVISIBLE,
    as_number,
    cell_text,
    code_key,
    column_letter,
    normalize,
    parse_answer,
    read_named_month,
)

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
        return labels.get(code_key(cell_text(value)), value) if labels else value

    def joined(field: str) -> str:
        if field in ids:
            return " ".join(cell_text(cell(ids[field])).split())
        parts = instrument.identity[field].parts if field in instrument.identity else ()
        return " ".join(" ".join(cell_text(cell(ids.get(part))).split()) for part in parts if part in ids).strip()

    def where(column: int) -> str:
        return f"column {column_letter(column)} ({columns.headers[column]})"

    ids = columns.identity

    problems: list[Problem] = []
    answers = _answers(number, cell, columns, instrument, problems)

    name = joined("name")
    email, typed = _account_email(normalize_email(cell_text(cell(ids.get("email")))), cell(columns.account), instrument)
    unfinished = _unfinished(values, columns)
    invalid = unfinished or _identity_problem(name, email, cell, where, ids, instrument)

    raw_time = cell(ids.get("submitted"))
    written = " ".join(raw_time.split()) if isinstance(raw_time, str) else ""
    # Day and month in either order (05/02/2026): settle_dates reads the whole file in one order.
    submitted, problem = (None, None) if DAY_OR_MONTH.match(written) else parse_timestamp(raw_time)
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
        language=_language(number, cell, ids, instrument, problems),
        audience=" ".join(cell_text(cell(ids.get("audience"))).split()).casefold(),
        answers=answers,
        free_text={code: cell_text(cell(column)).strip() for code, column in columns.free_text.items()},
        problems=tuple(problems),
        invalid_reason=invalid,
        unfinished=unfinished is not None,
        order_key=_order_key(values, columns),
        submitted_text=written,
        typed_email=typed,
    )


def _answers(
    number: int,
    cell: Callable[[int | None], CellValue],
    columns: ColumnMap,
    instrument: Instrument,
    problems: list[Problem],
) -> dict[str, int | None]:
    """Each item's answer as a number on its scale, or None; why a value is no answer noted in `problems`."""
    answers: dict[str, int | None] = {}
    for item in instrument.items:
        column = columns.items.get(item.code)
        if column is None:
            answers[item.code] = None
            continue
        shift = 0 if column in columns.value_labels else columns.code_shift  # a codebook's codes go by its labels
        value, problem = parse_answer(_shifted(cell(column), shift), instrument.scales[item.scale_id])
        if problem and shift:
            problem = f'"{cell_text(cell(column)).strip()}" is not a choice\'s number (numbered from 0 in this export)'
        answers[item.code] = value
        if problem and code_key(cell_text(cell(column))) in _marker_keys(instrument.exports.missing_codes):
            problem = f'"{cell_text(cell(column)).strip()}" is the survey tool\'s code for a missing answer'
        if problem:
            problems.append(Problem(number, column_letter(column), f"{problem}; counted as not answered"))
    return answers


def _shifted(value: CellValue, shift: int) -> CellValue:
    """A numeric answer moved onto the scale (0 → 1 where the tool numbers the choices from 0); a label as it is."""
    if not shift or isinstance(value, bool):
        return value
    number = value if isinstance(value, int | float) else as_number(cell_text(value).strip())
    return value if number is None else number + shift


def _account_email(typed: str, account_value: CellValue, instrument: Instrument) -> tuple[str, str]:
    """The address to use and, when the signed-in account's differs from the typed one, the typed one.

    The account address (verified by the tool) wins where it is a real address, not "anonymous".
    """
    account = normalize_email(cell_text(account_value))
    if not EMAIL.match(account) or normalize(account) in _normalized(instrument.exports.placeholders):
        return typed, ""
    return account, typed if typed and email_key(typed) != email_key(account) else ""


def normalize_email(text: str) -> str:
    """An e-mail address as written everywhere: spaces trimmed, Unicode NFC, lower case as mail systems lower it.

    The local part loses only its A–Z capitals and the domain all of them, as email_key compares
    them, so that an address written Åse.Bræmer@Example.com is the same leader on every list; a
    zero-width character or a "mailto:" before it is no part of it.
    """
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE).strip()
    text = text[len("mailto:") :] if text.casefold().startswith("mailto:") else text  # a link copied as the address
    local, at, domain = text.rpartition("@")
    return f"{ascii_lower(local)}@{domain.lower()}" if at else ascii_lower(text)


def _identity_problem(
    name: str,
    email: str,
    cell: Callable[[int | None], CellValue],
    where: Callable[[int], str],
    ids: Mapping[str, int],
    instrument: Instrument,
) -> str | None:
    """Why the row's name or e-mail cannot be used, if it cannot."""
    not_name = _not_a_name(cell, ids, instrument)
    if not_name:
        column, shown, what = not_name
        return f"{where(column)}: {shown} is {what}, not a name"
    if not name:
        used = ["name"] if "name" in ids else instrument.identity["name"].parts
        name_columns = [ids[f] for f in used if f in ids]
        return f"{' and '.join(where(c) for c in name_columns)}: no name"
    if not email:
        return f"{where(ids['email'])}: no e-mail address"
    if not EMAIL.match(email):
        return f'{where(ids["email"])}: "{email}" is not an e-mail address'
    return None


def _not_a_name(
    cell: Callable[[int | None], CellValue], ids: Mapping[str, int], instrument: Instrument
) -> tuple[int, str, str] | None:
    """A name column holding a yes/no, a number or an Excel error value: (column, value shown, what it is)."""
    fields = ["name"] if "name" in ids else [p for p in instrument.identity["name"].parts if p in ids]
    for field in fields:
        value = cell(ids[field])
        text = cell_text(value).strip()
        if isinstance(value, bool) or text.casefold() in ("true", "false"):
            return ids[field], text.upper(), "a yes/no value"
        if EXCEL_ERROR.match(text):
            return ids[field], text, "an Excel error value"
        if isinstance(value, int | float) or (text and as_number(text) is not None):
            return ids[field], text, "a number"
    return None


def _unfinished(values: Sequence[CellValue], columns: ColumnMap) -> str | None:
    """Why the survey tool's own columns say this response is no leader's finished answer, if they do."""
    for marker in columns.markers:
        rule = marker.rule
        if rule.kind == "order":
            continue
        value = values[marker.column] if marker.column < len(values) else None
        text = cell_text(value).strip()
        percent = as_number(text.rstrip("%").strip()) if text else None
        key = code_key(text)
        if (
            (rule.empty and not text)
            or (text and key in _marker_keys(rule.values))
            or (rule.below is not None and percent is not None and percent < rule.below)
            or (rule.finished and text and key not in _marker_keys(rule.finished))
        ):
            what = "a test or preview response" if rule.kind == "test" else "not finished"
            header = columns.headers[marker.column]
            return f'{what} in {rule.tool} (column {column_letter(marker.column)} "{header}": {text or "empty"})'
    return None


@cache
def _normalized(values: tuple[str, ...]) -> frozenset[str]:
    """Cell values as compared, normalised once, not for every row."""
    return frozenset(normalize(value) for value in values)


@cache
def _marker_keys(values: tuple[str, ...]) -> frozenset[str]:
    """A rule's values (or the missing-value codes) as cells are compared (code_key), once."""
    return frozenset(code_key(value) for value in values)


def _order_key(values: Sequence[CellValue], columns: ColumnMap) -> int | None:
    """The tool's response id that grows with time, as a whole number, if the export has one."""
    for marker in columns.markers:
        if marker.rule.kind == "order" and marker.column < len(values):
            text = cell_text(values[marker.column]).strip()
            if text.isdigit():
                return int(text)
    return None


def parse_timestamp(value: CellValue) -> tuple[datetime | None, str | None]:
    """A submission time from a date cell or a text in a common export format."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        return value, None
    if isinstance(value, date):
        return datetime.combine(value, time()), None
    text = " ".join(str(value).split())
    if text.startswith("0000-00-00"):
        return None, None  # Questback EFS's written "no date" [V: its XML export's <missings datetime=...>]
    for parse in (datetime.fromisoformat, *(_strptime(fmt) for fmt in _TIMESTAMP_FORMATS)):
        try:
            parsed = parse(text)
        except ValueError:
            continue
        # Compare times with and without a zone as UTC, so that max() never fails.
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed, None
    if (named := read_named_month(text)) is not None:
        return named, None
    return None, f'"{text}" is not a date and time; the row order decides between duplicates'


def _strptime(fmt: str) -> Callable[[str], datetime]:
    return lambda text: datetime.strptime(text, fmt)


def _language(
    number: int,
    cell: Callable[[int | None], CellValue],
    ids: Mapping[str, int],
    instrument: Instrument,
    problems: list[Problem],
) -> str | None:
    """The row's report language, or None for the default; a value that names none of them is said, not dropped."""
    written = cell_text(cell(ids.get("language"))).strip()
    language = parse_language(written, instrument.languages)
    if written and language is None:
        languages = ", ".join(instrument.languages)
        problems.append(
            Problem(
                number,
                column_letter(ids["language"]),
                f'"{written}" is none of the languages ({languages}); the report is in the default language',
            )
        )
    return language


def parse_language(value: CellValue, languages: Sequence[str]) -> str | None:
    """The instrument's language a cell names: a code ("da", "en-GB") or a name ("English", "dansk")."""
    text = cell_text(value).strip().casefold()
    code = re.split(r"[-_\s]", text, maxsplit=1)[0]
    return code if code in languages else _language_names(tuple(languages)).get(text)


@cache
def _language_names(languages: tuple[str, ...]) -> dict[str, str]:
    """Each language's name in each of the languages and in English (Babel): "english", "engelsk" → "en"."""
    from babel import Locale  # here: only an export with a language column needs it

    return {
        str(Locale.parse(code).get_display_name(locale)).casefold(): code
        for code in languages
        for locale in (*languages, "en")
    }
