"""Settles every row: scored, invalid with its reason, or a duplicate superseded by a later submission.

Rows with one address are one leader's resubmissions only when their names are one person's;
two people on one address (a typo, a shared mailbox) are a conflict: neither is rendered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from ..models import TRANSLITERATE, Assessment, ColumnMap, Instrument, Outcome, Problem, Response
from ..scoring.scorer import assess
from .cells import DAY_OR_MONTH, DateMatch, column_letter, read_date


def settle(responses: list[Response], instrument: Instrument) -> tuple[Outcome, ...]:
    """Score each row, mark rows without any score invalid, then supersede duplicates."""
    scored = {r.source_row: _scored(r, instrument) for r in responses if not r.invalid_reason}
    conflicts = address_conflicts(response for response, _ in scored.values())
    scored = {
        row: (replace(response, invalid_reason=conflicts[row]) if row in conflicts else response, assessment)
        for row, (response, assessment) in scored.items()
    }
    valid = [response for response, _ in scored.values() if not response.invalid_reason]
    superseded = decide_duplicates(valid)
    outcomes = []
    for original in responses:
        response, assessment = scored.get(original.source_row, (original, None))
        if response.invalid_reason:
            # Too few answers: the cells that were no answer ("4%", "ved ikke") say why, by row and column.
            why = response.problems if response.invalid_reason == NO_SCORE else ()
            outcomes.append(
                Outcome(response.source_row, "invalid", response, reason=response.invalid_reason, warnings=why)
            )
        elif response.source_row in superseded:
            winner, basis = superseded[response.source_row]
            outcomes.append(
                Outcome(
                    response.source_row,
                    "duplicate",
                    response,
                    reason=f"superseded by row {winner} (same e-mail, {basis})",
                    assessment=assessment,
                    superseded_by=winner,
                )
            )
        else:
            assert assessment is not None
            warnings = response.problems + _insufficient(response, assessment, instrument)
            outcomes.append(Outcome(response.source_row, "ok", response, assessment=assessment, warnings=warnings))
    return tuple(outcomes)


def _scored(response: Response, instrument: Instrument) -> tuple[Response, Assessment]:
    """The row's scores, and the row marked invalid when they say too little."""
    result = assess(response, instrument)
    if not result.reading_order:
        response = replace(response, invalid_reason=NO_SCORE)
    return response, result


def _insufficient(response: Response, assessment: Assessment, instrument: Instrument) -> tuple[Problem, ...]:
    return tuple(
        Problem(
            response.source_row,
            None,
            f"step {instrument.step(s.step_id).title[instrument.languages[0]]}: "
            f"{s.answered} of {s.total} items answered, too few for a score",
        )
        for s in assessment.steps
        if s.score is None
    )


# --- dates: one date order per file --------------------------------------------------------------

Written = list[tuple[Response, DateMatch]]


def settle_dates(
    responses: list[Response], columns: ColumnMap, order: str | None
) -> tuple[list[Response], tuple[str, ...]]:
    """Read every text timestamp of the file in one date order, and say which and why.

    The order that makes every value a valid date wins (a first number above 12 is a day,
    a second one above 12 a month); else the file's own evidence (AM/PM is American,
    a dot or a dash between the numbers European); else `order` (--date-order). Without
    any, duplicates are decided by the order both readings agree on; only where they
    disagree do the times go unused (row order), and the notes ask for --date-order.
    """
    written = [(r, m) for r in responses if (m := DAY_OR_MONTH.match(r.submitted_text))]
    if not written or "submitted" not in columns.identity:
        return responses, ()
    column = columns.identity["submitted"]
    where = f'column {column_letter(column)} "{columns.headers[column]}"'
    chosen, why = (order, "--date-order") if order else _evident_order(written)
    if chosen is None and why:
        return _undated(responses, {id(r) for r, _ in written}), (f"{where}: {why}",)
    if chosen is None:
        return _agreed(responses, written, where)
    dated = {id(r): read_date(m, chosen) for r, m in written}
    settled = [
        r
        if id(r) not in dated
        else replace(r, submitted=dated[id(r)], problems=(*r.problems, *_not_a_date(r, dated[id(r)], column)))
        for r in responses
    ]
    shown = "day first (dmy)" if chosen == "dmy" else "month first (mdy)"
    return settled, (f"{where}: dates read {shown}: {why}",)


def _evident_order(written: Written) -> tuple[str | None, str]:
    """The date order the file itself shows, and why; (None, why) when no order fits; (None, "") when both do."""
    day_first = max(int(m.group(1)) for _, m in written) > 12
    month_first = max(int(m.group(3)) for _, m in written) > 12
    if day_first and month_first:
        return None, (
            "the dates fit neither day-first nor month-first order for every row, so they are not used; "
            "duplicates go by row order"
        )
    if day_first or month_first:
        example = next(m.group(0) for _, m in written if int(m.group(1 if day_first else 3)) > 12)
        return ("dmy" if day_first else "mdy"), f"{example.strip()} fits only that order"
    if any(m.group(5).strip()[-2:].casefold() in ("am", "pm") for _, m in written):
        return "mdy", "the times have AM/PM, as American dates do"
    if any(m.group(2) in ".-" for _, m in written):
        return "dmy", "the numbers are separated by dots or dashes, as European dates are"
    return None, ""


