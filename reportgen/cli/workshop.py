"""new, status and print: the workshop folder, one status per leader, one PDF to print."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..console import workshop as lines_of
from .common import EXIT_OK, EXIT_PROBLEMS, _guarded
from .group import parse_date
from .options import INVITED, verbosity

_ASKED = (
    ("name", "Workshop name"),
    ("date", "Date (e.g. 10-12-2026)"),
    ("place", "Place"),
    ("facilitator", "Facilitator"),
    ("contact", "Contact (e-mail or phone for questions)"),
    ("sender", "Sender of the mail ('Name <address>')"),
    ("survey_link", "Survey link"),
    ("deadline", "Last day to answer (e.g. 8-12-2026)"),
)


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--name", help="The workshop's name, shown on the covers and in the mail.")
@click.option(
    "--date", "day", callback=parse_date, help="The workshop's date, 2026-12-10 or 10-12-2026: the date on every cover."
)
@click.option("--place", help="Where the workshop is held.")
@click.option("--facilitator", help="Who runs the workshop.")
@click.option("--contact", help="Where leaders ask questions (an e-mail address or a phone number).")
@click.option("--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender of the reports and reminders.")
@click.option("--survey-link", metavar="URL", help="The link to the survey, for reminders.")
@click.option("--deadline", callback=parse_date, help="The last day to answer, 2026-12-08 or 8-12-2026, for reminders.")
@verbosity
@_guarded
def new(folder: Path, day: date | None, deadline: date | None, **given: str | None) -> None:
    """Make FOLDER for one workshop, with its reportgen.toml; asks for what is not given."""
    values: dict[str, str | date | None] = {
        **given,
        "date": day,
        "deadline": deadline,
    }
    if sys.stdin.isatty():
        for key, question in _ASKED:
            if values.get(key) is None:
                values[key] = _ask(question, key in ("date", "deadline"))
    from ..pipeline.workshop import new_workshop

    path = new_workshop(folder, values)
    for line in lines_of.new_lines(folder, path):
        click.echo(line)


def _ask(question: str, is_date: bool) -> str | date | None:
    """One answer at the prompt; Enter leaves it out."""
    while True:
        text = str(click.prompt(question, default="", show_default=False)).strip()
        if not text or not is_date:
            return text or None
        try:
            return parse_date(click.get_current_context(), click.Option(["--date"]), text)
        except click.BadParameter as problem:
            click.echo(f"{problem.message} Or press Enter to leave it out.", err=True)


@click.command()
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
    from ..pipeline.workshop import status as leader_status

    statuses, listed, text = leader_status(folder, invited, output_format)
    if text:
        click.echo(text, nl=False)
    else:
        for line in lines_of.status_lines(statuses, listed):
            click.echo(line)
    sys.exit(EXIT_OK)


@click.command("print")
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
    from ..pipeline.printout import print_reports

    made = print_reports(folder, invited, target)
    for line in lines_of.print_lines(made):
        click.echo(line)
    sys.exit(EXIT_OK if made.reports else EXIT_PROBLEMS)
