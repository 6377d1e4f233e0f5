"""The command line: options → settings, the pipeline, progress and a summary. Click only."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, deliver, pipeline, writer
from .errors import ReportgenError
from .mapper import column_letter
from .models import Outcome

F = TypeVar("F", bound=Callable[..., Any])
EXIT_OK, EXIT_PROBLEMS, EXIT_NOTHING_DONE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _guarded(command: F) -> F:
    """Turn a ReportgenError into its paragraph and exit 2; never show a traceback unasked."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except ReportgenError as error:
            click.echo(f"Error: {error.message}", err=True)
            sys.exit(EXIT_NOTHING_DONE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The output went to a reader that stopped early (`reportgen check x | head`): not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception:
            if debug:
                raise
            log = Path(tempfile.gettempdir()) / "reportgen-error.log"
            log.write_text(traceback.format_exc(), encoding="utf-8")
            click.echo(
                "Internal error: reportgen stopped on something it did not expect. Nothing is wrong "
                f"with your file as far as reportgen knows. The details are in {log}; please send that "
                "file to the reportgen maintainers, or run again with --debug to see them.",
                err=True,
            )
            sys.exit(EXIT_NOTHING_DONE)

    return run  # type: ignore[return-value]


SURVEY = click.argument("survey", type=click.Path(path_type=Path, dir_okay=True))
INSTRUMENT = click.option(
    "--instrument",
    type=click.Path(path_type=Path),
    default=None,
    help="Questionnaire file (TOML) to use instead of the bundled Leader's GPS instrument.",
)
ENCODING = click.option(
    "--encoding", default=None, help="Text encoding of a CSV export, e.g. utf-8 or cp1252 (default: detected)."
)
DELIMITER = click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=None,
    help="Separator of a CSV export (default: detected).",
)
SHEET = click.option(
    "--sheet", default=None, help="Name of the sheet with the responses (default: found by its headers)."
)
PREVIOUS = click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="An earlier export of the same survey: leaders are matched by e-mail and shown their progress.",
)
MAPPING = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Mapping file (TOML) that says which column holds what; write one with check --write-mapping.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
def main(debug: bool) -> None:
    """Score a leadership survey export and write one personal PDF report per leader."""
    logging.captureWarnings(False)


def survey_input(command: F) -> F:
    """The options that say how to read SURVEY, shared by check, score and build, handed on as Settings."""

    @wraps(command)
    def with_settings(
        survey: Path,
        instrument: Path | None,
        sheet: str | None,
        encoding: str | None,
        delimiter: str | None,
        mapping: Path | None,
        **options: Any,
    ) -> Any:
        source = pipeline.Settings(
            survey=survey,
            instrument=instrument,
            sheet=sheet,
            encoding=encoding,
            delimiter="\t" if delimiter == "tab" else delimiter,
            mapping=mapping,
        )
        return command(source, **options)

    decorated: Callable[..., Any] = with_settings
    for option in (MAPPING, DELIMITER, ENCODING, SHEET, INSTRUMENT, SURVEY):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]


@main.command()
@survey_input
@click.option(
    "--write-mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the columns as detected to this mapping file, to edit and give back with --mapping.",
)
@_guarded
def check(source: pipeline.Settings, write_mapping: Path | None) -> None:
    """Show what reportgen understood of SURVEY: columns, ignored columns, every problem by row."""
    if write_mapping is not None:
        columns = pipeline.write_mapping(source, write_mapping)
        click.echo(
            f"Mapping written to {write_mapping}: {columns.matched} columns mapped, {len(columns.ignored)} not "
            f"matched. Edit it, then run: reportgen check {source.survey} --mapping {write_mapping}",
            err=True,
        )
    result = pipeline.read_survey(source)
    for line in check_lines(result):
        click.echo(line)
    problems = any(o.status == "invalid" or o.warnings for o in result.outcomes)
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


