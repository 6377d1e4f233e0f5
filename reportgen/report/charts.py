"""Chart geometry of the personal report: the radar of step scores and the ranked priority chart (SVG units)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from ..models import Instrument, round_half_up


class Charted(Protocol):
    """What a chart needs of a step: its id, chapter, name, score, importance answer and earlier score."""

    @property
    def id(self) -> str:
        """The step's id."""

    @property
    def chapter(self) -> int:
        """Its chapter in the e-book."""

    @property
    def title(self) -> str:
        """Its name."""

    @property
    def rank(self) -> int | None:
        """Its place in the reading order (steps level share one), None outside it."""

    @property
    def score(self) -> float | None:
        """The leader's score, 0–100, or None."""

    @property
    def importance(self) -> int | None:
        """The leader's importance answer, or None when not given."""

    @property
    def importance_label(self) -> str | None:
        """The leader's importance answer in words, or None when not given."""

    @property
    def score_text(self) -> str:
        """The score as the report writes it."""

    @property
    def band_label(self) -> str | None:
        """The name of the score's band, or None."""

    @property
    def previous(self) -> float | None:
        """The score in the --previous export, or None."""


@dataclass(frozen=True)
class Point:
    """A point in the chart's coordinates."""

    x: float
    y: float


@dataclass(frozen=True)
class RadarAxis:
    """One spoke of the radar chart with its label position."""

    label: str
    score: float | None
    score_text: str
    end: Point
    label_at: Point  # baseline of the step's name
    score_at: Point  # baseline of its score, the line below
    anchor: str  # SVG text-anchor
    point: Point | None  # where the score sits on the spoke


@dataclass(frozen=True)
class RadarChart:
    """Geometry of the radar chart of the steps' scores (SVG user units)."""

    width: int
    height: int
    center: Point
    radius: float
    rings: tuple[tuple[int, str], ...]  # (score, polygon points) of the grid rings
    axes: tuple[RadarAxis, ...]
    polygon: str  # points of the leader's closed polygon; "" unless every step has a score
    cohort_polygon: str  # the group's average, or "" when the group is too small or lacks a step
    previous_polygon: str = ""  # the leader's earlier scores, or "" without --previous
    lines: tuple[str, ...] = ()  # without a closed polygon: polylines joining neighbouring scored steps only
    cohort_lines: tuple[str, ...] = ()
    previous_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class PriorityRow:
    """One step in the ranked priority chart: its bar runs from 0 to its score, never moved."""

    rank: int | None  # place in the reading order; None for a step outside it
    chapter: int
    label: str
    score: float | None
    score_text: str
    band_label: str | None
    y: float  # top of the row
    bar_end: float | None  # x of the score; None when there is no score
    importance_label: str | None
    first: bool  # the reading order's first chapter, or one of those level with it: "start here"
    priority: int | None = None  # importance × (100 − score), what the order ranks; None without importance or score


@dataclass(frozen=True)
class BandMark:
    """A band's lower limit drawn across the chart, with the band's range centred above its zone."""

    band_id: str
    x: float  # the band's lower limit
    centre: float  # of its zone, for the label
    label: str  # the band's name, e.g. "På vej"
    limits: str  # its range, e.g. "40–69", on the line below


@dataclass(frozen=True)
class PriorityChart:
    """Geometry of the ranked priority chart (SVG user units): rows in reading order, bars on 0–100."""

    width: int
    height: int
    left: float  # x of score 0
    plot_width: float  # x of score 100 is left + plot_width
    top: float  # y of the first row
    row_height: float
    rows: tuple[PriorityRow, ...]
    bands: tuple[BandMark, ...]

    def x(self, score: float) -> float:
        """Where a score sits on the bars' scale."""
        return round(self.left + self.plot_width * score / 100, 2)


def _axis(step: Charted, index: int, at: Callable[[int, float], Point], center: Point, radius: float) -> RadarAxis:
    """One spoke: its end, its label (name, score) beyond it, anchored away from the centre, and the leader's point."""
    label_at = at(index, radius + 18)
    horizontal = label_at.x - center.x
    anchor = "middle" if abs(horizontal) < 1 else ("start" if horizontal > 0 else "end")
    vertical = label_at.y - center.y
    label_at = Point(label_at.x, label_at.y + (12 if vertical > 1 else (-4 if vertical < -1 else 4)))
    return RadarAxis(
        label=step.title,
        score=step.score,
        score_text=step.score_text,
        end=at(index, radius),
        label_at=label_at,
        score_at=Point(label_at.x, label_at.y + 14),
        anchor=anchor,
        point=None if step.score is None else at(index, radius * step.score / 100),
    )


