"""Every line the terminal shows: the check listing, the progress bar, the summaries of build and send."""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .delivery.log import DELIVERY
from .models import Outcome
from .survey.cells import column_letter, rows_text

# Control characters (ESC, CSI, carriage return …) that a terminal would act on rather than print.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

if TYPE_CHECKING:
    from .delivery.letters import Letter
    from .delivery.send import Summary
    from .models import Brand, BuildResult, Survey
    from .pipeline.doctor import Check
    from .pipeline.send import SendResult


def error(message: str) -> None:
    """An error paragraph, on standard error; "Error:" in red on a terminal; control characters shown, not acted on."""
    head = click.style("Error:", fg="red", bold=True) if colour(err=True) else "Error:"
    click.echo(f"{head} {visible(message)}", err=True, color=colour(err=True))


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
        problems += [f"  {line}" for line in _two_addresses(outcome)]
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


# How much the terminal shows: -q only the summary and problems, -v also each report and setting.
QUIET, NORMAL, VERBOSE = 0, 1, 2
level = NORMAL


def set_level(quiet: bool, verbose: bool) -> None:
    """-q/--quiet and -v/--verbose, given to any command."""
    global level
    if quiet and verbose:
        raise click.UsageError("Give -q/--quiet or -v/--verbose, not both.")
    level = QUIET if quiet else VERBOSE if verbose else NORMAL


def colour(err: bool) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = sys.stderr if err else sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def _problem(text: str, colour_name: str, err: bool = True) -> None:
    """A warning (yellow) or error line, on standard error unless told; coloured only on a terminal."""
    click.echo(click.style(text, fg=colour_name) if colour(err) else text, err=err, color=colour(err))


def _fit(text: str) -> str:
    """The text cut to the terminal's width, so that a redrawn line never wraps."""
    width = shutil.get_terminal_size().columns - 1
    return text if len(text) <= width else text[: width - 1] + "…"


class Progress:
    """What a build is doing, from the start: reading, preparing, a bar while rendering, the cohort report.

    On a terminal the bar fits its width and redraws itself; elsewhere a line every few seconds.
    """

    def __init__(
        self, survey: Path | None = None, terminal: bool = False, every: float = 5.0, enabled: bool | None = None
    ) -> None:
        """Lines about SURVEY's build; a bar on a terminal, else a line every `every` seconds; none with -q."""
        self.survey = survey or Path("the survey")
        self.enabled = level >= NORMAL if enabled is None else enabled
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
        click.echo(_fit(text) if self.terminal else text)

    def update(self, done: int, total: int, outcome: Outcome) -> None:
        """Show that `done` of `total` reports are finished; `outcome` is the latest row's."""
        if not self.enabled or total == 0 or outcome.status not in ("rendered", "failed"):
            return
        if level >= VERBOSE:
            self._line(f"  {outcome.status:<9} row {outcome.source_row}: {outcome.pdf or outcome.reason}")
        now = time.monotonic()
        rate = done / max(now - self.started, 1e-9)
        left = (total - done) / rate if rate else 0.0
        text = f"{done}/{total} reports  {rate:.1f}/s  {int(left) // 60}:{int(left) % 60:02d} left"
        if self.terminal:
            width = max(10, shutil.get_terminal_size().columns - len(text) - 5)  # "\r[", "] " and the last column
            filled = width * done // total
            click.echo(_fit(f"\r[{'#' * filled}{'.' * (width - filled)}] {text}"), nl=False)
            self.drawn = True
        elif now - self.last_line >= self.every or done == total:
            click.echo(f"  {text}")
            self.last_line = now

    def close(self) -> None:
        """End the bar's line."""
        if self.drawn:
            click.echo()
            self.drawn = False


def _two_addresses(outcome: Outcome) -> list[str]:
    """The row whose signed-in account address differs from the typed one, and which one send uses."""
    response = outcome.response
    if not response.typed_email:
        return []
    return [
        f"row {response.source_row}: the signed-in account's address {response.email} differs from the typed "
        f"{response.typed_email}; the account's is used, and send will write to {response.email}"
    ]


