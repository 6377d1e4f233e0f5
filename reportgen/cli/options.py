"""The options several commands share, and the decorators that hand them on as Settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import console
from ..config import PASSWORD_VARIABLE, SEND_OPTIONS, Settings

F = TypeVar("F", bound=Callable[..., Any])

SURVEY = click.argument("survey", type=click.Path(path_type=Path, dir_okay=True))
INSTRUMENT = click.option(
    "--instrument",
    type=click.Path(path_type=Path),
    default=None,
    help="Questionnaire file (TOML) to use instead of the bundled Leader's GPS instrument.",
)
ENCODING = click.option(
    "--encoding", default=None, help="Text encoding of a CSV export, e.g. utf-8 or cp1252 (default: detected)."
)
DELIMITER = click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    default=None,
    help="Separator of a CSV export (default: detected).",
)
SHEET = click.option(
    "--sheet", default=None, help="Name of the sheet with the responses (default: found by its headers)."
)
PREVIOUS = click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="An earlier export of the same survey: leaders are matched by e-mail and shown their progress.",
)
DATE_ORDER = click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    default=None,
    help="Order of day and month in text timestamps such as 05/02/2026, when the file does not show it.",
)
CSV_DIALECT = click.option(
    "--csv-dialect",
    type=click.Choice(["excel", "excel-da"]),
    default=None,
    help="CSV for Excel: excel (UTF-8, comma) or excel-da (UTF-8 with BOM, semicolon, as Danish Excel reads it).",
)


def verbosity(command: F) -> F:
    """-q/--quiet and -v/--verbose, on every command."""

    @wraps(command)
    def with_level(*args: Any, quiet: bool, verbose: bool, **kwargs: Any) -> Any:
        console.set_level(quiet, verbose)
        return command(*args, **kwargs)

    quiet = click.option("-q", "--quiet", is_flag=True, help="Print only the summary and problems.")
    verbose = click.option("-v", "--verbose", is_flag=True, help="Print more: in build, each report as it is written.")
    decorated = verbose(quiet(with_level))
    return decorated  # type: ignore[return-value]


MAPPING = click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Mapping file (TOML) that says which column holds what; write one with check --write-mapping.",
)


def survey_input(command: F) -> F:
    """The options that say how to read SURVEY, shared by check, score and build, handed on as Settings."""

    @wraps(command)
    def with_settings(
        survey: Path,
        instrument: Path | None,
        sheet: str | None,
        encoding: str | None,
        delimiter: str | None,
        mapping: Path | None,
        date_order: str | None,
        **options: Any,
    ) -> Any:
        source = Settings(
            survey=survey,
            instrument=instrument,
            sheet=sheet,
            encoding=encoding,
            delimiter="\t" if delimiter == "tab" else delimiter,
            mapping=mapping,
            date_order=date_order,
        )
        return command(source, **options)

    decorated: Callable[..., Any] = with_settings
    for option in (DATE_ORDER, MAPPING, DELIMITER, ENCODING, SHEET, INSTRUMENT, SURVEY):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]


INVITED = click.option(
    "--invited",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="List of invited leaders (xlsx or csv with name and e-mail; default: invited.xlsx or invited.csv in the "
    "workshop folder).",
)


CONFIG = click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file with a [send] table, read instead of reportgen.toml (default: reportgen.toml in this "
    "folder, with a workshop folder's own read over it).",
)


def _bound(key: str, end: str) -> int | None:
    """A whole-number bound of a mail setting, as Click's range wants it."""
    value = getattr(SEND_OPTIONS[key], end)
    return None if value is None else int(value)


_MAIL = (
    click.option(
        "--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender (default: the workshop's, else the brand's)."
    ),
    click.option("--smtp-host", help="SMTP server, e.g. smtp.office365.com."),
    click.option(
        "--smtp-port",
        type=click.IntRange(_bound("smtp_port", "low"), _bound("smtp_port", "high")),
        help="SMTP port (default: 587 for starttls, 465 for ssl).",
    ),
    click.option("--smtp-user", help=f"SMTP login; the password comes from {PASSWORD_VARIABLE} or a prompt."),
    click.option(
        "--smtp-security",
        type=click.Choice(SEND_OPTIONS["smtp_security"].choices),
        help=f"starttls, ssl (implicit TLS), or none; default {SEND_OPTIONS['smtp_security'].default}.",
    ),
    click.option(
        "--smtp-cafile",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Also trust this certificate authority (a relay's own).",
    ),
    click.option(
        "--smtp-timeout",
        type=click.FloatRange(min=SEND_OPTIONS["smtp_timeout"].low),
        metavar="SECONDS",
        help=f"How long to wait for the server's answer (default {SEND_OPTIONS['smtp_timeout'].default:g}).",
    ),
    click.option(
        "--rate",
        type=click.IntRange(_bound("rate", "low"), _bound("rate", "high")),
        help=f"Messages per minute (default {SEND_OPTIONS['rate'].default}).",
    ),
    click.option(
        "--daily-cap",
        type=click.IntRange(_bound("daily_cap", "low")),
        help=f"Messages per 24 hours, reports and reminders together (default {SEND_OPTIONS['daily_cap'].default}).",
    ),
)


def mail_options(command: F) -> F:
    """The mail options of send and remind (--from, --smtp-*, --rate, --daily-cap), bounded as SEND_OPTIONS says."""
    decorated: Callable[..., Any] = command
    for option in reversed(_MAIL):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]
