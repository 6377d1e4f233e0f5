"""The one reference calculation of the scores: the spec (instrument.md) computed plainly, apart from reportgen.

A step's score is the mean over its answered items of (answer − min) / (max − min) × 100,
reverse-keyed items turned (min + max − answer), and no score when fewer than half of its
items are answered. `score` prints it rounded half up to one decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from reportgen.models import Instrument
from reportgen.survey.instrument import load_instrument

INSTRUMENT = load_instrument()


def reference_scores(
    answers: Mapping[str, int | None], instrument: Instrument = INSTRUMENT
) -> dict[str, Fraction | None]:
    """Each step's exact score, or None where too few of its items are answered."""
    scores: dict[str, Fraction | None] = {}
    for step in instrument.steps:
        values = []
        for item in step.items:
            answer = answers.get(item.code)
            if answer is None:
                continue
            scale = instrument.scales[item.scale_id]
            turned = scale.min + scale.max - answer if item.reverse else answer
            values.append(Fraction(turned - scale.min, scale.max - scale.min) * 100)
        scores[step.id] = sum(values, Fraction(0)) / len(values) if len(values) * 2 >= len(step.items) else None
    return scores


def one_decimal(value: Fraction | None) -> float | None:
    """A score as `reportgen score` prints it: half up to one decimal (87.45 → 87.5)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))


def printed_scores(answers: Mapping[str, int | None], instrument: Instrument = INSTRUMENT) -> dict[str, float | None]:
    """The reference scores as `reportgen score` prints them."""
    return {step: one_decimal(score) for step, score in reference_scores(answers, instrument).items()}
