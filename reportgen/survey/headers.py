"""Finds what each column of an export holds: header blocks, header texts matched to the instrument, codebooks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ..models import CellValue, Codebook, ColumnMap, Instrument, Item
from .cells import (
    EMAIL,
    cell_text,
    clean_header,
    grid_statements,
    normalize,
    normalize_header,
    parse_answer,
)

HEADER_SEARCH_ROWS = 10  # the header row is looked for among the sheet's first rows
HEADER_ROWS_MAX = 3  # Qualtrics writes three header rows
FUZZY_HEADER_RATIO = 0.9  # close enough for a header with a typo or a changed word
FUZZY_MARGIN = 0.05  # ... and clearly closer to one question than to any other
SAMPLE_ROWS = 5  # data rows looked at to tell a column of answers from a column of ids or dates


def find_columns(
    sheet: str,
    rows: Iterable[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
    codebook: Codebook | None = None,
) -> ColumnMap | None:
    """The column map of the first header block that holds every required identity column.

    A header is one row (Microsoft Forms), two (SurveyMonkey: question over statement) or
    three (Qualtrics: code, text and an ImportId row); of the blocks that start at a row,
    the one that matches most columns wins, the shortest on a tie.
    """
    head = [(number, values) for number, values in rows if number <= HEADER_SEARCH_ROWS]
    for start in range(len(head)):
        best: ColumnMap | None = None
        for depth in range(1, HEADER_ROWS_MAX + 1):
            block = head[start : start + depth]
            # A row with an e-mail address in it is a response, never a header.
            if len(block) < depth or any(EMAIL.match(cell_text(v).strip()) for _, values in block for v in values):
                break
            # Screen without fuzzy matching, the slow part; the chosen block gets it below.
            candidate = map_headers(
                sheet, block, instrument, codebook, fuzzy=False, samples=_samples(head, block, instrument)
            )
            if has_required(candidate, instrument) and (best is None or candidate.matched > best.matched):
                best = candidate
        if best is not None:
            block = [(number, values) for number, values in head if number in best.header_rows]
            samples = _samples(head, block, instrument)
            return _with_marker_rows(map_headers(sheet, block, instrument, codebook, samples=samples), head, instrument)
    return None


def _samples(
    head: Sequence[tuple[int, Sequence[CellValue]]],
    block: Sequence[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
) -> list[Sequence[CellValue]]:
    """The first data rows below a header block (a marker row such as Qualtrics' ImportId row left out)."""
    markers = tuple(normalize(marker) for marker in instrument.exports.header_markers)
    below = [values for number, values in head if number > block[-1][0]]
    return [
        values
        for values in below
        if not all(normalize(cell_text(v)).startswith(markers) for v in values if cell_text(v).strip())
    ][:SAMPLE_ROWS]


def best_guess(
    sheet: str, rows: Iterable[tuple[int, Sequence[CellValue]]], instrument: Instrument, codebook: Codebook | None
) -> ColumnMap | None:
    """The single header row that matches most columns, complete or not: a start for a mapping file."""
    head = [(number, values) for number, values in rows if number <= HEADER_SEARCH_ROWS]
    if not head:
        return None
    best = max(head, key=lambda row: map_headers(sheet, [row], instrument, codebook, fuzzy=False).matched)
    return map_headers(sheet, [best], instrument, codebook)


def has_required(columns: ColumnMap, instrument: Instrument) -> bool:
    """Whether every required identity field has a column, or the columns of its parts."""
    return all(
        field.id in columns.identity or any(part in columns.identity for part in field.parts)
        for field in instrument.identity.values()
        if field.required
    )


def _with_marker_rows(
    columns: ColumnMap,
    head: Sequence[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
) -> ColumnMap:
    """Take the rows right below the header that are marked as header rows (Qualtrics' ImportId) into it."""
    rows = list(columns.header_rows)
    markers = [normalize(marker) for marker in instrument.exports.header_markers]
    for number, values in head:
        texts = [normalize(cell_text(v)) for v in values if cell_text(v).strip()]
        if number == rows[-1] + 1 and texts and all(any(t.startswith(m) for m in markers) for t in texts):
            rows.append(number)
    return replace(columns, header_rows=tuple(rows))


def map_headers(
    sheet: str,
    block: Sequence[tuple[int, Sequence[CellValue]]],
    instrument: Instrument,
    codebook: Codebook | None = None,
    fuzzy: bool = True,
    samples: Sequence[Sequence[CellValue]] = (),
) -> ColumnMap:
    """Match each column's header texts to identity fields, items (by text or code) and free-text questions.

    A column's texts are tried from the lowest header row up (the statement under a
    question is more specific than the question); a codebook's question text for a
    variable name comes before the name itself. A bare item code ("P1") counts only for
    an item no header names by its text, and only over a column whose first data rows
    (`samples`) hold answers on the item's scale: Qualtrics' legacy V1–V10 hold ids and dates.
    Two columns with one item's text are a conflict, which the caller settles by their values.
    """
    ranked: dict[str, list[tuple[int, int]]] = {}  # field → (synonym rank, column) of each column naming it
    claims: dict[str, list[int]] = {}  # item or free-text code → the columns whose header text names it
    by_code: dict[str, list[int]] = {}  # ... whose header is the bare code
    targets = _targets(instrument)
    codes = _codes(instrument)
    quiet = {normalize(text) for text in instrument.exports.subheaders}
    markers = tuple(normalize(marker) for marker in instrument.exports.header_markers)
    width = max((len(values) for _, values in block), default=0)
    texts = [
        [clean_header(cell_text(values[c])) if c < len(values) else "" for _, values in block] for c in range(width)
    ]
    unmatched: list[tuple[int, list[str]]] = []
    labels: dict[int, Mapping[str, str]] = {}
    shown = _fill_merged(texts)
    for column, own in enumerate(texts):
        candidates = [t for t in reversed(own) if t]
        if codebook:
            known = [codebook.texts[key] for t in candidates if (key := normalize(t)) in codebook.texts]
            found = [codebook.labels[key] for t in candidates if (key := normalize(t)) in codebook.labels]
            candidates = known + candidates
            shown[column] += known
            if found:
                labels[column] = found[0]
        target = _match(candidates, targets)
        if target is None:
            # A code counts as the column's most specific header only: "V4" over "ExternalDataReference" is not V4.
            telling = [t for t in candidates if normalize(t) not in quiet and not normalize(t).startswith(markers)]
            # The code as the whole header ("P1") or as a grid's statement (LimeSurvey's "purpose[P1]").
            spelled = [telling[0], *grid_statements(telling[0])] if telling else []
            code = next((codes[t.strip().casefold()].code for t in spelled if t.strip().casefold() in codes), None)
            if code is not None:
                by_code.setdefault(code, []).append(column)
            else:
                unmatched.append((column, candidates))
            continue
        kind, ident, rank = target
        if kind == "identity":
            ranked.setdefault(ident, []).append((rank, column))
        else:
            claims.setdefault(ident, []).append(column)
    identity = {field: _identity_column(field, found, samples, instrument) for field, found in ranked.items()}
    kinds = {item.code: item for item in (*instrument.items, *instrument.free_text)}
    for code, columns in by_code.items():
        if code in claims:
            continue  # the item's text names another column: the code is something else here
        answers = [c for c in columns if _answers_on_scale(c, samples, kinds[code], instrument)]
        if answers:
            claims[code] = answers
    items = {code: columns[0] for code, columns in claims.items() if kinds[code].kind != "free_text"}
    free_text = {code: columns[0] for code, columns in claims.items() if kinds[code].kind == "free_text"}
    if fuzzy:
        _match_fuzzy(unmatched, instrument, items, free_text)
    return ColumnMap(
        sheet=sheet,
        header_rows=tuple(number for number, _ in block),
        headers=tuple(_display(own, instrument) for own in shown),
        identity=identity,
        items=items,
        free_text=free_text,
        value_labels=labels,
        conflicts={code: tuple(columns) for code, columns in claims.items() if len(columns) > 1},
    )


def _match(candidates: Sequence[str], targets: dict[str, tuple[str, str, int]]) -> tuple[str, str, int] | None:
    """What the first header text that means something means: whole text first, then its grid statement."""
    for text in candidates:
        target = targets.get(normalize_header(text)) or targets.get(normalize(text))
        for statement in grid_statements(text):
            target = target or targets.get(normalize_header(statement))
        if target is not None:
            return target
    return None


def _fill_merged(texts: list[list[str]]) -> list[list[str]]:
    """A question over merged cells (SurveyMonkey) is written in its first column only: carry it right."""
    filled = [list(own) for own in texts]
    for column in range(1, len(filled)):
        for row in range(len(filled[column]) - 1):
            below = any(filled[column][row + 1 :])
            if not filled[column][row] and below and any(filled[column - 1][row + 1 :]):
                filled[column][row] = filled[column - 1][row]
    return filled


def _display(own: Sequence[str], instrument: Instrument) -> str:
    """A column's header texts as one line: "Question / Statement"."""
    markers = tuple(normalize(m) for m in instrument.exports.header_markers)
    shown: list[str] = []
    for text in own:
        if text and text not in shown and not normalize(text).startswith(markers):
            shown.append(text)
    return " / ".join(shown)


def _targets(instrument: Instrument) -> dict[str, tuple[str, str, int]]:
    """Normalised header → (kind, id, rank): what a header's text can mean (item codes apart, see _codes)."""
    targets: dict[str, tuple[str, str, int]] = {}
    for item in (*instrument.items, *instrument.free_text):
        kind = "free_text" if item.kind == "free_text" else "item"
        for text in item.text.values():
            targets.setdefault(normalize(text), (kind, item.code, 0))
    for field in instrument.identity.values():
        for rank, header in enumerate(field.headers):
            targets.setdefault(normalize(header), ("identity", field.id, rank))
    return targets


def _codes(instrument: Instrument) -> dict[str, Item]:
    """A bare item code as a header ("P1", "t1"), case ignored, to the item: only as written, "v_1" is not V1."""
    return {item.code.casefold(): item for item in (*instrument.items, *instrument.free_text)}


def _identity_column(
    field: str, found: list[tuple[int, int]], samples: Sequence[Sequence[CellValue]], instrument: Instrument
) -> int:
    """The column of an identity field: the best-ranked header; of equals, the one whose values are real.

    Microsoft Forms writes its own "Email" and "Name" columns ("anonymous" when anyone may
    answer) before the form's own questions of the same name: the values tell them apart.
    """
    best = min(rank for rank, _ in found)
    tied = [column for rank, column in found if rank == best]
    if len(tied) == 1:
        return tied[0]
    placeholders = {normalize(value) for value in instrument.exports.placeholders}

    def real(column: int) -> int:
        values = [cell_text(row[column]).strip() for row in samples if column < len(row)]
        values = [v for v in values if v and normalize(v) not in placeholders]
        return sum(bool(EMAIL.match(v)) for v in values) if field == "email" else len(values)

    return max(tied, key=lambda column: (real(column), -column))


def _answers_on_scale(column: int, samples: Sequence[Sequence[CellValue]], item: Item, instrument: Instrument) -> bool:
    """Whether the first data rows hold, in this column, only answers on the item's scale (or nothing)."""
    if item.kind == "free_text":
        return True
    scale = instrument.scales[item.scale_id]
    values = [row[column] for row in samples if column < len(row)]
    return all(parse_answer(value, scale)[1] is None for value in values)


def _match_fuzzy(
    unmatched: list[tuple[int, list[str]]], instrument: Instrument, items: dict[str, int], free_text: dict[str, int]
) -> None:
    """Match a header with a small difference (a typo, an edited word) to the one item it resembles."""
    texts = [
        (normalize(text), item)
        for item in (*instrument.items, *instrument.free_text)
        if item.code not in items and item.code not in free_text
        for text in item.text.values()
    ]
    for column, candidates in unmatched:
        keys = [key for text in candidates if len(key := normalize_header(text)) >= 12]
        if not keys:  # short headers (ID, Start time) are never item texts
            continue
        scored = sorted(
            ((_similarity(key, text), item.code, item.kind) for key in keys for text, item in texts),
            reverse=True,
        )
        if not scored or scored[0][0] < FUZZY_HEADER_RATIO:
            continue
        ratio, code, kind = scored[0]
        runner_up = next((r for r, c, _ in scored if c != code), 0.0)
        chosen = free_text if kind == "free_text" else items
        if ratio - runner_up > FUZZY_MARGIN and code not in chosen:
            chosen[code] = column


def _similarity(key: str, text: str) -> float:
    """Difflib's ratio, skipped (0) where its cheap upper bound shows it can't matter (below the margin)."""
    matcher = difflib.SequenceMatcher(None, key, text)
    if (
        matcher.real_quick_ratio() < FUZZY_HEADER_RATIO - FUZZY_MARGIN
        or matcher.quick_ratio() < FUZZY_HEADER_RATIO - FUZZY_MARGIN
    ):
        return 0.0
    return matcher.ratio()


def group_column(columns: ColumnMap, wanted: str) -> int | None:
    """The column a --group-by names: by its header (any header row), or an identity field's id."""
    if wanted in columns.identity:
        return columns.identity[wanted]
    key = normalize(wanted)
    return next(
        (i for i, header in enumerate(columns.headers) if key and key in {normalize(p) for p in header.split(" / ")}),
        None,
    )
