"""The options several commands share, and the decorators that hand them on as Settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import console
from ..config import Settings

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
    verbose = click.option(
        "-v", "--verbose", is_flag=True, help="Print more: in build, each report as it is written and the cover date."
    )
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
