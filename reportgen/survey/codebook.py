"""A workbook's own description of its variables (SurveyXact's Structure and Labels sheets), read as tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..export_rules import Codebook
from ..models import CellValue, Instrument
from .cells import as_number, cell_text, code_key, normalize
from .headers import HEADER_SEARCH_ROWS


def read_codebook(
    structure: Iterable[tuple[int, Sequence[CellValue]]],
    labels: Iterable[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
) -> Codebook:
    """Question texts and value labels per variable from a workbook's Structure and Labels sheets.

    Each sheet is a table with a header row; a variable named once over several label
    rows (one per value) counts for the rows below it.
    """
    rules = instrument.exports
    texts = {
        variable: text
        for variable, text in _table(structure, rules.variable_headers, rules.text_headers)
        if variable and text
    }
    rows = list(labels)
    table = list(_table(rows, rules.variable_headers, rules.value_headers, rules.label_headers)) or _by_position(rows)
    value_labels: dict[str, dict[str, str]] = {}
    for variable, value, label in table:
        if variable and value and label:
            value_labels.setdefault(variable, {})[code_key(value)] = label  # "5" and "5.0" are one code
    return Codebook(texts=texts, labels=value_labels)


def _by_position(rows: Iterable[tuple[int, Sequence[CellValue]]]) -> list[tuple[str, ...]]:
    """A Labels sheet without a header row, as SurveyXact writes it: variable, value, label in the first three columns.

    [V] berthott/laravel-sx tests/Feature/labels_en.csv and sda030/readSX's ex_survey2.xlsx: no header row.
    Only rows whose value is a whole number count, so a header row of other names is not read as a label.
    """
    found: list[tuple[str, ...]] = []
    variable = ""
    for _, values in rows:
        texts = [cell_text(v).strip() for v in values[:3]] + ["", "", ""]
        variable = normalize(texts[0]) or variable  # named once over its values' rows, or on each
        if as_number(texts[1]) is not None:
            found.append((variable, texts[1], texts[2]))
    return found


def _table(rows: Iterable[tuple[int, Sequence[CellValue]]], *wanted: Sequence[str]) -> Iterator[tuple[str, ...]]:
    """The wanted columns of a small table, by the first row that names them all; variables carried down."""
    names = [{normalize(name) for name in names} for names in wanted]
    columns: list[int] | None = None
    variable = ""
    for number, values in rows:
        texts = [cell_text(v).strip() for v in values]
        if columns is None:
            if number > HEADER_SEARCH_ROWS:
                return
            keys = [normalize(t) for t in texts]
            found = [next((i for i, key in enumerate(keys) if key in accepted), None) for accepted in names]
            if all(i is not None for i in found) and len(set(found)) == len(found):
                columns = [i for i in found if i is not None]
            continue
        cells = [texts[c] if c < len(texts) else "" for c in columns]
        variable = normalize(cells[0]) or variable
        yield (variable, *cells[1:])
