"""One status per leader: invited → answered → report → mailed, from the invited list, manifest.csv and delivery.csv.

Reads only; changes nothing. The JSON form is a contract for other programs: a list with one
object per leader holding at least name, email, invited, answered, report and mailed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..delivery.log import Entry, History, Leader, read_history, reminders
from ..errors import OutputError
from ..models import email_key
from ..output.manifest import ManifestRow, csv_text, read_build_info, read_manifest
from .invited import InvitedList
from .roster import Answer, compare

REPORTS = ("rendered", "invalid", "duplicate")  # else "none"; two people on one address are invalid, with why


@dataclass(frozen=True)
class LeaderStatus:
    """Where one leader stands."""

    name: str
    email: str
    invited: bool
    answered: bool
    report: str  # rendered, invalid, duplicate, none
    mailed: str  # sent, unknown, failed, draft, none
    row: int | None = None  # the export's row of their answer
    answered_at: str = ""  # when it was submitted, as the export says
    reason: str = ""  # why there is no report (invalid, duplicate, failed …)
    pdf: str = ""
    mailed_at: str = ""  # when it was sent, failed, drafted or handed over
    reminded_at: str = ""  # the last reminder handed over or drafted
    note: str = ""  # e.g. "answered as bo@exmple.dk?" for an invited leader whose address may have a typo


def leader_statuses(folder: Path, invited: InvitedList | None) -> list[LeaderStatus]:
    """Every invited leader and every answer of the folder's manifest, in the list's order, then by row."""
    rows = read_manifest(folder)
    if rows is None and invited is None:
        raise OutputError(
            "The folder has neither a manifest.csv (written by build) nor a list of invited leaders.",
            fix="Give the workshop folder that build wrote the reports into, or a list with --invited FILE.",
            file=folder,
        )
    rows = rows or []
    chosen = _row_per_leader(rows)
    records = _Records(read_history(folder, (row.email for row in rows)), reminders(folder), _answered(folder))
    leaders = list(invited.leaders) if invited else []
    roster = compare(leaders, (Answer(row.source_row, row.name, row.email) for row in rows))
    statuses: list[LeaderStatus] = []
    for leader in leaders:
        row = chosen.pop(email_key(leader.email), None)
        probable = roster.probably(leader) if row is None else None
        note = (
            f"answered as {probable.email or probable.name + ' without an e-mail address'}? (row {probable.row})"
            if probable
            else ""
        )
        statuses.append(_status(leader.name, leader.email, True, row, records, note))
    for row in sorted(chosen.values(), key=lambda row: row.source_row):
        statuses.append(_status(row.name, row.email, False, row, records, ""))
    return statuses


@dataclass(frozen=True)
class _Records:
    """What the folder's records say beside the manifest: deliveries, reminders, when each row was answered."""

    history: History
    reminded: dict[str, list[Entry]]
    answered: dict[str, str]  # source row → submitted, from build.json


def _answered(folder: Path) -> dict[str, str]:
    try:
        return read_build_info(folder).answered
    except OutputError:
        return {}  # status reads what it can; build says what is wrong with build.json


def _row_per_leader(rows: list[ManifestRow]) -> dict[str, ManifestRow]:
    """Each leader's manifest row: the rendered one, else their last; a row without an address stands alone."""
    chosen: dict[str, ManifestRow] = {}
    for row in rows:
        key = email_key(row.email) or f"#row {row.source_row}"
        if key not in chosen or chosen[key].status != "rendered":
            chosen[key] = row
    return chosen


def _status(
    name: str,
    email: str,
    invited: bool,
    row: ManifestRow | None,
    records: _Records,
    note: str,
) -> LeaderStatus:
    mailed, at = _mailed(records.history.of(email))
    report = "none" if row is None else row.status if row.status in REPORTS else "none"
    lines = records.reminded.get(email_key(email), []) if email else []
    last = next((entry.time for entry in reversed(lines) if entry.status != "remind-failed"), "")
    return LeaderStatus(
        name=row.name if row is not None and not name else name,
        email=email,
        invited=invited,
        answered=row is not None,
        report=report,
        mailed=mailed,
        row=row.source_row if row else None,
        answered_at=records.answered.get(str(row.source_row), "") if row else "",
        reason=row.reason if row is not None and report != "rendered" else "",
        pdf=row.pdf if row else "",
        mailed_at=at,
        reminded_at=last,
        note=note,
    )


def _mailed(state: Leader) -> tuple[str, str]:
    """What delivery.csv says of the leader's report: sent, unknown, failed, draft or none, and when."""
    if state.unknown is not None:
        return "unknown", getattr(state.unknown, "time", "")
    if state.sent is not None:
        return "sent", state.sent.time
    if state.failed is not None:
        return "failed", state.failed.time
    if state.drafted is not None:
        return "draft", state.drafted.time
    return "none", ""


def as_json(statuses: list[LeaderStatus]) -> str:
    """The statuses as a JSON list, one object per leader."""
    return json.dumps([asdict(status) for status in statuses], ensure_ascii=False, indent=1) + "\n"


def as_csv(statuses: list[LeaderStatus], dialect: str = "excel") -> str:
    """The statuses as CSV for a spreadsheet, one line per leader."""
    names = [item.name for item in fields(LeaderStatus)]
    rows = [[_cell(getattr(status, name)) for name in names] for status in statuses]
    return csv_text([names, *rows], dialect)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value
