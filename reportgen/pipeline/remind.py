"""remind: a reminder to each invited leader who has not answered, with the survey link and the deadline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import bundled_templates
from ..errors import SendError
from .build import load_brand
from .workshop import invited_list, read_workshop

if TYPE_CHECKING:
    from email.message import EmailMessage

    from ..config import SendOptions
    from ..delivery.remind import Reminder, RemindSummary
    from ..delivery.send import Clock
    from ..workshop.invited import Invited, InvitedList
    from ..workshop.settings import Workshop


@dataclass(frozen=True)
class RemindRun:
    """A folder ready to remind from: the merged options, the reminders planned, and how to write each."""

    folder: Path
    workshop: Workshop
    options: SendOptions
    planned: list[Reminder]
    compose: Callable[[Reminder], EmailMessage]
    invited: Path


@dataclass(frozen=True)
class RemindAsk:
    """What the command line asks of remind."""

    invited: Path | None = None
    survey_link: str | None = None
    language: str | None = None
    again: bool = False
    include_drafted: bool = False
    brand: Path | None = None
    config: Path | None = None


def prepare_remind(folder: Path, ask: RemindAsk, given: dict[str, object], today: date | None = None) -> RemindRun:
    """Who to remind, and the text of each reminder, from the folder, its reportgen.toml and the brand."""
    from ..delivery.remind import Reminder, plan_reminders

    workshop = read_workshop(folder)
    listed = invited_list(folder, ask.invited)
    if listed is None:
        raise SendError(
            "There is no list of invited leaders, so reportgen cannot tell who has not answered.",
            fix="Put invited.xlsx or invited.csv (name and e-mail of each leader) in the workshop folder, "
            "or give --invited FILE.",
            file=folder,
        )
    link = ask.survey_link or workshop.survey_link
    if not link:
        raise SendError(
            "No survey link is given, and a reminder without it does not help.",
            fix="Give --survey-link URL, or set survey_link in the [workshop] table of reportgen.toml.",
            file=folder,
        )
    options, compose = _mail(folder, ask, given, workshop, link)
    waiting = _waiting(folder, listed)
    day = today or date.today()
    reminders = [Reminder(leader.row, leader.name, leader.email, action, reason) for leader, action, reason in waiting]
    planned = plan_reminders(folder, reminders, day, ask.again, ask.include_drafted)
    return RemindRun(folder, workshop, options, planned, lambda r: compose(r, day), listed.path)


def _waiting(folder: Path, listed: InvitedList) -> list[tuple[Invited, str, str]]:
    """Each invited leader without an answer in manifest.csv; one whose answer may carry a typo is held back."""
    from ..output.manifest import read_manifest
    from ..workshop.roster import Answer, compare

    rows = read_manifest(folder) or []
    roster = compare(listed.leaders, (Answer(row.source_row, row.name, row.email) for row in rows))
    waiting: list[tuple[Invited, str, str]] = []
    for leader in roster.not_answered:
        probable = roster.probably(leader)
        if probable is None:
            waiting.append((leader, "remind", ""))
        else:
            reason = f"row {probable.row} answered as {probable.email}: the same leader with a typo? not reminded"
            waiting.append((leader, "held", reason))
    return waiting


def _mail(
    folder: Path, ask: RemindAsk, given: dict[str, object], workshop: Workshop, link: str
) -> tuple[SendOptions, Callable[[Reminder, date], EmailMessage]]:
    """The send options (command line, reportgen.toml, the workshop's sender, the brand) and the composer."""
    from ..config import check_options, send_options
    from ..delivery.mailer import compose_text, sender
    from ..output.manifest import read_build_info
    from ..report.content import load_content, long_date
    from ..report.templates import MailTemplates

    built = read_build_info(folder) if folder.is_dir() else None
    brand = load_brand(ask.brand or (Path(built.brand) if built and built.brand else None))
    check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    defaults = {**brand.mail, **({"from": workshop.sender} if workshop.sender else {})}
    config = ask.config or (folder / "reportgen.toml" if (folder / "reportgen.toml").is_file() else None)
    options = send_options(given, config, defaults)
    dirs = [brand.template_dir] if brand.template_dir.is_dir() else []
    templates = MailTemplates([*dirs, bundled_templates()])
    lang = ask.language or brand.default_language or "da"
    content = load_content([*dirs, bundled_templates()], (lang,))[lang]

    def compose(reminder: Reminder, day: date) -> EmailMessage:
        values = {
            "name": reminder.name,
            "email": reminder.email,
            "workshop": workshop.name or brand.workshop,
            "date": long_date(workshop.date, content) if workshop.date else "",
            "place": workshop.place,
            "deadline": long_date(workshop.deadline, content) if workshop.deadline else "",
            "survey_link": link,
            "facilitator": workshop.facilitator,
            "contact": workshop.contact,
            "organisation": brand.organisation,
            "sender_name": sender(options)[0] or sender(options)[1],
        }
        text = templates.reminder(lang, values)
        return compose_text(reminder.name, reminder.email, text, options, reminder.message_id(options, day))

    return options, compose


def remind_dry_run(run: RemindRun) -> RemindSummary:
    """Who a real run would remind; nothing sent or recorded."""
    from ..delivery.remind import dry_run

    return dry_run(run.planned)


def remind_drafts(run: RemindRun, target: Path) -> RemindSummary:
    """One .eml draft per reminder, recorded."""
    from ..delivery.remind import write_drafts

    return write_drafts(run.folder, target, run.planned, run.compose)


def remind_send(run: RemindRun, password: Callable[[], str | None], clock: Clock | None = None) -> RemindSummary:
    """Send the reminders for real, each logged."""
    from ..delivery.mailer import Mailer
    from ..delivery.remind import send_reminders
    from ..delivery.send import SystemClock

    return send_reminders(
        run.folder, run.planned, run.compose, Mailer(run.options, password), run.options, clock or SystemClock()
    )
