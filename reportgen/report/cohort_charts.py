"""Geometry of the cohort report's charts: the dot plot of each step's scores and the stacked bars (SVG units)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from ..models import Assessment, Instrument, Response
from ..scoring.group import hidden_cells

# Geometry of the dot plot of each step's scores, in SVG user units.
PLOT_LEFT, PLOT_WIDTH, DOT = 112.0, 200.0, 2.6  # the figures of each step to the right of its row
STACK = 28.0  # the tallest stack of dots, at most; a row is this plus room for its label and axis
BIN = 2  # scores within 2 points share a column of dots

Entry = tuple[Response, Assessment, Assessment | None]  # a leader's answers, scores and earlier scores


@dataclass(frozen=True)
class Dot:
    """One leader's score in the dot plot."""

    x: float
    y: float


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: a band, an answer or a side of a diverging bar."""

    key: str  # css class suffix: a band id, "a1".."a5", "disagree", "neutral", "agree"
    label: str
    count: int
    share: Fraction
    left: float  # percent of the bar's width
    width: float
    hidden: bool = False  # printed as "< 3" (scoring.group.hidden_cells); the bar is then drawn without widths


def stack(counts: Sequence[tuple[str, int]], labels: dict[str, str]) -> tuple[Segment, ...]:
    """Counts as the parts of one bar that fills 100%."""
    total = sum(count for _, count in counts)
    hidden = hidden_cells([count for _, count in counts])
    segments, left = [], 0.0
    for (key, count), hide in zip(counts, hidden, strict=True):
        share = Fraction(count, total) if total else Fraction(0)
        segments.append(Segment(key, labels[key], count, share, left, float(share) * 100, hide))
        left += float(share) * 100
    return tuple(segments)


def x_of(score: float) -> float:
    """Where a score sits on the dot plot's axis."""
    return PLOT_LEFT + score / 100 * PLOT_WIDTH


def _columns(values: Sequence[float]) -> list[int]:
    return [int(value // BIN) for value in sorted(values)]


def row_height(group: Sequence[Entry], instrument: Instrument) -> float:
    """A dot plot row's height: its tallest stack of dots (at most STACK) and 18 units for the axis and label."""
    tallest = max(
        (
            max(
                Counter(_columns([float(s) for _, a, _ in group if (s := a.step(step.id).score) is not None])).values(),
                default=1,
            )
            for step in instrument.steps
        ),
        default=1,
    )
    return 18 + min(STACK, tallest * DOT * 2.1)


def dots(values: Sequence[float], row_y: float, height: float) -> tuple[Dot, ...]:
    """Each score as a dot on the 0–100 axis; equal scores stack upwards, closer together in a big group."""
    columns = _columns(values)
    tallest = max(Counter(columns).values(), default=1)
    step = min(DOT * 2.1, STACK / tallest)  # the stacks stay inside their row
    stacks: Counter[int] = Counter()
    dots = []
    for column in columns:
        dots.append(Dot(x_of(column * BIN + BIN / 2), row_y + height - 12 - stacks[column] * step))
        stacks[column] += 1
    return tuple(dots)


def diverging_bar(disagree: int, neutral: int, agree: int) -> tuple[Segment, ...]:
    """A statement's answers as a diverging bar: neutral centred on the middle, disagreeing left, agreeing right."""
    total = disagree + neutral + agree
    shares = [Fraction(count, total) if total else Fraction(0) for count in (disagree, neutral, agree)]
    half = float(shares[1]) * 25
    hide = hidden_cells([disagree, neutral, agree])
    return (
        Segment("disagree", "", disagree, shares[0], 50 - half - float(shares[0]) * 50, float(shares[0]) * 50, hide[0]),
        Segment("neutral", "", neutral, shares[1], 50 - half, half * 2, hide[1]),
        Segment("agree", "", agree, shares[2], 50 + half, float(shares[2]) * 50, hide[2]),
    )


def widened(bars: Sequence[tuple[Segment, ...]]) -> list[tuple[Segment, ...]]:
    """The diverging bars on one scale for all statements, the widest filling its half of the bar."""
    shown = [bar for bar in bars if bar and not any(s.hidden for s in bar)]
    widest = max((bar[1].share / 2 + max(bar[0].share, bar[2].share) for bar in shown), default=0)
    if not widest:
        return list(bars)
    factor = float(1 / widest)
    return [tuple(replace(s, left=50 + (s.left - 50) * factor, width=s.width * factor) for s in bar) for bar in bars]