def build_summary(result: BuildResult) -> None:
    """Each problem row, the kept reports, the counts and where everything is."""
    counts = result.counts
    for note in result.survey.columns.notes:
        click.echo(f"  note: {note}", err=True)
    for outcome in result.outcomes:
        for warning in outcome.warnings:
            _problem(f"  warning: {warning}", "yellow")
        if outcome.status == "invalid" or (outcome.status == "failed" and not _interrupted(outcome)):
            _problem(f"  {outcome.status}: row {outcome.source_row}: {outcome.reason}", "red")
        for line in _two_addresses(outcome):
            _problem(f"  warning: {line}", "yellow")
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
        _problem(text, "yellow", err=False)
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
    rows += [(f"colours.{name}", f"{brand.colours[name]}  contrast {ratio:.1f}:1 on white") for name, ratio in
             contrasts.items()]  # fmt: skip
    rows += [("logo", brand.logo.name if brand.logo else "(none)")]
    rows += [("fonts", ", ".join(sorted({path.name for path in brand.fonts.values()})))]
    lines = [f"Brand {brand.root}: ok"] + [f"  {label:<16} {value}" for label, value in rows]
    return lines


# What a report is built from, as change_reason() names it.
PARTS = {
    "answers": "the leader's answers", "language": "the report language", "previous": "the earlier scores",
    "instrument": "the questionnaire", "brand": "the brand", "templates": "the templates", "date": "the date",
    "workshop": "the workshop name", "paper": "the paper size", "version": "reportgen's version",
}  # fmt: skip


def change_reason(parts: tuple[str, ...] | None) -> str:
    """Why a PDF changed since it was sent, in words, from output.manifest.changes_since()."""
    if parts is None:
        return "it was rendered again; what changed is not known (it was sent before reportgen kept track)"
    if not parts:
        return "it was rendered again (--force) from the same answers, brand, templates and date"
    named = [PARTS.get(part, part) for part in parts]
    return ("changed: " + ", ".join(named[:-1]) + " and " + named[-1]) if len(named) > 1 else f"changed: {named[0]}"


def send_lines(
    result: SendResult, folder: Path, mode: str, eml_dir: Path | None = None, to_me: str | None = None
) -> list[str]:
    """What `send` did or would do (mode: "dry", "eml", "mailbox", "send"), one line per leader, then the counts."""
    summary, mail, wrote_log, sample, changes = (
        result.summary,
        result.mail,
        result.wrote_log,
        result.sample,
        result.changes,
    )
    lines = []
    if level >= NORMAL:
        for letter in summary.planned:
            subject = mail.text(letter)[0]
            size = f"{letter.size / 1024:.0f} KB"
            lines.append(f"  would send to {to_me or letter.email:<32} {letter.pdf} ({size}): {subject}")
        lines += [f"  drafted  {letter.email:<32} {letter.pdf}" for letter in summary.drafts]
        lines += [f"  skipped  {letter.email:<32} {letter.reason}" for letter in summary.skipped]
    why = {row: f" ({change_reason(parts)})" for row, parts in (changes or {}).items()}
    lines += [
        f"  changed  {letter.email:<32} {letter.reason}{why.get(letter.source_row, '')} (--resend {letter.email})"
        for letter in summary.changed
    ]
    lines += [f"  marked   {letter.email:<32} {letter.reason}" for letter in summary.marked]
    lines += [f"  held     {letter.email:<32} {letter.reason}" for letter in summary.drafted]
    lines += [f"  failed   {letter.email:<32} {letter.reason}" for letter in summary.failed]
    lines += [
        f"  unknown  {letter.email:<32} {letter.reason}: check your Sent folder, then "
        f"--resend {letter.email} (it is not there) or --mark-sent {letter.email} (it is)"
        for letter in summary.unknown
    ]
    lines += [f"  not sent {letter.email:<32} left for the next run" for letter in summary.not_sent]
    if sample is not None and sample.headers and level >= NORMAL:
        lines += ["", f"The first message, as it would go out ({len(summary.planned)} in all):"]
        lines += [f"  {key}: {value}" for key, value in sample.headers]
        lines += [f"  Attachment: {sample.attachment}", ""]
        lines += [f"  {line}".rstrip() for line in sample.body.rstrip().splitlines()]
        lines.append("")
    if summary.stopped:
        lines.append(f"Stopped: {summary.stopped}.")
    if summary.interrupted:
        lines.append("Interrupted: delivery.csv holds every message sent so far; run send again to finish.")
    counts = _send_counts(summary, mode, eml_dir, to_me)
    if wrote_log:
        counts += f"; log: {folder / DELIVERY}"
    lines.append(counts + ".")
    if mode == "dry":
        needs = ["--send"] + [_NEEDS.get(option, option) for option in (sample.missing if sample else ())]
        lines.append(f"For a real send, give {', '.join(needs[:-1]) + ' and ' if len(needs) > 1 else ''}{needs[-1]}.")
    return lines


