"""The cohort report's figures of each step and each statement, withheld wherever they could give a leader away."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..models import Instrument, Item, Step
from ..scoring.group import Since, StepGroup, group_steps, middle_half, shows_single_scores, since
from . import cohort_charts
from .cohort_charts import Dot, Entry, Segment, diverging_bar, dots, stack, x_of
from .cohort_rules import Rules, exact, spread_kind


@dataclass(frozen=True)
class StepFigures:
    """One step over the group."""

    id: str
    chapter: int
    title: str
    scored: int  # leaders with a score on the step
    too_few: bool
    mean: Fraction | None
    median: Fraction | None
    spread: float | None  # standard deviation
    middle: tuple[Fraction, Fraction] | None  # 25th–75th percentile, only when each quarter holds the minimum
    bands: tuple[Segment, ...]  # leaders per band; empty when too few
    split: bool  # two groups: both end bands large, the middle clearly smaller (data/cohort.toml)
    spread_out: bool  # both end bands large, the middle as large: spread over all three levels
    importance: Fraction | None  # the group's mean importance answer (1–5)
    importance_spread: float | None
    importance_answers: int  # every importance answer of the leaders scored on the step
    importance_high: int  # of those, the two highest answers ("very important" or "essential")
    importance_bar: tuple[Segment, ...]  # leaders per importance answer
    priority: Fraction | None  # mean importance × (100 − mean score)
    rank: int | None  # 1 for the step the group needs most; None when withheld
    focus: bool
    first_in_order: int  # leaders who have this step first in their reading order
    first_share: Fraction
    beginners: int  # leaders in the lowest band
    strong: int  # leaders in the highest band
    since: Since | None  # None without a --previous export
    dots: tuple[Dot, ...]  # empty below DOTS_FROM leaders: then no individual score is drawn
    mean_x: float | None
    row_y: float


@dataclass(frozen=True)
class ItemFigures:
    """One statement over the group, printed the way it is counted.

    A reverse-keyed statement with a turned text is printed turned, with the turned answers;
    without one, it is printed as asked, with the answers as given. The mark is always judged
    on the turned answers, where a high answer is the favourable one.
    """

    code: str
    text: str
    step_id: str
    turned: bool  # the text printed is the statement turned (the item's `turned` text)
    answered: int
    too_few: bool
    mean: Fraction | None  # the mean answer of the text printed
    agree: Fraction | None  # share of answers agreeing with the text printed
    disagree: Fraction | None
    bar: tuple[Segment, ...]  # disagree, neutral, agree around the middle
    mark: str  # "strength", "blind_spot" or ""
    favourable: Fraction | None  # the mean after turning, for ordering


def band_labels(instrument: Instrument, lang: str) -> dict[str, str]:
    """Each band's label in the language."""
    return {band.id: band.label[lang] for band in instrument.bands}


def step_figures(
    group: Sequence[Entry],
    instrument: Instrument,
    lang: str,
    minimum: int,
    rules: Rules,
    left: Mapping[str, int] | None = None,
) -> tuple[StepFigures, ...]:
    """Each step's figures over the group, withheld where fewer than `minimum` leaders have a score."""
    height = cohort_charts.row_height(group, instrument)
    found = group_steps([a for _, a, _ in group], instrument)
    return tuple(
        _step(
            step,
            exact_figures,
            group,
            instrument,
            lang,
            minimum,
            rules,
            (row * height, height),
            (left or {}).get(step.id, 0),
        )
        for row, (step, exact_figures) in enumerate(zip(instrument.steps, found, strict=True))
    )


