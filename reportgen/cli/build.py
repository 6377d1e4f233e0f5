"""build, demo and brand: the reports, the bundled sample, brand folders."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from .. import console
from ..config import Settings, bundled_sample
from ..console import workshop as console_workshop
from ..models import BuildResult
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, _guarded
from .group import parse_date
from .options import CSV_DIALECT, INSTRUMENT, INVITED, PREVIOUS, survey_input, verbosity


@click.command()
@survey_input
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help=f"Folder for the reports and manifest.csv (default: {Settings.output_dir}).",
)
@click.option(
    "--lang",
    "language",
    help="Report language, da or en (default: the brand's, else da). A Sprog/Language column overrides it per leader.",
)
@click.option(
    "--brand",
    type=click.Path(path_type=Path, file_okay=False),
    help="Brand folder (made by `reportgen brand init`): logo, colours, fonts, templates.",
)
@click.option("--workshop", help="Workshop name shown on the cover (default: the brand's).")
@click.option(
    "--date",
    "report_date",
    callback=parse_date,
    help="Date shown on the cover, as 2026-11-03 or 3-11-2026 (default: the brand's, else today).",
)
@click.option("--paper", type=click.Choice(["A4", "letter"]), help="Paper size (default: the brand's, A4).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["pdf", "html"]),
    help="pdf, or html: each report as HTML with its assets, to work on a brand in a browser "
    f"(default: {Settings.output_format}).",
)
@click.option(
    "--cohort-min",
    type=click.IntRange(min=5),
    help=f"Fewest leaders behind any group figure: at least {Settings.cohort_min}, never fewer "
    "(a radar's group average needs as many besides the reader).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
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
    help=(
        "Add a section per group of this column (e.g. Organisation) to the cohort report; "
        "leaders in a group below --cohort-min count in no group figure."
    ),
)
@CSV_DIALECT
@INVITED
@click.option(
    "--replace",
    is_flag=True,
    help="Build into a folder that holds another workshop's reports (no leader in common), removing them.",
)
@verbosity
@_guarded
def build(source: Settings, invited: Path | None, **given: Any) -> None:
    """Score SURVEY and write one PDF report per leader, plus manifest.csv."""
    # An option not given leaves the setting's default, which lives in Settings alone.
    settings = replace(source, **{key: value for key, value in given.items() if value not in (None, ())})
    result = _build(settings, invited)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    problems = result.counts["invalid"] + result.counts["failed"]
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


def _build(settings: Settings, invited: Path | None = None) -> BuildResult:
    """Run a build with its progress on the terminal, then its summary, the cover date and the invited list."""
    progress = console.Progress(settings.survey, terminal=sys.stdout.isatty())
    from ..pipeline.build import build_workshop

    try:
        result, roster = build_workshop(settings, invited, progress.update, progress.stage)
    finally:
        progress.close()
    console.build_summary(result)
    for line in console_workshop.cover_date_lines(result):
        click.echo(line)
    for line in console_workshop.roster_lines(*roster) if roster else ():
        click.echo(line)
    return result


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), default=Path("reportgen-demo"))
@click.option("--lang", type=click.Choice(["da", "en"]), default=None, help="Report language (default da).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@verbosity
@_guarded
def demo(folder: Path, lang: str | None, jobs: int | None) -> None:
    """Build the bundled sample survey into FOLDER (default reportgen-demo) and say where the reports are."""
    settings = Settings(survey=bundled_sample(), output_dir=folder, language=lang, jobs=jobs)
    result = _build(settings)
    for line in console.demo_lines(result, typed_command()):
        click.echo(line)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_PROBLEMS if result.counts["failed"] else EXIT_OK)


def typed_command() -> str:
    """How to type reportgen in this terminal: `reportgen` where that is on the PATH, else the path it ran from."""
    script = Path(sys.argv[0])
    found = shutil.which("reportgen")
    if script.name != "reportgen" or (found and Path(found).resolve() == script.resolve()):
        return "reportgen"
    try:
        return str(script.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(script.resolve())


@click.group()
def brand() -> None:
    """Make and check brand folders (logo, colours, fonts, templates)."""


@brand.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Copy into a folder that already has files (same names replaced).")
@verbosity
@_guarded
def brand_init(folder: Path, force: bool) -> None:
    """Copy the bundled brand into FOLDER as a starting point."""
    from ..pipeline.brand import make_brand

    made = make_brand(folder, force)
    click.echo(
        f"Made {made}/: edit brand.toml (it explains every key), replace logo.svg, and put templates that "
        f"override the bundled ones in {made}/templates/. Use it with: reportgen build SURVEY --brand {made}"
    )


@brand.command("check")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@INSTRUMENT
@verbosity
@_guarded
def brand_check(folder: Path, instrument: Path | None) -> None:
    """Check a brand folder (keys, colours and their contrast, logo, fonts) without building anything.

    With --instrument, its texts are checked against that questionnaire's steps and levels.
    """
    from ..pipeline.brand import check_brand

    made, contrasts = check_brand(folder, instrument)
    for line in console.brand_lines(made, contrasts):
        click.echo(line)
