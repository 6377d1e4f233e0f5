"""new and status, and the workshop folder as build, check and send see it: its facts, invited list, owner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..config import load_config
from ..errors import OutputError
from ..models import Brand, Survey, email_key
from ..output.manifest import kept_date, read_build_info, read_manifest
from ..workshop.invited import InvitedList, find_invited, read_invited
from ..workshop.roster import Answer, Roster, compare
from ..workshop.settings import CONFIG, Workshop, write_workshop
from ..workshop.settings import read_workshop as read_table
from ..workshop.status import LeaderStatus, as_csv, as_json, leader_statuses


def new_workshop(folder: Path, values: Mapping[str, str | date | None]) -> Path:
    """Make the workshop folder with its reportgen.toml from the values given; WorkshopError if it has one."""
    return write_workshop(folder, Workshop(**{key: value for key, value in values.items() if value}))  # type: ignore[arg-type]


def read_workshop(folder: Path | None) -> Workshop:
    """The folder's [workshop] table; an empty one without a folder or a table."""
    return read_table(folder) if folder is not None and folder.is_dir() else Workshop()


def invited_list(folder: Path | None, given: Path | None) -> InvitedList | None:
    """--invited FILE, else the folder's invited.xlsx/.csv, read; None when there is neither."""
    if folder is None and given is None:
        return None
    path = find_invited(folder or Path(), given)
    return read_invited(path) if path is not None else None


def invited_roster(listed: InvitedList | None, survey: Survey) -> tuple[Roster, InvitedList] | None:
    """The export's answers against the invited list; None without a list."""
    if listed is None:
        return None
    answers = (Answer(o.source_row, o.response.name, o.response.email) for o in survey.outcomes)
    return compare(listed.leaders, answers), listed


def status(
    folder: Path, invited: Path | None, output_format: str = "text"
) -> tuple[list[LeaderStatus], InvitedList | None, str]:
    """Each leader's status from the folder and the invited list, and as CSV or JSON text when asked; reads only."""
    if not folder.is_dir():
        raise OutputError(
            "The folder does not exist.", fix="Give the workshop folder (reportgen new made it).", file=folder
        )
    listed = invited_list(folder, invited)
    statuses = leader_statuses(folder, listed)
    text = as_json(statuses) if output_format == "json" else as_csv(statuses) if output_format == "csv" else ""
    return statuses, listed, text


def without_report(folder: Path) -> list[LeaderStatus]:
    """Every leader without a report: of the export (invalid, duplicate, failed, with the reason), and invited."""
    if not (folder / "manifest.csv").is_file():
        return []
    return [status for status in leader_statuses(folder, invited_list(folder, None)) if status.report != "rendered"]


def mail_settings(
    folder: Path, config: Path | None, brand_mail: dict[str, object], brand_workshop: str
) -> tuple[Path | None, dict[str, object], str]:
    """The settings file (--config, else the folder's reportgen.toml), the defaults under it, the workshop's name.

    The workshop's sender comes after the command line and the [send] table, before the brand's.
    A folder's own file is read over the reportgen.toml where reportgen runs, so that the mail
    server set up once there serves every workshop folder.
    """
    workshop = read_workshop(folder)
    own = folder / CONFIG
    here = Path(CONFIG)
    shared = {}
    if config is None and own.is_file() and here.is_file() and here.resolve() != own.resolve():
        shared = load_config(here, required=False)
    defaults = {**brand_mail, **shared, **({"from": workshop.sender} if workshop.sender else {})}
    return config or (own if own.is_file() else None), defaults, workshop.name or brand_workshop


def with_workshop(brand: Brand, folder: Path) -> Brand:
    """The brand with the workshop folder's facts over its own: name, date, facilitator and contact.

    They go on the cover and the action plan page as the brand's would; a folder without a
    [workshop] table leaves the brand as it is.
    """
    workshop = read_workshop(folder)
    if not workshop.given:
        return brand
    return replace(
        brand,
        workshop=workshop.name or brand.workshop,
        workshop_date=workshop.date or brand.workshop_date,
        facilitator=workshop.facilitator or brand.facilitator,
        contact=workshop.contact or brand.contact,
    )


def workshop_facts(folder: Path) -> str:
    """The workshop folder's facts the reports show, for their fingerprint: "" without a [workshop] table."""
    workshop = read_workshop(folder)
    day = workshop.date.isoformat() if workshop.date else ""
    return "|".join((workshop.name, day, workshop.facilitator, workshop.contact)) if workshop.given else ""


def cover_date(given: date | None, folder: Path, brand_date: date | None, today: date | None) -> tuple[date, str]:
    """The date on the covers and where it came from: --date, the workshop's, the brand's, the folder's, today."""
    workshop = read_workshop(folder)
    for source, value in (("option", given), ("workshop", workshop.date), ("brand", brand_date)):
        if value is not None:
            return value, source
    kept = kept_date(folder)
    return (kept, "kept") if kept is not None else (today or date.today(), "today")


def check_folder_owner(folder: Path, survey: Survey, replace: bool) -> None:
    """Refuse a folder that holds another workshop's reports: no leader shared, built from another file.

    With replace, that workshop's reports and records are removed first, its cover date with them
    (its delivery.csv stays: it names none of the new leaders, and still says whom their reports went to).
    """
    try:
        rows = read_manifest(folder) or []
        built = read_build_info(folder)
    except OutputError:
        return  # build says what is wrong with a damaged manifest as it always has
    emails = {email_key(row.email) for row in rows if row.email}
    if not emails or emails & {o.response.email_key for o in survey.outcomes if o.response.email}:
        return
    source = Path(built.survey) if built.survey else None
    if source is not None and source == survey.path.resolve():
        return
    if replace:
        names = [row.pdf for row in rows if row.status == "rendered" and row.pdf and Path(row.pdf).name == row.pdf]
        for name in (*names, "cohort.pdf", "print.pdf", "scores.xlsx", "build.json", "manifest.csv"):
            (folder / name).unlink(missing_ok=True)
        return
    what = f"{source.name}, built {built.built}" if source is not None and built.built else "another export"
    raise OutputError(
        f"This folder holds the reports of {what}, {len(emails)} leaders, none of whom is in "
        f"{survey.path.name}: it belongs to another workshop, and its date would go on the new covers.",
        fix=f"Use a new folder (reportgen new FOLDER), or give --replace to remove those reports and build "
        f"{survey.path.name} into {folder.name}/.",
        file=folder,
    )
