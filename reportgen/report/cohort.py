"""The facilitator's cohort report: the group's figures, never any one leader's.

Every figure built from fewer than `minimum` leaders is withheld ("too few answers"), no figure
at all is made for a group smaller than that, and with --group-by the leaders of a group below
the minimum count in no figure (docs/cohort.md). The rules that make a step the workshop's focus
and a statement a finding are data (reportgen/data/cohort.toml), printed in the report's notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from ..models import Instrument, Outcome
from ..scoring.group import (
    DOTS_FROM,
    OTHERS,
    SMALL_CELL,
    counted,
    floor,
    hidden_cells,
    sections_of,
    withheld_sections,
)
from . import cohort_charts
from .cohort_charts import PLOT_LEFT, PLOT_WIDTH, Entry, Segment, widened
from .cohort_rules import Excluded, Rules, exact, load_rules, stands_out_strong
from .cohort_steps import ItemFigures, StepFigures, band_labels, item_figures, step_figures
from .content import Content, long_date
from .model import RunInfo

__all__ = ["CohortView", "Cover", "GroupSection", "ItemFigures", "StepFigures", "cohort_cover", "cohort_view"]


@dataclass(frozen=True)
class GroupSection:
    """The step figures of one group of the --group-by column."""

    name: str
    leaders: int
    steps: tuple[StepFigures, ...]
    merged: bool = False  # the groups below the minimum, merged into one section


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
class Team:
    """The leaders who have one step first in their own reading order: a team for the workshop."""

    step: StepFigures
    leaders: int


@dataclass(frozen=True)
class Brief:
    """Page 1's plan: the focus steps, or else the teams by first chapter and the lowest statements."""

    order: tuple[StepFigures, ...]  # the steps the group needs most first; withheld ones last
    focus: tuple[StepFigures, ...]
    average_priority: Fraction | None  # the mean of the steps' priorities, which a focus must lead
    resource: StepFigures | None  # the step the group stands out on, when it is no focus
    teams: tuple[Team, ...]  # without a focus: one per step that comes first for some leaders
    lowest: tuple[ItemFigures, ...]  # without a focus: the three lowest statements


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
    brief: Brief
    items: tuple[ItemFigures, ...]
    strengths: tuple[ItemFigures, ...]
    blind_spots: tuple[ItemFigures, ...]
    plot_height: float
    row_height: float  # of one step in the dot plot: lower when no stack of dots is tall
    dot_plot: bool  # some step has enough leaders to draw its scores as dots
    since: bool  # the build had a --previous export
    groups: tuple[GroupSection, ...]  # --group-by: one per group of at least `minimum` leaders, the rest merged
    groups_left_out: int  # small groups whose leaders count nowhere (together fewer than `minimum`)
    leaders_left_out: int  # the leaders of those groups
    by_group: bool
    small_cell: int = SMALL_CELL
    plot_left: float = PLOT_LEFT
    plot_width: float = PLOT_WIDTH
    dots_from: int = DOTS_FROM

    def cell(self, count: int) -> str:
        """A count of leaders as the report prints it: 1 or 2 as "< 3", so that no cell is one or two leaders."""
        return f"< {self.small_cell}" if 0 < count < self.small_cell else str(count)

    @property
    def withheld(self) -> str:
        """What stands for a count held back because it could be worked out from those shown ("skjult")."""
        return str(self.t["cohort"]["withheld"])

    def count(self, segments: Sequence[Segment], n: int) -> str:
        """A part of a row as printed: its count, or when hidden "< 3" (withheld if a hidden part is 3 or more)."""
        if not segments[n].hidden:
            return str(segments[n].count)
        small = all(s.count < self.small_cell for s in segments if s.hidden)
        return f"< {self.small_cell}" if small else self.withheld

    def important(self, step: StepFigures) -> str:
        """The leaders answering 4 or 5 on the step's importance, unless it and the bar would give a cell away."""
        top = step.importance_bar[-2:]
        if len(top) < 2 or top[0].hidden != top[1].hidden:
            return self.withheld
        return self.cell(step.importance_high) if top[0].hidden else str(step.importance_high)

    def first(self, step: StepFigures) -> str:
        """The leaders who have the step first, hidden with the other steps' by the rule of a row."""
        teams = [s.first_in_order for s in self.steps]
        hidden = hidden_cells(teams)
        n = [s.id for s in self.steps].index(step.id)
        if not hidden[n]:
            return str(step.first_in_order)
        small = all(count < self.small_cell for count, hide in zip(teams, hidden, strict=True) if hide)
        return f"< {self.small_cell}" if small else self.withheld

    def moves(self, step: StepFigures) -> tuple[str, ...]:
        """Up, same, down since last time as printed, hidden by the rule of a row."""
        since = step.since
        counts = [since.up, since.same, since.down] if since else [0, 0, 0]
        hidden = hidden_cells(counts)
        small = all(count < self.small_cell for count, hide in zip(counts, hidden, strict=True) if hide)
        mark = f"< {self.small_cell}" if small else self.withheld
        return tuple(mark if hide else str(count) for count, hide in zip(counts, hidden, strict=True))

    def strip(self, segments: Sequence[Segment]) -> bool:
        """Whether a bar is drawn as equal parts with counts: some part is hidden, so no widths are shown."""
        return any(s.hidden for s in segments)


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


