"""What one report shows: the view of a leader's scores in one language, with its texts.

Builds plain data for the templates; every word comes from the instrument and the
content files, none from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..models import Assessment, Brand, Instrument, Response
from .charts import MatrixChart, RadarChart, matrix_chart, radar_chart
from .content import Content, long_date


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
    not_asked: tuple[str, ...] = ()  # statements of this step the survey did not ask (the mapping file says so)


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
        date=long_date(run.report_date, content),
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


@dataclass(frozen=True)
class RunInfo:
    """What every report of one build shares: brand, date, workshop, the group's averages."""

    brand: Brand
    report_date: date
    workshop: str
    cohort: Mapping[str, float]  # step id → the group's mean score; empty when the group is too small


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
        not_asked=tuple(item.text[lang] for item in instrument.absent if item.step_id == step_id),
    )


def _quadrant(score: int | None, importance: int | None, instrument: Instrument) -> str | None:
    if score is None:
        return None
    important = (importance if importance is not None else instrument.default_importance) > instrument.importance_split
    strong = score >= instrument.score_split
    return {(True, False): "start_here", (True, True): "build_on", (False, False): "later", (False, True): "keep"}[
        (important, strong)
    ]