def radar_chart(
    steps: Sequence[Charted], cohort: Mapping[str, float], height: int = 300, side_room: int = 100
) -> RadarChart:
    """Spokes from the top, clockwise, one per step; the polygon joins the scored steps.

    side_room keeps long step names at the left and right spokes inside the picture.
    """
    width = height + 2 * side_room
    center = Point(width / 2, height / 2)
    # Room for two lines of label (name, score) above the top spoke and below the bottom one.
    radius = height * 0.34

    def at(index: int, distance: float) -> Point:
        angle = -math.pi / 2 + 2 * math.pi * index / len(steps)
        return Point(round(center.x + distance * math.cos(angle), 2), round(center.y + distance * math.sin(angle), 2))

    axes = [_axis(step, index, at, center, radius) for index, step in enumerate(steps)]
    rings = tuple(
        (level, _points([at(i, radius * level / 100) for i in range(len(steps))])) for level in (25, 50, 75, 100)
    )

    def shape(values: list[float | None]) -> tuple[str, tuple[str, ...]]:
        return _shape([None if v is None else at(i, radius * v / 100) for i, v in enumerate(values)])

    polygon, lines = shape([step.score for step in steps])
    cohort_polygon, cohort_lines = shape([cohort.get(step.id) for step in steps]) if cohort else ("", ())
    previous_polygon, previous_lines = (
        shape([step.previous for step in steps]) if any(step.previous is not None for step in steps) else ("", ())
    )
    return RadarChart(
        width=width,
        height=height,
        center=center,
        radius=radius,
        rings=rings,
        axes=tuple(axes),
        polygon=polygon,
        cohort_polygon=cohort_polygon,
        previous_polygon=previous_polygon,
        lines=lines,
        cohort_lines=cohort_lines,
        previous_lines=previous_lines,
    )


def _points(values: Sequence[Point]) -> str:
    return " ".join(f"{p.x},{p.y}" for p in values)


def _shape(placed: Sequence[Point | None]) -> tuple[str, tuple[str, ...]]:
    """A closed polygon when every spoke has a value; else lines between neighbours only, never across a gap."""
    if all(p is not None for p in placed):
        return _points([p for p in placed if p is not None]), ()
    runs: list[list[Point]] = []
    start = next((i for i, p in enumerate(placed) if p is None), 0)  # begin after a gap: runs wrap round
    current: list[Point] = []
    for offset in range(1, len(placed) + 1):
        p = placed[(start + offset) % len(placed)]
        if p is None:
            if len(current) > 1:
                runs.append(current)
            current = []
        else:
            current.append(p)
    return "", tuple(_points(run) for run in runs)


def priority_chart(
    steps: Sequence[Charted], order: Sequence[Charted], tied: Sequence[Charted], instrument: Instrument, lang: str
) -> PriorityChart:
    """The steps in reading order, then any outside it, each with its score as a bar from 0.

    Every step has its own row, so no value is moved to make room for another and none is
    hidden; the band limits come from the instrument.
    """
    placed = {step.id for step in order}
    level = {step.id for step in tied}
    listed = [*order, *(step for step in steps if step.id not in placed)]
    left, plot_width, top, row_height = 180, 220, 34, 40

    def x(score: float) -> float:
        return round(left + plot_width * score / 100, 2)

    bands = sorted(instrument.bands, key=lambda band: band.min)
    marks = tuple(
        BandMark(
            band_id=band.id,
            x=x(band.min),
            centre=round((x(band.min) + x(min(band.max + 1, 100))) / 2, 2),
            label=band.label[lang],
            limits=f"{band.min}–{band.max}",
        )
        for band in bands
    )
    rows = tuple(
        PriorityRow(
            rank=step.rank if index < len(order) else None,  # steps level in the order share a place
            chapter=step.chapter,
            label=step.title,
            score=step.score,
            score_text=step.score_text,
            band_label=step.band_label,
            y=top + row_height * index,
            bar_end=None if step.score is None else x(step.score),
            importance_label=step.importance_label,
            first=step.id in level if level else index == 0 and index < len(order),
            priority=None
            if step.importance is None or step.score is None
            else int(round_half_up(step.importance * (100 - Fraction(Decimal(str(step.score)))))),
        )
        for index, step in enumerate(listed)
    )
    return PriorityChart(
        width=510,
        height=int(top + row_height * len(listed) + 4),
        left=left,
        plot_width=plot_width,
        top=top,
        row_height=row_height,
        rows=rows,
        bands=marks,
    )
