"""remind: a reminder to each invited leader who has not answered, at most once a day. Dry run unless --send."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import console_workshop as lines_of
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, _guarded
from .options import INVITED, verbosity
from .send import _password

_MAIL = (
    click.option(
        "--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender (default: the workshop's, else the brand's)."
    ),
    click.option("--smtp-host", help="SMTP server, e.g. smtp.office365.com."),
    click.option("--smtp-port", type=int, help="SMTP port (default: 587 for starttls, 465 for ssl)."),
    click.option("--smtp-user", help="SMTP login; the password comes from REPORTGEN_SMTP_PASSWORD or a prompt."),
    click.option(
        "--smtp-security", type=click.Choice(["starttls", "ssl", "none"]), help="starttls (default), ssl, or none."
    ),
    click.option(
        "--smtp-cafile", type=click.Path(path_type=Path, dir_okay=False, exists=True), help="Also trust this CA."
    ),
    click.option(
        "--smtp-timeout", type=click.FloatRange(min=0.1), metavar="SECONDS", help="Wait for the server (default 60)."
    ),
    click.option("--rate", type=click.IntRange(1, 600), help="Messages per minute (default 20)."),
    click.option(
        "--daily-cap", type=click.IntRange(1), help="Messages per 24 hours, reports and reminders (default 300)."
    ),
)


def mail_options(command: Any) -> Any:
    """Send's mail options: --from, --smtp-*, --rate, --daily-cap."""
    for option in reversed(_MAIL):
        command = option(command)
    return command


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
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file with a [send] table (default: reportgen.toml in the folder).",
)
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
        _password,
    )
    result = run_remind(request)
    summary = result.summary
    for line in lines_of.remind_lines(result, mode, eml_dir):
        click.echo(line)
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_PROBLEMS if summary.failed or summary.not_sent or summary.unknown else EXIT_OK)
