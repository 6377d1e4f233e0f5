"""new, status and print: the workshop folder, one status per leader, one PDF to print."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from .. import console_workshop as lines_of
from .. import pipeline
from . import EXIT_OK, EXIT_PROBLEMS, _guarded, main
from .options import INVITED, verbosity

_ASKED = (
    ("name", "Workshop name"),
    ("date", "Date (YYYY-MM-DD)"),
    ("place", "Place"),
    ("facilitator", "Facilitator"),
    ("contact", "Contact (e-mail or phone for questions)"),
    ("sender", "Sender of the mail ('Name <address>')"),
    ("survey_link", "Survey link"),
    ("deadline", "Last day to answer (YYYY-MM-DD)"),
)
DATE = click.DateTime(["%Y-%m-%d"])


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="The workshop's name, shown on the covers and in the mail.")
@click.option("--date", "day", type=DATE, help="The workshop's date, YYYY-MM-DD: the date on every cover.")
@click.option("--place", help="Where the workshop is held.")
@click.option("--facilitator", help="Who runs the workshop.")
@click.option("--contact", help="Where leaders ask questions (an e-mail address or a phone number).")
@click.option("--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender of the reports and reminders.")
@click.option("--survey-link", metavar="URL", help="The link to the survey, for reminders.")
@click.option("--deadline", type=DATE, help="The last day to answer, YYYY-MM-DD, for reminders.")
@verbosity
@_guarded
def new(folder: Path, **given: object) -> None:
    """Make FOLDER for one workshop, with its reportgen.toml; asks for what is not given."""
    from ..workshop.settings import Workshop

    values = {key: value for key, value in given.items() if value is not None}
    values["date"], values["deadline"] = values.pop("day", None), values.get("deadline")
    if sys.stdin.isatty():
        for key, question in _ASKED:
            if values.get(key) is None:
                values[key] = (
                    click.prompt(
                        question, default="", show_default=False, type=DATE if key in ("date", "deadline") else str
                    )
                    or None
                )
    days = {
        key: value.date() if isinstance(value, datetime) else None
        for key, value in values.items()
        if key in ("date", "deadline")
    }
    texts = {key: str(value) for key, value in values.items() if value and key not in days}
    path = pipeline.new_workshop(folder, Workshop(**texts, **days))  # type: ignore[arg-type]
    for line in lines_of.new_lines(folder, path):
        click.echo(line)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@INVITED
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="text for the terminal, csv for a spreadsheet, json for other programs.",
)
@verbosity
@_guarded
def status(folder: Path, invited: Path | None, output_format: str) -> None:
    """One line per leader of FOLDER: invited, answered, report, mailed; then the counts. Changes nothing."""
    from ..workshop.status import as_csv, as_json

    statuses, listed = pipeline.status(folder, invited)
    if output_format == "json":
        click.echo(as_json(statuses), nl=False)
    elif output_format == "csv":
        click.echo(as_csv(statuses), nl=False)
    else:
        for line in lines_of.status_lines(statuses, listed):
            click.echo(line)
    sys.exit(EXIT_OK)


@main.command("print")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False, exists=True))
@INVITED
@click.option(
    "-o",
    "--output",
    "target",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The file to write (default: FOLDER/print.pdf).",
)
@verbosity
@_guarded
def print_(folder: Path, invited: Path | None, target: Path | None) -> None:
    """One PDF of every report in FOLDER, each starting on a right-hand page; cohort.pdf left out."""
    made = pipeline.print_reports(folder, invited, target)
    for line in lines_of.print_lines(made):
        click.echo(line)
    sys.exit(EXIT_OK if made.reports else EXIT_PROBLEMS)