def _send_counts(summary: Summary, mode: str, eml_dir: Path | None, to_me: str | None) -> str:
    """The closing count of a send run, by what it did."""
    rest = f"{len(summary.skipped)} already sent, {len(summary.changed)} changed, {len(summary.failed)} failed"
    if mode == "eml":
        counts = f"{len(summary.drafts)} drafts written to {eml_dir}, {rest}"
    elif mode == "mailbox":
        counts = f"{len(summary.drafts)} drafts in your mailbox's Drafts folder, nothing sent, {rest}"
    elif mode == "dry":
        counts = f"Dry run: {len(summary.planned)} to send, nothing sent, {rest}"
    elif to_me:
        tests = f"{len(summary.sent)} test message" + ("" if len(summary.sent) == 1 else "s")
        counts = f"{tests} sent to {to_me}, none to the leaders"
    elif not (
        summary.sent or summary.not_sent or summary.failed or summary.changed or summary.unknown or summary.drafted
    ):
        counts = f"0 to send: all {len(summary.skipped)} already sent"
    else:
        counts = f"{len(summary.sent)} sent, {rest}"
    if summary.unknown:
        counts += f", {len(summary.unknown)} unknown"
    if summary.marked:
        counts += f", {len(summary.marked)} marked as sent"
    if summary.drafted:
        counts += f", {len(summary.drafted)} drafted earlier and held back"
    if summary.not_sent:
        counts += f", {len(summary.not_sent)} not sent"
    return counts


_NEEDS = {
    "--from": "--from 'NAME <ADDRESS>' (or from in reportgen.toml's [send] table)",
    "--smtp-host": "--smtp-host (and --smtp-user) for your mail server",
}


def sent_line(letter: Letter) -> None:
    """One line as each message is accepted."""
    click.echo(f"  sent     {letter.email:<32} {letter.pdf}")


def signed_in(provider: str, where: str) -> None:
    """After `reportgen login`: where the sign-in is kept, and how to send with it."""
    way = "--via graph" if "graph" in where else "--smtp-auth oauth2"
    click.echo(f"Signed in with {provider.capitalize()}; the sign-in is kept in {where}.")
    click.echo(f"Send with it: reportgen send FOLDER {way} --send")


def doctor_lines(checks: list[Check]) -> list[str]:
    """`reportgen doctor`: one line per check, what to do under each problem, then the verdict."""
    lines = []
    for check in checks:
        if check.ok and level < NORMAL:  # --quiet: the problems only
            continue
        lines.append(f"  {'ok' if check.ok else 'PROBLEM':<8} {check.name:<16} {check.found}")
        if check.fix:
            lines.append(f"  {'':<8} {'':<16} → {check.fix}")
    problems = sum(not check.ok for check in checks)
    lines.append("Ready." if not problems else f"{problems} problem{'s' if problems > 1 else ''}: see → above.")
    return lines


def test_line(letter: Letter) -> None:
    """One line as a --to-me test message is accepted: whose report went to the facilitator."""
    click.echo(f"  test → you ({letter.name}'s report)")
