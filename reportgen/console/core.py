"""What every part of the console shares: how much to show, colour, control characters made visible, errors."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import click

# Control characters (ESC, CSI, carriage return …) that a terminal would act on rather than print.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def error(message: str) -> None:
    """An error paragraph, on standard error; "Error:" in red on a terminal; control characters shown, not acted on."""
    head = click.style("Error:", fg="red", bold=True) if colour(err=True) else "Error:"
    click.echo(f"{head} {visible(message)}", err=True, color=colour(err=True))


def internal_error(log: Path) -> None:
    """What to do about an exception reportgen did not expect."""
    click.echo(
        "Internal error: reportgen stopped on something it did not expect. Nothing is wrong "
        f"with your file as far as reportgen knows. The details are in {log}; please send that "
        "file to the reportgen maintainers, or run again with --debug to see them.",
        err=True,
    )


def visible(text: str) -> str:
    """The text with each control character shown as an escape (ESC as a backslash, x, 1b) instead of acted on."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def short(text: str, width: int = 70) -> str:
    """The text on one line, cut with an ellipsis past `width` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# How much the terminal shows: -q only the summary and problems, -v also each report and setting.
QUIET, NORMAL, VERBOSE = 0, 1, 2
_level = NORMAL


def level() -> int:
    """How much the terminal shows now: QUIET, NORMAL or VERBOSE."""
    return _level


def set_level(quiet: bool, verbose: bool) -> None:
    """-q/--quiet and -v/--verbose, given to any command."""
    global _level
    if quiet and verbose:
        raise click.UsageError("Give -q/--quiet or -v/--verbose, not both.")
    _level = QUIET if quiet else VERBOSE if verbose else NORMAL


def colour(err: bool) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    stream = sys.stderr if err else sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def problem(text: str, colour_name: str, err: bool = True) -> None:
    """A warning (yellow) or error line, on standard error unless told; coloured only on a terminal."""
    click.echo(click.style(text, fg=colour_name) if colour(err) else text, err=err, color=colour(err))


def fit(text: str) -> str:
    """The text cut to the terminal's width, so that a redrawn line never wraps."""
    width = shutil.get_terminal_size().columns - 1
    return text if len(text) <= width else text[: width - 1] + "…"
