"""new, status and print: the workshop folder, its invited list, each leader's status, the print file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError

if TYPE_CHECKING:
    from ..models import Survey
    from ..output.printout import Printout
    from ..workshop.invited import InvitedList
    from ..workshop.roster import Roster
    from ..workshop.settings import Workshop
    from ..workshop.status import LeaderStatus


def new_workshop(folder: Path, workshop: Workshop) -> Path:
    """Make the workshop folder with its reportgen.toml; WorkshopError if it has one."""
    from ..workshop.settings import write_workshop

    return write_workshop(folder, workshop)


def read_workshop(folder: Path | None) -> Workshop:
    """The folder's [workshop] table; an empty one without a folder or a table."""
    from ..workshop.settings import Workshop
    from ..workshop.settings import read_workshop as read

    return read(folder) if folder is not None and folder.is_dir() else Workshop()


def invited_list(folder: Path | None, given: Path | None) -> InvitedList | None:
    """--invited FILE, else the folder's invited.xlsx/.csv, read; None when there is neither."""
    from ..workshop.invited import find_invited, read_invited

    path = find_invited(folder or Path(), given) if folder is not None or given is not None else None
    return read_invited(path) if path is not None else None


def survey_roster(survey: Survey, invited: InvitedList) -> Roster:
    """The export's answers against the invited list: who has not answered, who answered uninvited."""
    from ..workshop.roster import Answer, compare

    answers = (Answer(o.source_row, o.response.name, o.response.email) for o in survey.outcomes)
    return compare(invited.leaders, answers)


def status(folder: Path, invited: Path | None) -> tuple[list[LeaderStatus], InvitedList | None]:
    """Each leader's status from the folder and the invited list; reads only."""
    from ..workshop.status import leader_statuses

    if not folder.is_dir():
        raise OutputError(
            "The folder does not exist.", fix="Give the workshop folder (reportgen new made it).", file=folder
        )
    listed = invited_list(folder, invited)
    return leader_statuses(folder, listed), listed


def print_reports(folder: Path, invited: Path | None, target: Path | None) -> Printout:
    """One PDF of every rendered report, in the invited list's order (else by name); never cohort.pdf."""
    from ..models import email_key
    from ..output.manifest import read_manifest
    from ..output.printout import write_printout

    rows = [row for row in read_manifest(folder) or [] if row.status == "rendered" and row.pdf]
    missing = [row.pdf for row in rows if Path(row.pdf).name != row.pdf or not (folder / row.pdf).is_file()]
    if not rows or missing:
        what = f"{missing[0]} is missing" if missing else "there is no rendered report in manifest.csv"
        raise OutputError(
            f"Nothing can be printed: {what}.", fix="Run reportgen build into this folder first.", file=folder
        )
    listed = invited_list(folder, invited)
    order = {email_key(leader.email): n for n, leader in enumerate(listed.leaders)} if listed else {}
    rows.sort(key=lambda row: (order.get(email_key(row.email), len(order)), row.name.casefold(), row.source_row))
    return write_printout(target or folder / "print.pdf", [folder / row.pdf for row in rows])


def mail_settings(
    folder: Path, config: Path | None, brand_mail: dict[str, object], brand_workshop: str
) -> tuple[Path | None, dict[str, object], str]:
    """The settings file (--config, else the folder's reportgen.toml), the defaults under it, the workshop's name.

    The workshop's sender comes after the command line and the [send] table, before the brand's.
    """
    workshop = read_workshop(folder)
    own = folder / "reportgen.toml"
    defaults = {**brand_mail, **({"from": workshop.sender} if workshop.sender else {})}
    return config or (own if own.is_file() else None), defaults, workshop.name or brand_workshop


def without_report(folder: Path) -> list[LeaderStatus]:
    """Every leader of the folder's export who has no report (invalid, duplicate, failed), with the reason."""
    from ..workshop.status import leader_statuses

    if not (folder / "manifest.csv").is_file():
        return []
    return [status for status in leader_statuses(folder, None) if status.report != "rendered"]
