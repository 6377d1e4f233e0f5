"""Finds the sheet that holds the responses, its header block and its codebook, and hands on its data rows."""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

from ..errors import InputError
from ..export_rules import Codebook, Marker
from ..models import CellValue, ColumnMap, Instrument, Item
from . import coding, mapping_file
from .cells import cell_text, column_letter, normalize, normalize_header, rows_text
from .codebook import read_codebook
from .delimited import CsvExport
from .headers import HEADER_SEARCH_ROWS, best_guess, find_columns, group_column
from .reader import OtherWorkbook, Workbook
from .rows import Row

Export = Workbook | CsvExport | OtherWorkbook
DataRows = Iterator[tuple[int, Row]]


def find_sheet(
    book: Export,
    instrument: Instrument,
    survey: Path,
    sheet: str | None = None,
    mapping: Path | None = None,
    first_code: int | None = None,
) -> tuple[ColumnMap, DataRows]:
    """The first sheet (or `sheet`) whose header row holds the identity columns, and its data rows.

    The choices' numbering comes from the mapping file, else `first_code`, else the values (survey/coding.py).
    """
    names = book.sheet_names
    mapped = mapping_file.load(mapping, instrument) if mapping else None
    wanted = sheet or (mapped.sheet if mapped else None)
    if wanted is not None and wanted not in names:
        raise InputError(
            f'There is no sheet named "{wanted}"; the sheets are {quoted(names)}.',
            fix="Give one of those names with --sheet (or as sheet in the mapping file), "
            "or leave it out to let reportgen find the data.",
            file=survey,
        )
    codebook, codebook_sheets = _codebook(book, instrument)
    candidates = [n for n in names if n not in codebook_sheets]
    if mapped:
        chosen = wanted or candidates[0]
        rows = book.rows(chosen)
        head = list(islice(rows, mapped.header_rows[-1]))
        columns = mapping_file.apply(mapped, chosen, head, instrument, codebook)
        settled = _settled(columns, _below(columns, chain(head, rows)), instrument)
        numbering = mapped.first_code if mapped.first_code is not None else first_code
        return coding.read_codes(*settled, instrument, numbering, survey)
    checked = []
    codes: list[str] = []
    for name in [wanted] if wanted else candidates:
        rows = book.rows(name)
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        checked.append(name)
        _refuse_own_output(head, instrument, survey)
        codes = codes or code_headers(head)
        found = find_columns(name, head, instrument, codebook)
        if found is None:
            continue
        if not found.items:
            raise _no_questions(found, survey, name)
        others = _other_responses(book, [n for n in candidates if n != name], instrument, codebook)
        beside = _beside_note(codebook)
        found = replace(found, notes=(*found.notes, *beside, *others))
        settled = _settled(found, _below(found, chain(head, rows)), instrument)
        return coding.read_codes(*settled, instrument, first_code, survey)
    raise _headed_by_codes(survey, codes) if codes else _no_header(instrument, checked, survey)


def _beside_note(codebook: Codebook | None) -> tuple[str, ...]:
    """Where SurveyXact's labels.csv and structure.csv beside a dataset.csv were read: check says so."""
    if codebook is None or not codebook.source:
        return ()
    return (f"{' and '.join(codebook.source)} beside the export give its variables' texts and codes' labels",)


def _no_questions(found: ColumnMap, survey: Path, sheet: str) -> InputError:
    return InputError(
        f"The header ({rows_text(found.header_rows)}) has the name and e-mail columns, "
        "but no column matches a question of the questionnaire.",
        fix="Check that the export has one column per question with the question text or code "
        "(P1, F2 …) as its header, or map the columns yourself: run reportgen check with "
        "--write-mapping, edit the file and give it with --mapping.",
        file=survey,
        sheet=sheet,
    )


def _no_header(instrument: Instrument, checked: list[str], survey: Path) -> InputError:
    required = [f for f in instrument.identity.values() if f.required]
    expected = " and ".join(f"{f.id} ({' / '.join(f.headers[:2])})" for f in required)
    return InputError(
        f"No sheet has a header row with the columns for {expected} in its first "
        f"{HEADER_SEARCH_ROWS} rows (sheets checked: {quoted(checked)}); "
        "the sheet may be empty or not a survey export.",
        fix="Check that this is the export of the survey responses and that it has a name and an "
        "e-mail column, or name the right sheet with --sheet.",
        file=survey,
    )


