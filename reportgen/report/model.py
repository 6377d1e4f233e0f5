"""The view types: what a report shows, as plain data for the templates (built by view.py, worded by sentences.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..models import Brand
from .charts import PriorityChart, RadarChart
from .content import Content


@dataclass(frozen=True)
class Said:
    """A sentence the report says about the leader, with the condition that made it true."""

    text: str
    when: str  # the content file's condition, or what chose it: "band = strong", "lowest P3", "tie"
    step: str | None = None  # the step it is about


@dataclass(frozen=True)
class ItemView:
    """One question and the leader's answer to it."""

    code: str
    text: str
    answer: int | None
    answer_label: str | None
    share: float | None  # what the answer adds to the score, 0–1 (reverse-keyed turned); None: not answered
    reverse: bool
    lowest: bool = False  # among the step's lowest answers, marked in the table when three or more tie


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
    meaning: str = ""  # the band's text on the step as a whole; "" for a leader who gave one answer to all
    notes: tuple[Said, ...] = ()  # sentences about single statements whose conditions hold
    actions: tuple[Said, ...] = ()  # next steps chosen by the answers, the lowest statement's first
    group: float | None = None  # the group's mean score on the step, when the view is given one
    group_text: str = ""
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
    steps_word: str  # how many steps the instrument has, as running text writes it ("fire")
    strongest_line: str  # "" when no step or only one could be scored
    weakest_line: str
    free_text: Mapping[str, str]
    chart: RadarChart
    priority: PriorityChart
    how_to_read: tuple[str, ...]  # the scale, the bands, the counts, the reverse-keyed statement
    plan: ActionPlan
    three: tuple[Said, ...] = ()  # "your three things", the box after the cover
    tied: tuple[StepView, ...] = ()  # steps level at the top of the reading order (two or more), else ()
    since: bool = False  # the leader answered the --previous export too: show the progress


@dataclass(frozen=True)
class ActionPlan:
    """The closing page: the first chapter, the workshop and where to read on."""

    first: StepView | None
    actions: tuple[str, ...]  # the first step's next steps (chosen by its answers), to choose one from
    workshop: str
    workshop_date: str
    facilitator: str
    ebook: str  # where to find the first chapter: a link or a page, from the brand
    tie: str = ""  # the sentence that names the steps level at the top, when there is a tie


@dataclass(frozen=True)
class RunInfo:
    """What every report of one build shares: brand, date, workshop, the group's averages."""

    brand: Brand
    report_date: date
    workshop: str
    cohort: Mapping[str, float]  # step id → the group's mean score; empty when the group is too small
    audience: str = ""  # step 4's audience for every leader without their own column: "" (kunder) or "borgere"
