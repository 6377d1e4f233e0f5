"""build's progress and summary, the demo's closing lines, brand check's listing."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..models import Outcome
from .check import two_addresses
from .core import NORMAL, VERBOSE, fit, level, problem

if TYPE_CHECKING:
    from ..models import Brand, BuildResult


class Progress:
    """What a build is doing, from the start: reading, preparing, a bar while rendering, the cohort report.

    On a terminal the bar fits its width and redraws itself; elsewhere a line every few seconds.
    """

    def __init__(
        self, survey: Path | None = None, terminal: bool = False, every: float = 5.0, enabled: bool | None = None
    ) -> None:
        """Lines about SURVEY's build; a bar on a terminal, else a line every `every` seconds; none with -q."""
        self.survey = survey or Path("the survey")
        self.enabled = level() >= NORMAL if enabled is None else enabled
        self.terminal = terminal
        self.every = every
        self.started = time.monotonic()
        self.last_line = self.started
        self.drawn = False

    def stage(self, stage: str, count: int) -> None:
        """A stage of the build begins."""
        if not self.enabled:
            return
        lines = {
            "reading": f"Reading {self.survey.name} …",
            "preparing": f"Preparing the reports of {count} leaders …",
            "rendering": f"Rendering {count} reports …" if count else "No report needs rendering.",
            "cohort": f"Rendering the cohort report ({count} leaders) …",
        }
        self.close()  # the finished bar stays on screen, the stage's line below it
        self._line(lines[stage])
        if stage == "rendering":
            self.started = self.last_line = time.monotonic()

    def _line(self, text: str) -> None:
        """A line of its own, below the bar if one is drawn."""
        if self.drawn:
            click.echo("\r" + " " * (shutil.get_terminal_size().columns - 1) + "\r", nl=False)
            self.drawn = False
        click.echo(fit(text) if self.terminal else text)

    def update(self, done: int, total: int, outcome: Outcome) -> None:
        """Show that `done` of `total` reports are finished; `outcome` is the latest row's."""
        if not self.enabled or total == 0 or outcome.status not in ("rendered", "failed"):
            return
        if level() >= VERBOSE:
            self._line(f"  {outcome.status:<9} row {outcome.source_row}: {outcome.pdf or outcome.reason}")
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-9)
        left = (total - done) / rate if rate else 0.0
        text = f"{done}/{total} reports  {rate:.1f}/s  {int(left) // 60}:{int(left) % 60:02d} left"
        if self.terminal:
            width = max(10, shutil.get_terminal_size().columns - len(text) - 5)  # "\r[", "] " and the last column
            filled = width * done // total
            click.echo(fit(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}"), nl=False)
            self.drawn = True
        elif now - self.last_line >= self.every or done == total:
            click.echo(f"  {text}")
            self.last_line = now

    def close(self) -> None:
        """End the bar's line."""
        if self.drawn:
            click.echo()
            self.drawn = False


def build_summary(result: BuildResult) -> None:
    """Each problem row, the kept reports, the counts and where everything is."""
    counts = result.counts
    for note in (*result.survey.columns.notes, *result.notes):
        click.echo(f"  note: {note}", err=True)
    for outcome in result.outcomes:
        for warning in outcome.warnings:
            problem(f"  warning: {warning}", "yellow")
        if outcome.status == "invalid" or (outcome.status == "failed" and not _interrupted(outcome)):
            problem(f"  {outcome.status}: row {outcome.source_row}: {outcome.reason}", "red")
        for line in two_addresses(outcome):
            problem(f"  warning: {line}", "yellow")
    for name in result.orphans:
        click.echo(f"  kept: {name} (its leader is no longer in the input; delete it by hand if it is not needed)")
    rendered = f"{counts['rendered']} rendered"
    if result.reused:
        rendered += f" ({result.reused} unchanged since the last run, not rendered again)"
    failed = counts["failed"] - result.unrendered
    parts = [rendered] + [
        f"{counts[status]} {status}" for status in ("duplicate", "invalid", "skipped") if counts[status]
    ]
    parts += [f"{failed} failed"] if failed else []
    parts += [f"{result.unrendered} not rendered"] if result.unrendered else []
    if result.interrupted:
        text = f"interrupted: {result.unrendered} reports not rendered, run the same command to finish"
        problem(text, "yellow", err=False)
    click.echo(
        f"{sum(counts.values())} rows: {', '.join(parts)}. Reports in {result.manifest.parent}/, "
        f"every row listed in {result.manifest}, scores in {result.scores}."
    )
    if result.cohort:
        click.echo(f"Cohort report: {result.cohort}.")
    else:  # an earlier run's cohort.pdf may still be there: after Ctrl-C it is only not brought up to date
        head = "Cohort report not rendered" if result.interrupted else "No cohort report"
        click.echo(f"{head}: {result.cohort_note}.")


def _interrupted(outcome: Outcome) -> bool:
    return outcome.status == "failed" and (outcome.reason or "").startswith("interrupted")


def demo_lines(result: BuildResult, command: str = "reportgen") -> list[str]:
    """After `reportgen demo` (and `make run`): the sample's invalid row is meant, where to look, and what next.

    `command` is how reportgen is typed in this terminal (`reportgen`, or `.venv/bin/reportgen`).
    """
    lines = [
        f"  The sample's row {o.source_row} is invalid on purpose ({o.reason}), to show how reportgen "
        "reports a row it cannot use; every other row has a report."
        for o in result.outcomes
        if o.status == "invalid"
    ]
    reports = sorted(o.pdf for o in result.outcomes if o.pdf)
    if reports:
        lines.append(f"  Open {result.manifest.parent / reports[0]} to see a leader's report,")
    if result.cohort:
        lines.append(f"  {result.cohort} for the group, and {result.scores} for every score.")
    lines.append(f'  Next, with your own export: {command} check "survey.xlsx", then {command} build "survey.xlsx"')
    return lines


def brand_lines(brand: Brand, contrasts: dict[str, float]) -> list[str]:
    """`reportgen brand check`: what the brand is, each colour with its contrast on white."""
    rows = [("organisation", brand.organisation)]
    rows += [
        (f"colours.{name}", f"{brand.colours[name]}  contrast {ratio:.1f}:1 on white")
        for name, ratio in contrasts.items()
    ]
    rows += [("logo", brand.logo.name if brand.logo else "(none)")]
    rows += [("fonts", ", ".join(sorted({path.name for path in brand.fonts.values()})))]
    lines = [f"Brand {brand.root}: ok"] + [f"  {label:<16} {value}" for label, value in rows]
    return lines


# What a report is built from, as change_reason() names it.