_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/\[\]]*$")


def code_headers(head: Sequence[tuple[int, Sequence[CellValue]]]) -> list[str]:
    """The headers of a first row made of variable names (SoSci's "GP01_01", ODK's "formaal-x"), if it is one."""
    first = next(([cell_text(v).strip() for v in values] for _, values in head if any(values)), [])
    filled = [text for text in first if text]
    coded = [text for text in filled if _CODE.match(text)]
    return coded if len(filled) >= 3 and len(coded) >= 0.8 * len(filled) else []


def _refuse_own_output(head: Sequence[tuple[int, Sequence[CellValue]]], instrument: Instrument, survey: Path) -> None:
    """Reportgen's own manifest.csv or scores.xlsx given as the export: say so, not "no column matches"."""
    own = [name.casefold() for name in instrument.exports.own_output]
    first = [cell_text(v).strip().casefold() for v in head[0][1]] if head else []
    if own and first[: len(own)] == own:
        raise InputError(
            "This is a file reportgen wrote (manifest.csv, or scores.xlsx with its manifest sheet), "
            "not a survey export.",
            fix="Give the export you downloaded from the survey tool (the responses), not a file from the "
            "reports folder.",
            file=survey,
        )


def _headed_by_codes(survey: Path, codes: list[str]) -> InputError:
    shown = ", ".join(codes[:6]) + (" …" if len(codes) > 6 else "")
    return InputError(
        f"The export is headed by variable codes ({shown}), not by the questions' texts or the "
        "questionnaire's item codes (P1, F2 …), so reportgen cannot tell which column holds the name, "
        "the e-mail address or each question.",
        fix=f"Run reportgen check {survey.name} --write-mapping mapping.toml; open mapping.toml and write, "
        "after each column's letter, what it holds (name, email, or an item code such as P1; each "
        "column's header is shown after it); then run again with --mapping mapping.toml. Or export "
        "the survey with question texts as headers, if the tool can.",
        file=survey,
    )


def _other_responses(
    book: Export, names: list[str], instrument: Instrument, codebook: Codebook | None
) -> tuple[str, ...]:
    """A note for every other sheet with a header row of answers and rows below it: never silently left out."""
    notes = []
    for name in names:
        rows = book.rows(name)
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        other = find_columns(name, head, instrument, codebook)
        if other is None or not other.items:
            continue
        below = (values for number, values in chain(head, rows) if number > other.header_row)
        count = sum(1 for values in below if any(cell_text(v).strip() for v in values))
        if count:
            notes.append(
                f'sheet "{name}" also has a header row of answers and {count} response row(s), which are NOT read: '
                f'give --sheet "{name}" to read that sheet instead, or copy its rows under this sheet\'s and run again'
            )
    return tuple(notes)


def _settled(columns: ColumnMap, rows: DataRows, instrument: Instrument) -> tuple[ColumnMap, DataRows]:
    """The tool's marker columns found, and two columns that claim one item settled by their values.

    Of two columns headed as one item, one empty in every row is dropped (and `check`
    says so); two that both hold values stay a conflict, which `gaps` reports.
    """
    columns = replace(columns, markers=find_markers(columns, instrument))
    if not columns.conflicts:
        return columns, rows
    data = list(rows)
    items, free_text = dict(columns.items), dict(columns.free_text)
    conflicts: dict[str, tuple[int, ...]] = {}
    notes = list(columns.notes)
    for code, claimants in columns.conflicts.items():
        filled = [c for c in claimants if any(c < len(v) and cell_text(v[c]).strip() for _, v in data)]
        chosen = (filled or list(claimants))[0]
        (free_text if code in free_text else items)[code] = chosen
        if len(filled) > 1 and code in items:
            conflicts[code] = tuple(filled)
            continue
        dropped = [c for c in claimants if c != chosen]
        notes.append(
            f"columns {_letters(claimants)} are all headed as {code}; {_letters(dropped)} "
            f"{'is' if len(dropped) == 1 else 'are'} empty in every row, so column {column_letter(chosen)} is used"
            if len(filled) <= 1
            else f"columns {_letters(filled)} are all headed as {code} (free text); {column_letter(chosen)} is used"
        )
    return replace(columns, items=items, free_text=free_text, conflicts=conflicts, notes=tuple(notes)), iter(data)


