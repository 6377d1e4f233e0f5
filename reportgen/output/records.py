"""`reportgen score`'s records: one per data row, as JSON or flattened to CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..models import Assessment, Outcome
from .manifest import BOM, CSV_DIALECTS
from .writer import csv_safe


def score_records(
    outcomes: Iterable[Outcome], step_ids: Iterable[str], with_previous: bool = False
) -> list[dict[str, object]]:
    """`reportgen score`'s records: one per data row, in input order. Keep this form stable.

    With --previous, each record also has the earlier scores and the changes (None where either is missing).
    """
    steps = list(step_ids)
    records: list[dict[str, object]] = []
    for outcome in outcomes:
        assessment = outcome.assessment if outcome.status != "invalid" else None
        scores = _rounded(assessment, steps)
        results = {s.step_id: s for s in assessment.steps} if assessment else {}
        record: dict[str, object] = {
            "source_row": outcome.source_row,
            "status": "ok" if outcome.status in ("ok", "rendered", "failed") else outcome.status,
            "reason": outcome.reason,
            "name": outcome.response.name,
            "email": outcome.response.email,
            "scores": scores,
            "bands": {step: results[step].band_id if step in results else None for step in steps},
            # The leader's own importance answers; None where not given (the report then uses none).
            "importance": {step: results[step].importance if step in results else None for step in steps},
            "priority": list(assessment.reading_order) if assessment else [],
        }
        if with_previous:
            before = _rounded(outcome.previous, steps)
            record["previous_scores"] = before
            record["changes"] = {
                step: None if (b := before[step]) is None or (n := scores[step]) is None else round(n - b, 1)
                for step in steps
            }
        records.append(record)
    return records


def _rounded(assessment: Assessment | None, steps: list[str]) -> dict[str, float | None]:
    """Each step's score as `score` prints it (one decimal), None where there is none."""
    results = {s.step_id: s for s in assessment.steps} if assessment else {}
    return {step: results[step].rounded if step in results else None for step in steps}


def _blank(values: object, step: str) -> object:
    assert isinstance(values, dict)
    return "" if values[step] is None else values[step]


def records_csv(records: list[dict[str, object]], step_ids: Iterable[str], dialect: str = "excel") -> str:
    """The score records flattened: score_, band_, importance_<step>, priority joined with ">", in a CSV dialect.

    Texts are protected as in the manifest ("=HYPERLINK(…)" → "'=HYPERLINK(…)"); numbers, also
    negative changes, stay numbers.
    """
    steps = list(step_ids)
    delimiter, bom = CSV_DIALECTS[dialect]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    earlier = bool(records) and "previous_scores" in records[0]
    writer.writerow(
        ["source_row", "status", "reason", "name", "email"]
        + [f"score_{s}" for s in steps]
        + [f"band_{s}" for s in steps]
        + [f"importance_{s}" for s in steps]
        + ([f"previous_{s}" for s in steps] + [f"change_{s}" for s in steps] if earlier else [])
        + ["priority"]
    )
    for record in records:
        scores = record["scores"]
        bands = record["bands"]
        importance = record["importance"]
        assert isinstance(scores, dict) and isinstance(bands, dict) and isinstance(record["priority"], list)
        writer.writerow(
            [record["source_row"], *(csv_safe(record[key] or "") for key in ("status", "reason", "name", "email"))]
            + ["" if scores[s] is None else scores[s] for s in steps]
            + [bands[s] or "" for s in steps]
            + [_blank(importance, s) for s in steps]
            + (
                [_blank(record["previous_scores"], s) for s in steps] + [_blank(record["changes"], s) for s in steps]
                if earlier
                else []
            )
            + [csv_safe(">".join(record["priority"]))]
        )
    return (BOM if bom else "") + buffer.getvalue()
