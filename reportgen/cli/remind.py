"""remind: a reminder to each invited leader who has not answered, at most once a day. Dry run unless --send."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..console import workshop as lines_of
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, _guarded
from .options import CONFIG, INVITED, mail_options, verbosity
from .send import password


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@INVITED
@click.option("--survey-link", metavar="URL", help="The survey's link (default: survey_link of the workshop).")
@click.option(
    "--lang", type=click.Choice(["da", "en"]), help="Language of the reminders (default: the brand's, else da)."
)
@click.option("--send", "really", is_flag=True, help="Send for real; without it, only show who would be reminded.")
@click.option(
    "--eml",
    "eml_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one .eml draft per reminder into this folder instead of sending.",
)
@click.option("--again", is_flag=True, help="Remind also those reminded earlier today.")
@click.option("--include-drafted", is_flag=True, help="With --send: send also the reminders drafted with --eml today.")
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False), help="Brand folder.")
@CONFIG
@mail_options
@verbosity
@_guarded
def remind(folder: Path, really: bool, eml_dir: Path | None, **given: Any) -> None:
    """Remind each invited leader of FOLDER who has not answered, with the survey link. Dry run unless --send."""
    from ..pipeline.remind import Mode, RemindRequest
    from ..pipeline.remind import remind as run_remind

    mode: Mode = "eml" if eml_dir is not None else "send" if really else "dry"
    request = RemindRequest(
        folder,
        mode,
        eml_dir,
        given.pop("invited"),
        given.pop("survey_link"),
        given.pop("lang"),
        given.pop("again"),
        given.pop("include_drafted"),
        given.pop("brand_dir"),
        given.pop("config"),
        given,
        password,
    )
    result = run_remind(request)
    summary = result.summary
    for line in lines_of.remind_lines(result, mode, eml_dir):
        click.echo(line)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_PROBLEMS if summary.failed or summary.not_sent or summary.unknown else EXIT_OK)
