"""check, score and questionnaire: what reportgen reads of an export, its scores, the survey to set up."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from .. import console
from ..config import Settings
from ..console import workshop as console_workshop
from ..models import ColumnMap
from .common import EXIT_NOTHING_DONE, EXIT_OK, EXIT_PROBLEMS, _guarded
from .options import CSV_DIALECT, INSTRUMENT, INVITED, PREVIOUS, survey_input, verbosity


@click.command()
@survey_input
@click.option(
    "--write-mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the columns as detected to this mapping file, to edit and give back with --mapping.",
)
@click.option("--force", is_flag=True, help="With --write-mapping: replace the mapping file if it is already there.")
@INVITED
@verbosity
@_guarded
def check(source: Settings, write_mapping: Path | None, invited: Path | None, force: bool) -> None:
    """Show what reportgen understood of SURVEY: columns, ignored columns, every problem by row.

    Exit 0 when all is well, 1 when rows have problems, 2 when a scored question has no
    column (score and build would refuse the file): the listing is shown in every case.
    """
    from ..pipeline.check import check as run_check

    def written(columns: ColumnMap) -> None:
        click.echo(
            f"Mapping written to {write_mapping}: {columns.matched} columns mapped, {len(columns.ignored)} not "
            f"matched. Edit it, then run: reportgen check {source.survey} --mapping {write_mapping}",
            err=True,
        )

    result = run_check(source, write_mapping, written, force)
    lines = console.check_lines(result)
    if console.level() == console.QUIET:  # the problems and the count
        lines = lines[lines.index("Problems") :]
    if invited is not None:
        from ..pipeline.workshop import invited_list, invited_roster

        roster = invited_roster(invited_list(None, invited), result)
        lines += ["", *console_workshop.roster_lines(*roster)] if roster else []
    for line in lines:
        click.echo(line)
    problems = any(o.status == "invalid" or o.warnings for o in result.outcomes)
    sys.exit(EXIT_NOTHING_DONE if result.gaps else EXIT_PROBLEMS if problems else EXIT_OK)


@click.command()
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
    from ..output.records import records_csv
    from ..pipeline.check import score as run_score

    survey, records = run_score(replace(source, previous=previous))
    if output_format == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        text = records_csv(records, [step.id for step in survey.instrument.steps], csv_dialect or "excel")
        click.echo(text.encode("utf-8"), nl=False)  # bytes: the BOM and every letter whatever the terminal's code page


@click.command()
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
@click.option("--force", is_flag=True, help="Replace the file if it is already there (e.g. an answer sheet).")
@verbosity
@_guarded
def questionnaire(
    lang: str, fmt: str, output: Path | None, brand_dir: Path | None, instrument: Path | None, force: bool
) -> None:
    """Write the questionnaire to print, to type answers into, or to import into a survey tool."""
    from ..pipeline.questionnaire import questionnaire as write

    written = write(instrument, lang, fmt, output, brand_dir, force)
    click.echo(f"Questionnaire ({fmt}, {lang}) written to {written}.")
