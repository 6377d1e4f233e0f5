"""The command line: options → settings, one pipeline call, the console's words, an exit code. Click only.

One module per group of commands; each command imports its pipeline module when it runs, so
that `reportgen --help`, check and score never load WeasyPrint, the mail stack or pypdf.
"""

from __future__ import annotations

import logging

import click

from .. import __version__
from . import build, doctor, login, remind, send, survey, workshop
from .common import EXIT_INTERRUPTED, EXIT_NOTHING_DONE, EXIT_OK, EXIT_PROBLEMS
from .group import WorkGroup


@click.group(cls=WorkGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--debug", is_flag=True, help="Show the full traceback of an internal error.")
def main(debug: bool) -> None:
    """Score a leadership survey export and write one personal PDF report per leader."""
    logging.captureWarnings(False)


# Listed in --help in the order of work (cli/group.py), whatever the order here.
for command in (
    survey.check,
    survey.score,
    build.build,
    build.demo,
    build.brand,
    send.send,
    survey.questionnaire,
    doctor.doctor,
    login.login,
):
    main.add_command(command)
for command in (workshop.new, workshop.status, remind.remind, workshop.print_):
    main.add_command(command)

__all__ = ["EXIT_INTERRUPTED", "EXIT_NOTHING_DONE", "EXIT_OK", "EXIT_PROBLEMS", "main"]

if __name__ == "__main__":
    main()
