"""The group's figures per step, computed once from exact scores, for the radar, cohort.pdf and scores.xlsx."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..models import Assessment, Instrument


@dataclass(frozen=True)
class Figures:
    """A step's scores over the leaders scored on it."""

    count: int
    mean: Fraction
    median: Fraction
    spread: float  # population standard deviation
    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class StepGroup:
    """Everything the group's figures of one step are made of, exact."""

    step_id: str
    scores: Figures | None  # None: nobody has a score on the step
    bands: tuple[tuple[str, int], ...]  # (band id, leaders), in the instrument's band order
    importance: Figures | None  # the importance answers (1–5) of the leaders scored on the step
    importance_counts: tuple[int, ...]  # leaders per importance answer, scale minimum first
    priority: Fraction | None  # mean importance × (100 − mean score): how much the group needs the step
    first: int  # leaders who have the step first in their own reading order


def step_scores(assessments: Iterable[Assessment], step_id: str) -> list[Fraction]:
    """The exact scores of the leaders scored on this step."""
    return [score for a in assessments if (score := a.step(step_id).score) is not None]


def figures(values: Sequence[Fraction]) -> Figures | None:
    """Mean, median, spread and range of exact values; None for no values."""
    if not values:
        return None
    return Figures(
        count=len(values),
        mean=sum(values, Fraction(0)) / len(values),
        median=Fraction(statistics.median(values)),
        spread=statistics.pstdev([float(v) for v in values]),
        low=min(values),
        high=max(values),
    )


def group_steps(assessments: Sequence[Assessment], instrument: Instrument) -> tuple[StepGroup, ...]:
    """Each step's figures over the group, in the instrument's order."""
    first = Counter(a.reading_order[0] for a in assessments if a.reading_order)
    found = []
    for step in instrument.steps:
        results = [result for a in assessments if (result := a.step(step.id)).score is not None]
        scores = figures([r.score for r in results if r.score is not None])
        answers = [r.importance for r in results if r.importance is not None]
        importance = figures([Fraction(answer) for answer in answers])
        scale = instrument.scales[step.importance.scale_id] if step.importance else None
        counts = Counter(answers)
        found.append(
            StepGroup(
                step_id=step.id,
                scores=scores,
                bands=tuple((band.id, sum(r.band_id == band.id for r in results)) for band in instrument.bands),
                importance=importance,
                importance_counts=tuple(counts[v] for v in range(scale.min, scale.max + 1)) if scale else (),
                priority=None if scores is None or importance is None else importance.mean * (100 - scores.mean),
                first=first.get(step.id, 0),
            )
        )
    return tuple(found)


def group_means(assessments: Sequence[Assessment], step_ids: Iterable[str], minimum: int) -> dict[str, float]:
    """Each step's mean score over the leaders scored on it, for steps with at least `minimum` of them."""
    means = {}
    for step_id in step_ids:
        found = figures(step_scores(assessments, step_id))
        if found is not None and found.count >= minimum:
            means[step_id] = float(found.mean)
    return means
