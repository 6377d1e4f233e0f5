"""The top-level command group: commands in the order of work, one line each, an example in each help.

Also the hint for a file name typed without quotes: an extra argument (or a path that does not
exist) that, joined with its neighbours by spaces, names an existing file gets "the file name has
spaces: put it in quotes", with the command as it should be typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

# The order a facilitator meets the commands in, each with one line; any other command follows, by name.
ORDER = (
    "demo",
    "doctor",
    "new",
    "questionnaire",
    "check",
    "build",
    "print",
    "send",
    "status",
    "remind",
    "login",
    "score",
    "brand",
)
LINES = {
    "demo": "Build the bundled sample, to see what reportgen makes.",
    "doctor": "Check this computer: Python, Pango, fonts, folder, mail.",
    "new": "Make a folder for one workshop: its name, date, sender, link.",
    "questionnaire": "Write the survey for Forms, Google, Qualtrics, paper.",
    "check": "Show what reportgen reads in an export, and its problems.",
    "build": "Write one PDF report per leader, and the group's report.",
    "print": "Write one PDF of every report, to print double-sided.",
    "send": "E-mail each leader their report, at most once.",
    "status": "Show each leader: invited, answered, report, mailed.",
    "remind": "Remind the invited who have not answered, once a day at most.",
    "login": "Sign in with Microsoft 365 or Google for sending.",
    "score": "Print every leader's scores, without reports.",
    "brand": "Make and check a brand: logo, colours, fonts.",
}
EXAMPLES = {
    "demo": "reportgen demo",
    "doctor": "reportgen doctor",
    "questionnaire": "reportgen questionnaire --format docx",
    "check": 'reportgen check "Lederens GPS til sociale medier(1-9).xlsx"',
    "build": 'reportgen build "Lederens GPS til sociale medier(1-9).xlsx" -o "Workshop november"',
    "send": 'reportgen send "Workshop november" --to-me --send',
    "new": 'reportgen new "Workshop november" --name "Ledelse i Vejle" --date 2026-11-27',
    "status": 'reportgen status "Workshop november"',
    "remind": 'reportgen remind "Workshop november" --send',
    "print": 'reportgen print "Workshop november"',
    "login": "reportgen login microsoft",
    "score": "reportgen score survey.xlsx --format csv > scores.csv",
    "brand": "reportgen brand init mybrand",
}


WORDS = "reportgen.words"  # where the command line as typed is kept in the context


class WorkGroup(click.Group):
    """A group that lists its commands in the order of work and shows an example under each command's help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The commands in ORDER, then any others by name."""
        known = [name for name in ORDER if name in self.commands]
        return known + sorted(name for name in self.commands if name not in ORDER)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """One line per command: its short help, never cut off with "..."."""
        rows = [
            (name, LINES.get(name) or self.commands[name].get_short_help_str(limit=60))
            for name in self.list_commands(ctx)
        ]
        if rows:
            with formatter.section("Commands, in the order of work"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, with its example as the help's last lines."""
        command = super().get_command(ctx, cmd_name)
        if command is not None and cmd_name in EXAMPLES and not command.epilog:
            command.epilog = f"\b\nExample:\n  {EXAMPLES[cmd_name]}"
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse as Click does, keeping the words as typed for the quoting hint."""
        ctx.meta[WORDS] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a file name typed without quotes gets the hint to quote it."""
        words = ctx.meta.get(WORDS, [])
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            hint = spaces_hint(words)
            if hint:
                raise click.UsageError(hint, ctx=error.ctx) from None
            raise


def _quoted(word: str) -> str:
    return f'"{word}"' if " " in word or "(" in word else word


def spaces_hint(words: Sequence[str]) -> str | None:
    """The hint to quote a file name, when some neighbouring words joined by spaces name an existing file."""
    for start in range(len(words)):
        for end in range(len(words), start + 1, -1):
            name = " ".join(words[start:end])
            if Path(name).exists():
                typed = ["reportgen", *map(_quoted, words[:start]), f'"{name}"', *map(_quoted, words[end:])]
                return f"the file name has spaces: put it in quotes: {' '.join(typed)}"
    return None


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A date as 2026-11-03 or 3-11-2026 (also 3.11.2026 and 3/11/2026: day first, as Danes write it)."""
    if value is None:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), form).date()
        except ValueError:
            continue
    raise click.BadParameter(f"{value!r} is not a date: write it as 2026-11-03 or 3-11-2026 (day, month, year).")
