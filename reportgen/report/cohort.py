"""The facilitator's cohort report: the group's figures, never any one leader's.

Pure arithmetic over the scored leaders' assessments and answers. Every figure built from
fewer than `minimum` leaders is withheld ("too few answers"), and no figure at all is made
for a group smaller than that. The rules that make a step the workshop's focus and a
statement a finding are data (reportgen/data/cohort.toml), printed in the report's notes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from ..models import Instrument, Item, Outcome
from ..scoring.group import group_steps
from . import cohort_charts
from .cohort_charts import PLOT_LEFT, PLOT_WIDTH, Dot, Entry, Segment, dots, stack, x_of
from .cohort_rules import Excluded, Rules, load_rules
from .content import Content, long_date
from .model import RunInfo


@dataclass(frozen=True)
class Moves:
    """Leaders scored on a step now and in the --previous export, by how their band moved."""

    up: int
    same: int
    down: int


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
    low: Fraction | None
    high: Fraction | None
    bands: tuple[Segment, ...]  # leaders per band; empty when too few
    split: bool  # the lowest and the highest band each hold at least the split share
    importance: Fraction | None  # the group's mean importance answer (1–5)
    importance_spread: float | None
    importance_answers: int
    importance_bar: tuple[Segment, ...]  # leaders per importance answer
    priority: Fraction | None  # mean importance × (100 − mean score)
    rank: int | None  # 1 for the step the group needs most; None when withheld
    focus: bool
    first_in_order: int  # leaders who have this step first in their reading order
    first_share: Fraction
    strong: int  # leaders in the highest band
    matched: int  # leaders scored on the step now and in the --previous export
    change: Fraction | None  # their mean change; None below the minimum
    moves: Moves | None  # None below the minimum
    dots: tuple[Dot, ...]
    mean_x: float | None
    row_y: float


@dataclass(frozen=True)
class ItemFigures:
    """One statement over the group, reverse-keyed ones turned."""

    code: str
    text: str
    step_id: str
    reverse: bool
    answered: int
    too_few: bool
    mean: Fraction | None  # the mean answer on the item's own scale, turned when reverse-keyed
    agree: Fraction | None  # share of answers agreeing (after turning)
    disagree: Fraction | None
    bar: tuple[Segment, ...]  # disagree, neutral, agree around the middle
    mark: str  # "strength", "blind_spot" or ""


@dataclass(frozen=True)
class GroupSection:
    """The step figures of one group of the --group-by column."""

    name: str
    leaders: int
    steps: tuple[StepFigures, ...]


@dataclass(frozen=True)
class Cover:
    """The header facts of the cohort report: the brand's and the workshop's, no leader's."""

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
    excluded: Excluded
    minimum: int
    rules: Rules
    bands: tuple[tuple[str, str], ...]  # (band id, label), lowest first
    steps: tuple[StepFigures, ...]
    order: tuple[StepFigures, ...]  # the steps the group needs most first; withheld ones last
    focus: tuple[StepFigures, ...]
    average_priority: Fraction | None  # the mean of the steps' priorities, which a focus must lead
    resource: StepFigures | None  # the step the group is strongest on, when it is no focus
    items: tuple[ItemFigures, ...]
    strengths: tuple[ItemFigures, ...]
    blind_spots: tuple[ItemFigures, ...]
    plot_height: float
    row_height: float  # of one step in the dot plot: lower when no stack of dots is tall
    since: bool  # the build had a --previous export
    groups: tuple[GroupSection, ...]  # --group-by: one per group of at least `minimum` leaders
    groups_left_out: int  # groups smaller than that, or without a value: not shown
    by_group: bool
    plot_left: float = PLOT_LEFT
    plot_width: float = PLOT_WIDTH


def cohort_cover(run: RunInfo, instrument: Instrument, content: Content, lang: str) -> Cover:
    """The header facts of the cohort report."""
    return Cover(
        title=content["cohort"]["title"],
        instrument_title=instrument.title[lang],
        organisation_brand=run.brand.organisation,
        logo=run.brand.logo,
        date=long_date(run.report_date, content),
        workshop=run.workshop,
    )