def _agreed(responses: list[Response], written: Written, where: str) -> tuple[list[Response], tuple[str, ...]]:
    """Ambiguous dates (every day and month ≤ 12): each e-mail's rows in the order both readings give them.

    Where day-first and month-first put one leader's rows in the same order, that order
    decides which is later and nothing needs asking; where they disagree, the row order
    decides for that leader and the note names the rows and asks for --date-order.
    """
    readings = {id(r): (read_date(m, "dmy"), read_date(m, "mdy")) for r, m in written}
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if id(response) in readings:
            groups.setdefault(response.email_key, []).append(response)
    undecided: list[Response] = []
    for group in groups.values():
        orders = [_ranked(group, readings, i) for i in (0, 1)]
        if len(group) > 1 and (None in orders or orders[0] != orders[1]):
            undecided += group
    kept = {id(r) for r in undecided}
    settled = [
        replace(r, submitted=None if id(r) in kept else readings[id(r)][0]) if id(r) in readings else r
        for r in responses
    ]
    example = written[0][1].group(0).strip()
    notes = [
        f"{where}: dates such as {example} can be day-first or month-first; "
        + (
            "for every leader with two responses both readings give the same order, so that order decides"
            if not undecided
            else "the two readings disagree on which response is later for rows "
            + ", ".join(str(r.source_row) for r in sorted(undecided, key=lambda r: r.source_row))
            + ", so the row order decides for them; give --date-order dmy or --date-order mdy"
        )
    ]
    return settled, tuple(notes)


def _ranked(
    group: list[Response], readings: dict[int, tuple[datetime | None, datetime | None]], i: int
) -> list[int] | None:
    """The group's rows from earliest to latest in one reading; None if a row is no date in it."""
    dates = [(readings[id(r)][i], r.source_row) for r in group]
    if any(d is None for d, _ in dates):
        return None
    return [row for _, row in sorted(dates, key=lambda pair: (pair[0] or datetime.min, pair[1]))]


def _not_a_date(response: Response, dated: datetime | None, column: int) -> tuple[Problem, ...]:
    if dated is not None:
        return ()
    text = f'"{response.submitted_text}" is not a date and time; the row order decides between duplicates'
    return (Problem(response.source_row, column_letter(column), text),)


def _undated(responses: list[Response], ambiguous: set[int]) -> list[Response]:
    return [replace(r, submitted=None) if id(r) in ambiguous else r for r in responses]


NO_SCORE = "no step has enough answers for a score"
BY_TIME = "later submission"
BY_ID = "later response id: no submission time decides between them"
BY_ROW = "further down the file: no submission time decides between them, so the row order does"


def resolve_duplicates(responses: Iterable[Response]) -> dict[int, int]:
    """Superseded row → the row that supersedes it, among valid responses with the same e-mail."""
    return {row: winner for row, (winner, _) in decide_duplicates(responses).items()}


def decide_duplicates(responses: Iterable[Response]) -> dict[int, tuple[int, str]]:
    """Superseded row → (the row that supersedes it, what decided it), among valid responses with one e-mail.

    The latest by the timestamp wins; without timestamps on every submission, the highest
    response id that grows with time (SurveyMonkey's Respondent ID), else the row furthest
    down the sheet (the later submission), and the reason says so.
    """
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if response.invalid_reason is None:
            groups.setdefault(response.email_key, []).append(response)
    superseded: dict[int, tuple[int, str]] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        if all(r.submitted is not None for r in group):
            winner = max(group, key=lambda r: (r.submitted or datetime.min, r.source_row))
            basis = BY_TIME
        elif all(r.order_key is not None for r in group):
            winner = max(group, key=lambda r: (r.order_key or 0, r.source_row))
            basis = BY_ID
        else:
            winner = max(group, key=lambda r: r.source_row)
            basis = BY_ROW
        for response in group:
            if response is not winner:
                superseded[response.source_row] = (winner.source_row, basis)
    return superseded


# --- one address, two people -----------------------------------------------------------------

# Names within a typo of each other (after case, accents and spacing) are one person typed twice
# ("Anne Hansen", "Anne Hanssen"): one edit from 8 characters on, two from 16; none in a shorter
# name, where one letter makes another person ("Bo Berg", "Bo Borg"; 王伟, 王芳).
TYPO_FROM = (8, 16)


def name_key(name: str) -> str:
    """A name as compared for identity: case, accents, punctuation and spacing ignored ("Søren  Ø." → "soren o")."""
    text = unicodedata.normalize("NFKC", name).casefold().translate(TRANSLITERATE)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def same_person(first: str, second: str) -> bool:
    """Whether two names on rows with one address can be one person's.

    Equal as compared, within a typo, or one name's words all in the other's ("Anne Hansen",
    "Anne Sofie Hansen"); a missing name says nothing.
    """
    a, b = name_key(first), name_key(second)
    if not a or not b or a == b:
        return True
    if set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()):
        return True
    allowed = sum(min(len(a), len(b)) >= length for length in TYPO_FROM)
    return _edits(a, b, allowed) <= allowed


def _edits(a: str, b: str, limit: int) -> int:
    """Insertions, deletions, substitutions and swapped neighbours from a to b; limit + 1 for more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return min(row[-1], limit + 1)


def address_conflicts(responses: Iterable[Response]) -> dict[int, str]:
    """Row → why it is not rendered, for rows whose address another row gives under another person's name.

    Neither row is rendered: a report sent to that address could reach the wrong person, with
    their name, answers and free text in it.
    """
    groups: dict[str, list[Response]] = {}
    for response in responses:
        if response.invalid_reason is None and response.email_key:
            groups.setdefault(response.email_key, []).append(response)
    reasons: dict[int, str] = {}
    for group in groups.values():
        if all(same_person(one.name, other.name) for one in group for other in group):
            continue
        for response in group:
            others = "; ".join(f'row {o.source_row} "{o.name}"' for o in group if o is not response)
            reasons[response.source_row] = (
                f"the e-mail {response.email.strip()} is also given by {others}, under another name: reportgen "
                "cannot tell whose address it is, so neither report is made. Correct the e-mail of the leader it "
                "does not belong to in the export (or the name, if both rows are one person), then run again"
            )
    return reasons
