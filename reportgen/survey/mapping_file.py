"""The facilitator's column mapping: written by `check --write-mapping`, read by `--mapping`.

A small TOML file that says, column letter by column letter, which identity field or
item a column holds, for exports whose headers reportgen cannot match by itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import load_toml
from ..errors import InputError
from ..export_rules import Codebook
from ..models import CellValue, ColumnMap, Instrument, Item
from .cells import column_letter
from .headers import has_required, map_headers

_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_KEYS = ("sheet", "header_rows", "absent", "first_code", "columns")  # what `text` writes


@dataclass(frozen=True)
class MappingFile:
    """A mapping file as read: the sheet, its header rows, and column index → target."""

    path: Path
    sheet: str | None
    header_rows: tuple[int, ...]
    columns: dict[int, str]  # targets are identity field ids and item codes as the instrument spells them
    problems: tuple[str, ...]  # reported with those found against the sheet, all in one error
    absent: tuple[str, ...] = ()  # items the survey did not ask: scored without them, and the reports say so
    first_code: int | None = None  # the number of each scale's first choice, where the file says (0 or 1)


def load(path: Path, instrument: Instrument) -> MappingFile:
    """Read a mapping file and note its problems; `apply` reports them with the sheet's."""
    data = load_toml(
        path,
        InputError,
        "mapping file",
        fix="Correct it, or write a new one with: reportgen check SURVEY --write-mapping FILE.",
        missing_fix="Check the path given to --mapping.",
    )
    problems = [f'"{key}" is not a key of a mapping file (a misspelling?)' for key in data if key not in _KEYS]
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append('"sheet" must be a sheet name in quotes')
    rows = data.get("header_rows", [1])
    rows = [rows] if isinstance(rows, int) else rows
    if (
        not isinstance(rows, list)
        or not rows
        or not all(isinstance(r, int) and not isinstance(r, bool) and r > 0 for r in rows)
        or rows != list(range(rows[0], rows[0] + len(rows)))
    ):
        problems.append('"header_rows" must list the header rows, one after another, e.g. [1] or [1, 2, 3]')
        rows = [1]
    targets = _targets(instrument)
    columns: dict[int, str] = {}
    claimed: dict[str, list[str]] = {}
    table = data.get("columns", {})
    if not isinstance(table, dict) or not table:
        problems.append("there is no [columns] table")
        table = {}
    spelled: dict[str, str] = {}
    for letter, target in table.items():
        if not _LETTERS.match(letter.strip().upper()):
            problems.append(f'"{letter}" is not a column letter (A, B, … AA)')
            continue
        if (first := spelled.setdefault(letter.strip().upper(), letter)) != letter:
            problems.append(f'column {letter.strip().upper()} is given twice ("{first}" and "{letter}")')
            continue
        if not isinstance(target, str):
            problems.append(f"column {letter}: the target must be in quotes")
            continue
        if not target.strip():
            continue
        known = targets.get(target.strip().casefold())
        if known is None:
            problems.append(f'column {letter}: "{target}" is neither an item code nor a field')
            continue
        columns[_index(letter.strip().upper())] = known
        claimed.setdefault(known, []).append(letter.strip().upper())
    problems += [
        f"columns {', '.join(letters[:-1])} and {letters[-1]} are {'both' if len(letters) == 2 else 'all'} "
        f"mapped to {target}"
        for target, letters in claimed.items()
        if len(letters) > 1
    ]
    absent = _absent(data.get("absent", []), instrument, claimed, problems)
    first_code = data.get("first_code")
    if first_code is not None and (first_code not in (0, 1) or isinstance(first_code, bool)):
        problems.append('"first_code" must be 0 (the tool numbers each scale\'s choices from 0) or 1, without quotes')
        first_code = None
    return MappingFile(path, sheet, tuple(rows), columns, tuple(problems), absent, first_code)


def _absent(
    listed: object, instrument: Instrument, claimed: dict[str, list[str]], problems: list[str]
) -> tuple[str, ...]:
    """The absent list's item codes, as the instrument spells them; its problems noted."""
    if not isinstance(listed, list) or not all(isinstance(code, str) for code in listed):
        problems.append('"absent" must list item codes in quotes, e.g. absent = ["P3"]')
        return ()
    scored = {item.code.casefold(): item.code for item in instrument.items}
    codes = []
    for code in listed:
        known = scored.get(code.strip().casefold())
        if known is None:
            problems.append(f'absent: "{code}" is not the code of a scored or importance question')
        elif known in claimed:
            problems.append(f"absent: {known} is also mapped to column {', '.join(claimed[known])}")
        else:
            codes.append(known)
    return tuple(codes)


