"""The export as a survey: read, mapped to the instrument, scored, settled; with --previous, the earlier scores."""

from __future__ import annotations

from dataclasses import replace
from difflib import get_close_matches

from ..config import Settings
from ..errors import InputError, ReportgenError
from ..models import ColumnMap, Instrument, Outcome, Problem, Survey, email_key
from . import mapper, reader, settle, sheets
from .cells import column_letter
from .coding import ChoicesFromZero
from .instrument import load_instrument, without


def read_survey(
    settings: Settings, complete: bool = True, absent: tuple[str, ...] = (), first_code: int | None = None
) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates.

    A scored question without a column stops it (InputError) unless `complete` is False
    (check lists the gap as its first problem); items the mapping file declares absent
    are left out of the instrument, so the scores are computed without them; so are `absent`
    (the items the current export lacks, when this is the --previous one: like is compared with like).
    `first_code` says how the choices are numbered where no mapping file does (survey/coding.py).
    """
    instrument = load_instrument(settings.instrument)
    check_language(settings.language, instrument, "--lang")
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        columns, rows = sheets.find_sheet(
            book, instrument, settings.survey, settings.sheet, settings.mapping, first_code
        )
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
    responses, dates = settle.settle_dates(responses, columns, settings.date_order)
    columns = replace(columns, notes=(*columns.notes, *dates))
    outcomes = _with_cleaned(settle.settle(responses, instrument), cleaned)
    earlier: tuple[Outcome, ...] = ()
    if settings.previous is not None:
        outcomes, earlier = _with_previous(outcomes, settings, columns)
    gaps = gap.message if gap else ""
    return Survey(settings.survey, instrument, columns, outcomes, reading=reading, gaps=gaps, earlier=earlier)


def _with_cleaned(outcomes: tuple[Outcome, ...], cleaned: dict[int, list[tuple[int, str]]]) -> tuple[Outcome, ...]:
    """A warning on each row whose cells the reader changed (control characters removed, bytes not UTF-8)."""

    def warned(outcome: Outcome) -> Outcome:
        found = [  # once each: a sheet's rows are read more than once (its header is looked for first)
            Problem(outcome.source_row, column_letter(column), message)
            for column, message in dict.fromkeys(cleaned.get(outcome.source_row, ()))
        ]
        return replace(outcome, warnings=(*outcome.warnings, *found)) if found else outcome

    return tuple(warned(o) for o in outcomes)


def _with_previous(
    outcomes: tuple[Outcome, ...], settings: Settings, columns: ColumnMap
) -> tuple[tuple[Outcome, ...], tuple[Outcome, ...]]:
    """Each leader's earlier scores, matched by e-mail as mail systems compare it and by name; its outcomes.

    The questions this export did not ask are left out of the earlier scores too. An earlier export
    whose choices are numbered from 0, as the facilitator has said this one's are, is read the same way.
    """
    assert settings.previous is not None
    earlier_settings = replace(
        settings, survey=settings.previous, previous=None, sheet=None, mapping=None, group_by=None
    )
    try:
        earlier = read_survey(earlier_settings, absent=columns.absent)
    except ChoicesFromZero:
        if not columns.code_shift:
            raise
        earlier = read_survey(earlier_settings, absent=columns.absent, first_code=0)
    by_email = {o.response.email_key: o for o in earlier.outcomes if o.status == "ok" and o.assessment}

    def previous(outcome: Outcome) -> Outcome:
        before = by_email.get(outcome.response.email_key)
        # Another person's earlier answers on the same address are not this leader's "last time".
        if before is None or not settle.same_person(before.response.name, outcome.response.name):
            return outcome
        return replace(outcome, previous=before.assessment)

    return tuple(previous(o) for o in outcomes), earlier.outcomes


def check_language(language: str | None, instrument: Instrument, source: str) -> None:
    """A language the instrument has, or an error that says which it has."""
    if language is not None and language not in instrument.languages:
        raise ReportgenError(
            f'The language "{language}" is not one of the languages of the instrument '
            f"({', '.join(instrument.languages)}).",
            fix=f"Choose one of those with {source}.",
            file=instrument.source,
        )


def check_only(only: tuple[str, ...], survey: Survey) -> None:
    """Every --only e-mail is a leader of the input, or an error with the closest e-mails."""
    emails = {o.response.email_key: o.response.email.strip() for o in survey.outcomes if o.response.email}
    unknown = [email for email in only if email_key(email) not in emails]
    if not unknown:
        return
    parts = []
    for email in unknown:
        close = [emails[key] for key in get_close_matches(email_key(email), list(emails), n=3, cutoff=0.6)]
        parts.append(f'"{email}"' + (f" (closest: {', '.join(close)})" if close else " (nothing close)"))
    raise InputError(
        f"--only names no leader in the input: {'; '.join(parts)}. Nothing was rendered.",
        fix="Check the spelling against the e-mail column (reportgen check lists the rows), then run again.",
        file=survey.path,
    )
