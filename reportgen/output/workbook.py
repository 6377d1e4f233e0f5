"""DIR/scores.xlsx for the facilitator: the leaders' scores, the group's figures, and the manifest.

In the report language: sheet names and headers come from the [workbook] table of the content file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..models import Instrument, Outcome, round_half_up
from ..scoring.group import group_steps
from .manifest import MANIFEST_COLUMNS, manifest_rows
from .writer import write_atomic

SCORES = "scores.xlsx"


def write_scores(
    directory: Path, outcomes: Sequence[Outcome], instrument: Instrument, lang: str, words: Mapping[str, str]
) -> Path:
    """DIR/scores.xlsx: one row per scored leader, the group's figures, and the manifest; `words` its labels."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    scored = [o for o in outcomes if o.assessment and o.status in ("rendered", "failed", "skipped", "ok")]
    _leaders_sheet(book.create_sheet(words["leaders_sheet"]), scored, instrument, lang, words)
    _group_sheet(book.create_sheet(words["group_sheet"]), scored, instrument, lang, words)
    manifest = book.create_sheet(words["manifest_sheet"])  # the columns of manifest.csv, as they are there
    manifest.append(list(MANIFEST_COLUMNS))
    for row in manifest_rows(outcomes):
        manifest.append(_text_row(manifest, row))
    path = directory / SCORES
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path


def _text_row(sheet: Any, values: Iterable[object]) -> list[object]:
    """A row whose strings are text cells: a name like "=HYPERLINK(…)" never runs as a formula."""
    from openpyxl.cell import WriteOnlyCell

    row: list[object] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


def _leaders_sheet(
    sheet: Any, scored: Sequence[Outcome], instrument: Instrument, lang: str, words: Mapping[str, str]
) -> None:
    """One row per scored leader: scores, bands, answers counted, importance, reading order, report, free text."""
    steps = instrument.steps
    sheet.append(
        [words["row"], words["name"], words["email"], words["organisation"]]
        + [words["score"].format(step=s.title[lang]) for s in steps]
        + [words["band"].format(step=s.title[lang]) for s in steps]
        + [words["answered"].format(step=s.title[lang]) for s in steps]
        + [words["importance"].format(step=s.title[lang]) for s in steps]
        + [words["reading_order"], words["report"]]
        + [words["free_text"].format(code=item.code) for item in instrument.free_text]
    )
    bands = {band.id: band.label[lang] for band in instrument.bands}
    titles = {step.id: step.title[lang] for step in steps}
    for o in scored:
        assert o.assessment is not None
        results = [o.assessment.step(s.id) for s in steps]
        sheet.append(
            _text_row(
                sheet,
                [o.source_row, o.response.name, o.response.email, o.response.organisation]
                # One decimal, half up: the same figures as the PDF and `reportgen score`.
                + [r.rounded for r in results]
                + [bands.get(r.band_id or "", "") for r in results]
                + [f"{r.answered}/{r.total}" for r in results]
                + [r.importance for r in results]
                + [" > ".join(titles[s] for s in o.assessment.reading_order), o.pdf or ""]
                # The whole free text, also where the PDF shortens it.
                + [o.response.free_text.get(item.code, "") for item in instrument.free_text],
            )
        )


def _group_sheet(
    sheet: Any, scored: Sequence[Outcome], instrument: Instrument, lang: str, words: Mapping[str, str]
) -> None:
    """The group's figures per step, from the same exact scores as cohort.pdf and the radar."""
    sheet.append(
        [words[key] for key in ("step", "scored", "mean", "median", "spread", "low", "high")]
        + [words["band_count"].format(band=band.label[lang]) for band in instrument.bands]
        + [words[key] for key in ("importance_mean", "priority", "first_in_order")]
    )
    figures = group_steps([o.assessment for o in scored if o.assessment], instrument)
    for step, found in zip(instrument.steps, figures, strict=True):
        # A step nobody has a score for (no valid rows, or nobody answered it) has no figures.
        scores = found.scores
        values = (
            [
                scores.count,
                _one_decimal(scores.mean),
                _one_decimal(scores.median),
                _one_decimal(scores.spread),
                _one_decimal(scores.low),
                _one_decimal(scores.high),
            ]
            if scores
            else [0, None, None, None, None, None]
        )
        importance = None if found.importance is None else _one_decimal(found.importance.mean)
        priority = None if found.priority is None else _one_decimal(found.priority)
        bands_row = [count for _, count in found.bands]
        sheet.append(_text_row(sheet, [step.title[lang], *values, *bands_row, importance, priority, found.first]))


def _one_decimal(value: Fraction | float) -> float:
    """A group figure as scores.xlsx shows it, rounded as the scores are (half up)."""
    return float(round_half_up(value if isinstance(value, Fraction) else Fraction(str(value)), 1))
