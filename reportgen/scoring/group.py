"""The group's figures per step, computed once from exact scores, for the radar, cohort.pdf and scores.xlsx."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..models import Assessment


@dataclass(frozen=True)
class Figures:
    """A step's scores over the leaders scored on it."""

    count: int
    mean: Fraction
    median: Fraction
    spread: float  # population standard deviation
    low: Fraction
    high: Fraction


def step_scores(assessments: Iterable[Assessment], step_id: str) -> list[Fraction]:
    """The exact scores of the leaders scored on this step."""
    return [score for a in assessments if (score := a.step(step_id).score) is not None]


def figures(values: Sequence[Fraction]) -> Figures | None:
    """Mean, median, spread and range of exact scores; None for no scores."""
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


def group_means(assessments: Sequence[Assessment], step_ids: Iterable[str], minimum: int) -> dict[str, float]:
    """Each step's mean score over the leaders scored on it, for steps with at least `minimum` of them."""
    means = {}
    for step_id in step_ids:
        found = figures(step_scores(assessments, step_id))
        if found is not None and found.count >= minimum:
            means[step_id] = float(found.mean)
    return means