def check_lines(survey: pipeline.Survey) -> list[str]:
    """`reportgen check`'s report, aligned for a terminal."""
    columns, instrument = survey.columns, survey.instrument
    rows = [o.source_row for o in survey.outcomes]
    lines = [
        f'{survey.path.name}, sheet "{columns.sheet}": header {pipeline.rows_text(columns.header_rows)}, '
        f"data rows {min(rows)}–{max(rows)}",
        "",
        "Columns used",
    ]
    mapped = [(field, column) for field, column in columns.identity.items()]
    mapped += [(code, column) for code, column in {**columns.items, **columns.free_text}.items()]
    for name, column in sorted(mapped, key=lambda pair: pair[1]):
        lines.append(f"  {name:<13} {column_letter(column):<3} {_short(columns.headers[column])}")
    found = {**columns.items, **columns.free_text}
    questions = [i.code for i in (*instrument.items, *instrument.free_text) if i.code not in found]
    optional = [
        f.id
        for f in instrument.identity.values()
        if f.mention_if_missing and f.id not in columns.identity and not set(f.parts) & set(columns.identity)
    ]
    if questions:
        lines.append(f"  questions not found (counted as not answered): {', '.join(questions)}")
    if optional:
        lines.append(f"  optional columns not found: {', '.join(optional)}")
    if columns.ignored:
        lines += ["", "Columns ignored"]
        lines += [f"  {column_letter(c):<3} {_short(columns.headers[c])}" for c in columns.ignored]
    problems: list[str] = []
    for outcome in survey.outcomes:
        if outcome.status == "invalid":
            problems.append(f"  row {outcome.source_row}: invalid: {outcome.reason}")
        elif outcome.status == "duplicate":
            problems.append(
                f"  row {outcome.source_row}: duplicate: row {outcome.superseded_by} has the same e-mail "
                "and is the later submission; it is used"
            )
        problems += [f"  {warning}" for warning in outcome.warnings]
    lines += ["", "Problems", *(problems or ["  none"]), ""]
    counts = Counter(o.status for o in survey.outcomes)
    parts = [f"{counts[s]} {s}" for s in ("ok", "duplicate", "invalid") if counts[s] or s == "ok"]
    lines.append(f"{len(survey.outcomes)} rows: {', '.join(parts)}")
    return lines


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command()
@survey_input
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="Output format of the records.",
)
@PREVIOUS
@_guarded
def score(source: pipeline.Settings, output_format: str, previous: Path | None) -> None:
    """Print every row's scores, bands and reading order, without rendering anything."""
    result = pipeline.read_survey(replace(source, previous=previous))
    step_ids = [step.id for step in result.instrument.steps]
    records = writer.score_records(result.outcomes, step_ids, with_previous=previous is not None)
    if output_format == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        click.echo(writer.records_csv(records, step_ids), nl=False)


@main.command()
@survey_input
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Folder for the reports and manifest.csv.",
)
@click.option(
    "--lang",
    default=None,
    help="Report language, da or en (default: the brand's, else da). A Sprog/Language column overrides it per leader.",
)
@click.option(
    "--brand",
    "brand_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Brand folder (made by `reportgen brand init`): logo, colours, fonts, templates.",
)
@click.option("--workshop", default=None, help="Workshop name shown on the cover (default: the brand's).")
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date shown on the cover, as YYYY-MM-DD (default: the brand's, else today).",
)
@click.option(
    "--paper", type=click.Choice(["A4", "letter"]), default=None, help="Paper size (default: the brand's, A4)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["pdf", "html"]),
    default="pdf",
    show_default=True,
    help="pdf, or html: each report as HTML with its assets, to work on a brand in a browser.",
)
@click.option(
    "--cohort-min",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Fewest scored leaders before the group's average is drawn on each radar chart.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes that render in parallel (default: one per usable core).",
)
@click.option("--force", is_flag=True, help="Render every report, also those unchanged since the last run.")
@click.option(
    "--only",
    multiple=True,
    metavar="EMAIL",
    help="Render just the leader with this e-mail (repeatable); the other reports are left as they are.",
)
@PREVIOUS
@click.option(
    "--group-by",
    metavar="COLUMN",
    default=None,
    help="Add a section per group of this column (e.g. Organisation) to the cohort report.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary and errors.")
@_guarded
def build(
    source: pipeline.Settings,
    output_dir: Path,
    lang: str | None,
    brand_dir: Path | None,
    workshop: str | None,
    report_date: datetime | None,
    paper: str | None,
    output_format: str,
    cohort_min: int,
    jobs: int | None,
    force: bool,
    only: tuple[str, ...],
    previous: Path | None,
    group_by: str | None,
    quiet: bool,
) -> None:
    """Score SURVEY and write one PDF report per leader, plus manifest.csv."""
    settings = replace(
        source,
        output_dir=output_dir,
        language=lang,
        report_date=report_date.date() if report_date else None,
        workshop=workshop,
        brand=brand_dir,
        paper=paper,
        cohort_min=cohort_min,
        output_format=output_format,
        jobs=jobs,
        force=force,
        only=only,
        previous=previous,
        group_by=group_by,
    )
    progress = Progress(enabled=not quiet, terminal=sys.stdout.isatty())
    result = pipeline.build(settings, progress.update)
    progress.close()
    _summary(result)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    problems = result.counts["invalid"] + result.counts["failed"]
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


class Progress:
    """A progress bar with count, rate and time left on a terminal; a line every few seconds elsewhere."""

    def __init__(self, enabled: bool, terminal: bool, every: float = 5.0) -> None:
        self.enabled = enabled
        self.terminal = terminal
        self.every = every
        self.started = time.monotonic()
        self.last_line = self.started
        self.drawn = False

    def update(self, done: int, total: int, outcome: Outcome) -> None:
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
        if self.drawn:
            click.echo()


@main.group()
def brand() -> None:
    """Make and check brand folders (logo, colours, fonts, templates)."""


