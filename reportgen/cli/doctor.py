"""doctor: checks this computer is ready for build and send, and says what to do for each problem."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import console
from .common import EXIT_OK, EXIT_PROBLEMS, _guarded
from .options import CONFIG, verbosity
from .send import password


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="The output folder build will write.",
)
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False), help="Brand folder.")
@CONFIG
@click.option("--no-mail", is_flag=True, help="Leave out the mail check (no connection to the server).")
@click.option("--smtp-host", help="SMTP server to check (default: from reportgen.toml).")
@click.option("--smtp-user", help="SMTP login to check.")
@click.option("--smtp-auth", type=click.Choice(["password", "oauth2"]), help="password or oauth2.")
@click.option("--via", type=click.Choice(["smtp", "graph"]), help="smtp or graph.")
@verbosity
@_guarded
def doctor(output: Path, brand_dir: Path | None, config: Path | None, no_mail: bool, **given: Any) -> None:
    r"""Check that this computer is ready: Python, Pango, fonts, output folder, mail. Sends nothing.

    \b
    Example:
      reportgen doctor
      reportgen doctor --no-mail -o "Workshop november"
    """
    from ..pipeline.doctor import doctor as examine

    checks = examine(output, brand_dir, config, given, password, mail=not no_mail)
    for line in console.doctor_lines(checks):
        click.echo(line)
    sys.exit(EXIT_OK if all(check.ok for check in checks) else EXIT_PROBLEMS)
