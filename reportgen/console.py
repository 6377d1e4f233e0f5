"""Every line the terminal shows: the check listing, the progress bar, the summaries of build and send."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .delivery.log import DELIVERY
from .models import Outcome
from .survey.headers import column_letter, rows_text

# Control characters (ESC, CSI, carriage return …) that a terminal would act on rather than print.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

if TYPE_CHECKING:
    from .delivery.letters import Letter, MailText
    from .delivery.send import Summary
    from .models import BuildResult, Survey


def error(message: str) -> None:
    """An error paragraph, on standard error."""
    click.echo(f"Error: {visible(message)}", err=True)


def internal_error(log: Path) -> None:
    """What to do about an exception reportgen did not expect."""
    click.echo(
        "Internal error: reportgen stopped on something it did not expect. Nothing is wrong "
        f"with your file as far as reportgen knows. The details are in {log}; please send that "
        "file to the reportgen maintainers, or run again with --debug to see them.",
        err=True,
    )


def check_lines(survey: Survey) -> list[str]:
    """`reportgen check`'s report, aligned for a terminal."""
    columns, instrument = survey.columns, survey.instrument
    rows = [o.source_row for o in survey.outcomes]
    lines = [
        f'{survey.path.name}, sheet "{columns.sheet}": header {rows_text(columns.header_rows)}, '
        f"data rows {min(rows)}–{max(rows)}",
        *([f"read as {survey.reading}"] if survey.reading else []),
        "",
        "Columns used",
    ]
    mapped = [(field, column) for field, column in columns.identity.items()]
    mapped += [(code, column) for code, column in {**columns.items, **columns.free_text}.items()]
    for name, column in sorted(mapped, key=lambda pair: pair[1]):
        lines.append(f"  {name:<13} {column_letter(column):<3} {_short(columns.headers[column])}")
    for marker in columns.markers:
        what = "not finished" if marker.rule.kind == "unfinished" else "order"
        column = marker.column
        lines.append(f"  {what:<13} {column_letter(column):<3} {_short(columns.headers[column])} ({marker.rule.tool})")
    found = {**columns.items, **columns.free_text}
    questions = [i.code for i in instrument.items if i.code not in found]
    free_text = [i.code for i in instrument.free_text if i.code not in found]
    optional = [
        f.id
        for f in instrument.identity.values()
        if f.mention_if_missing and f.id not in columns.identity and not set(f.parts) & set(columns.identity)
    ]
    absent = [i.code for i in instrument.absent]
    if absent:
        lines.append(f"  not asked (the mapping file says so; scored without them): {', '.join(absent)}")
    if questions:
        lines.append(f"  questions not found (see Problems): {', '.join(questions)}")
    if free_text:
        lines.append(f"  free-text questions not found (optional): {', '.join(free_text)}")
    if optional:
        lines.append(f"  optional columns not found: {', '.join(optional)}")
    ignored = [c for c in columns.ignored if c not in {m.column for m in columns.markers}]
    if ignored:
        lines += ["", "Columns ignored"]
        lines += [f"  {column_letter(c):<3} {_short(columns.headers[c])}" for c in ignored]
    problems: list[str] = [f"  {survey.gaps}"] if survey.gaps else []
    problems += [f"  {note}" for note in columns.notes]
    for outcome in survey.outcomes:
        if outcome.status == "invalid":
            problems.append(f"  row {outcome.source_row}: invalid: {outcome.reason}")
        elif outcome.status == "duplicate":
            problems.append(
                f"  row {outcome.source_row}: duplicate: {outcome.reason}; row {outcome.superseded_by} is used"
            )
        problems += [f"  {warning}" for warning in outcome.warnings]
    lines += ["", "Problems", *(problems or ["  none"]), ""]
    counts = Counter(o.status for o in survey.outcomes)
    parts = [f"{counts[s]} {s}" for s in ("ok", "duplicate", "invalid") if counts[s] or s == "ok"]
    lines.append(f"{len(survey.outcomes)} rows: {', '.join(parts)}")
    # Names, headers, sheet and file names come from the export: shown, never obeyed.
    return [visible(line) for line in lines]


