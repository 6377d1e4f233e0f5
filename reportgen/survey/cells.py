"""Cells and headers as a person reads them: markup and look-alike characters away, answers on their scales."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import date, datetime, time
from functools import cache

from ..models import CellValue, Scale

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
# A spreadsheet's error value as a whole cell: never an answer, a name or an address.
EXCEL_ERROR = re.compile(
    r"^#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|PYTHON!)$",
    re.IGNORECASE,
)
# A date with the month's name: "abr. 16, 2026 05:54:43 p. m." (Zoho Survey), "Nov 16, 2026 5:54 PM",
# "16. nov. 2026 17:54". The name tells the month, so the order of day and month is never in doubt.
_NAME_FIRST = re.compile(r"^([^\W\d_]+)\.?[\s-]+(\d{1,2}),?[\s-]+(\d{4})\b,?(.*)$")
# "16. nov. 2026", "16-nov-2026", "16 de abril de 2026" (Spanish), "16 maj 2026 kl. 17:54" (Danish).
_DAY_FIRST = re.compile(r"^(\d{1,2})\.?(?:\s+de)?[\s-]+([^\W\d_]+)\.?,?(?:\s+de)?[\s-]+(\d{4})\b,?(?:\s+kl\.)?(.*)$")
_MERIDIEM = re.compile(r"\b([ap])\.?\s?m\.?(?=\s|$)", re.IGNORECASE)
# The languages whose month names a survey tool may write; no name means two months among them.
_MONTH_LOCALES = ("da", "en", "es", "de", "sv", "nb", "nn", "fr", "nl", "fi", "it", "pt", "pl")
# A date written day and month first or month and day first: 05/02/2026 09:00, 5.2.2026 9.00.00.
DAY_OR_MONTH = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})\b(.*)$")
DateMatch = re.Match[str]
_CLOCK = re.compile(r"^\s*(?:T|\s)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*([AaPp][Mm])?\s*$")
# "4 - Enig", "4 = Agree", "4: Enig" as an answer.
_NUMBER_AND_LABEL = re.compile(r"^(\d{1,3})\s*[-–=:.)]\s*(.+)$")
# "3. ", "3) ", "Q3 ", "q3: ", "3.1 " before the text of a header.
_NUMBERING = re.compile(r"^\s*(?:q\s*)?\d+(?:[._]\d+)*(?:\s*[.):]\s*|\s+)(?=\S)", re.IGNORECASE)


# Markup a survey tool may leave in a header: HTML tags and entities, markdown emphasis.
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^<>]*>")
_BLOCK_TAGS = {"p", "br", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
_EMPHASIS = re.compile(r"(\*\*|__|\*)(?=\S)(.+?)(?<=\S)\1")  # not a single _: variable names have them
INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None
)  # soft hyphen, zero-width characters, a stray BOM
# Look-alike dashes and quotes as the plain ones a header is compared by.
_LOOKALIKE = str.maketrans(
    dict(zip("\u2010\u2011\u2012\u2014\u2212\u2018\u2019\u201c\u201d\u201e", '---–-\'\'"""', strict=True))
)


def clean_header(text: str) -> str:
    """A header as a person reads it: no HTML or markdown markup, entities decoded, Unicode normalised."""
    text = _TAG.sub(_untag, html.unescape(_TAG.sub(_untag, text)))  # "&lt;b&gt;" decodes to a tag
    text = unicodedata.normalize("NFKC", text).translate(INVISIBLE).translate(_LOOKALIKE)
    text = _EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def _untag(match: re.Match[str]) -> str:
    """A block tag (<p>, <br>) parts words; an inline one (<strong>) is left out."""
    return " " if match.group(1).casefold() in _BLOCK_TAGS else ""


def normalize(text: str) -> str:
    """Compare headers and labels by letters and digits only, case ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def normalize_header(header: str) -> str:
    """A header's comparable form, without a numbering prefix such as "3." or "Q3 "."""
    stripped = _NUMBERING.sub("", header)
    return normalize(stripped) or normalize(header)


# Matrix questions: "Question [Statement]" (Google Forms), "Question - Statement"
# (Qualtrics, SurveyXact), "Question.Statement" (Microsoft Forms grids), "Question: Statement" and
# "Statement:Question" (Alchemer/SurveyGizmo grids); the statement names the item.


_BRACKETED = re.compile(r"\[([^\[\]]+)\]\s*$")
_DASH = re.compile(r"\s[-–]\s")
_DOTTED = re.compile(r"\.([^.]+\.?)$")


