"""What one report shows: the view of a leader's scores in one language, with its texts.

Builds plain data for the templates; every word comes from the instrument and the
content files, none from here. Every sentence is picked by what it says: a sentence about
a step's level by the step's band, a sentence about answers by those answers, a sentence
about importance only where the leader gave it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..models import Assessment, Brand, Instrument, Response, round_half_up
from .charts import PriorityChart, RadarChart, priority_chart, radar_chart
from .content import Content, long_date, score_number

FREE_TEXT_LIMIT = 900  # characters of a free text in the PDF (on the reflection page); the full text is in scores.xlsx


@dataclass(frozen=True)
class ItemView:
    """One question and the leader's answer to it."""

    code: str
    text: str
    answer: int | None
    answer_label: str | None
    share: float  # what the answer adds to the score, 0–1: the lowest answer 0, reverse-keyed turned
    reverse: bool


@dataclass(frozen=True)
class StepView:
    """One step of the GPS as the report shows it."""

    id: str
    chapter: int
    title: str
    score: float | None  # to one decimal, as every output shows it
    score_text: str  # the score as the language writes it ("87,5"), or "–"
    band_id: str | None
    band_label: str | None
    answered: int
    total: int
    importance: int | None  # the leader's own answer; None when not given
    importance_label: str | None
    items: tuple[ItemView, ...]
    text: Content | None  # the content file's texts for this step, if it has any
    band_text: Content | None  # ... and for this step at this band
    answers_line: str = ""  # a sentence about this leader's answers on the step, or why it has no score
    reason: str = ""  # why the step sits where it does in the reading order
    rank: int | None = None  # place in the reading order, from 1
    previous: float | None = None  # the score in the --previous export
    previous_text: str = "–"
    change_text: str = "–"  # score − previous, signed
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
    reading_order: tuple[StepView, ...]  # scored steps, then unscored ones the leader rated important
    order_intro: str  # how the order was made, true of the importance answers given
    strongest_line: str  # "" when no step or only one could be scored
    weakest_line: str
    free_text: Mapping[str, str]
    chart: RadarChart
    priority: PriorityChart
    how_to_read: tuple[str, ...]  # the scale, the bands, the counts, the reverse-keyed statement
    plan: ActionPlan
    since: bool = False  # the leader answered the --previous export too: show the progress


@dataclass(frozen=True)
class ActionPlan:
    """The closing page: the first chapter, the workshop and where to read on."""

    first: StepView | None
    actions: tuple[str, ...]  # the first step's actions at its band, to choose one from
    workshop: str
    workshop_date: str
    facilitator: str
    ebook: str  # where to find the first chapter: a link or a page, from the brand


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
    steps, order = _ordered(steps, assessment, instrument, content)
    scored = [step for step in steps if step.score is not None]
    brand = run.brand
    first = order[0] if order and order[0].score is not None else None
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
        reading_order=order,
        order_intro=_order_intro(scored, order, content),
        strongest_line=_extreme(scored, content, "strongest"),
        weakest_line=_extreme(scored, content, "weakest"),
        free_text={code: _shortened(text, content) for code, text in response.free_text.items() if text},
        chart=radar_chart(steps, run.cohort),
        priority=priority_chart(steps, order, instrument, lang),
        how_to_read=_how_to_read(steps, instrument, content, lang),
        plan=ActionPlan(
            first=first,
            actions=tuple(first.band_text["actions"]) if first and first.band_text else (),
            workshop=run.workshop or brand.workshop,
            workshop_date=long_date(brand.workshop_date, content) if brand.workshop_date else "",
            facilitator=brand.facilitator,
            ebook=_ebook(brand, first.chapter, content) if first else "",
        ),
        since=previous is not None,
    )


@dataclass(frozen=True)
class RunInfo:
    """What every report of one build shares: brand, date, workshop, the group's averages."""

    brand: Brand
    report_date: date
    workshop: str
    cohort: Mapping[str, float]  # step id → the group's mean score; empty when the group is too small


def shown(score: Fraction) -> float:
    """A score as every output shows it: one decimal, rounded half up (87.5, 68.75 → 68.8)."""
    return float(round_half_up(score, 1))


def _text(value: float | None, content: Content) -> str:
    return "–" if value is None else score_number(Decimal(str(value)), content)


