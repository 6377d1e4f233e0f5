"""Settles every row: scored, invalid with its reason, or a duplicate superseded by a later submission."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from ..models import Assessment, Instrument, Outcome, Problem, Response
from ..scoring.scorer import assess


def settle(responses: list[Response], instrument: Instrument) -> tuple[Outcome, ...]:
    """Score each row, mark rows without any score invalid, then supersede duplicates."""
    scored = {r.source_row: _scored(r, instrument) for r in responses if not r.invalid_reason}
    valid = [response for response, _ in scored.values() if not response.invalid_reason]
    superseded = decide_duplicates(valid)
    outcomes = []
    for original in responses:
        response, assessment = scored.get(original.source_row, (original, None))
        if response.invalid_reason:
            outcomes.append(Outcome(response.source_row, "invalid", response, reason=response.invalid_reason))
        elif response.source_row in superseded:
            winner, basis = superseded[response.source_row]
            outcomes.append(
                Outcome(
                    response.source_row,
                    "duplicate",
                    response,
                    reason=f"superseded by row {winner} (same e-mail, {basis})",
                    assessment=assessment,
                    superseded_by=winner,
                )
            )
        else:
            assert assessment is not None
            warnings = response.problems + _insufficient(response, assessment, instrument)
            outcomes.append(Outcome(response.source_row, "ok", response, assessment=assessment, warnings=warnings))
    return tuple(outcomes)


def _scored(response: Response, instrument: Instrument) -> tuple[Response, Assessment]:
    """The row's scores, and the row marked invalid when they say too little."""
    result = assess(response, instrument)
    if not result.reading_order:
        response = replace(response, invalid_reason="no step has enough answers for a score")
    return response, result


def _insufficient(response: Response, assessment: Assessment, instrument: Instrument) -> tuple[Problem, ...]:
    return tuple(
        Problem(
            response.source_row,
            None,
            f"step {instrument.step(s.step_id).title[instrument.languages[0]]}: "
            f"{s.answered} of {s.total} items answered, too few for a score",
        )
        for s in assessment.steps
        if s.score is None
    )


BY_TIME = "later submission"
BY_ID = "later response id: the export has no submission time"
BY_ROW = "further down the file: the export has no submission time, so the row order decides"


def resolve_duplicates(responses: Iterable[Response]) -> dict[int, int]:
    """Superseded row → the row that supersedes it, among valid responses with the same e-mail."""
    return {row: winner for row, (winner, _) in decide_duplicates(responses).items()}


def decide_duplicates(responses: Iterable[Response]) -> dict[int, tuple[int, str]]:
    """Superseded row → (the row that supersedes it, what decided it), among valid responses with one e-mail.

    The latest by the timestamp wins; without timestamps on every submission, the highest
    response id that grows with time (SurveyMonkey's Respondent ID), else the row furthest
    down the sheet (the later submission), and the reason says so.
    """
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if response.invalid_reason is None:
            groups.setdefault(response.email_key, []).append(response)
    superseded: dict[int, tuple[int, str]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        if all(r.submitted is not None for r in group):
            winner = max(group, key=lambda r: (r.submitted or datetime.min, r.source_row))
            basis = BY_TIME
        elif all(r.order_key is not None for r in group):
            winner = max(group, key=lambda r: (r.order_key or 0, r.source_row))
            basis = BY_ID
        else:
            winner = max(group, key=lambda r: r.source_row)
            basis = BY_ROW
        for response in group:
            if response is not winner:
                superseded[response.source_row] = (winner.source_row, basis)
    return superseded