def counted_entries(group: Sequence[Entry], by_group: bool, minimum: int) -> list[Entry]:
    """The leaders who count in the group's figures: with --group-by, those in a group of the minimum."""
    if not by_group:
        return list(group)
    keep = counted([response.group for response, _, _ in group], minimum)
    return [entry for entry, kept in zip(group, keep, strict=True) if kept]


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
    earlier: Sequence[Outcome] = (),
) -> CohortView | None:
    """The group's figures in one language, or None when the counted group is smaller than the minimum.

    Each leader comes with their scores in a --previous export, if any: the group's change per
    step is the mean over the leaders scored on it both times; `earlier` is that export's
    outcomes, to count who was scored then and is not in the group now.
    """
    minimum = floor(minimum)
    everyone, group = group, counted_entries(group, by_group, minimum)
    if len(group) < minimum:
        return None
    rules = rules or load_rules()
    steps = step_figures(group, instrument, lang, minimum, rules, _left(earlier, group, instrument))
    items = _items(group, instrument, lang, minimum, rules)
    brief = _brief(steps, items, instrument, rules)
    steps = tuple(next(s for s in brief.order if s.id == step.id) for step in steps)
    row_height = cohort_charts.row_height(group, instrument)
    sections = _sections(everyone, by_group, instrument, lang, minimum, rules)
    names = {response.group for response, _, _ in everyone}
    return CohortView(
        lang=lang,
        t=content,
        cover=cover,
        leaders=len(group),
        excluded=excluded or Excluded(),
        minimum=minimum,
        rules=rules,
        bands=tuple(band_labels(instrument, lang).items()),
        steps=steps,
        brief=brief,
        items=items,
        strengths=tuple(sorted((i for i in items if i.mark == "strength"), key=lambda i: -(i.favourable or 0))),
        blind_spots=tuple(sorted((i for i in items if i.mark == "blind_spot"), key=lambda i: i.favourable or 0)),
        plot_height=len(steps) * row_height,
        row_height=row_height,
        dot_plot=any(s.dots for s in steps),
        since=any(previous is not None for _, _, previous in group),
        groups=sections,
        groups_left_out=len(names) - len({response.group for response, _, _ in group}) if by_group else 0,
        leaders_left_out=len(everyone) - len(group),
        by_group=by_group,
    )


def _left(earlier: Sequence[Outcome], group: Sequence[Entry], instrument: Instrument) -> dict[str, int]:
    """Per step, the leaders scored on it in the --previous export who are not in the counted group now."""
    present = {response.email_key for response, _, _ in group}
    gone = [o.assessment for o in earlier if o.status == "ok" and o.assessment and o.response.email_key not in present]
    return {step.id: sum(a.step(step.id).score is not None for a in gone) for step in instrument.steps}


