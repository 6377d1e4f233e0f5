"""Scores a response by the instrument's rules. Pure arithmetic, no I/O."""

from __future__ import annotations

import math
from fractions import Fraction

from ..models import Assessment, Band, Instrument, Response, StepScore, round_half_up


def assess(response: Response, instrument: Instrument) -> Assessment:
    """Every step's score, band and priority, and the chapters' reading order."""
    steps = []
    for step in instrument.steps:
        values: list[Fraction] = []
        for item in step.items:
            answer = response.answers.get(item.code)
            if answer is None:
                continue
            scale = instrument.scales[item.scale_id]
            turned = scale.min + scale.max - answer if item.reverse else answer
            values.append(to_percent(Fraction(turned), scale.min, scale.max))
        needed = max(1, math.ceil(instrument.min_answered_share * len(step.items)))
        # The mean of the items on 0–100 equals (mean − 1) / 4 × 100 when they share a scale.
        score = sum(values, Fraction(0)) / len(values) if len(values) >= needed else None
        importance = response.answers.get(step.importance.code) if step.importance else None
        weight = importance if importance is not None else instrument.default_importance
        steps.append(
            StepScore(
                step_id=step.id,
                score=score,
                band_id=None if score is None else band_for(score, instrument.bands).id,
                answered=len(values),
                total=len(step.items),
                importance=importance,
                priority=None if score is None else weight * (100 - score),
            )
        )
    chapter = {step.id: step.chapter for step in instrument.steps}
    # Steps whose importance the leader gave come first, by importance × room to grow; the
    # others follow by score alone (the default weight is the same for all of them), so no
    # step is placed by a weight the leader did not give.
    ranked = sorted(
        (s for s in steps if s.priority is not None),
        key=lambda s: (s.importance is None, -s.priority, chapter[s.step_id]),  # type: ignore[operator]
    )
    return Assessment(steps=tuple(steps), reading_order=tuple(s.step_id for s in ranked))


def to_percent(answer: Fraction, low: int, high: int) -> Fraction:
    """An answer on the scale as 0–100: (answer − min) / (max − min) × 100."""
    return (answer - low) / (high - low) * 100


def band_for(score: Fraction, bands: tuple[Band, ...]) -> Band:
    """The band that holds the score as shown, to one decimal: the highest band whose lower limit it reaches.

    69.96 shows as 70 and is Strong; 69.5 shows as 69.5 and is On the way (its band is 40–69
    because the next one starts at 70).
    """
    shown = round_half_up(score, 1)
    return max((band for band in bands if band.min <= shown), key=lambda band: band.min)