def find_markers(columns: ColumnMap, instrument: Instrument) -> tuple[Marker, ...]:
    """The survey tools' unfinished and order columns this header has (exports.toml).

    A rule counts once, at its first column; a pattern (REDCap's "*_complete") at every column it fits.
    """
    parts = [[part for part in header.split(" / ") if part] for header in columns.headers]
    found = []
    for rule in instrument.exports.tools:
        if rule.detect and not any(_named(part, rule.detect) for keys in parts for part in keys):
            continue  # another tool's export: its column of this name means something else
        fitting = [c for c, keys in enumerate(parts) if any(_named(part, rule.headers) for part in keys)]
        every = any("*" in name for name in rule.headers)
        found += [Marker(rule, column) for column in (fitting if every else fitting[:1])]
    return tuple(found)


def _named(header: str, names: Sequence[str]) -> bool:
    """Whether a header is one of the names (letters and digits compared) or fits a pattern with *."""
    key = normalize(header)
    return any(
        fnmatch.fnmatchcase(header.casefold(), name.casefold()) if "*" in name else key == normalize(name)
        for name in names
    )


SHOWN = 5  # missing questions described one by one; the rest are named by their codes


def missing_items(columns: ColumnMap, instrument: Instrument) -> list[Item]:
    """The scored and importance items with no column that the mapping file does not declare absent."""
    return [item for item in instrument.items if item.code not in columns.items and item.code not in columns.absent]


def gaps(columns: ColumnMap, instrument: Instrument, survey: Path) -> InputError | None:
    """The error for questions without a column, or with two, if there are any: never a silent gap."""
    missing = missing_items(columns, instrument)
    if not missing and not columns.conflicts:
        return None
    lang = instrument.languages[0]
    parts = []
    if missing:
        described = [f'{item.code} "{_short(item.text[lang])}"{_like(item, columns)}' for item in missing[:SHOWN]]
        if len(missing) > SHOWN:
            described.append(f"and {', '.join(item.code for item in missing[SHOWN:])}")
        many = len(missing) > 1
        parts.append(
            f"{len(missing)} scored question{'s' if many else ''} {'have' if many else 'has'} no column, so the "
            f"scores would silently leave {'them' if many else 'it'} out: " + "; ".join(described)
        )
    parts += [
        f"columns {_letters(claimants)} are all headed as {code} and all hold answers, so which is the answer "
        "cannot be told"
        for code, claimants in columns.conflicts.items()
    ]
    codes = [item.code for item in missing] or list(columns.conflicts)
    return InputError(
        "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + ".",
        fix=(
            f"Run reportgen check {survey.name} --write-mapping mapping.toml, write each item's code after "
            f"the letter of its column (one column per item), and run again with --mapping mapping.toml; "
            f"if the survey did not ask a question, write it in the file's absent list instead "
            f'(absent = ["{codes[0]}"]): the scores are then computed without it and each report says so.'
        ),
        file=survey,
        sheet=columns.sheet,
    )


def _like(item: Item, columns: ColumnMap) -> str:
    """The ignored columns whose headers are most like the item's texts or code, with their letters."""
    texts = [normalize(text) for text in item.text.values()]
    scored = []
    for column in columns.ignored:
        key = normalize_header(columns.headers[column])
        ratio = max((difflib.SequenceMatcher(None, key, text).ratio() for text in texts), default=0.0)
        if key == normalize(item.code):
            ratio = 1.0
        scored.append((ratio, column))
    best = [column for ratio, column in sorted(scored, key=lambda pair: (-pair[0], pair[1]))[:2] if ratio > 0.3]
    if not best:
        return ""
    shown = " or ".join(f'{column_letter(c)} "{_short(columns.headers[c])}"' for c in best)
    return f" (most like it among the ignored columns: {shown})"


def _letters(columns: tuple[int, ...] | list[int]) -> str:
    letters = [column_letter(c) for c in columns]
    return letters[0] if len(letters) == 1 else f"{', '.join(letters[:-1])} and {letters[-1]}"


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _below(columns: ColumnMap, rows: DataRows) -> DataRows:
    return ((number, values) for number, values in rows if number > columns.header_row)


