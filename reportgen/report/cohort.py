"""The facilitator's cohort report: the group's figures, never any one leader's.

Pure arithmetic over the scored leaders' assessments and answers. Every figure built from
fewer than `minimum` leaders is withheld ("too few answers"), and no figure at all is made
for a group smaller than that.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..models import Assessment, Instrument, Item, Response
from ..scoring.group import figures, step_scores
from .content import Content, long_date
from .view import RunInfo

# Geometry of the dot plot of each step's scores, in SVG user units.
PLOT_LEFT, PLOT_WIDTH, ROW_HEIGHT, DOT = 150.0, 330.0, 62.0, 2.6
BIN = 2  # scores within 2 points share a column of dots


@dataclass(frozen=True)
class Dot:
    """One leader's score in the dot plot."""

    x: float
    y: float


@dataclass(frozen=True)
class StepFigures:
    """One step over the group."""

    id: str
    chapter: int
    title: str
    scored: int  # leaders with a score on the step
    too_few: bool
    mean: float | None
    median: float | None
    spread: float | None  # standard deviation
    low: float | None
    high: float | None
    bands: tuple[tuple[str, str, int], ...]  # (band id, label, leaders)
    importance: float | None  # the group's mean importance answer (1–5)
    focus: bool  # rated important, scored weak: where the workshop should spend its time
    first_in_order: int  # leaders who have this step first in their reading order
    matched: int  # leaders scored on the step now and in the --previous export
    change: float | None  # their mean change; None below the minimum
    dots: tuple[Dot, ...]
    mean_x: float | None
    row_y: float


@dataclass(frozen=True)
class ItemFigures:
    """One item over the group."""

    code: str
    text: str
    step_title: str
    answered: int
    too_few: bool
    mean: float | None  # the mean answer on the item's own scale
    value: float | None  # the same on 0–100, reverse-keyed items turned, for ranking
    mark: str  # "strength", "blind_spot" or ""


@dataclass(frozen=True)
class GroupSection:
    """The step figures of one group of the --group-by column."""

    name: str
    leaders: int
    steps: tuple[StepFigures, ...]


@dataclass(frozen=True)
class Cover:
    """The cover facts of the cohort report: the brand's and the workshop's, no leader's."""

    title: str
    instrument_title: str
    organisation_brand: str
    logo: Path | None
    date: str
    workshop: str


@dataclass(frozen=True)
class CohortView:
    """Everything cohort.html needs."""

    lang: str
    t: Content
    cover: Cover
    leaders: int
    minimum: int
    steps: tuple[StepFigures, ...]
    items: tuple[ItemFigures, ...]
    strengths: tuple[ItemFigures, ...]
    blind_spots: tuple[ItemFigures, ...]
    plot_height: float
    since: bool  # the build had a --previous export
    groups: tuple[GroupSection, ...]  # --group-by: one per group of at least `minimum` leaders
    groups_left_out: int  # groups smaller than that, or without a value: not shown
    plot_left: float = PLOT_LEFT
    plot_width: float = PLOT_WIDTH


def cohort_cover(run: RunInfo, instrument: Instrument, content: Content, lang: str) -> Cover:
    """The cover facts of the cohort report."""
    return Cover(
        title=content["cohort"]["title"],
        instrument_title=instrument.title[lang],
        organisation_brand=run.brand.organisation,
        logo=run.brand.logo,
        date=long_date(run.report_date, content),
        workshop=run.workshop,
    )


def cohort_view(
    group: Sequence[tuple[Response, Assessment, Assessment | None]],
    instrument: Instrument,
    content: Content,
    lang: str,
    minimum: int,
    cover: Cover,
    by_group: bool = False,
) -> CohortView | None:
    """The group's figures in one language, or None when the group is smaller than `minimum`.

    Each leader comes with their scores in a --previous export, if any: the group's change per
    step is the mean over the leaders scored on it both times.
    """
    if len(group) < minimum:
        return None
    steps = _steps(group, instrument, lang, minimum)
    scored = [(response, assessment) for response, assessment, _ in group]
    items = [_item(item, scored, instrument, lang, minimum) for item in instrument.items if item.kind == "step"]
    ranked = sorted((i for i in items if i.value is not None), key=lambda i: (-(i.value or 0), i.code))
    strengths = {i.code for i in ranked[:3]}
    blind_spots = {i.code for i in ranked[-3:]} - strengths if len(ranked) > 3 else set()
    marked = tuple(
        replace(i, mark="strength" if i.code in strengths else "blind_spot" if i.code in blind_spots else "")
        for i in items
    )
    sections: list[GroupSection] = []
    left_out = 0
    if by_group:
        for name in sorted({response.group for response, _, _ in group}, key=str.casefold):
            members = [entry for entry in group if entry[0].group == name]
            if name and len(members) >= minimum:
                sections.append(GroupSection(name, len(members), _steps(members, instrument, lang, minimum)))
            else:
                left_out += 1
    return CohortView(
        lang=lang,
        t=content,
        cover=cover,
        leaders=len(group),
        minimum=minimum,
        steps=steps,
        items=marked,
        strengths=tuple(i for i in marked if i.mark == "strength"),
        blind_spots=tuple(i for i in marked if i.mark == "blind_spot"),
        plot_height=len(steps) * ROW_HEIGHT,
        since=any(previous is not None for _, _, previous in group),
        groups=tuple(sections),
        groups_left_out=left_out,
    )