def _step(
    step: Step,
    found: StepGroup,
    group: Sequence[Entry],
    instrument: Instrument,
    lang: str,
    minimum: int,
    rules: Rules,
    row: tuple[float, float],
    left: int,
) -> StepFigures:
    scores = found.scores if found.scores is not None and found.scores.count >= minimum else None
    importance = found.importance if found.importance is not None and found.importance.count >= minimum else None
    counts = [count for _, count in found.bands]
    bands = () if scores is None else stack(list(found.bands), band_labels(instrument, lang))
    kind = "" if scores is None else spread_kind(counts, rules)
    values = [r.score for _, a, _ in group if (r := a.step(step.id)).score is not None]
    has_previous = any(previous is not None for _, _, previous in group)
    rank = {band.id: n for n, band in enumerate(instrument.bands)}
    row_y, height = row
    return StepFigures(
        id=step.id,
        chapter=step.chapter,
        title=step.title[lang],
        scored=found.scores.count if found.scores else 0,
        too_few=scores is None,
        mean=None if scores is None else scores.mean,
        median=scores.median if scores is not None and shows_single_scores(scores.count) else None,
        spread=None if scores is None else scores.spread,
        middle=None if scores is None else middle_half(values, minimum),
        bands=bands,
        split=kind == "split",
        spread_out=kind == "spread",
        importance=None if importance is None else importance.mean,
        importance_spread=None if importance is None else importance.spread,
        importance_answers=0 if found.importance is None else found.importance.count,
        importance_high=sum(found.importance_counts[-2:]),
        importance_bar=_importance_bar(step, found, instrument) if importance is not None else (),
        priority=found.priority if scores is not None and importance is not None else None,
        rank=None,
        focus=False,
        first_in_order=found.first,
        first_share=Fraction(found.first, len(group)),
        beginners=0 if scores is None else counts[0],
        strong=0 if scores is None else counts[-1],
        since=since([(a, p) for _, a, p in group], step.id, rank, minimum, left) if has_previous else None,
        dots=dots([float(v) for v in values], row_y, height) if scores and shows_single_scores(scores.count) else (),
        mean_x=None if scores is None else x_of(float(scores.mean)),
        row_y=row_y,
    )


def _importance_bar(step: Step, found: StepGroup, instrument: Instrument) -> tuple[Segment, ...]:
    if step.importance is None:
        return ()
    scale = instrument.scales[step.importance.scale_id]
    labels = {f"a{v}": str(v) for v in range(scale.min, scale.max + 1)}
    return stack(list(zip(labels, found.importance_counts, strict=True)), labels)


def item_figures(
    item: Item, group: Sequence[Entry], instrument: Instrument, lang: str, minimum: int, rules: Rules
) -> ItemFigures:
    """One statement's figures, printed the way they are counted (see ItemFigures)."""
    scale = instrument.scales[item.scale_id]
    raw = [answer for r, _, _ in group if (answer := r.answers.get(item.code)) is not None]
    turned_text = item.turned.get(lang) if item.reverse and item.turned else None
    favourable = [scale.min + scale.max - a if item.reverse else a for a in raw]
    printed = favourable if turned_text or not item.reverse else raw
    text, turned = (turned_text, True) if turned_text else (item.text[lang], False)
    if len(raw) < minimum:
        return ItemFigures(item.code, text, item.step_id, turned, len(raw), True, None, None, None, (), "", None)
    n, middle = len(raw), Fraction(scale.min + scale.max, 2)
    counts = Counter("agree" if a > middle else "disagree" if a < middle else "neutral" for a in printed)
    agree, disagree = Fraction(counts["agree"], n), Fraction(counts["disagree"], n)
    good = Fraction(sum(favourable), n)
    good_agree = Fraction(sum(a > middle for a in favourable), n)
    good_disagree = Fraction(sum(a < middle for a in favourable), n)
    mark = ""
    if good >= exact(rules.strength_mean) or good_agree >= exact(rules.strength_share):
        mark = "strength"
    elif good <= exact(rules.blind_spot_mean) or good_disagree >= exact(rules.blind_spot_share):
        mark = "blind_spot"
    bar = diverging_bar(counts["disagree"], counts["neutral"], counts["agree"])
    mean = Fraction(sum(printed), n)
    return ItemFigures(item.code, text, item.step_id, turned, n, False, mean, agree, disagree, bar, mark, good)