def grid_statements(header: str) -> list[str]:
    """The statement parts a grid question's header may end with, most specific first."""
    header = header.strip()
    found = [match.group(1)] if (match := _BRACKETED.search(header)) else []
    found += [header[match.end() :] for match in _DASH.finditer(header)]  # the question may hold a dash too
    if match := _DOTTED.search(header):
        found.append(match.group(1))
    if ":" in header:  # "Question: Statement", and Alchemer's grids, "Statement:Question"
        found += [header[header.rindex(":") + 1 :].strip(), header[: header.index(":")].strip()]
    return [part for part in found if part]


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based column index: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def parse_answer(value: CellValue, scale: Scale) -> tuple[int | None, str | None]:
    """An answer as a number on the scale, or None with the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool | datetime | date | time):
        return None, f'"{value}" is not an answer on the scale {_describe(scale)}'
    if isinstance(value, int | float):
        return _on_scale(value, scale)
    text = str(value).strip()
    written = as_number(text)
    if written is not None:
        return _on_scale(written, scale)
    labelled = _label_value(text, scale)
    if labelled is not None:
        return labelled, None
    both = _NUMBER_AND_LABEL.match(text)
    if both and _label_value(both.group(2), scale) == int(both.group(1)):
        return int(both.group(1)), None
    return None, f'"{text}" is not an answer on the scale {_describe(scale)}'


def as_number(text: str) -> float | None:
    """A number written as text ("4", "4,0"), or None."""
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
    return _label_values(scale.min, tuple(tuple(labels) for labels in scale.labels.values())).get(normalize(text))


@cache
def _label_values(first: int, labels: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    """Each label of a scale, in every language, normalised once, to its value (the first language's wins)."""
    values: dict[str, int] = {}
    for written in labels:
        for offset, label in enumerate(written):
            values.setdefault(normalize(label), first + offset)
    return values


def _describe(scale: Scale) -> str:
    first = next(iter(scale.labels.values()))
    return f"({scale.min}–{scale.max} or {first[0]} … {first[-1]})"


def cell_text(value: CellValue) -> str:
    """A cell as text: a whole float without its ".0", nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def rows_text(numbers: tuple[int, ...]) -> str:
    """The header rows in words: "row 1" or "rows 1–3"."""
    return f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}–{numbers[-1]}"


def read_date(match: DateMatch, order: str) -> datetime | None:
    """A date matched by DAY_OR_MONTH read in one order ("dmy" or "mdy"), with its clock time; None if it is none."""
    first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    day, month = (first, second) if order == "dmy" else (second, first)
    clock = _CLOCK.match(match.group(5)) if match.group(5).strip() else None
    if match.group(5).strip() and clock is None:
        return None
    hour, minute, second_of = (
        (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
    )
    if clock and clock.group(4):
        hour = hour % 12 + (12 if clock.group(4).casefold() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second_of)
    except ValueError:
        return None


def read_named_month(text: str) -> datetime | None:
    """A date whose month is written as a name, in any of the tools' languages, with its clock time; else None."""
    text = _MERIDIEM.sub(lambda m: f" {m.group(1).lower()}m", " ".join(text.split()))
    if match := _NAME_FIRST.match(text):
        name, day, year, rest = match.group(1), match.group(2), match.group(3), match.group(4)
    elif match := _DAY_FIRST.match(text):
        day, name, year, rest = match.group(1), match.group(2), match.group(3), match.group(4)
    else:
        return None
    month = _months().get(name.casefold())
    clock = _CLOCK.match(rest) if rest.strip() else None
    if month is None or (rest.strip() and clock is None):
        return None
    hour, minute, second = (int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)) if clock else (0, 0, 0)
    if clock and clock.group(4):
        hour = hour % 12 + (12 if clock.group(4).casefold() == "pm" else 0)
    try:
        return datetime(int(year), month, int(day), hour, minute, second)
    except ValueError:
        return None


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations (without their dot) of the tools' languages, to the month's number."""
    from babel.dates import get_month_names  # here: `reportgen --help` imports this module and never needs Babel

    names: dict[str, int] = {}
    for locale in _MONTH_LOCALES:
        for width in ("abbreviated", "wide"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    names.setdefault(str(name).casefold().rstrip("."), int(number))
    names.setdefault("sep", 9)  # "sep." beside Spanish "sept."
    return names


_CODED_LABEL = re.compile(r"^(?:.*\((-?\d+)\)|(-?\d+)\s*[-–=:]\s*\D.*)$")


def code_key(text: str) -> str:
    """A cell as compared with a tool's codes (a status, a missing-value code): its code, else its letters and digits.

    "0.0" and "0" are one code (a CSV of numbers written as decimals); so are "Suspended (22)" and
    "22 - Suspended" (a label with its code); "Suspended" stays a word.
    """
    number = as_number(text)
    if number is not None and number == int(number):
        return str(int(number))
    coded = _CODED_LABEL.match(text.strip())
    return (coded.group(1) or coded.group(2)) if coded else normalize(text)