def _steps(
    group: Sequence[tuple[Response, Assessment, Assessment | None]], instrument: Instrument, lang: str, minimum: int
) -> tuple[StepFigures, ...]:
    """Each step's figures over the group, withheld where fewer than `minimum` leaders have a score."""
    first = Counter(a.reading_order[0] for _, a, _ in group if a.reading_order)
    steps = []
    for row, step in enumerate(instrument.steps):
        results = [result for _, a, _ in group if (result := a.step(step.id)).score is not None]
        exact = step_scores((a for _, a, _ in group), step.id)
        values = [float(score) for score in exact]
        found = figures(exact) if len(exact) >= minimum else None
        code = step.importance.code if step.importance else ""
        importance = [answer for r, _, _ in group if (answer := r.answers.get(code)) is not None]
        pairs = [(a.step(step.id).score, p.step(step.id).score) for _, a, p in group if p is not None]
        deltas = [float(now - before) for now, before in pairs if now is not None and before is not None]
        too_few = found is None
        mean = None if found is None else float(found.mean)
        mean_importance = statistics.fmean(importance) if len(importance) >= minimum else None
        row_y = row * ROW_HEIGHT
        steps.append(
            StepFigures(
                id=step.id,
                chapter=step.chapter,
                title=step.title[lang],
                scored=len(values),
                too_few=too_few,
                mean=mean,
                median=None if found is None else float(found.median),
                spread=None if found is None else found.spread,
                low=None if found is None else float(found.low),
                high=None if found is None else float(found.high),
                bands=tuple(
                    (band.id, band.label[lang], 0 if too_few else sum(r.band_id == band.id for r in results))
                    for band in instrument.bands
                ),
                importance=mean_importance,
                focus=(
                    mean is not None
                    and mean_importance is not None
                    and mean < instrument.score_split
                    and mean_importance > instrument.importance_split
                ),
                first_in_order=first.get(step.id, 0),
                matched=len(deltas),
                change=statistics.fmean(deltas) if len(deltas) >= minimum else None,
                dots=() if too_few else _dots(values, row_y),
                mean_x=None if mean is None else _x(mean),
                row_y=row_y,
            )
        )
    return tuple(steps)


def _item(
    item: Item, scored: Sequence[tuple[Response, Assessment]], instrument: Instrument, lang: str, minimum: int
) -> ItemFigures:
    scale = instrument.scales[item.scale_id]
    answers = [answer for r, _ in scored if (answer := r.answers.get(item.code)) is not None]
    too_few = len(answers) < minimum
    mean = None if too_few else statistics.fmean(answers)
    turned = None if mean is None else (scale.min + scale.max - mean if item.reverse else mean)
    return ItemFigures(
        code=item.code,
        text=item.text[lang],
        step_title=instrument.step(item.step_id).title[lang],
        answered=len(answers),
        too_few=too_few,
        mean=mean,
        value=None if turned is None else (turned - scale.min) / (scale.max - scale.min) * 100,
        mark="",
    )


def _x(score: float) -> float:
    return PLOT_LEFT + score / 100 * PLOT_WIDTH


def _dots(values: Sequence[float], row_y: float) -> tuple[Dot, ...]:
    """Each score as a dot on the 0–100 axis; equal scores stack upwards, closer together in a big group."""
    columns = [int(value // BIN) for value in sorted(values)]
    tallest = max(Counter(columns).values(), default=1)
    step = min(DOT * 2.1, 40 / tallest)  # the stacks stay inside their row
    stacks: Counter[int] = Counter()
    dots = []
    for column in columns:
        dots.append(Dot(_x(column * BIN + BIN / 2), row_y + ROW_HEIGHT - 16 - stacks[column] * step))
        stacks[column] += 1
    return tuple(dots)
