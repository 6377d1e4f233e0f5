"""What one report shows: the view of a leader's scores in one language, with its texts.

Builds plain data for the templates; every word comes from the instrument and the
content files, none from here. Every sentence is picked by what it says: a sentence about
a step's level by the step's band, a sentence about answers by those answers, a sentence
about importance only where the leader gave it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from ..models import Assessment, Instrument, Item, Response, round_half_up
from .charts import priority_chart, radar_chart
from .choose import (
    MOST_ACTIONS,
    actions,
    answers_line,
    audience,
    joined,
    marked,
    notes,
    step_texts,
    straight,
    three_things,
    word,
)
from .conditions import Facts
from .content import Content, long_date, score_number
from .model import ActionPlan, ItemView, ReportView, RunInfo, StepView
from .sentences import ebook, extreme, how_to_read, insufficient, order_intro, ordered, shortened


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
    steps = tuple(
        _step_view(step.id, response, assessment, instrument, content, lang, run) for step in instrument.steps
    )
    if previous is not None:
        steps = tuple(_since(step, previous, instrument, content, lang) for step in steps)
    if straight(steps) is not None:  # one answer to everything: no narrative, a plain line in the box instead
        steps = tuple(replace(step, meaning="") for step in steps)
    steps, order, tied = ordered(steps, assessment, instrument, content)
    scored = [step for step in steps if step.score is not None]
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
        reading_order=order,
        order_intro=order_intro(scored, order, content),
        steps_word=word(len(steps), content),
        strongest_line=extreme(scored, content, "strongest"),
        weakest_line=extreme(scored, content, "weakest"),
        free_text={code: shortened(text, content) for code, text in response.free_text.items() if text},
        chart=radar_chart(steps, run.cohort),
        priority=priority_chart(steps, order, tied, instrument, lang),
        how_to_read=how_to_read(steps, instrument, content, lang),
        plan=_plan(order, tied, content, run),
        three=three_things(steps, order, tied, content),
        tied=tied,
        since=previous is not None,
    )


def _plan(order: tuple[StepView, ...], tied: tuple[StepView, ...], content: Content, run: RunInfo) -> ActionPlan:
    """The closing page: the first of the order (an unscored one asks for its statements to be answered).

    Steps level at the top are all first: each gives its next steps, taken in turn, and its chapter's place.
    """
    brand = run.brand
    first = order[0] if order else None
    leading = tied or order[:1]
    if first is None:
        chosen: tuple[str, ...] = ()
    elif first.score is None:
        chosen = tuple(str(action) for action in content["unscored"]["actions"])
    else:
        chosen = _in_turn(
            [[action.text for action in step.actions] for step in leading], max(MOST_ACTIONS, len(leading))
        )
    tie = str(content["plan"]["tie"]).format(steps=joined([s.title for s in tied], content)) if tied else ""
    return ActionPlan(
        first=first,
        actions=chosen,
        tie=tie,
        workshop=run.workshop or brand.workshop,
        workshop_date=long_date(brand.workshop_date, content) if brand.workshop_date else "",
        facilitator=brand.facilitator,
        ebook=" ".join(line for step in leading if (line := ebook(brand, step.chapter, content))),
    )


def _in_turn(lists: list[list[str]], most: int) -> tuple[str, ...]:
    """The lists' first items, then their second …, up to `most`: a, b, a2 for two lists."""
    longest = max((len(items) for items in lists), default=0)
    taken = [items[i] for i in range(longest) for items in lists if i < len(items)]
    return tuple(taken[:most])


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
            step=step.title,
            before=_text(before, content),
            now=step.score_text,
            band_before=bands[earlier.band_id or ""],
            band_now=step.band_label,
        )
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
    run: RunInfo,
) -> StepView:
    step = instrument.step(step_id)
    result = assessment.step(step_id)
    band = next((b for b in instrument.bands if b.id == result.band_id), None)
    texts = step_texts(content, step_id, audience(response.audience or run.audience, content))
    importance_label = None
    if step.importance and result.importance is not None:
        scale = instrument.scales[step.importance.scale_id]
        importance_label = scale.labels[lang][result.importance - scale.min]
    items = tuple(_item_view(item, response, instrument, lang) for item in step.items)
    score = None if result.score is None else shown(result.score)
    band_text = texts.get("bands", {}).get(result.band_id) if texts and result.band_id else None
    facts = Facts(response.answers, result.band_id, result.importance)
    line = answers_line(items, score is not None, content, step_id)
    group = run.cohort.get(step_id)
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
        items=marked(items, line),
        text=texts,
        band_text=band_text,
        not_asked=tuple(item.text[lang] for item in instrument.absent if item.step_id == step_id),
        answers_line=line.text if line else "",
        meaning=str(band_text["meaning"]) if band_text else "",
        notes=notes(texts, facts, step_id) if score is not None else (),
        actions=actions(texts, facts, items, step_id) if score is not None else (),
        group=group,
        group_text=_text(group, content) if group is not None else "",
    )
    if score is None:
        view = replace(view, answers_line=insufficient(view, content))
    return view


def _item_view(item: Item, response: Response, instrument: Instrument, lang: str) -> ItemView:
    scale = instrument.scales[item.scale_id]
    answer = response.answers.get(item.code)
    turned = None if answer is None else (scale.min + scale.max - answer if item.reverse else answer)
    return ItemView(
        code=item.code,
        text=item.text[lang],
        answer=answer,
        answer_label=None if answer is None else scale.labels[lang][answer - scale.min],
        share=None if turned is None else (turned - scale.min) / (scale.max - scale.min),
        reverse=item.reverse,
    )
