"""The command line: options → settings, the pipeline, exit codes. Click only; the words on screen are console's."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__, console, pipeline
from .config import PASSWORD_VARIABLE, Settings, bundled_sample
from .errors import ReportgenError
from .models import BuildResult
from .output.writer import disk_full_error, is_disk_full

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
            console.error(error.message)
            sys.exit(EXIT_NOTHING_DONE)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The output went to a reader that stopped early (`reportgen check x | head`): not an error.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception as error:
            if debug:
                raise
            if is_disk_full(error):  # wherever it struck, the same paragraph as in build
                where = getattr(error, "filename", None)
                console.error(disk_full_error(Path(where) if isinstance(where, str) else None).message)
                sys.exit(EXIT_NOTHING_DONE)
            console.internal_error(_error_log(traceback.format_exc()))
            sys.exit(EXIT_NOTHING_DONE)

    return run  # type: ignore[return-value]


def _error_log(text: str) -> Path:
    """Write the traceback to a new file of its own and return its path.

    A new name each time, created exclusively (mkstemp: O_EXCL, mode 600), in the user's cache
    folder: a fixed name in /tmp could be a link planted by another user to a file of yours.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportgen"
    try:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix="reportgen-error-", suffix=".log", dir=cache)
    except OSError:
        handle, name = tempfile.mkstemp(prefix="reportgen-error-", suffix=".log")
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(text)
    return Path(name)


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
DATE_ORDER = click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    default=None,
    help="Order of day and month in text timestamps such as 05/02/2026, when the file does not show it.",
)
CSV_DIALECT = click.option(
    "--csv-dialect",
    type=click.Choice(["excel", "excel-da"]),
    default=None,
    help="CSV for Excel: excel (UTF-8, comma) or excel-da (UTF-8 with BOM, semicolon, as Danish Excel reads it).",
)


def verbosity(command: F) -> F:
    """-q/--quiet and -v/--verbose, on every command."""

    @wraps(command)
    def with_level(*args: Any, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        console.set_level(quiet, verbose)
        return command(*args, **kwargs)

    quiet = click.option("-q", "--quiet", is_flag=True, help="Print only the summary and problems.")
    verbose = click.option(
        "-v", "--verbose", is_flag=True, help="Print more: in build, each report as it is written and the cover date."
    )
    decorated = verbose(quiet(with_level))
    return decorated  # type: ignore[return-value]


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
        date_order: str | None,
        **options: Any,
    ) -> Any:
        source = Settings(
            survey=survey,
            instrument=instrument,
            sheet=sheet,
            encoding=encoding,
            delimiter="\t" if delimiter == "tab" else delimiter,
            mapping=mapping,
            date_order=date_order,
        )
        return command(source, **options)

    decorated: Callable[..., Any] = with_settings
    for option in (DATE_ORDER, MAPPING, DELIMITER, ENCODING, SHEET, INSTRUMENT, SURVEY):
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
@verbosity
@_guarded
def check(source: Settings, write_mapping: Path | None) -> None:
    """Show what reportgen understood of SURVEY: columns, ignored columns, every problem by row.

    Exit 0 when all is well, 1 when rows have problems, 2 when a scored question has no
    column (score and build would refuse the file): the listing is shown in every case.
    """
    if write_mapping is not None:
        columns = pipeline.write_mapping(source, write_mapping)
        click.echo(
            f"Mapping written to {write_mapping}: {columns.matched} columns mapped, {len(columns.ignored)} not "
            f"matched. Edit it, then run: reportgen check {source.survey} --mapping {write_mapping}",
            err=True,
        )
    result = pipeline.read_survey(source, complete=False)
    lines = console.check_lines(result)
    if console.level == console.QUIET:  # the problems and the count
        lines = lines[lines.index("Problems") :]
    for line in lines:
        click.echo(line)
    problems = any(o.status == "invalid" or o.warnings for o in result.outcomes)
    sys.exit(EXIT_NOTHING_DONE if result.gaps else EXIT_PROBLEMS if problems else EXIT_OK)


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
@CSV_DIALECT
@verbosity
@_guarded
def score(source: Settings, output_format: str, previous: Path | None, csv_dialect: str | None) -> None:
    """Print every row's scores, bands and reading order, without rendering anything."""
    survey, records = pipeline.score_records(replace(source, previous=previous))
    if output_format == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        from .output.records import records_csv

        text = records_csv(records, [step.id for step in survey.instrument.steps], csv_dialect or "excel")
        click.echo(text.encode("utf-8"), nl=False)  # bytes: the BOM and every letter whatever the terminal's code page


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
@CSV_DIALECT
@verbosity
@_guarded
def build(
    source: Settings,
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
    csv_dialect: str | None,
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
        csv_dialect=csv_dialect,
    )
    result = _build(settings)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    problems = result.counts["invalid"] + result.counts["failed"]
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


@main.command()
@click.option(
    "--lang", type=click.Choice(["da", "en"]), default="da", show_default=True, help="Language of the questionnaire."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "docx", "xlsx", "google", "qualtrics", "limesurvey"]),
    default="pdf",
    show_default=True,
    help="pdf: to print; xlsx: answer sheet to type paper answers into; docx: Microsoft Forms (Quick import); "
    "google: Apps Script that creates a Google Form; qualtrics / limesurvey: survey import files.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: questionnaire-LANG and the format's ending, in this folder).",
)
@click.option(
    "--brand",
    "brand_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Brand folder for the PDF's logo, colours and fonts (made by `reportgen brand init`).",
)
@INSTRUMENT
@verbosity
@_guarded
def questionnaire(lang: str, fmt: str, output: Path | None, brand_dir: Path | None, instrument: Path | None) -> None:
    """Write the questionnaire to print, to type answers into, or to import into a survey tool."""
    written = pipeline.write_questionnaire(instrument, lang, fmt, output, brand_dir)
    click.echo(f"Questionnaire ({fmt}, {lang}) written to {written}.")