def best_header(book: Export, instrument: Instrument, sheet: str | None) -> ColumnMap | None:
    """The header row that matched most columns in any sheet, complete or not: a start for a mapping file."""
    codebook, codebook_sheets = _codebook(book, instrument)
    sheets = [sheet] if sheet else [n for n in book.sheet_names if n not in codebook_sheets]
    heads = {name: islice(book.rows(name), HEADER_SEARCH_ROWS) for name in sheets}
    guesses = [best_guess(name, head, instrument, codebook) for name, head in heads.items()]
    return max((g for g in guesses if g), key=lambda guess: guess.matched, default=None)


def _codebook(book: Export, instrument: Instrument) -> tuple[Codebook | None, set[str]]:
    """The workbook's own description of its variables (SurveyXact), and the sheets it came from."""
    rules = instrument.exports
    by_key = {normalize(name): name for name in book.sheet_names}
    structure = next((by_key[k] for n in rules.structure_sheets if (k := normalize(n)) in by_key), None)
    labels = next((by_key[k] for n in rules.label_sheets if (k := normalize(n)) in by_key), None)
    if structure is None and labels is None:
        return (_codebook_beside(book, instrument) if isinstance(book, CsvExport) else None), set()
    codebook = read_codebook(
        book.rows(structure) if structure else iter(()), book.rows(labels) if labels else iter(()), instrument
    )
    return codebook or None, {name for name in (structure, labels) if name}


def _codebook_beside(book: CsvExport, instrument: Instrument) -> Codebook | None:
    """SurveyXact's text export is three files: dataset, structure and labels; the two beside the dataset read too.

    [V] sda030/readSX inst/extdata/ex_survey2_*/{dataset,structure,labels}.csv; laravel-sx's API exports.
    """
    rules = instrument.exports
    head = [
        cell_text(v).strip() for _, values in islice(book.rows(book.sheet_names[0]), HEADER_SEARCH_ROWS) for v in values
    ]
    coded = {normalize(name) for _, detect in rules.coded for name in detect}
    if not coded & {normalize(text) for text in head if text}:
        return None  # another tool's export: a labels.csv beside it is something else

    def beside(names: Sequence[str]) -> Path | None:
        wanted = {normalize(name) for name in names}
        files = sorted(p for p in book.path.parent.iterdir() if p.suffix.lower() == book.path.suffix.lower())
        return next((p for p in files if normalize(p.stem) in wanted and p != book.path and p.is_file()), None)

    structure, labels = beside(rules.structure_sheets), beside(rules.label_sheets)
    if structure is None and labels is None:
        return None
    tables: list[list[tuple[int, Row]]] = []
    for path in (structure, labels):
        if path is None:
            tables.append([])
            continue
        try:
            with CsvExport(path) as table:
                tables.append(list(table.rows(table.sheet_names[0])))
        except InputError:
            tables.append([])  # unreadable: the export is read without it, and check notes the missing labels
    codebook = read_codebook(tables[0], tables[1], instrument)
    files = tuple(path.name for path in (structure, labels) if path is not None)
    return replace(codebook, source=files) if codebook else None


def with_group_column(columns: ColumnMap, wanted: str, survey: Path) -> ColumnMap:
    """The column map with the --group-by column, or an error listing the headers there are."""
    column = group_column(columns, wanted)
    if column is None:
        headers = ", ".join(f'"{h}"' for h in columns.headers if h)
        raise InputError(
            f'No column is named "{wanted}" (--group-by); the columns are {headers}.',
            fix="Give one of those headers, e.g. --group-by Organisation.",
            file=survey,
            sheet=columns.sheet,
        )
    return replace(columns, group=column)


def no_answers(columns: ColumnMap, survey: Path) -> InputError:
    """The error for a sheet with a header and nothing below it."""
    return InputError(
        f"The sheet has a header ({rows_text(columns.header_rows)}) but no answers below it.",
        fix="Check that you exported the responses, not just the questions, and run reportgen again.",
        file=survey,
        sheet=columns.sheet,
    )


def quoted(names: list[str]) -> str:
    """Names in quotes, comma-separated; "none" for no names."""
    return ", ".join(f'"{name}"' for name in names) or "none"