def cohort_view(
    group: Sequence[Entry],
    instrument: Instrument,
    content: Content,
    lang: str,
    minimum: int,
    cover: Cover,
    by_group: bool = False,
    excluded: Excluded | None = None,
    rules: Rules | None = None,
) -> CohortView | None:
    """The group's figures in one language, or None when the group is smaller than `minimum`.

    Each leader comes with their scores in a --previous export, if any: the group's change per
    step is the mean over the leaders scored on it both times.
    """
    if len(group) < minimum:
        return None
    rules = rules or load_rules()
    steps = _steps(group, instrument, lang, minimum, rules)
    ranked = sorted((s for s in steps if s.priority is not None), key=lambda s: (-(s.priority or 0), s.chapter))
    focus = _focus(ranked, rules)
    focus_ids = {s.id for s in focus}
    order = tuple(_with(s, rank=n, focus=s.id in focus_ids) for n, s in enumerate(ranked, start=1)) + tuple(
        s for s in steps if s.priority is None
    )
    by_id = {s.id: s for s in order}
    steps = tuple(by_id[s.id] for s in steps)
    # The resource is the step the group is strongest on, unless that is a focus step itself.
    scored = [s for s in steps if s.mean is not None]
    strongest = max(scored, key=lambda s: (s.mean or 0, -s.chapter)) if scored else None
    resource = None if strongest is None or strongest.id in focus_ids else strongest
    items = _diverging(
        tuple(_item(item, group, instrument, lang, minimum, rules) for item in instrument.items if item.kind == "step")
    )
    row_height = cohort_charts.row_height(group, instrument)
    sections: list[GroupSection] = []
    left_out = 0
    if by_group:
        for name in sorted({response.group for response, _, _ in group}, key=str.casefold):
            members = [entry for entry in group if entry[0].group == name]
            if name and len(members) >= minimum:
                sections.append(GroupSection(name, len(members), _steps(members, instrument, lang, minimum, rules)))
            else:
                left_out += 1
    return CohortView(
        lang=lang,
        t=content,
        cover=cover,
        leaders=len(group),
        excluded=excluded or Excluded(),
        minimum=minimum,
        rules=rules,
        bands=tuple(_band_labels(instrument, lang).items()),
        steps=steps,
        order=order,
        focus=tuple(by_id[s.id] for s in focus),
        average_priority=_mean_priority(ranked),
        resource=resource,
        items=items,
        strengths=tuple(sorted((i for i in items if i.mark == "strength"), key=lambda i: -(i.mean or 0))),
        blind_spots=tuple(sorted((i for i in items if i.mark == "blind_spot"), key=lambda i: i.mean or 0)),
        plot_height=len(steps) * row_height,
        row_height=row_height,
        since=any(previous is not None for _, _, previous in group),
        groups=tuple(sections),
        groups_left_out=left_out,
        by_group=by_group,
    )


def _mean_priority(ranked: Sequence[StepFigures]) -> Fraction | None:
    """The mean of the steps' priorities, over the steps that have one."""
    priorities = [s.priority for s in ranked if s.priority is not None]
    return sum(priorities, Fraction(0)) / len(priorities) if priorities else None


def _focus(ranked: Sequence[StepFigures], rules: Rules) -> list[StepFigures]:
    """The steps whose priority leads the group's mean priority by the rule, highest first."""
    mean = _mean_priority(ranked)
    if not mean:
        return []
    return [
        s
        for s in ranked
        if s.priority is not None
        and s.mean is not None
        and s.priority >= mean * _exact(rules.focus_lead)
        and s.mean < _exact(rules.focus_below_score)
    ][: rules.focus_most]


def _with(step: StepFigures, rank: int, focus: bool) -> StepFigures:
    return replace(step, rank=rank, focus=focus)


