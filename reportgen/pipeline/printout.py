"""print: one PDF of every report of a workshop folder, each starting on a right-hand page."""

from __future__ import annotations

from pathlib import Path

from ..errors import OutputError
from ..models import email_key
from ..output.manifest import read_manifest
from ..output.printout import Printout, write_printout
from ..output.writer import claim, refuse_existing
from ..workshop.invited import INVITED_FILES
from .workshop import invited_list


def print_reports(folder: Path, invited: Path | None, target: Path | None) -> Printout:
    """One PDF of every rendered report, in the invited list's order (else by name); never cohort.pdf."""
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
    reports = [folder / row.pdf for row in rows]
    target = target or folder / "print.pdf"
    # Never over a file reportgen did not write, nor over a report or a list it reads.
    if target.parent.resolve() == folder.resolve():
        lists = [invited] if invited else [folder / name for name in INVITED_FILES]
        claim(folder, [target.name], inputs=[*reports, folder / "manifest.csv", *lists])
    else:
        refuse_existing(target, False, "print file")
    return write_printout(target, reports)
