"""The lines the workshop commands show: new, status, remind, print, and the invited list in check and build."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .core import NORMAL, level, short, visible

if TYPE_CHECKING:
    from ..models import BuildResult
    from ..output.printout import Printout
    from ..pipeline.remind import RemindResult
    from ..workshop.invited import InvitedList
    from ..workshop.roster import Roster
    from ..workshop.status import LeaderStatus

_SYMBOL = {True: "yes", False: "no"}


def new_lines(folder: Path, config: Path) -> list[str]:
    """What `new` made and the commands to run next."""
    return [
        f"Made {config}: the workshop's name, date, place, sender and survey link (edit it any time).",
        f"Next: put invited.xlsx (name and e-mail of each leader) in {folder}/, then",
        f"  reportgen check EXPORT --invited {typed(folder / 'invited.xlsx')}",
        f"  reportgen build EXPORT -o {typed(folder)}",
        f"  reportgen status {typed(folder)}",
    ]


def typed(path: Path) -> str:
    """A path as it must be typed in a command line: in quotes when it holds a space or a bracket."""
    text = str(path)
    return f'"{text}"' if any(c in text for c in " ()&;'$") else text


# Where the cover date came from (BuildResult.date_source).
_DATE_SOURCES = {
    "option": "--date",
    "workshop": "the workshop's date in reportgen.toml",
    "brand": "the brand's date",
    "kept": "this folder's earlier builds (--date changes it)",
    "today": "today, the folder's first build (--date or the workshop's date sets it)",
}


def cover_date_lines(result: BuildResult) -> list[str]:
    """The line build prints on the date on the covers and where it came from, after its summary."""
    if result.report_date is None:
        return []
    source = _DATE_SOURCES.get(result.date_source, result.date_source)
    return [f"Cover date {result.report_date.isoformat()}, from {source}."]


def roster_lines(roster: Roster, invited: InvitedList) -> list[str]:
    """Check's and build's lines on the invited list: who has not answered, who answered uninvited."""
    lines = [f"Invited ({invited.path.name}): {len(invited.leaders)} leaders, {len(roster.not_answered)} not answered"]
    lines += [f"  not answered   {leader.email:<32} {leader.name} (row {leader.row})" for leader in roster.not_answered]
    for stranger in roster.not_invited:
        answer, close = stranger.answer, stranger.closest
        hint = f"closest invited: {close.email} ({close.name})" if close else "no invited address is close"
        lines.append(f"  not invited    {answer.email:<32} row {answer.row}, {answer.name}: {hint}")
    lines += [f"  skipped        {line}" for line in invited.skipped]
    return [visible(line) for line in lines]


def _counts(statuses: list[LeaderStatus]) -> Counter[str]:
    """invited, answered, answered of the invited, not answered, each report and mail state."""
    total: Counter[str] = Counter()
    for status in statuses:
        total["leaders"] += 1
        total["invited"] += status.invited
        total["answered"] += status.answered
        total["not answered"] += status.invited and not status.answered
        total["not invited"] += status.answered and not status.invited
        total[f"report {status.report}"] += 1
        total[f"mailed {status.mailed}"] += 1
    return total


def status_lines(statuses: list[LeaderStatus], invited: InvitedList | None) -> list[str]:
    """One line per leader, then the counts."""
    # An address is never cut: a shortened one can read as another, valid address.
    wide = max([29, *(len(status.email) for status in statuses)]) + 1
    lines = [f"{'leader':<28} {'e-mail':<{wide}} {'invited':<8} {'answered':<23} {'report':<10} mailed"]
    for status in statuses:
        answered = f"row {status.row}" if status.row is not None else "no"
        answered += f" {status.answered_at}" if status.answered_at else ""
        report = status.report + (f" ({status.reason})" if status.reason and status.report != "rendered" else "")
        mailed = status.mailed + (f" {_local(status.mailed_at)}" if status.mailed_at else "")
        if status.reminded_at and not status.answered:
            mailed += f"; reminded {_local(status.reminded_at)}"
        note = f"  {status.note}" if status.note else ""
        lines.append(
            f"{short(status.name, 27):<28} {status.email:<{wide}} {_SYMBOL[status.invited]:<8} {answered:<23} "
            f"{report:<10} {mailed}{note}"
        )
    total = _counts(statuses)
    lines.append("")
    invited_part = f"{total['invited']} invited, " if invited is not None else "no invited list, "
    lines.append(
        f"{total['leaders']} leaders: {invited_part}{total['answered']} answered, "
        f"{total['not answered']} not answered, "
        f"{total['not invited']} answered uninvited; {total['report rendered']} reports, "
        f"{total['mailed sent']} sent, {total['mailed draft']} drafted, {total['mailed unknown']} unknown, "
        f"{total['mailed failed']} failed."
    )
    return [visible(line) for line in lines]


def _local(text: str) -> str:
    """A log time (ISO, UTC) as the facilitator's clock shows it: 2026-12-06 14:04."""
    try:
        return datetime.fromisoformat(text).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