def _build(settings: Settings) -> BuildResult:
    """Run a build with its progress on the terminal, then its summary."""
    progress = console.Progress(settings.survey, terminal=sys.stdout.isatty())
    try:
        result = pipeline.build(settings, progress.update, progress.stage)
    finally:
        progress.close()
    console.build_summary(result)
    return result


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("reportgen-demo"))
@click.option("--lang", type=click.Choice(["da", "en"]), default=None, help="Report language (default da).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@verbosity
@_guarded
def demo(folder: Path, lang: str | None, jobs: int | None) -> None:
    """Build the bundled sample survey into FOLDER (default reportgen-demo) and say where the reports are."""
    settings = Settings(survey=bundled_sample(), output_dir=folder, language=lang, jobs=jobs)
    result = _build(settings)
    for line in console.demo_lines(result):
        click.echo(line)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_PROBLEMS if result.counts["failed"] else EXIT_OK)


@main.group()
def brand() -> None:
    """Make and check brand folders (logo, colours, fonts, templates)."""


@brand.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@verbosity
@_guarded
def brand_init(folder: Path) -> None:
    """Copy the bundled brand into FOLDER as a starting point."""
    made = pipeline.make_brand(folder)
    click.echo(
        f"Made {made}/: edit brand.toml (it explains every key), replace logo.svg, and put templates that "
        f"override the bundled ones in {made}/templates/. Use it with: reportgen build SURVEY --brand {made}"
    )


@brand.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@verbosity
@_guarded
def brand_check(folder: Path) -> None:
    """Check a brand folder (keys, colours and their contrast, logo, fonts) without building anything."""
    made, contrasts = pipeline.check_brand(folder)
    for line in console.brand_lines(made, contrasts):
        click.echo(line)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--send", "really", is_flag=True, help="Send for real; without it, only show what would be sent.")
@click.option("--to-me", metavar="ADDRESS", help="Send every message to this one address instead, as a test.")
@click.option("--resend", metavar="EMAIL", multiple=True, help="Send this leader's report again (repeatable).")
@click.option(
    "--mark-sent",
    "mark_sent",
    metavar="EMAIL",
    multiple=True,
    help='Record this leader\'s report as sent, without sending it (repeatable): for an "unknown" one that your '
    "Sent folder shows went out.",
)
@click.option(
    "--eml",
    "eml_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one .eml draft per leader into this folder instead of sending.",
)
@click.option("--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender (default: the brand's mail.from).")
@click.option("--smtp-host", help="SMTP server, e.g. smtp.office365.com.")
@click.option("--smtp-port", type=int, help="SMTP port (default: 587 for starttls, 465 for ssl).")
@click.option("--smtp-user", help=f"SMTP login; the password comes from {PASSWORD_VARIABLE} or a prompt.")
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
@click.option(
    "--smtp-timeout",
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="How long to wait for the server's answer (default 60).",
)
@click.option("--rate", type=click.IntRange(1, 600), help="Messages per minute (default 20).")
@click.option("--daily-cap", type=click.IntRange(1), help="Messages per 24 hours (default 300).")
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False), help="Brand folder.")
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file with a [send] table (default: reportgen.toml in this folder, if there is one).",
)
@verbosity
@_guarded
def send(
    folder: Path,
    really: bool,
    to_me: str | None,
    resend: tuple[str, ...],
    mark_sent: tuple[str, ...],
    eml_dir: Path | None,
    brand_dir: Path | None,
    config: Path | None,
    **given: Any,
) -> None:
    """E-mail each leader their report from FOLDER (written by build), at most once. Dry run unless --send."""
    command = "reportgen send" + (f" --eml {eml_dir}" if eml_dir else " --send" if really else "")
    # One run per folder: a second `send --send` at once would mail everyone twice.
    with pipeline.folder_lock(folder, command):
        run = pipeline.prepare_send(folder, brand_dir, config, given, resend, mark_sent)
        log_before = pipeline.log_state(folder)
        if mark_sent:
            run = pipeline.mark_sent(run, mark_sent)
        sample, mail = None, run.mail
        if eml_dir is not None:
            mode, summary = "eml", pipeline.write_drafts(run, eml_dir)
        elif not really:
            mode, summary = "dry", pipeline.dry_run(run)
            sample, mail = pipeline.preview(run, summary, to_me), pipeline.sample_mail(run)
        else:
            if to_me:
                click.echo(f"Test run: every message goes to {to_me}, none to the leaders.", err=True)
            mode, summary = "send", pipeline.send(run, _password, to_me, on_letter=console.sent_line)
        wrote = pipeline.log_state(folder) != log_before
        changes = pipeline.changed_parts(run, summary)
    for line in console.send_lines(summary, folder, mail, mode, eml_dir, to_me, wrote, sample, changes):
        click.echo(line)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    attention = summary.failed or summary.not_sent or summary.changed or summary.unknown
    sys.exit(EXIT_PROBLEMS if attention else EXIT_OK)


def _password() -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt("SMTP password", hide_input=True, err=True)
    return password


if __name__ == "__main__":
    main()
