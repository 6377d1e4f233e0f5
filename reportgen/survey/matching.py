"""The three passes that match an export's columns to the instrument: header texts, item codes, values.

Kept apart from headers.py, which finds the header block and puts the passes' findings together.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..export_rules import Codebook
from ..models import CellValue, Instrument, Item
from .cells import cell_text, clean_header, code_key, grid_statements, normalize, normalize_header, parse_answer

# A variable name's parts ("formaal-P1", "formaal/P1", "P1_formaal"), and a group's prefix before a name.
_CODE_PARTS = re.compile(r"[-/_.:\s]+")
_GROUP_PREFIX = re.compile(r"^\w[\w.]*[-/]+([^\s\-/][^/]*)$")


@dataclass
class Named:
    """What the header texts alone say about the columns (the first pass)."""

    ranked: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # field → (synonym rank, column)
    claims: dict[str, list[int]] = field(default_factory=dict)  # item or free-text code → columns naming its text
    by_code: dict[str, list[int]] = field(default_factory=dict)  # ... columns whose header holds its code
    unmatched: list[tuple[int, list[str]]] = field(default_factory=list)  # for fuzzy matching


def header_texts(
    block: Sequence[tuple[int, Sequence[CellValue]]], instrument: Instrument, codebook: Codebook | None
) -> tuple[list[list[str]], list[list[str]], dict[int, Mapping[str, str]]]:
    """Each column's header texts, most specific first (a codebook's question text before its variable name).

    Also the texts as shown (a merged question carried right) and each column's value labels.
    A column a tool marks as no answer (Forms' "Points - …") has no texts to match.
    """
    width = max((len(values) for _, values in block), default=0)
    own = [[clean_header(cell_text(values[c])) if c < len(values) else "" for _, values in block] for c in range(width)]
    shown = _fill_merged(own)
    prefixes = tuple(p.casefold() for p in instrument.exports.not_answers)
    texts: list[list[str]] = []
    labels: dict[int, Mapping[str, str]] = {}
    for column, column_texts in enumerate(own):
        candidates = [t for t in reversed(column_texts) if t]
        if any(t.casefold().startswith(prefixes) for t in candidates):
            texts.append([])
            continue
        if codebook:
            known = [codebook.texts[key] for t in candidates if (key := normalize(t)) in codebook.texts]
            found = [codebook.labels[key] for t in candidates if (key := normalize(t)) in codebook.labels]
            candidates = known + candidates
            shown[column] += known
            if found:
                labels[column] = found[0]
        texts.append(candidates)
    return texts, shown, labels


def match_texts(texts: Sequence[list[str]], instrument: Instrument) -> Named:
    """The first pass: what each column's header text names (an identity field, an item, a free text)."""
    named = Named()
    targets = _targets(instrument)
    patterns = _patterns(instrument)
    for column, candidates in enumerate(texts):
        if not candidates:
            continue
        target = _match(candidates, targets) or _match_pattern(candidates, patterns)
        if target is None:
            named.unmatched.append((column, candidates))
            continue
        kind, ident, rank = target
        if kind == "identity":
            named.ranked.setdefault(ident, []).append((rank, column))
        else:
            named.claims.setdefault(ident, []).append(column)
    return named


def match_codes(texts: Sequence[list[str]], named: Named, instrument: Instrument) -> None:
    """The second pass: an item code as a column's most specific header, or inside it with a group's name.

    "P1", a grid's statement ("purpose[P1]"), or a part of a variable name ("formaal-P1",
    "formaal/P1", "P1_formaal"). Only as written: "v_1" is not V1.
    """
    codes = _codes(instrument)
    quiet = {normalize(text) for text in instrument.exports.subheaders}
    markers = tuple(normalize(marker) for marker in instrument.exports.header_markers)
    still: list[tuple[int, list[str]]] = []
    for column, candidates in named.unmatched:
        # A code counts as the column's most specific header only: "V4" over "ExternalDataReference" is not V4.
        telling = [t for t in candidates if normalize(t) not in quiet and not normalize(t).startswith(markers)]
        spelled = [telling[0], *grid_statements(telling[0]), *_CODE_PARTS.split(telling[0])] if telling else []
        found = {codes[t.strip().casefold()].code for t in spelled if t.strip().casefold() in codes}
        if len(found) == 1:
            named.by_code.setdefault(found.pop(), []).append(column)
        else:
            still.append((column, candidates))
    named.unmatched[:] = still


def check_values(named: Named, samples: Sequence[Sequence[CellValue]], instrument: Instrument) -> dict[str, list[int]]:
    """The third pass: a code claims its column only where the values below are on the item's scale.

    A code for an item whose text names another column is something else here.
    """
    kinds = {item.code: item for item in (*instrument.items, *instrument.free_text)}
    claims = {}
    for code, columns in named.claims.items():
        # Of two columns headed as one item, one whose values are off its scale is not its answer.
        on_scale = [c for c in columns if answers_on_scale(c, samples, kinds[code], instrument, strict=True)]
        claims[code] = on_scale if len(columns) > 1 and on_scale else list(columns)
    for code, columns in named.by_code.items():
        if code in claims:
            continue
        answers = [c for c in columns if answers_on_scale(c, samples, kinds[code], instrument)]
        if answers:
            claims[code] = answers
    return claims


def _match(candidates: Sequence[str], targets: dict[str, tuple[str, str, int]]) -> tuple[str, str, int] | None:
    """What the first header text that means something means.

    The whole text first, then its grid statement, then the name after a group's prefix
    (ODK's "deltager-email", KoboToolbox's "deltager/email").
    """
    for text in candidates:
        target = targets.get(normalize_header(text)) or targets.get(normalize(text))
        for statement in grid_statements(text):
            target = target or targets.get(normalize_header(statement))
        if target is None and (grouped := _GROUP_PREFIX.match(text)):
            target = targets.get(normalize(grouped.group(1)))
        if target is not None:
            return target
    return None


def _match_pattern(
    candidates: Sequence[str], patterns: list[tuple[str, tuple[str, str, int]]]
) -> tuple[str, str, int] | None:
    """An identity header given as a pattern in exports.toml (REDCap's "*_timestamp"), case ignored."""
    for text in candidates:
        for pattern, target in patterns:
            if fnmatch.fnmatchcase(text.casefold(), pattern):
                return target
    return None


def _patterns(instrument: Instrument) -> list[tuple[str, tuple[str, str, int]]]:
    return [
        (header.casefold(), ("identity", identity.id, rank))
        for identity in instrument.identity.values()
        for rank, header in enumerate(identity.headers)
        if "*" in header
    ]


def _fill_merged(texts: list[list[str]]) -> list[list[str]]:
    """A question over merged cells (SurveyMonkey) is written in its first column only: carry it right."""
    filled = [list(own) for own in texts]
    for column in range(1, len(filled)):
        for row in range(len(filled[column]) - 1):
            below = any(filled[column][row + 1 :])
            if not filled[column][row] and below and any(filled[column - 1][row + 1 :]):
                filled[column][row] = filled[column - 1][row]
    return filled


def _targets(instrument: Instrument) -> dict[str, tuple[str, str, int]]:
    """Normalised header → (kind, id, rank): what a header's text can mean (item codes apart, see _codes)."""
    targets: dict[str, tuple[str, str, int]] = {}
    for item in (*instrument.items, *instrument.free_text):
        kind = "free_text" if item.kind == "free_text" else "item"
        for text in item.text.values():
            targets.setdefault(normalize(text), (kind, item.code, 0))
    for identity in instrument.identity.values():
        for rank, header in enumerate(identity.headers):
            if "*" not in header:  # a pattern, matched by _match_pattern
                targets.setdefault(normalize(header), ("identity", identity.id, rank))
    return targets


def _codes(instrument: Instrument) -> dict[str, Item]:
    """A bare item code as a header ("P1", "t1"), case ignored, to the item: only as written, "v_1" is not V1."""
    return {item.code.casefold(): item for item in (*instrument.items, *instrument.free_text)}


def answers_on_scale(
    column: int, samples: Sequence[Sequence[CellValue]], item: Item, instrument: Instrument, strict: bool = False
) -> bool:
    """Whether the first data rows hold, in this column, only answers on the item's scale (or nothing).

    A number one below the scale's first is an answer too (the tool may number the choices from 0;
    survey/coding.py then decides how the whole column is read), except `strict`ly, between two
    columns headed as one item, where a column of 0s is more likely points or flags than answers.
    """
    if item.kind == "free_text":
        return True
    scale = instrument.scales[item.scale_id]
    missing = {code_key(code) for code in instrument.exports.missing_codes}
    below = set() if strict else {code_key(str(scale.min - 1))}
    values = [row[column] for row in samples if column < len(row)]
    return all(
        parse_answer(value, scale)[1] is None or code_key(cell_text(value)) in missing | below for value in values
    )
