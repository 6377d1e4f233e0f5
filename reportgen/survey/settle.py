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
    superseded = resolve_duplicates(valid)
    outcomes = []
    for original in responses:
        response, assessment = scored.get(original.source_row, (original, None))
        if response.invalid_reason:
            outcomes.append(Outcome(response.source_row, "invalid", response, reason=response.invalid_reason))
        elif response.source_row in superseded:
            winner = superseded[response.source_row]
            outcomes.append(
                Outcome(
                    response.source_row,
                    "duplicate",
                    response,
                    reason=f"superseded by row {winner} (same e-mail, later submission)",
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
    short = [instrument.step(s.step_id).title[instrument.languages[0]] for s in result.steps if s.score is None]
    if not result.reading_order:
        response = replace(response, invalid_reason="no step has enough answers for a score")
    elif response.unfinished and short:
        # An unfinished response is scored only when it is complete enough to say something about every step.
        response = replace(
            response,
            invalid_reason=f"unfinished response ({response.unfinished}); too few answers in {', '.join(short)}",
        )
    elif response.unfinished:
        note = f"unfinished response ({response.unfinished}), scored: every step has enough answers"
        response = replace(response, problems=(*response.problems, Problem(response.source_row, None, note)))
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


def resolve_duplicates(responses: Iterable[Response]) -> dict[int, int]:
    """Superseded row → the row that supersedes it, among valid responses with the same e-mail.

    The latest by the timestamp wins; without timestamps on every submission, the
    row furthest down the sheet (the later submission) wins.
    """
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if response.invalid_reason is None:
            groups.setdefault(response.email_key, []).append(response)
    superseded: dict[int, int] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        timed = all(r.submitted is not None for r in group)
        winner = max(group, key=lambda r: (r.submitted if timed else datetime.min, r.source_row))
        for response in group:
            if response is not winner:
                superseded[response.source_row] = winner.source_row
    return superseded
