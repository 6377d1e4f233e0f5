"""What a build renders: each scored leader's report to render, to reuse from an earlier run, or to skip.

A pure function of the settled rows, the earlier manifest and the files in the folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .. import __version__
from ..config import bundled_templates
from ..models import Brand, Instrument, Outcome
from ..output.manifest import earlier_reports
from ..output.writer import report_name
from ..report.content import Content
from ..report.model import RunInfo
from ..report.view import build_view
from .pool import Task, leader_fingerprint, run_fingerprint

ASSETS = "assets"  # the folder of --format html's stylesheets, fonts and logo


@dataclass(frozen=True)
class Plan:
    """Every row's outcome so far (rendered ones reused, the rest to render), and the tasks."""

    outcomes: dict[int, Outcome]
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class PlanInputs:
    """What the plan is made from, besides the rows."""

    instrument: Instrument
    contents: Mapping[str, Content]
    run: RunInfo
    language: str  # of a leader without a language column
    fingerprint: str  # of everything all reports share
    output_format: str
    force: bool
    only: frozenset[str]  # e-mail keys; empty: everybody
    earlier: Mapping[str, str]  # report file → fingerprint, from the earlier manifest
    existing: frozenset[str]  # the files in the output folder


def plan_reports(rows: Sequence[Outcome], given: PlanInputs, folder: Path) -> Plan:
    """Each scored row rendered again, reused as unchanged (or not selected by --only), or skipped."""
    width = max(2, len(str(max(o.source_row for o in rows))))
    outcomes: dict[int, Outcome] = {}
    tasks: list[Task] = []
    for outcome in rows:
        if outcome.status != "ok":
            outcomes[outcome.source_row] = outcome
            continue
        assert outcome.assessment is not None
        response = outcome.response
        lang = response.language or given.language
        name = report_name(response.source_row, response.name, width, f".{given.output_format}")
        current = leader_fingerprint(given.fingerprint, response, lang, outcome.previous)
        earlier = given.earlier.get(name)
        selected = not given.only or response.email_key in given.only
        exists = name in given.existing
        if exists and ((not given.force and earlier == current) or (not selected and earlier is not None)):
            outcomes[outcome.source_row] = replace(
                outcome, status="rendered", pdf=name, fingerprint=earlier, reused=True, language=lang
            )
        elif not selected:
            outcomes[outcome.source_row] = replace(outcome, status="skipped", reason="not selected by --only")
        else:
            outcomes[outcome.source_row] = replace(outcome, pdf=name, fingerprint=current, language=lang)
            view = build_view(
                response, outcome.assessment, given.instrument, given.contents[lang], lang, given.run, outcome.previous
            )
            tasks.append(
                Task(
                    response.source_row,
                    view,
                    folder / name,
                    given.output_format,
                    asset_base=f"{ASSETS}/",
                    stylesheet=f"{ASSETS}/report-{lang}.css",
                )
            )
    return Plan(outcomes, tuple(tasks))


def report_history(
    output: Path, outcomes: tuple[Outcome, ...], inputs: PlanInputs, brand: Brand, paper: str
) -> dict[str, dict[str, str]]:
    """Each report file's sha256 → what it was built from, the folder's earlier ones kept, for send's reasons."""
    history = earlier_reports(output)
    run = inputs.run
    shared = {
        "instrument": run_fingerprint([inputs.instrument.source], {})[:16],
        "brand": run_fingerprint([brand.root], {})[:16],
        "templates": run_fingerprint([bundled_templates()], {})[:16],
        "date": run.report_date.isoformat(),
        "workshop": run.workshop,
        "paper": paper,
        "version": __version__,
    }
    for outcome in outcomes:
        path = output / (outcome.pdf or "")
        if outcome.status != "rendered" or not path.is_file():
            continue
        parts = {
            "answers": leader_fingerprint("", outcome.response, "")[:16],
            "language": outcome.language or "",
            "previous": " ".join(str(step.score) for step in outcome.previous.steps) if outcome.previous else "",
            **shared,
        }
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if outcome.reused:
            history.setdefault(digest, parts)  # built by an earlier run: its own entry is the truer one
        else:
            history[digest] = parts
    return history