@brand.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@_guarded
def brand_init(folder: Path) -> None:
    """Copy the bundled brand into FOLDER as a starting point."""
    made = pipeline.make_brand(folder)
    click.echo(
        f"Made {made}/: edit brand.toml (it explains every key), replace logo.svg, and put templates that "
        f"override the bundled ones in {made}/templates/. Use it with: reportgen build SURVEY --brand {made}"
    )


def _summary(result: pipeline.BuildResult) -> None:
    counts = result.counts
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


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--send", "really", is_flag=True, help="Send for real; without it, only show what would be sent.")
@click.option("--to-me", metavar="ADDRESS", help="Send every message to this one address instead, as a test.")
@click.option("--resend", metavar="EMAIL", multiple=True, help="Send this leader's report again (repeatable).")
@click.option(
    "--eml",
    "eml_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one .eml draft per leader into this folder instead of sending.",
)
@click.option("--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender (default: the brand's mail.from).")
@click.option("--smtp-host", help="SMTP server, e.g. smtp.office365.com.")
@click.option("--smtp-port", type=int, help="SMTP port (default: 587 for starttls, 465 for ssl).")
@click.option("--smtp-user", help=f"SMTP login; the password comes from {deliver.PASSWORD_VARIABLE} or a prompt.")
@click.option(
    "--smtp-security",
    type=click.Choice(["starttls", "ssl", "none"]),
    help="starttls (default), ssl (implicit TLS), or none (only to a relay on this machine).",
)
@click.option(
    "--smtp-cafile",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Also trust this certificate authority (a relay's own).",
)
@click.option("--rate", type=click.IntRange(1, 600), help="Messages per minute (default 20).")
@click.option("--daily-cap", type=click.IntRange(1), help="Messages per 24 hours (default 300).")
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False), help="Brand folder.")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file with a [send] table (default: reportgen.toml in this folder, if there is one).",
)
@_guarded
def send(
    folder: Path,
    really: bool,
    to_me: str | None,
    resend: tuple[str, ...],
    eml_dir: Path | None,
    brand_dir: Path | None,
    config: Path | None,
    **given: Any,
) -> None:
    """E-mail each leader their report from FOLDER (written by build), exactly once. Dry run unless --send."""
    settings = pipeline.send_settings(folder, brand_dir, config, given)
    letters = deliver.plan(folder, resend)
    if eml_dir is not None:
        summary = deliver.write_drafts(folder, eml_dir, letters, settings.compose)
    elif not really:
        summary = deliver.dry_run(folder, letters)
    else:
        if to_me:
            click.echo(f"Test run: every message goes to {to_me}, none to the leaders.", err=True)
        mailer = deliver.Mailer(settings.options, _password)
        summary = deliver.deliver(
            folder, letters, settings.compose, mailer, settings.options, to_me,
            on_letter=lambda letter: click.echo(f"  sent     {letter.email:<32} {letter.pdf}"),
        )  # fmt: skip
    for line in send_lines(summary, folder, settings, eml_dir, to_me):
        click.echo(line)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_PROBLEMS if summary.failed or summary.not_sent or summary.changed else EXIT_OK)


def _password() -> str:
    password = os.environ.get(deliver.PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt("SMTP password", hide_input=True, err=True)
    return password


def send_lines(
    summary: deliver.Summary, folder: Path, settings: pipeline.SendSettings, eml_dir: Path | None, to_me: str | None
) -> list[str]:
    """What `send` did or would do, one line per leader, then the counts."""
    lines = []
    for letter in summary.planned:
        subject = settings.mail_text(letter)[0]
        size = f"{letter.size / 1024:.0f} KB"
        lines.append(f"  would send to {to_me or letter.email:<32} {letter.pdf} ({size}): {subject}")
    lines += [f"  drafted  {letter.email:<32} {letter.pdf}" for letter in summary.drafts]
    lines += [f"  skipped  {letter.email:<32} {letter.reason}" for letter in summary.skipped]
    lines += [f"  changed  {letter.email:<32} {letter.reason} (--resend {letter.email})" for letter in summary.changed]
    lines += [f"  failed   {letter.email:<32} {letter.reason}" for letter in summary.failed]
    lines += [f"  not sent {letter.email:<32} left for the next run" for letter in summary.not_sent]
    if summary.stopped:
        lines.append(f"Stopped: {summary.stopped}.")
    if summary.interrupted:
        lines.append("Interrupted: delivery.csv holds every message sent so far; run send again to finish.")
    if eml_dir is not None:
        counts = f"{len(summary.drafts)} drafts written to {eml_dir}"
    elif summary.planned or not (summary.sent or summary.not_sent):
        counts = f"Dry run: {len(summary.planned)} to send, nothing sent (add --send to send)"
    else:
        counts = f"{len(summary.sent)} sent" + (" (to --to-me only)" if to_me else "")
    counts += f", {len(summary.skipped)} already sent, {len(summary.changed)} changed, {len(summary.failed)} failed"
    if summary.not_sent:
        counts += f", {len(summary.not_sent)} not sent"
    return [*lines, counts + f"; log: {folder / deliver.DELIVERY}"]


if __name__ == "__main__":
    main()