def _steps(
    group: Sequence[Entry], instrument: Instrument, lang: str, minimum: int, rules: Rules
) -> tuple[StepFigures, ...]:
    """Each step's figures over the group, withheld where fewer than `minimum` leaders have a score."""
    leaders = len(group)
    height = cohort_charts.row_height(group, instrument)
    found = group_steps([a for _, a, _ in group], instrument)
    rank = {band.id: n for n, band in enumerate(instrument.bands)}
    steps = []
    for row, (step, exact) in enumerate(zip(instrument.steps, found, strict=True)):
        scores = exact.scores if exact.scores is not None and exact.scores.count >= minimum else None
        importance = exact.importance if exact.importance is not None and exact.importance.count >= minimum else None
        too_few = scores is None
        bands = (
            ()
            if too_few
            else stack([(band_id, count) for band_id, count in exact.bands], _band_labels(instrument, lang))
        )
        split = (
            not too_few
            and len(bands) > 1
            and bands[0].share >= _exact(rules.split_share)
            and bands[-1].share >= _exact(rules.split_share)
        )
        scale = instrument.scales[step.importance.scale_id] if step.importance else None
        answer_labels = {f"a{v}": str(v) for v in range(scale.min, scale.max + 1)} if scale else {}
        importance_bar = (
            ()
            if importance is None or scale is None
            else stack(list(zip(answer_labels, exact.importance_counts, strict=True)), answer_labels)
        )
        pairs = [(a.step(step.id), p.step(step.id)) for _, a, p in group if p is not None]
        matched = [(now, before) for now, before in pairs if now.score is not None and before.score is not None]
        enough = len(matched) >= minimum
        moves = Counter(
            "up" if rank[now.band_id or ""] > rank[before.band_id or ""]
            else "down" if rank[now.band_id or ""] < rank[before.band_id or ""]
            else "same"
            for now, before in matched
        )  # fmt: skip
        deltas = [
            now.score - before.score for now, before in matched if now.score is not None and before.score is not None
        ]
        mean = None if scores is None else scores.mean
        row_y = row * height
        values = [float(r.score) for _, a, _ in group if (r := a.step(step.id)).score is not None]
        steps.append(
            StepFigures(
                id=step.id,
                chapter=step.chapter,
                title=step.title[lang],
                scored=exact.scores.count if exact.scores else 0,
                too_few=too_few,
                mean=mean,
                median=None if scores is None else scores.median,
                spread=None if scores is None else scores.spread,
                low=None if scores is None else scores.low,
                high=None if scores is None else scores.high,
                bands=bands,
                split=split,
                importance=None if importance is None else importance.mean,
                importance_spread=None if importance is None else importance.spread,
                importance_answers=0 if exact.importance is None else exact.importance.count,
                importance_bar=importance_bar,
                priority=exact.priority if scores is not None and importance is not None else None,
                rank=None,
                focus=False,
                first_in_order=exact.first,
                first_share=Fraction(exact.first, leaders),
                strong=0 if too_few else exact.bands[-1][1],
                matched=len(matched),
                change=sum(deltas, Fraction(0)) / len(deltas) if enough else None,
                moves=Moves(moves["up"], moves["same"], moves["down"]) if enough else None,
                dots=() if too_few else dots(values, row_y, height),
                mean_x=None if mean is None else x_of(float(mean)),
                row_y=row_y,
            )
        )
    return tuple(steps)


def _band_labels(instrument: Instrument, lang: str) -> dict[str, str]:
    return {band.id: band.label[lang] for band in instrument.bands}


def _item(
    item: Item, group: Sequence[Entry], instrument: Instrument, lang: str, minimum: int, rules: Rules
) -> ItemFigures:
    scale = instrument.scales[item.scale_id]
    raw = [answer for r, _, _ in group if (answer := r.answers.get(item.code)) is not None]
    answers = [scale.min + scale.max - a if item.reverse else a for a in raw]
    too_few = len(answers) < minimum
    middle = Fraction(scale.min + scale.max, 2)
    if too_few:
        return ItemFigures(
            item.code, item.text[lang], item.step_id, item.reverse, len(answers), True, None, None, None, (), ""
        )
    n = len(answers)
    mean = Fraction(sum(answers), n)
    counts = Counter("agree" if a > middle else "disagree" if a < middle else "neutral" for a in answers)
    agree, disagree, neutral = (Fraction(counts[side], n) for side in ("agree", "disagree", "neutral"))
    # Diverging: the neutral part centred on the middle, disagreeing to its left, agreeing to its right.
    half = float(neutral) * 25
    bar = (
        Segment("disagree", "", counts["disagree"], disagree, 50 - half - float(disagree) * 50, float(disagree) * 50),
        Segment("neutral", "", counts["neutral"], neutral, 50 - half, half * 2),
        Segment("agree", "", counts["agree"], agree, 50 + half, float(agree) * 50),
    )
    mark = ""
    if mean >= _exact(rules.strength_mean) or agree >= _exact(rules.strength_share):
        mark = "strength"
    elif mean <= _exact(rules.blind_spot_mean) or disagree >= _exact(rules.blind_spot_share):
        mark = "blind_spot"
    return ItemFigures(
        item.code, item.text[lang], item.step_id, item.reverse, n, False, mean, agree, disagree, bar, mark
    )


def _diverging(items: tuple[ItemFigures, ...]) -> tuple[ItemFigures, ...]:
    """The diverging bars on one scale for all statements, the widest filling its half of the bar."""
    widest = max((i.bar[1].share / 2 + max(i.bar[0].share, i.bar[2].share) for i in items if i.bar), default=0)
    if not widest:
        return items
    factor = float(1 / widest)
    return tuple(
        replace(i, bar=tuple(replace(s, left=50 + (s.left - 50) * factor, width=s.width * factor) for s in i.bar))
        for i in items
    )


def _exact(threshold: float) -> Fraction:
    """A threshold from the rules file as written there (0.3, not 0.29999…)."""
    return Fraction(str(threshold))


def group_entries(outcomes: Iterable[Outcome]) -> list[Entry]:
    """The scored leaders of a build: answers, scores and earlier scores."""
    return [(o.response, o.assessment, o.previous) for o in outcomes if o.status == "ok" and o.assessment]
