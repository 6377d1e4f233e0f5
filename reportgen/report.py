"""What one report shows: the view of a leader's scores in one language, with its texts.

Builds plain data for the templates; every word comes from the instrument and the
content files, none from here.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date

from .cohort import Cover
from .errors import TemplateError
from .models import Assessment, Brand, Instrument, Response

Content = Mapping[str, Any]


@dataclass(frozen=True)
class ItemView:
    """One question and the leader's answer to it."""

    code: str
    text: str
    answer: int | None
    answer_label: str | None
    share: float  # the answer's position on the scale, 0–1, for the bar
    reverse: bool


@dataclass(frozen=True)
class StepView:
    """One step of the GPS as the report shows it."""

    id: str
    chapter: int
    title: str
    score: int | None
    band_id: str | None
    band_label: str | None
    answered: int
    total: int
    importance: int | None
    importance_label: str | None
    items: tuple[ItemView, ...]
    text: Content | None  # the content file's texts for this step, if it has any
    band_text: Content | None  # ... and for this step at this band
    quadrant: str | None  # where-to-start matrix: start_here, build_on, later or keep
    previous: int | None = None  # the score in the --previous export
    change: int | None = None  # score − previous
    since: str | None = None  # a sentence when the step moved to another band since then


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


@dataclass(frozen=True)
class ReportView:
    """Everything a report template needs for one leader."""

    lang: str
    t: Content
    title: str
    instrument_title: str
    organisation_brand: str
    contact: str
    footer: str
    logo: Path | None
    name: str
    email: str
    leader_id: str  # written into the PDF's metadata, for `send` to check
    organisation: str
    role: str
    date: str
    workshop: str
    steps: tuple[StepView, ...]
    reading_order: tuple[StepView, ...]
    strongest: StepView | None
    weakest: StepView | None
    free_text: Mapping[str, str]
    chart: RadarChart
    matrix: MatrixChart
    since: bool = False  # the leader answered the --previous export too: show the progress


def load_content(template_dirs: list[Path], languages: tuple[str, ...]) -> dict[str, Content]:
    """Each language's content file (content/da.toml ...), from the first folder that has it."""
    contents: dict[str, Content] = {}
    for lang in languages:
        path = next(
            (d / "content" / f"{lang}.toml" for d in template_dirs if (d / "content" / f"{lang}.toml").is_file()),
            None,
        )
        if path is None:
            raise TemplateError(
                f"There is no content file for the language '{lang}' (content/{lang}.toml).",
                fix="Add the file to the templates folder; the bundled one shows its form.",
                file=template_dirs[0],
            )
        try:
            contents[lang] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise TemplateError(
                f"The content file cannot be read ({error}).", fix="Correct the file.", file=path
            ) from None
    return contents


def build_view(
    response: Response,
    assessment: Assessment,
    instrument: Instrument,
    content: Content,
    lang: str,
    run: RunInfo,
    previous: Assessment | None = None,
) -> ReportView:
    """The report of one leader in one language; with `previous`, also what changed since then."""
    steps = tuple(_step_view(step.id, response, assessment, instrument, content, lang) for step in instrument.steps)
    if previous is not None:
        steps = tuple(_since(step, previous, instrument, content, lang) for step in steps)
    by_id = {step.id: step for step in steps}
    scored = [step for step in steps if step.score is not None]
    strongest = max(scored, key=lambda s: s.score or 0, default=None)
    weakest = min(scored, key=lambda s: s.score or 0, default=None)
    brand = run.brand
    return ReportView(
        lang=lang,
        t=content,
        title=brand.title.get(lang) or content["report"]["title"],
        instrument_title=instrument.title[lang],
        organisation_brand=brand.organisation,
        contact=brand.contact,
        footer=brand.footer,
        logo=brand.logo,
        name=response.name,
        email=response.email,
        leader_id=response.leader_id,
        organisation=response.organisation,
        role=response.role,
        date=format_date(run.report_date, format="long", locale=content["report"]["locale"]),
        workshop=run.workshop,
        steps=steps,
        reading_order=tuple(by_id[step_id] for step_id in assessment.reading_order),
        strongest=strongest,
        weakest=weakest if weakest is not strongest else None,
        free_text={code: text for code, text in response.free_text.items() if text},
        chart=radar_chart(steps, run.cohort),
        since=previous is not None,
        matrix=matrix_chart(steps, instrument),
    )


