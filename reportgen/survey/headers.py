"""Finds what each column of an export holds: header blocks, header texts matched to the instrument, codebooks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..export_rules import Codebook
from ..models import CellValue, ColumnMap, Instrument
from .cells import EMAIL, cell_text, normalize, normalize_header
from .matching import check_values, header_texts, match_codes, match_texts

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

    Three passes: the header texts (`match_texts`), the item codes a header holds
    (`match_codes`), and the values below (`check_values`): a code counts only over a
    column whose first data rows (`samples`) hold answers on the item's scale, since
    Qualtrics' legacy V1–V10 hold ids and dates. Two columns with one item's text are a
    conflict, which the caller settles by their values.
    """
    texts, shown, labels = header_texts(block, instrument, codebook)
    named = match_texts(texts, instrument)
    match_codes(texts, named, instrument)
    claims = check_values(named, samples, instrument)
    kinds = {item.code: item.kind for item in (*instrument.items, *instrument.free_text)}
    items = {code: columns[0] for code, columns in claims.items() if kinds[code] != "free_text"}
    free_text = {code: columns[0] for code, columns in claims.items() if kinds[code] == "free_text"}
    if fuzzy:
        _match_fuzzy(named.unmatched, instrument, items, free_text)
    identity = {f: _identity_column(f, found, samples, instrument) for f, found in named.ranked.items()}
    identity, account = _with_account(identity, named.ranked.get("email", []), texts, instrument)
    return ColumnMap(
        sheet=sheet,
        header_rows=tuple(number for number, _ in block),
        headers=tuple(_display(own, instrument) for own in shown),
        identity=identity,
        account=account,
        items=items,
        free_text=free_text,
        value_labels=labels,
        conflicts={code: tuple(columns) for code, columns in claims.items() if len(columns) > 1},
    )


def _display(own: Sequence[str], instrument: Instrument) -> str:
    """A column's header texts as one line: "Question / Statement"."""
    markers = tuple(normalize(m) for m in instrument.exports.header_markers)
    shown: list[str] = []
    for text in own:
        if text and text not in shown and not normalize(text).startswith(markers):
            shown.append(text)
    return " / ".join(shown)


def _with_account(
    identity: dict[str, int], found: list[tuple[int, int]], texts: Sequence[list[str]], instrument: Instrument
) -> tuple[dict[str, int], int | None]:
    """The typed e-mail column and, apart from it, the tool's signed-in account column (exports.toml accounts).

    Only where the export has both: Forms' fixed "Mail" beside the form's own e-mail question.
    """
    present = {normalize(t) for candidates in texts for t in candidates}
    for detect, headers in instrument.exports.accounts if len(found) > 1 else ():
        if not present & {normalize(name) for name in detect}:
            continue
        # As written, case ignored: Forms' "Email" is the account, the form's own "E-mail" is typed.
        keys = {header.casefold() for header in headers}
        accounts = [c for _, c in found if any(t.strip().casefold() in keys for t in texts[c])]
        typed = sorted((rank, c) for rank, c in found if c not in accounts)
        if accounts and typed:
            return {**identity, "email": typed[0][1]}, accounts[0]
    return identity, None


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
