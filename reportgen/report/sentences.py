"""Which sentence the report says, from the content files: by a step's band, by the answers, by the importance given.

No sentence is shared by two situations it would be untrue of: the strongest step's line
has an entry per band, the line about answers names the answer it is about, the order's
explanation says which steps the leader did not rate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from ..models import Assessment, Brand, Instrument
from .choose import joined
from .content import Content, score_number
from .model import StepView

FREE_TEXT_LIMIT = 700  # characters of a free text in the PDF (on the reflection page); the full text is in scores.xlsx


def ordered(
    steps: tuple[StepView, ...], assessment: Assessment, instrument: Instrument, content: Content
) -> tuple[tuple[StepView, ...], tuple[StepView, ...], tuple[StepView, ...]]:
    """The steps with their reasons and ranks, the reading order, and the steps level at its top.

    A step without a score that the leader rated important (above the importance split) comes
    first: the leader said it matters, and answering its statements is where to begin. The
    scored steps follow in the scorer's order. Steps level at the top (same weight given or not,
    same priority) are returned as a tie, so that none of them is called "the" first.
    """
    by_id = {step.id: step for step in steps}
    empty = [
        step.id
        for step in steps
        if step.score is None and step.importance is not None and step.importance > instrument.importance_split
    ]
    ids = empty + list(assessment.reading_order)
    reasons = content["order"]
    ranks = _ranks(ids, empty, assessment)
    ranked: dict[str, StepView] = {}
    for step_id in ids:
        step = by_id[step_id]
        if step.score is None:
            reason = reasons["unscored" if step.answered else "unscored_none"]
        elif step.importance is None:
            reason = reasons["not_given"]
        else:
            weight = "important" if step.importance > instrument.importance_split else "less_important"
            reason = reasons[weight].get(step.band_id, "")  # another instrument's bands have no texts here
        values = {
            "step": step.title,
            "score": step.score_text,
            "answered": step.answered,
            "total": step.total,
            "importance": (step.importance_label or "").lower(),
        }
        ranked[step_id] = replace(step, rank=ranks[step_id], reason=str(reason).format(**values))
    order = tuple(ranked[step_id] for step_id in ids)
    return tuple(ranked.get(step.id, step) for step in steps), order, _tied(order, empty, assessment)


def _ranks(ids: list[str], empty: list[str], assessment: Assessment) -> dict[str, int]:
    """Each step's place in the order, as a race ranks: steps level with the one before share its place (1, 1, 3, 3).

    Level is what the scorer orders by: the same priority, or the same score where no importance is given.
    An unscored step has a place of its own.
    """
    ranks: dict[str, int] = {}
    before: object = None
    for index, step_id in enumerate(ids):
        score = assessment.step(step_id)
        key = None if step_id in empty else (score.importance is None, score.priority)  # as the scorer orders
        level = index > 0 and key is not None and key == before
        ranks[step_id] = ranks[ids[index - 1]] if level else index + 1
        before = key
    return ranks


def _tied(order: tuple[StepView, ...], empty: list[str], assessment: Assessment) -> tuple[StepView, ...]:
    """The steps level with the first of the order (two or more), else ()."""
    if empty or len(order) < 2:
        return ()  # an unscored step leads on its own: it has no priority to be level with

    def key(step: StepView) -> tuple[bool, object]:
        score = assessment.step(step.id)
        return (score.importance is None, score.priority)

    top = [step for step in order if key(step) == key(order[0])]
    return tuple(top) if len(top) > 1 else ()


def order_intro(scored: list[StepView], order: tuple[StepView, ...], content: Content) -> str:
    """How the order was made: by importance × room where given, by score where not; unscored steps last."""
    given = sum(step.importance is not None for step in scored)
    if not scored:
        return str(content["order"]["intro"]["none"])
    key = "all_given" if given == len(scored) else ("none_given" if not given else "some_given")
    intro = str(content["order"]["intro"][key])
    if any(step.score is None for step in order):
        intro += " " + str(content["order"]["intro"]["unscored_first"])
    return intro


def extreme(scored: list[StepView], content: Content, which: str) -> str:
    """The sentence on the strongest or the weakest step, chosen by that step's band."""
    if not scored:
        return ""
    if len(scored) == 1:
        only = scored[0]
        if which == "weakest":
            return ""
        return str(content["summary"]["only_one"]).format(step=only.title, score=only.score_text)
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
    return str(content["summary"][which].get(chosen.band_id, "")).format(
        step=joined(ties, content), score=chosen.score_text
    )


def how_to_read(steps: tuple[StepView, ...], instrument: Instrument, content: Content, lang: str) -> tuple[str, ...]:
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


def shortened(text: str, content: Content) -> str:
    """A free text as the PDF shows it: whole, or cut after its last whole sentence that fits, marked "(forkortet)"."""
    text = " ".join(text.split())
    if len(text) <= FREE_TEXT_LIMIT:
        return text
    head = text[:FREE_TEXT_LIMIT]
    ends = [match.end() for match in re.finditer(r"[.!?…](?=\s)", head)]
    cut = head[: ends[-1]] if ends else head.rsplit(None, 1)[0].rstrip(",.;:–- ") + " …"
    return f"{cut} {content['labels']['shortened']}"


def ebook(brand: Brand, chapter: int, content: Content) -> str:
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
