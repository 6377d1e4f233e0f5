"""check and score: the export read, mapped, scored and settled, and the mapping file to edit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..models import ColumnMap, Survey
from ..output.records import score_records
from ..output.writer import refuse_existing, write_atomic
from ..survey import mapping_file, reader, sheets
from ..survey.coding import ChoicesFromZero
from ..survey.instrument import load_instrument
from ..survey.load import read_survey


def check(
    settings: Settings,
    mapping_to: Path | None = None,
    on_mapping: Callable[[ColumnMap], None] | None = None,
    force: bool = False,
) -> Survey:
    """Read the export as far as it goes (a missing question is the listing's first problem, not a stop).

    With `mapping_to`, first write the columns to that mapping file; `on_mapping` hears it
    written even when the export then stops the listing.
    """
    if mapping_to is not None:
        mapping = write_mapping(settings, mapping_to, force)
        if on_mapping is not None:
            on_mapping(mapping)
    try:
        return read_survey(settings, complete=False)
    except ChoicesFromZero:
        if mapping_to is None or settings.mapping is not None:
            raise
        # The mapping just written says how the choices are numbered: list the export as it reads it.
        return read_survey(replace(settings, mapping=mapping_to), complete=False)
    except InputError as error:
        if mapping_to is None:
            raise
        # Not "run --write-mapping" again, which was just done: the next step is the file written.
        error.fix = (
            f"The mapping is written: open {mapping_to.name}, write after each column letter what the column "
            f"holds (name, email or an item code), then run reportgen check {settings.survey.name} "
            f"--mapping {mapping_to.name}."
        )
        raise


def score(settings: Settings) -> tuple[Survey, list[dict[str, object]]]:
    """Every row's scores, bands and reading order as `reportgen score` prints them."""
    survey = read_survey(settings)
    step_ids = [step.id for step in survey.instrument.steps]
    return survey, score_records(survey.outcomes, step_ids, with_previous=settings.previous is not None)


def write_mapping(settings: Settings, target: Path, force: bool = False) -> ColumnMap:
    """Write the columns as detected (or as the best header row matched them) to a mapping file to edit.

    A file already there (perhaps with the facilitator's edits) is replaced only with force.
    """
    refuse_existing(target, force, "mapping file")
    instrument = load_instrument(settings.instrument)
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        # A mapping given with --mapping keeps what it says of the numbering when it is written anew.
        first_code = mapping_file.load(settings.mapping, instrument).first_code if settings.mapping else None
        try:
            columns, _ = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        except ChoicesFromZero as error:  # the columns are found; the mapping says how the answers are numbered
            columns, first_code = error.columns, 0
        except InputError:
            # Nothing complete: start the facilitator off from the header row that matched most.
            best = sheets.best_header(book, instrument, settings.sheet)
            if best is None:
                raise
            columns = best
    write_atomic(target, mapping_file.text(columns, instrument, settings.survey, first_code).encode("utf-8"))
    return columns