def remind_lines(result: RemindResult, mode: str, eml_dir: Path | None) -> list[str]:
    """What `remind` did or would do, one line per leader, then the counts."""
    summary = result.summary
    lines = []
    if level() >= NORMAL:
        lines += [f"  would remind {r.email:<32} {r.name}" for r in summary.planned]
        lines += [f"  reminded     {r.email:<32} {r.name}" for r in summary.sent]
        lines += [f"  drafted      {r.email:<32} {r.name}" for r in summary.drafts]
    lines += [f"  not reminded {r.email:<32} {r.reason}" for r in summary.skipped]
    lines += [f"  failed       {r.email:<32} {r.reason}" for r in summary.failed]
    lines += [f"  unknown      {r.email:<32} {r.reason}: counts as reminded today" for r in summary.unknown]
    lines += [f"  not sent     {r.email:<32} left for the next run" for r in summary.not_sent]
    if result.sample and level() >= NORMAL:
        lines += ["", f"The first reminder, as it would go out ({len(summary.planned)} in all):"]
        lines += [f"  {key}: {value}" for key, value in result.sample if key]
        lines += ["", *[f"  {line}".rstrip() for key, text in result.sample if not key for line in text.splitlines()]]
        lines.append("")
    if summary.stopped:
        lines.append(f"Stopped: {summary.stopped}.")
    rest = f"{len(summary.skipped)} not reminded, {len(summary.failed)} failed"
    if mode == "dry":
        head = f"Dry run: {len(summary.planned)} to remind, nothing sent, {rest}."
    elif mode == "eml":
        head = f"{len(summary.drafts)} reminder drafts written to {eml_dir}, {rest}."
    else:
        head = (
            f"{len(summary.sent)} reminded, {rest}"
            + (f", {len(summary.not_sent)} not sent" if summary.not_sent else "")
            + "."
        )
    lines.append(head)
    if mode == "dry" and summary.planned:
        lines.append(f"Survey link in the reminders: {result.survey_link}. For a real run, give --send.")
    return [visible(line) for line in lines]


def print_lines(made: Printout) -> list[str]:
    """Where the print file is and what is in it."""
    return [
        f"Wrote {made.path}: {len(made.reports)} reports, {made.pages} pages ({made.blanks} blank, so that each "
        "report starts on a right-hand page when printed double-sided). cohort.pdf is not in it."
    ]


_TO_DO = {
    "invalid": "correct the row in the export, then run build again",
    "duplicate": "keep the one answer you mean in the export, then run build again",
    "none": "run build again",
}


def no_report_lines(statuses: list[LeaderStatus]) -> list[str]:
    """The lines send shows on the leaders of the export who have no report: who, why, and what to do."""
    answered = [status for status in statuses if status.answered]
    waiting = [status for status in statuses if not status.answered]
    lines = [f"{len(answered)} leaders of the export have no report, so send does not mail them:"] if answered else []
    for status in answered:
        who = status.email or status.name or "(no name or e-mail)"
        reason = f"{status.report}: {status.reason}" if status.reason else status.report
        lines.append(f"  no report {who:<32} row {status.row}, {reason}; {_TO_DO[status.report]}")
    if waiting:
        lines.append(f"{len(waiting)} invited leaders have not answered (reportgen remind reminds them):")
        lines += [f"  not answered {status.email:<29} {status.name}" for status in waiting]
    return [visible(line) for line in lines]