def visible(text: str) -> str:
    """The text with each control character shown as an escape (ESC as a backslash, x, 1b) instead of acted on."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Progress:
    """A progress bar with count, rate and time left on a terminal; a line every few seconds elsewhere."""

    def __init__(self, enabled: bool, terminal: bool, every: float = 5.0) -> None:
        """A bar on a terminal, else a line every `every` seconds; nothing unless enabled."""
        self.enabled = enabled
        self.terminal = terminal
        self.every = every
        self.started = time.monotonic()
        self.last_line = self.started
        self.drawn = False

    def update(self, done: int, total: int, outcome: Outcome) -> None:
        """Show that `done` of `total` reports are finished; `outcome` is the latest row's."""
        if not self.enabled or total == 0 or outcome.status not in ("rendered", "failed"):
            return
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-9)
        left = (total - done) / rate if rate else 0.0
        text = f"{done}/{total} reports  {rate:.1f}/s  {int(left) // 60}:{int(left) % 60:02d} left"
        if self.terminal:
            width = 30
            filled = width * done // total
            click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}   ", nl=False)
            self.drawn = True
        elif now - self.last_line >= self.every or done == total:
            click.echo(f"  {text}")
            self.last_line = now

    def close(self) -> None:
        """End the bar's line."""
        if self.drawn:
            click.echo()


def build_summary(result: BuildResult) -> None:
    """Each problem row, the kept reports, the counts and where everything is."""
    counts = result.counts
    for note in result.survey.columns.notes:
        click.echo(f"  note: {note}", err=True)
    for outcome in result.outcomes:
        for warning in outcome.warnings:
            click.echo(f"  warning: {warning}", err=True)
        if outcome.status in ("invalid", "failed"):
            click.echo(f"  {outcome.status}: row {outcome.source_row}: {outcome.reason}", err=True)
    for name in result.orphans:
        click.echo(f"  kept: {name} (its leader is no longer in the input; delete it by hand if it is not needed)")
    rendered = f"{counts['rendered']} rendered"
    if result.reused:
        rendered += f" ({result.reused} unchanged since the last run, not rendered again)"
    parts = [rendered] + [
        f"{counts[status]} {status}" for status in ("duplicate", "invalid", "failed", "skipped") if counts[status]
    ]
    if result.interrupted:
        click.echo("Interrupted: the reports finished so far are complete; run the same command to finish the rest.")
    click.echo(
        f"{sum(counts.values())} rows: {', '.join(parts)}. Reports in {result.manifest.parent}/, "
        f"every row listed in {result.manifest}, scores in {result.scores}."
    )
    click.echo(f"Cohort report: {result.cohort}." if result.cohort else f"No cohort report: {result.cohort_note}.")


def send_lines(summary: Summary, folder: Path, mail: MailText, eml_dir: Path | None, to_me: str | None) -> list[str]:
    """What `send` did or would do, one line per leader, then the counts."""
    lines = []
    for letter in summary.planned:
        subject = mail.text(letter)[0]
        size = f"{letter.size / 1024:.0f} KB"
        lines.append(f"  would send to {to_me or letter.email:<32} {letter.pdf} ({size}): {subject}")
    lines += [f"  drafted  {letter.email:<32} {letter.pdf}" for letter in summary.drafts]
    lines += [f"  skipped  {letter.email:<32} {letter.reason}" for letter in summary.skipped]
    lines += [f"  changed  {letter.email:<32} {letter.reason} (--resend {letter.email})" for letter in summary.changed]
    lines += [f"  marked   {letter.email:<32} {letter.reason}" for letter in summary.marked]
    lines += [f"  failed   {letter.email:<32} {letter.reason}" for letter in summary.failed]
    lines += [
        f"  unknown  {letter.email:<32} {letter.reason}: check your Sent folder, then "
        f"--resend {letter.email} (it is not there) or --mark-sent {letter.email} (it is)"
        for letter in summary.unknown
    ]
    lines += [f"  not sent {letter.email:<32} left for the next run" for letter in summary.not_sent]
    if summary.stopped:
        lines.append(f"Stopped: {summary.stopped}.")
    if summary.interrupted:
        lines.append("Interrupted: delivery.csv holds every message sent so far; run send again to finish.")
    if eml_dir is not None:
        counts = f"{len(summary.drafts)} drafts written to {eml_dir}"
    elif summary.dry:
        counts = f"Dry run: {len(summary.planned)} to send, nothing sent (add --send to send)"
    else:
        counts = f"{len(summary.sent)} sent" + (" (to --to-me only)" if to_me else "")
    counts += f", {len(summary.skipped)} already sent, {len(summary.changed)} changed, {len(summary.failed)} failed"
    if summary.unknown:
        counts += f", {len(summary.unknown)} unknown"
    if summary.marked:
        counts += f", {len(summary.marked)} marked as sent"
    if summary.not_sent:
        counts += f", {len(summary.not_sent)} not sent"
    return [*lines, counts + f"; log: {folder / DELIVERY}"]


def sent_line(letter: Letter) -> None:
    """One line as each message is accepted."""
    click.echo(f"  sent     {letter.email:<32} {letter.pdf}")