def _since(step: StepView, previous: Assessment, instrument: Instrument, content: Content, lang: str) -> StepView:
    """The step with its earlier score, the change, and a sentence if it moved to another band."""
    earlier = previous.step(step.id)
    before = None if earlier.score is None else shown(earlier.score)
    sentence = None
    if before is not None and step.score is not None and earlier.band_id != step.band_id:
        bands = {band.id: band.label[lang] for band in instrument.bands}
        key = "up" if step.score > before else "down"
        sentence = content["since"][key].format(
            step=step.title, before=_text(before, content), now=step.score_text,
            band_before=bands[earlier.band_id or ""], band_now=step.band_label,
        )  # fmt: skip
    change = None if before is None or step.score is None else round(step.score - before, 1)
    change_text = (
        "–" if change is None else ("0" if change == 0 else ("+" if change > 0 else "−") + _text(abs(change), content))
    )
    return replace(step, previous=before, previous_text=_text(before, content), change_text=change_text, since=sentence)


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
        turned = None if answer is None else (scale.min + scale.max - answer if item.reverse else answer)
        items.append(
            ItemView(
                code=item.code,
                text=item.text[lang],
                answer=answer,
                answer_label=None if answer is None else scale.labels[lang][answer - scale.min],
                share=0.0 if turned is None else (turned - scale.min) / (scale.max - scale.min),
                reverse=item.reverse,
            )
        )
    score = None if result.score is None else shown(result.score)
    view = StepView(
        id=step_id,
        chapter=step.chapter,
        title=step.title[lang],
        score=score,
        score_text=_text(score, content),
        band_id=result.band_id,
        band_label=band.label[lang] if band else None,
        answered=result.answered,
        total=result.total,
        importance=result.importance,
        importance_label=importance_label,
        items=tuple(items),
        text=step_text,
        band_text=step_text.get("bands", {}).get(result.band_id) if step_text and result.band_id else None,
        not_asked=tuple(item.text[lang] for item in instrument.absent if item.step_id == step_id),
        answers_line=_answers_line(items, score, content),
    )
    if score is None:
        view = replace(view, answers_line=insufficient(view, content))
    return view


def _answers_line(items: list[ItemView], score: float | None, content: Content) -> str:
    """A sentence about the answers themselves: where the most room is, or that all are at the top."""
    answered = [item for item in items if item.answer is not None]
    if score is None or not answered:
        return ""
    texts = content["answers"]
    low = min(item.share for item in answered)
    if low == 1:
        return str(texts["all_top"]).format(answered=len(answered))
    lowest = [item for item in answered if item.share == low]
    labels = {item.answer_label for item in lowest}
    if len(lowest) > 1 and len(labels) == 1:
        key = "all_same" if len(lowest) == len(answered) else "lowest_many"
        return str(texts[key]).format(count=len(lowest), answered=len(answered), answer=lowest[0].answer_label)
    first = lowest[0]
    key = "lowest_reverse" if first.reverse else "lowest"
    return str(texts[key]).format(text=first.text.rstrip("."), answer=first.answer_label)


def _ordered(
    steps: tuple[StepView, ...], assessment: Assessment, instrument: Instrument, content: Content
) -> tuple[tuple[StepView, ...], tuple[StepView, ...]]:
    """The steps with their reasons and ranks, and the reading order.

    The order is the scorer's (scored steps); a step without a score that the leader rated
    important follows them, so it is not lost.
    """
    by_id = {step.id: step for step in steps}
    ids = list(assessment.reading_order) + [
        step.id
        for step in steps
        if step.score is None and step.importance is not None and step.importance > instrument.importance_split
    ]
    reasons = content["order"]
    ranked: dict[str, StepView] = {}
    for rank, step_id in enumerate(ids, start=1):
        step = by_id[step_id]
        if step.score is None:
            reason = reasons["unscored" if step.answered else "unscored_none"]
        elif step.importance is None:
            reason = reasons["not_given"]
        else:
            weight = "important" if step.importance > instrument.importance_split else "less_important"
            reason = reasons[weight].get(step.band_id, "")  # another instrument's bands have no texts here
        values = {
            "step": step.title, "score": step.score_text, "answered": step.answered, "total": step.total,
            "importance": (step.importance_label or "").lower(),
        }  # fmt: skip
        ranked[step_id] = replace(step, rank=rank, reason=str(reason).format(**values))
    steps = tuple(ranked.get(step.id, step) for step in steps)
    return steps, tuple(ranked[step_id] for step_id in ids)


