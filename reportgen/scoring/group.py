"""The group's figures per step, computed once from exact scores, and the rules that keep one leader's hidden.

Anonymity (docs/cohort.md): no figure rests on fewer than MINIMUM leaders, no difference of two shown
figures rests on fewer than MINIMUM leaders, and a leader reading the group's mean beside their own
score still faces at least MINIMUM others. Every rule is a function here, with its tests.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..models import Assessment, Instrument, Outcome

MINIMUM = 5  # the fewest leaders behind any group figure; --cohort-min may raise it, never lower it
SMALL_CELL = 3  # a count of 1 or 2 leaders is shown as "< 3"
DOTS_FROM = 20  # a step's scores are drawn as dots, its median shown, only from this many leaders


def shows_single_scores(count: int) -> bool:
    """Whether figures that are one leader's score (the dots, the median of an odd count) may be shown.

    From DOTS_FROM leaders on a step, one dot or the median is one of at least 20 colleagues and
    no profile stands out across the rows; below it the report shows band counts, the mean and the
    spread only (docs/cohort.md).
    """
    return count >= DOTS_FROM


@dataclass(frozen=True)
class Figures:
    """A step's scores over the leaders scored on it."""

    count: int
    mean: Fraction
    median: Fraction
    spread: float  # population standard deviation
    low: Fraction
    high: Fraction


@dataclass(frozen=True)
class StepGroup:
    """Everything the group's figures of one step are made of, exact."""

    step_id: str
    scores: Figures | None  # None: nobody has a score on the step
    bands: tuple[tuple[str, int], ...]  # (band id, leaders), in the instrument's band order
    importance: Figures | None  # the importance answers (1–5) of the leaders scored on the step
    importance_counts: tuple[int, ...]  # leaders per importance answer, scale minimum first
    priority: Fraction | None  # mean importance × (100 − mean score): how much the group needs the step
    first: int  # leaders who have the step first in their own reading order


@dataclass(frozen=True)
class Since:
    """A step's change since the --previous export, over the leaders scored on it both times."""

    matched: int
    change: Fraction | None  # their mean change; None when withheld
    up: int
    same: int
    down: int
    shown: bool


def hidden_cells(counts: Sequence[int]) -> list[bool]:
    """Which counts of a row whose total is shown are printed as "< 3" (or "–"), not as themselves.

    A count of 1 or 2 is hidden. When only one is, the total minus the others would give it, so
    the smallest other count is hidden too (complementary suppression within the row).
    """
    hidden = [0 < count < SMALL_CELL for count in counts]
    if sum(hidden) == 1 and len(counts) > 1:
        smallest = min((count, n) for n, count in enumerate(counts) if not hidden[n])[1]
        hidden[smallest] = True
    return hidden


def floor(minimum: int) -> int:
    """The minimum group size in force: the one asked for, never below MINIMUM."""
    return max(MINIMUM, minimum)


def step_scores(assessments: Iterable[Assessment], step_id: str) -> list[Fraction]:
    """The exact scores of the leaders scored on this step."""
    return [score for a in assessments if (score := a.step(step_id).score) is not None]


def figures(values: Sequence[Fraction]) -> Figures | None:
    """Mean, median, spread and range of exact values; None for no values."""
    if not values:
        return None
    return Figures(
        count=len(values),
        mean=sum(values, Fraction(0)) / len(values),
        median=Fraction(statistics.median(values)),
        spread=statistics.pstdev([float(v) for v in values]),
        low=min(values),
        high=max(values),
    )


def middle_half(values: Sequence[Fraction], minimum: int) -> tuple[Fraction, Fraction] | None:
    """The 25th and 75th percentiles, only when each quarter holds at least `minimum` leaders.

    A low–high range prints two leaders' own scores; a quartile with fewer than `minimum` leaders
    beyond it comes close to doing so.
    """
    if len(values) < 4 * floor(minimum):
        return None
    ordered = sorted(values)
    cuts = statistics.quantiles(ordered, n=4, method="inclusive")
    return Fraction(cuts[0]), Fraction(cuts[2])


def group_steps(assessments: Sequence[Assessment], instrument: Instrument) -> tuple[StepGroup, ...]:
    """Each step's figures over the group, in the instrument's order."""
    first = Counter(a.reading_order[0] for a in assessments if a.reading_order)
    found = []
    for step in instrument.steps:
        results = [result for a in assessments if (result := a.step(step.id)).score is not None]
        scores = figures([r.score for r in results if r.score is not None])
        answers = [r.importance for r in results if r.importance is not None]
        importance = figures([Fraction(answer) for answer in answers])
        scale = instrument.scales[step.importance.scale_id] if step.importance else None
        counts = Counter(answers)
        found.append(
            StepGroup(
                step_id=step.id,
                scores=scores,
                bands=tuple((band.id, sum(r.band_id == band.id for r in results)) for band in instrument.bands),
                importance=importance,
                importance_counts=tuple(counts[v] for v in range(scale.min, scale.max + 1)) if scale else (),
                priority=None if scores is None or importance is None else importance.mean * (100 - scores.mean),
                first=first.get(step.id, 0),
            )
        )
    return tuple(found)


