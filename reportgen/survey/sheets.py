"""Finds the sheet that holds the responses, its header block and its codebook, and hands on its data rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from itertools import chain, islice
from pathlib import Path

from ..errors import InputError
from ..models import Codebook, ColumnMap, Instrument
from . import mapping_file
from .headers import HEADER_SEARCH_ROWS, best_guess, find_columns, group_column, normalize, read_codebook, rows_text
from .reader import CsvExport, Row, Workbook

Export = Workbook | CsvExport
DataRows = Iterator[tuple[int, Row]]


def find_sheet(
    book: Export, instrument: Instrument, survey: Path, sheet: str | None = None, mapping: Path | None = None
) -> tuple[ColumnMap, DataRows]:
    """The first sheet (or `sheet`) whose header row holds the identity columns, and its data rows."""
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
        return columns, _below(columns, chain(head, rows))
    checked = []
    for name in [wanted] if wanted else candidates:
        rows = book.rows(name)
        head = list(islice(rows, HEADER_SEARCH_ROWS))
        checked.append(name)
        found = find_columns(name, head, instrument, codebook)
        if found is None:
            continue
        if not found.items:
            raise InputError(
                f"The header ({rows_text(found.header_rows)}) has the name and e-mail columns, "
                "but no column matches a question of the questionnaire.",
                fix="Check that the export has one column per question with the question text or code "
                "(P1, F2 …) as its header, or map the columns yourself: run reportgen check with "
                "--write-mapping, edit the file and give it with --mapping.",
                file=survey,
                sheet=name,
            )
        return found, _below(found, chain(head, rows))
    required = [f for f in instrument.identity.values() if f.required]
    expected = " and ".join(f"{f.id} ({' / '.join(f.headers[:2])})" for f in required)
    raise InputError(
        f"No sheet has a header row with the columns for {expected} in its first "
        f"{HEADER_SEARCH_ROWS} rows (sheets checked: {quoted(checked)}); "
        "the sheet may be empty or not a survey export.",
        fix="Check that this is the export of the survey responses and that it has a name and an "
        "e-mail column, or name the right sheet with --sheet.",
        file=survey,
    )


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
        return None, set()
    codebook = read_codebook(
        book.rows(structure) if structure else iter(()), book.rows(labels) if labels else iter(()), instrument
    )
    return codebook or None, {name for name in (structure, labels) if name}


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
