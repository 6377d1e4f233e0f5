"""Chart geometry of the personal report: the radar of step scores and the where-to-start matrix (SVG units)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..models import Instrument


class Charted(Protocol):
    """What a chart needs of a step: its id, chapter, name, score, importance and earlier score."""

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
    def score(self) -> int | None:
        """The leader's score, 0–100, or None."""

    @property
    def importance(self) -> int | None:
        """The leader's importance answer, or None."""

    @property
    def previous(self) -> int | None:
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
    score: int | None
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
    polygon: str  # points of the leader's polygon, scored steps only
    cohort_polygon: str  # the group's average, or "" when the group is too small
    previous_polygon: str = ""  # the leader's earlier scores, or "" without --previous


@dataclass(frozen=True)
class MatrixDot:
    """A step placed by score (x) and importance (y) in the where-to-start matrix."""

    number: int  # the chapter, printed in the dot; the legend names it
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class MatrixChart:
    """Geometry of the importance × score matrix (SVG user units)."""

    width: int
    height: int
    left: float
    top: float
    size: float  # the plot is a square
    split_x: float
    split_y: float
    dots: tuple[MatrixDot, ...]


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

    def points(values: list[Point]) -> str:
        return " ".join(f"{p.x},{p.y}" for p in values)

    axes = []
    for index, step in enumerate(steps):
        label_at = at(index, radius + 18)
        horizontal = label_at.x - center.x
        anchor = "middle" if abs(horizontal) < 1 else ("start" if horizontal > 0 else "end")
        vertical = label_at.y - center.y
        label_at = Point(label_at.x, label_at.y + (12 if vertical > 1 else (-4 if vertical < -1 else 4)))
        axes.append(
            RadarAxis(
                label=step.title,
                score=step.score,
                end=at(index, radius),
                label_at=label_at,
                score_at=Point(label_at.x, label_at.y + 14),
                anchor=anchor,
                point=None if step.score is None else at(index, radius * step.score / 100),
            )
        )
    rings = tuple(
        (level, points([at(i, radius * level / 100) for i in range(len(steps))])) for level in (25, 50, 75, 100)
    )
    return RadarChart(
        width=width,
        height=height,
        center=center,
        radius=radius,
        rings=rings,
        axes=tuple(axes),
        polygon=points([axis.point for axis in axes if axis.point is not None]),
        cohort_polygon=points(
            [at(i, radius * cohort[step.id] / 100) for i, step in enumerate(steps) if step.id in cohort]
        ),
        previous_polygon=points(
            [at(i, radius * step.previous / 100) for i, step in enumerate(steps) if step.previous is not None]
        ),
    )


def matrix_chart(steps: Sequence[Charted], instrument: Instrument) -> MatrixChart:
    """Scored steps placed by score (left → right) and importance (bottom → top)."""
    width, height, left, top, size = 420, 330, 60, 14, 280
    importance = next((instrument.scales[s.importance.scale_id] for s in instrument.steps if s.importance), None)
    low, high = (importance.min, importance.max) if importance else (1, 5)

    def x(score: float) -> float:
        return round(left + size * score / 100, 2)

    def y(value: float) -> float:
        # Half a step of room above the highest and below the lowest answer keeps dots off the frame.
        return round(top + size * (1 - (value - low + 0.5) / (high - low + 1)), 2)

    dots: list[MatrixDot] = []
    for step in steps:
        if step.score is None:
            continue
        value = step.importance if step.importance is not None else instrument.default_importance
        point = (x(step.score), y(value))
        # Dots that would overlap are set side by side so that each number stays readable.
        row = round(point[1])
        nearby = [d for d in dots if round(d.y) == row and abs(d.x - point[0]) < 20]
        dot_x = max((d.x for d in nearby), default=point[0] - 20) + 20 if nearby else point[0]
        dots.append(MatrixDot(number=step.chapter, label=step.title, x=min(dot_x, left + size - 10), y=point[1]))
    return MatrixChart(
        width=width,
        height=height,
        left=left,
        top=top,
        size=size,
        split_x=x(instrument.score_split),
        split_y=y(instrument.importance_split + 0.5),  # between the last "less important" answer and the next
        dots=tuple(dots),
    )