OTHERS = "\x00others"  # the section of the small groups merged: no value of a column can be this


def sections_of(groups: Sequence[str], minimum: int) -> list[str | None]:
    """Each leader's section when the report is split by --group-by; None where they count nowhere.

    A group (a value of the column) of at least `minimum` leaders is its own section. The smaller
    groups, and the leaders without a value, are merged into one section (OTHERS) when together
    they reach the minimum; otherwise their leaders count in no figure at all: not in a section,
    not in the whole group's figures, not in the personal reports' group mean, since the whole
    minus the shown sections would give them away.
    """
    least = floor(minimum)
    sizes = Counter(groups)
    small = sum(size for name, size in sizes.items() if size < least or not name)
    return [name if name and sizes[name] >= least else OTHERS if small >= least else None for name in groups]


def counted(groups: Sequence[str], minimum: int) -> list[bool]:
    """Which leaders count in every group figure when the report is split by --group-by (see sections_of)."""
    return [section is not None for section in sections_of(groups, minimum)]


def counted_leaders(outcomes: Iterable[Outcome], by_group: bool, minimum: int) -> list[Assessment]:
    """The scores that count in the group's figures (see `counted`), for the personal reports' group mean."""
    scored = [o for o in outcomes if o.status == "ok" and o.assessment]
    keep = counted([o.response.group for o in scored], minimum) if by_group else [True] * len(scored)
    return [o.assessment for o, kept in zip(scored, keep, strict=True) if kept and o.assessment]


def withheld_sections(counts: Sequence[int], minimum: int) -> list[bool]:
    """Which groups' figures on one step are withheld, from the leaders each has scored on it.

    A group below the minimum is withheld; then, while the withheld groups together hold 1 to
    minimum − 1 leaders (the whole minus the shown groups would give their figure), the smallest
    group still shown is withheld too.
    """
    least = floor(minimum)
    withheld = [count < least for count in counts]
    while 0 < sum(c for c, w in zip(counts, withheld, strict=True) if w) < least and not all(withheld):
        smallest = min((c, n) for n, (c, w) in enumerate(zip(counts, withheld, strict=True)) if not w)[1]
        withheld[smallest] = True
    return withheld


def hides_difference(count: int, minimum: int) -> bool:
    """Whether a difference of two shown figures, resting on `count` leaders, is safe: none, or enough."""
    return count == 0 or count >= floor(minimum)


def shows_personal_mean(count: int, minimum: int) -> bool:
    """Whether a personal report may show the group's mean of a step scored by `count` leaders.

    The reader knows their own score, so the mean must rest on at least `minimum` leaders besides
    them: the leader's own score and the mean would otherwise give the few others' mean.
    """
    return count - 1 >= floor(minimum)


def group_means(assessments: Sequence[Assessment], step_ids: Iterable[str], minimum: int) -> dict[str, float]:
    """Each step's mean score over the leaders scored on it, where a personal report may show it."""
    means = {}
    for step_id in step_ids:
        found = figures(step_scores(assessments, step_id))
        if found is not None and shows_personal_mean(found.count, minimum):
            means[step_id] = float(found.mean)
    return means


def since(
    pairs: Sequence[tuple[Assessment, Assessment | None]],
    step_id: str,
    band_rank: dict[str, int],
    minimum: int,
    left: int = 0,
) -> Since:
    """The change on one step over the leaders scored on it now and in the --previous export.

    Withheld below the minimum, and when the leaders scored now without an earlier score (or the
    `left` leaders scored earlier but not in the group now) number 1 to minimum − 1: with this
    report's and the earlier report's means, their scores would follow from the change.
    """
    now_scored, matched = 0, []
    for now, before in pairs:
        score = now.step(step_id)
        if score.score is None:
            continue
        now_scored += 1
        earlier = before.step(step_id) if before is not None else None
        if earlier is not None and earlier.score is not None:
            matched.append((score, earlier))
    shown = (
        len(matched) >= floor(minimum)
        and hides_difference(now_scored - len(matched), minimum)
        and hides_difference(left, minimum)
    )
    if not shown:
        return Since(len(matched), None, 0, 0, 0, False)
    moves = Counter(
        "same"
        if band_rank[n.band_id or ""] == band_rank[b.band_id or ""]
        else "up"
        if band_rank[n.band_id or ""] > band_rank[b.band_id or ""]
        else "down"
        for n, b in matched
    )
    deltas = [n.score - b.score for n, b in matched if n.score is not None and b.score is not None]
    return Since(len(matched), sum(deltas, Fraction(0)) / len(deltas), moves["up"], moves["same"], moves["down"], True)