def _since(step: StepView, previous: Assessment, instrument: Instrument, content: Content, lang: str) -> StepView:
    """The step with its earlier score, the change, and a sentence if it moved to another band."""
    earlier = previous.step(step.id)
    before = earlier.whole if earlier.score is not None else None
    sentence = None
    if before is not None and step.score is not None and earlier.band_id != step.band_id:
        bands = {band.id: band.label[lang] for band in instrument.bands}
        key = "up" if step.score > before else "down"
        sentence = content["since"][key].format(
            step=step.title, before=before, now=step.score,
            band_before=bands[earlier.band_id or ""], band_now=step.band_label,
        )  # fmt: skip
    change = None if before is None or step.score is None else step.score - before
    return replace(step, previous=before, change=change, since=sentence)


def cohort_cover(run: RunInfo, instrument: Instrument, content: Content, lang: str) -> Cover:
    """The cover facts of the cohort report."""
    return Cover(
        title=content["cohort"]["title"],
        instrument_title=instrument.title[lang],
        organisation_brand=run.brand.organisation,
        logo=run.brand.logo,
        date=format_date(run.report_date, format="long", locale=content["report"]["locale"]),
        workshop=run.workshop,
    )


@dataclass(frozen=True)
class RunInfo:
    """What every report of one build shares: brand, date, workshop, the group's averages."""

    brand: Brand
    report_date: date
    workshop: str
    cohort: Mapping[str, float]  # step id → the group's mean score; empty when the group is too small


def cohort_means(assessments: list[Assessment], minimum: int) -> dict[str, float]:
    """Each step's mean score over the leaders scored on it, for steps with at least `minimum` of them."""
    scores: dict[str, list[float]] = {}
    for assessment in assessments:
        for step in assessment.steps:
            if step.score is not None:
                scores.setdefault(step.step_id, []).append(float(step.score))
    return {step: sum(values) / len(values) for step, values in scores.items() if len(values) >= minimum}


def _step_view(
    step_id: str,
    response: Response,
    assessment: Assessment,
    instrument: Instrument,
    content: Content,
    lang: str,
) -> StepView:
    step = instrument.step(step_id)
    result = assessment.step(step_id)
    band = next((b for b in instrument.bands if b.id == result.band_id), None)
    step_text = content.get("steps", {}).get(step_id)
    importance_label = None
    if step.importance and result.importance is not None:
        scale = instrument.scales[step.importance.scale_id]
        importance_label = scale.labels[lang][result.importance - scale.min]
    items = []
    for item in step.items:
        scale = instrument.scales[item.scale_id]
        answer = response.answers.get(item.code)
        items.append(
            ItemView(
                code=item.code,
                text=item.text[lang],
                answer=answer,
                answer_label=None if answer is None else scale.labels[lang][answer - scale.min],
                share=0.0 if answer is None else (answer - scale.min + 1) / (scale.max - scale.min + 1),
                reverse=item.reverse,
            )
        )
    return StepView(
        id=step_id,
        chapter=step.chapter,
        title=step.title[lang],
        score=result.whole,
        band_id=result.band_id,
        band_label=band.label[lang] if band else None,
        answered=result.answered,
        total=result.total,
        importance=result.importance,
        importance_label=importance_label,
        items=tuple(items),
        text=step_text,
        band_text=step_text.get("bands", {}).get(result.band_id) if step_text and result.band_id else None,
        quadrant=_quadrant(result.whole, result.importance, instrument),
    )


def _quadrant(score: int | None, importance: int | None, instrument: Instrument) -> str | None:
    if score is None:
        return None
    important = (importance if importance is not None else instrument.default_importance) > instrument.importance_split
    strong = score >= instrument.score_split
    return {(True, False): "start_here", (True, True): "build_on", (False, False): "later", (False, True): "keep"}[
        (important, strong)
    ]


def radar_chart(
    steps: tuple[StepView, ...], cohort: Mapping[str, float], height: int = 300, side_room: int = 100
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


def matrix_chart(steps: tuple[StepView, ...], instrument: Instrument) -> MatrixChart:
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
