"""send: each leader's report by mail, at most once, or as drafts."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .. import console
from ..config import PASSWORD_VARIABLE, SEND_OPTIONS
from ..console import workshop as console_workshop
from .common import EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEMS, _guarded
from .options import CONFIG, mail_options, verbosity


def _built_folder(ctx: click.Context, param: click.Parameter, folder: Path) -> Path:
    """The folder build wrote; a file (the survey export, a PDF) is said to be one, with what to give instead."""
    if folder.is_file():
        raise click.BadParameter(
            f'"{folder}" is a file; send wants the folder build wrote the reports into (build\'s -o, default '
            f'reports), e.g. reportgen send "{folder.parent if folder.suffix == ".pdf" else "reports"}"'
        )
    return folder


@click.command()
@click.argument("folder", type=click.Path(path_type=Path), callback=_built_folder)
@click.option("--send", "really", is_flag=True, help="Send for real; without it, only show what would be sent.")
@click.option(
    "--to-me",
    is_flag=False,
    flag_value="",
    metavar="[ADDRESS]",
    help="A test: send one sample to yourself (the sender address, or ADDRESS) instead of to the leaders.",
)
@click.option("--all", "every", is_flag=True, help="With --to-me: send every report to you, not one sample.")
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
@click.option("--force", is_flag=True, help="With --eml: replace drafts of the same names already in the folder.")
@click.option(
    "--drafts-to-mailbox",
    "mailbox",
    is_flag=True,
    help="With --via graph: put one draft per leader in your Drafts folder instead of sending.",
)
@click.option(
    "--include-drafted",
    is_flag=True,
    help="Send also the reports whose draft was written earlier (--eml, --drafts-to-mailbox).",
)
@mail_options
@click.option(
    "--smtp-auth",
    type=click.Choice(SEND_OPTIONS["smtp_auth"].choices),
    help="password (default), or oauth2: sign in with the token from reportgen login (XOAUTH2).",
)
@click.option(
    "--via",
    type=click.Choice(SEND_OPTIONS["via"].choices),
    help="smtp (default), or graph: send through Microsoft Graph after reportgen login microsoft --graph.",
)
@click.option(
    "--oauth-token-command",
    metavar="COMMAND",
    help="Take the access token from this command's output instead of reportgen login's sign-in.",
)
@click.option("--graph-url", metavar="URL", help="Another Microsoft Graph endpoint (default: Microsoft's v1.0).")
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False), help="Brand folder.")
@CONFIG
@verbosity
@_guarded
def send(
    folder: Path,
    really: bool,
    to_me: str | None,
    every: bool,
    resend: tuple[str, ...],
    mark_sent: tuple[str, ...],
    eml_dir: Path | None,
    force: bool,
    mailbox: bool,
    include_drafted: bool,
    brand_dir: Path | None,
    config: Path | None,
    **given: Any,
) -> None:
    """E-mail each leader their report from FOLDER (written by build), at most once. Dry run unless --send."""
    from ..pipeline.send import Mode, SendRequest
    from ..pipeline.send import send as run_send

    mode: Mode = "eml" if eml_dir is not None else "mailbox" if mailbox else "send" if really else "dry"
    if mode == "send" and to_me is not None:
        click.echo(f"Test run: {'every report' if every else 'one sample'} goes to you, none to the leaders.", err=True)
    on_letter = console.test_line if to_me is not None else console.sent_line
    request = SendRequest(
        folder,
        mode,
        eml_dir,
        to_me,
        every,
        resend,
        mark_sent,
        brand_dir,
        config,
        given,
        password,
        on_letter,
        include_drafted=include_drafted,
        force=force,
    )
    result = run_send(request)
    for note in result.notes:
        click.echo(f"Note: {note}.", err=True)
    for line in [
        *console_workshop.no_report_lines(list(result.without_report)),
        *console.send_lines(result, folder, mode, eml_dir, result.to_me),
    ]:
        click.echo(line)
    summary = result.summary
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    attention = summary.failed or summary.not_sent or summary.changed or summary.unknown
    sys.exit(EXIT_PROBLEMS if attention else EXIT_OK)


def password() -> str:
    """The SMTP password: from the environment, else asked for (not shown as it is typed)."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        password = click.prompt("SMTP password", hide_input=True, err=True)
    return password