def apply(
    mapping: MappingFile,
    sheet: str,
    head: Sequence[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
    codebook: Codebook | None,
) -> ColumnMap:
    """The column map the mapping file describes, checked against the sheet's header rows."""
    block = [(number, values) for number, values in head if number in mapping.header_rows]
    detected = map_headers(sheet, block, instrument, codebook)
    width = max((_width(values) for _, values in block), default=0)
    problems = [*mapping.problems]
    problems += [
        f"column {column_letter(c)} ({target}) is not in the sheet, whose last column with a header is "
        f"{column_letter(width - 1) if width else 'none'}"
        for c, target in sorted(mapping.columns.items())
        if c >= width
    ]
    kinds = {item.code: "free_text" if item.kind == "free_text" else "item" for item in _questions(instrument)}
    columns = replace(
        detected,
        identity={t: c for c, t in mapping.columns.items() if t in instrument.identity},
        items={t: c for c, t in mapping.columns.items() if kinds.get(t) == "item"},
        free_text={t: c for c, t in mapping.columns.items() if kinds.get(t) == "free_text"},
        conflicts={},
        absent=mapping.absent,
    )
    if not has_required(columns, instrument):
        required = [f for f in instrument.identity.values() if f.required]
        missing = [f.id for f in required if f.id not in columns.identity and not set(f.parts) & set(columns.identity)]
        problems.append(f"no column is mapped to {' or '.join(missing)}, which every report needs")
    if problems:
        raise _problems(mapping.path, problems, sheet)
    return columns


def text(columns: ColumnMap, instrument: Instrument, survey: Path, first_code: int | None = None) -> str:
    """A mapping file for these columns, to be edited: every column listed, the unmatched ones empty.

    first_code = 0 is written where the answers were found numbered from 0 (survey/coding.py).
    """
    by_column = {c: t for t, c in {**columns.identity, **columns.items, **columns.free_text}.items()}
    codes = [item.code for item in _questions(instrument)]
    lines = [
        f"# reportgen column mapping for {_one_line(survey.name)}",
        f"# Use it with: reportgen check {_one_line(survey.name)} --mapping THIS_FILE (also on score and build)",
        "#",
        "# Under [columns], each column letter says what the column holds:",
        f"#   a field: {', '.join(instrument.identity)}",
        f"#   or a question's code: {', '.join(codes)}",
        '#   or "" when reportgen should leave the column out.',
        "# Two columns can't hold the same thing. The text after # is the column's header.",
        "#",
        "# Every scored question needs a column. If the survey did not ask one, list its code",
        '# under absent (absent = ["P3"]): the step is then scored without it and every',
        "# report says which statement was not asked.",
        "",
        f"sheet = {_string(columns.sheet)}",
        f"header_rows = [{', '.join(str(r) for r in columns.header_rows)}]  # the data starts below the last",
        f"absent = [{', '.join(_string(code) for code in columns.absent)}]",
        "",
        "# How this export numbers each scale's choices: first_code = 1 when the first choice is 1, as in",
        "# the questionnaire; first_code = 0 when the tool numbers them from 0 (0–4 for a 1–5 scale).",
        '# If 0 means "not answered" in this export, write 1. With a # in front, reportgen decides',
        "# from the answers.",
        f"first_code = {first_code}" if first_code is not None else "# first_code = 1",
        "",
        "[columns]",
    ]
    unmatched = columns.ignored
    for column in sorted(by_column):
        lines.append(
            f"{column_letter(column)} = {_string(by_column[column]):<14} # {_one_line(columns.headers[column])}"
        )
    if unmatched:
        lines += ["", "# Not matched: write what each holds, or leave it empty to leave the column out."]
        empty = '""'
        lines += [f"{column_letter(c):<3}= {empty:<13} # {_one_line(columns.headers[c])}" for c in unmatched]
    found = set(by_column.values())
    fields = [f.id for f in instrument.identity.values() if f.mention_if_missing]
    missing = [t for t in (*fields, *codes) if t not in found and t not in columns.absent]
    if missing:
        lines += ["", f"# Not found in any column: {', '.join(missing)}"]
    return "\n".join(lines) + "\n"


def _targets(instrument: Instrument) -> dict[str, str]:
    """What a column can be mapped to, by its lowercase spelling."""
    names = [*instrument.identity, *(item.code for item in _questions(instrument))]
    return {name.casefold(): name for name in names}


def _questions(instrument: Instrument) -> tuple[Item, ...]:
    return (*instrument.items, *instrument.free_text)


def _index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _width(values: Sequence[CellValue]) -> int:
    """The number of columns up to the last one with text."""
    filled = [i for i, v in enumerate(values) if v is not None and str(v).strip()]
    return filled[-1] + 1 if filled else 0


def _string(value: str) -> str:
    # JSON's string escapes are valid TOML basic-string escapes; JSON leaves DEL and the C1
    # controls as they are, which TOML refuses, so they are escaped too.
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _one_line(value: str) -> str:
    """A text for a comment: one line, no control characters (a comment may hold none)."""
    return " ".join(_CONTROL.sub("", value).split())


def _problems(path: Path, problems: list[str], sheet: str | None = None) -> InputError:
    return InputError(
        "The mapping file has problems: " + "; ".join(problems) + ".",
        fix="Correct them in the file (reportgen check SURVEY --write-mapping NEW_FILE writes a fresh one to "
        "compare with) and run reportgen again.",
        file=path,
        sheet=sheet,
    )