def _items(
    group: Sequence[Entry], instrument: Instrument, lang: str, minimum: int, rules: Rules
) -> tuple[ItemFigures, ...]:
    found = [item_figures(i, group, instrument, lang, minimum, rules) for i in instrument.items if i.kind == "step"]
    bars = widened([i.bar for i in found])
    return tuple(replace(i, bar=bar) for i, bar in zip(found, bars, strict=True))


def _sections(
    everyone: Sequence[Entry], by_group: bool, instrument: Instrument, lang: str, minimum: int, rules: Rules
) -> tuple[GroupSection, ...]:
    """One section per group of the minimum, and the small ones merged; none without a named one.

    A step of a section is withheld by complementary suppression (scoring.group.withheld_sections).
    """
    if not by_group:
        return ()
    names = sections_of([response.group for response, _, _ in everyone], minimum)
    found: dict[str, list[Entry]] = {}
    for entry, name in zip(everyone, names, strict=True):
        if name is not None:
            found.setdefault(name, []).append(entry)
    if not any(name != OTHERS for name in found):
        return ()
    order = sorted(found, key=lambda name: (name == OTHERS, name.casefold()))
    shown = {name: step_figures(found[name], instrument, lang, minimum, rules) for name in order}
    for n in range(len(instrument.steps)):
        withheld = withheld_sections([figures[n].scored for figures in shown.values()], minimum)
        for name, hide in zip(list(shown), withheld, strict=True):
            if hide and not shown[name][n].too_few:
                shown[name] = (*shown[name][:n], _withheld(shown[name][n]), *shown[name][n + 1 :])
    return tuple(GroupSection(name, len(found[name]), steps, name == OTHERS) for name, steps in shown.items())


def _withheld(step: StepFigures) -> StepFigures:
    return replace(step, too_few=True, mean=None, median=None, spread=None, middle=None, bands=(), dots=())


def _mean_priority(ranked: Sequence[StepFigures]) -> Fraction | None:
    """The mean of the steps' priorities, over the steps that have one."""
    priorities = [s.priority for s in ranked if s.priority is not None]
    return sum(priorities, Fraction(0)) / len(priorities) if priorities else None


def _brief(steps: Sequence[StepFigures], items: Sequence[ItemFigures], instrument: Instrument, rules: Rules) -> Brief:
    """The order of the steps, the focus by the rule, the resource by the rule, and the plan without a focus."""
    ranked = sorted((s for s in steps if s.priority is not None), key=lambda s: (-(s.priority or 0), s.chapter))
    mean = _mean_priority(ranked)
    passing = [
        s.id
        for s in ranked
        if mean
        and s.mean is not None
        and s.priority is not None
        and s.priority >= mean * exact(rules.focus_lead)
        and s.mean < exact(rules.focus_below_score)
    ]
    focus_ids = set(passing[: rules.focus_most])
    order = tuple(replace(s, rank=n, focus=s.id in focus_ids) for n, s in enumerate(ranked, start=1))
    order += tuple(s for s in steps if s.priority is None)
    focus = tuple(s for s in order if s.focus)
    scale = instrument.scales[instrument.steps[0].items[0].scale_id]
    standing = [
        s
        for s in order
        if s.mean is not None
        and not s.focus
        and stands_out_strong(s.mean, Fraction(s.strong, s.scored), scale.min, scale.max, rules)
    ]
    resource = max(standing, key=lambda s: (s.mean or 0, -s.chapter)) if standing else None
    teams = tuple(Team(s, s.first_in_order) for s in sorted(steps, key=lambda s: (-s.first_in_order, s.chapter)))
    lowest = sorted((i for i in items if i.favourable is not None), key=lambda i: (i.favourable or 0, i.code))[:3]
    return Brief(
        order=order,
        focus=focus,
        average_priority=mean,
        resource=resource,
        teams=tuple(t for t in teams if t.leaders) if not focus else (),
        # The lowest statements stand in for blind spots: only without a focus and without a blind spot.
        lowest=tuple(lowest) if not focus and not any(i.mark == "blind_spot" for i in items) else (),
    )


def group_entries(outcomes: Iterable[Outcome]) -> list[Entry]:
    """The scored leaders of a build: answers, scores and earlier scores."""
    return [(o.response, o.assessment, o.previous) for o in outcomes if o.status == "ok" and o.assessment]