def _order_intro(scored: list[StepView], order: tuple[StepView, ...], content: Content) -> str:
    """How the order was made: by importance × room where given, by score where not; unscored steps last."""
    given = sum(step.importance is not None for step in scored)
    if not scored:
        return str(content["order"]["intro"]["none"])
    key = "all_given" if given == len(scored) else ("none_given" if not given else "some_given")
    intro = str(content["order"]["intro"][key])
    if any(step.score is None for step in order):
        intro += " " + str(content["order"]["intro"]["unscored_last"])
    return intro


def _extreme(scored: list[StepView], content: Content, which: str) -> str:
    """The sentence on the strongest or the weakest step, chosen by that step's band."""
    if not scored:
        return ""
    if len(scored) == 1:
        only = scored[0]
        if which == "weakest" or not only.band_text:
            return ""
        line = str(content["summary"]["only_one"]).format(step=only.title, score=only.score_text)
        return f"{line} {only.band_text['headline']}"
    values = {step.score for step in scored}
    if len(values) == 1:
        if which == "weakest":
            return ""
        step = scored[0]
        return str(content["summary"]["all_equal"].get(step.band_id, "")).format(score=step.score_text)
    chosen = (
        max(scored, key=lambda s: s.score or 0) if which == "strongest" else min(scored, key=lambda s: s.score or 0)
    )
    ties = [step.title for step in scored if step.score == chosen.score]
    line = str(content["summary"][which].get(chosen.band_id, "")).format(
        step=_joined(ties, content), score=chosen.score_text
    )
    if line and len(ties) == 1 and chosen.band_text:
        line += " " + str(chosen.band_text["headline"])
    return line


def _joined(names: list[str], content: Content) -> str:
    return (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " " + str(content["labels"]["and"]) + " " + names[-1]
    )


def _how_to_read(steps: tuple[StepView, ...], instrument: Instrument, content: Content, lang: str) -> tuple[str, ...]:
    """The lines of the "how to read" box: scale, band limits, counts, the reverse-keyed statements, importance."""
    guide = content["guide"]
    scale = instrument.scales[instrument.steps[0].items[0].scale_id]
    quote = content["guide"]["quote"]
    values = ", ".join(
        f"{quote[0]}{label}{quote[1]} = {score_number(Decimal((i * 100) // (scale.max - scale.min)), content)}"
        for i, label in enumerate(scale.labels[lang])
    )
    bands = ", ".join(f"{band.label[lang]} {band.min}–{band.max}" for band in instrument.bands)
    lines = [
        str(guide["no_right_answers"]),
        str(guide["scale"]).format(values=values),
        str(guide["bands"]).format(bands=bands),
        str(guide["counts"]).format(share=round(instrument.min_answered_share * 100)),
    ]
    reverse = [item.text[lang] for step in instrument.steps for item in step.items if item.reverse]
    lines += [str(guide["reverse"]).format(text=text.rstrip(".")) for text in reverse]
    given = sum(step.importance is not None for step in steps)
    key = "importance_all" if given == len(steps) else ("importance_none" if not given else "importance_some")
    lines.append(str(guide[key]))
    return tuple(lines)


def insufficient(step: StepView, content: Content) -> str:
    """Why a step has no score, in the step's own counts."""
    labels = content["labels"]
    if step.answered:
        return str(labels["insufficient"]).format(answered=step.answered, total=step.total)
    words = labels["count_words"]
    return str(labels["insufficient_none"]).format(count=words[step.total] if step.total < len(words) else step.total)


def _shortened(text: str, content: Content) -> str:
    """A free text as the PDF shows it: whole, or cut at a word with a visible mark."""
    text = text.strip()
    if len(text) <= FREE_TEXT_LIMIT:
        return text
    cut = text[:FREE_TEXT_LIMIT].rsplit(None, 1)[0].rstrip(",.;:–- ")
    return f"{cut} {content['labels']['shortened']}"


def _ebook(brand: Brand, chapter: int, content: Content) -> str:
    """Where the e-book's chapter is: the brand's page or link for it, or "" when the brand gives none."""
    pages = brand.ebook.get("pages", {})
    page = pages.get(str(chapter)) if isinstance(pages, Mapping) else None
    link = brand.ebook.get("link", "")
    if page:
        return str(content["plan"]["ebook_page"]).format(chapter=chapter, page=page)
    if link:
        return str(content["plan"]["ebook_link"]).format(
            chapter=chapter, link=str(link).replace("{chapter}", str(chapter))
        )
    return ""
