"""check and score: the export read, mapped, scored and settled; the mapping file; the questionnaire."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import InputError, ReportgenError
from ..models import ColumnMap, Instrument, Outcome, Problem, Survey

if TYPE_CHECKING:
    pass

ProgressCallback = Callable[[int, int, Outcome], None]
StageCallback = Callable[[str, int], None]
INTERRUPTED = "interrupted before it was rendered; run build again"


# --- check, score ------------------------------------------------------------------------


def read_survey(settings: Settings, complete: bool = True, absent: tuple[str, ...] = ()) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates.

    A scored question without a column stops it (InputError) unless `complete` is False
    (check lists the gap as its first problem); items the mapping file declares absent
    are left out of the instrument, so the scores are computed without them; so are `absent`
    (the items the current export lacks, when this is the --previous one: like is compared with like).
    """
    from ..survey import mapper, reader, settle, sheets
    from ..survey.instrument import load_instrument, without

    instrument = load_instrument(settings.instrument)
    check_language(settings.language, instrument, "--lang")
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        columns, rows = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        columns = replace(columns, absent=tuple(dict.fromkeys((*columns.absent, *absent))))
        gap = sheets.gaps(columns, instrument, settings.survey)
        if gap is not None and complete:
            raise gap
        instrument = without(instrument, columns.absent)
        if settings.group_by:
            columns = sheets.with_group_column(columns, settings.group_by, settings.survey)
        responses = [r for number, values in rows if (r := mapper.map_row(number, values, columns, instrument))]
        reading = book.reading
        cleaned = book.cleaned.get(columns.sheet, {})
    if not responses:
        raise sheets.no_answers(columns, settings.survey)
    responses, dates = mapper.settle_dates(responses, columns, settings.date_order)
    columns = replace(columns, notes=(*columns.notes, *dates))
    outcomes = _with_cleaned(settle.settle(responses, instrument), cleaned)
    earlier: tuple[Outcome, ...] = ()
    if settings.previous is not None:
        outcomes, earlier = _with_previous(outcomes, settings, columns.absent)
    gaps = gap.message if gap else ""
    return Survey(settings.survey, instrument, columns, outcomes, reading=reading, gaps=gaps, earlier=earlier)


def _with_cleaned(outcomes: tuple[Outcome, ...], cleaned: dict[int, tuple[int, ...]]) -> tuple[Outcome, ...]:
    """A warning on each row whose cells held control characters, which the reader removed."""
    from ..survey.cells import column_letter

    def warned(outcome: Outcome) -> Outcome:
        found = [
            Problem(outcome.source_row, column_letter(column), "control characters (such as NUL or ESC) removed")
            for column in cleaned.get(outcome.source_row, ())
        ]
        return replace(outcome, warnings=(*outcome.warnings, *found)) if found else outcome

    return tuple(warned(o) for o in outcomes)


def _with_previous(
    outcomes: tuple[Outcome, ...], settings: Settings, absent: tuple[str, ...]
) -> tuple[tuple[Outcome, ...], tuple[Outcome, ...]]:
    """Each leader's scores in the earlier export, matched by e-mail (case and spaces ignored); its outcomes.

    The questions this export did not ask are left out of the earlier scores too.
    """
    assert settings.previous is not None
    earlier = read_survey(
        replace(settings, survey=settings.previous, previous=None, sheet=None, mapping=None, group_by=None),
        absent=absent,
    )
    by_email = {o.response.email_key: o.assessment for o in earlier.outcomes if o.status == "ok" and o.assessment}
    return tuple(replace(o, previous=by_email.get(o.response.email_key)) for o in outcomes), earlier.outcomes


def score_records(settings: Settings) -> tuple[Survey, list[dict[str, object]]]:
    """Every row's scores, bands and reading order as `reportgen score` prints them."""
    from ..output.records import score_records as records

    survey = read_survey(settings)
    step_ids = [step.id for step in survey.instrument.steps]
    return survey, records(survey.outcomes, step_ids, with_previous=settings.previous is not None)


def write_mapping(settings: Settings, target: Path) -> ColumnMap:
    """Write the columns as detected (or as the best header row matched them) to a mapping file to edit."""
    from ..output.writer import write_atomic
    from ..survey import mapping_file, reader, sheets
    from ..survey.instrument import load_instrument

    if target.exists():
        raise InputError(
            "The mapping file already exists; reportgen does not overwrite it, as it may hold your edits.",
            fix="Delete it or give another file name to --write-mapping.",
            file=target,
        )
    instrument = load_instrument(settings.instrument)
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        try:
            columns, _ = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        except InputError:
            # Nothing complete: start the facilitator off from the header row that matched most.
            best = sheets.best_header(book, instrument, settings.sheet)
            if best is None:
                raise
            columns = best
    write_atomic(target, mapping_file.text(columns, instrument, settings.survey).encode("utf-8"))
    return columns


def check_language(language: str | None, instrument: Instrument, source: str) -> None:
    """A language the instrument has, or an error that says which it has."""
    if language is not None and language not in instrument.languages:
        raise ReportgenError(
            f'The language "{language}" is not one of the languages of the instrument '
            f"({', '.join(instrument.languages)}).",
            fix=f"Choose one of those with {source}.",
            file=instrument.source,
        )


def write_questionnaire(
    instrument: Path | None, lang: str, fmt: str, target: Path | None, brand_dir: Path | None
) -> Path:
    """The survey to set up in the facilitator's tool, written from the instrument file."""
    from ..questionnaire import default_name
    from ..questionnaire import write_questionnaire as write
    from ..survey.instrument import load_instrument

    return write(load_instrument(instrument), lang, fmt, target or Path(default_name(lang, fmt)), brand_dir)
