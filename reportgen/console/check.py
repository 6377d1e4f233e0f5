"""check's listing: which column became what, every problem by row, the counts."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ..survey.cells import column_letter, rows_text
from .core import short, visible

if TYPE_CHECKING:
    from ..models import Outcome, Survey


def check_lines(survey: Survey) -> list[str]:
    """`reportgen check`'s report, aligned for a terminal."""
    columns, instrument = survey.columns, survey.instrument
    rows = [o.source_row for o in survey.outcomes]
    lines = [
        f'{survey.path.name}, sheet "{columns.sheet}": header {rows_text(columns.header_rows)}, '
        f"data rows {min(rows)}–{max(rows)}",
        *([f"read as {survey.reading}"] if survey.reading else []),
        "",
        "Columns used",
    ]
    mapped = [(field, column) for field, column in columns.identity.items()]
    mapped += [(code, column) for code, column in {**columns.items, **columns.free_text}.items()]
    mapped += [("account", columns.account)] if columns.account is not None else []  # the signed-in address
    for name, column in sorted(mapped, key=lambda pair: pair[1]):
        lines.append(f"  {name:<13} {column_letter(column):<3} {short(columns.headers[column])}")
    for marker in columns.markers:
        what = {"unfinished": "not finished", "test": "test/preview"}.get(marker.rule.kind, "order")
        column = marker.column
        lines.append(f"  {what:<13} {column_letter(column):<3} {short(columns.headers[column])} ({marker.rule.tool})")
    found = {**columns.items, **columns.free_text}
    questions = [i.code for i in instrument.items if i.code not in found]
    free_text = [i.code for i in instrument.free_text if i.code not in found]
    optional = [
        f.id
        for f in instrument.identity.values()
        if f.mention_if_missing and f.id not in columns.identity and not set(f.parts) & set(columns.identity)
    ]
    absent = [i.code for i in instrument.absent]
    if absent:
        lines.append(f"  not asked (the mapping file says so; scored without them): {', '.join(absent)}")
    if questions:
        lines.append(f"  questions not found (see Problems): {', '.join(questions)}")
    if free_text:
        lines.append(f"  free-text questions not found (optional): {', '.join(free_text)}")
    if optional:
        lines.append(f"  optional columns not found: {', '.join(optional)}")
    ignored = [c for c in columns.ignored if c not in {m.column for m in columns.markers}]
    if ignored:
        lines += ["", "Columns ignored"]
        lines += [f"  {column_letter(c):<3} {short(columns.headers[c])}" for c in ignored]
    problems: list[str] = [f"  {survey.gaps}"] if survey.gaps else []
    problems += [f"  {note}" for note in columns.notes]
    for outcome in survey.outcomes:
        if outcome.status == "invalid":
            problems.append(f"  row {outcome.source_row}: invalid: {outcome.reason}")
        elif outcome.status == "duplicate":
            problems.append(
                f"  row {outcome.source_row}: duplicate: {outcome.reason}; row {outcome.superseded_by} is used"
            )
        problems += [f"  {warning}" for warning in outcome.warnings]
        problems += [f"  {line}" for line in two_addresses(outcome)]
    lines += ["", "Problems", *(problems or ["  none"]), ""]
    counts = Counter(o.status for o in survey.outcomes)
    parts = [f"{counts[s]} {s}" for s in ("ok", "duplicate", "invalid") if counts[s] or s == "ok"]
    lines.append(f"{len(survey.outcomes)} rows: {', '.join(parts)}")
    # Names, headers, sheet and file names come from the export: shown, never obeyed.
    return [visible(line) for line in lines]


def two_addresses(outcome: Outcome) -> list[str]:
    """The row whose signed-in account address differs from the typed one, and which one send uses."""
    response = outcome.response
    if not response.typed_email:
        return []
    return [
        f"row {response.source_row}: the signed-in account's address {response.email} differs from the typed "
        f"{response.typed_email}; the account's is used, and send will write to {response.email}"
    ]
