"""remind: a reminder to each invited leader who has not answered, with the survey link and the deadline.

`remind(request)` is the whole command: lock the folder, find who has not answered (the invited
list against manifest.csv), then dry-run, write drafts or send, each reminder logged in delivery.csv.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..brand import brand_or_bundled
from ..config import SendOptions, bundled_templates, check_options, send_options
from ..delivery import remind as delivery
from ..delivery.letters import PLACEHOLDER_SENDER
from ..delivery.mailer import Mailer, compose_text, sender
from ..delivery.remind import Reminder, RemindSummary
from ..delivery.send import Clock, SystemClock
from ..errors import SendError
from ..models import Brand
from ..output.manifest import read_build_info, read_manifest
from ..render.templates import MailTemplates
from ..report.content import load_content, long_date
from ..workshop.invited import Invited, InvitedList
from ..workshop.roster import Answer, compare
from ..workshop.settings import Workshop
from .send import folder_lock
from .workshop import invited_list, mail_settings, read_workshop

if TYPE_CHECKING:
    from email.message import EmailMessage

Mode = Literal["dry", "eml", "send"]


@dataclass(frozen=True)
class RemindRequest:
    """What the facilitator asked of `reportgen remind`."""

    folder: Path
    mode: Mode = "dry"
    eml_dir: Path | None = None
    invited: Path | None = None
    survey_link: str | None = None
    language: str | None = None
    again: bool = False  # remind also those reminded earlier today
    include_drafted: bool = False  # send also the reminders drafted today
    brand_dir: Path | None = None
    config: Path | None = None
    given: dict[str, object] = field(default_factory=dict)  # the mail options given on the command line
    password: Callable[[], str | None] = lambda: None
    clock: Clock | None = None
    today: date | None = None


@dataclass(frozen=True)
class RemindResult:
    """What a reminder run did or would do, for the console to say."""

    summary: RemindSummary
    workshop: Workshop
    survey_link: str
    sample: tuple[tuple[str, str], ...] = ()  # a dry run's first reminder: From, To, Subject, and the body


def remind(request: RemindRequest) -> RemindResult:
    """The whole `reportgen remind`: one run per folder, each leader reminded at most once a day."""
    command = "reportgen remind" + (f" --eml {request.eml_dir}" if request.eml_dir else "")
    with folder_lock(request.folder, command + (" --send" if request.mode == "send" else "")):
        workshop = read_workshop(request.folder)
        listed = invited_list(request.folder, request.invited)
        link = request.survey_link or workshop.survey_link
        _check_asked(request.folder, listed, link)
        assert listed is not None
        options, compose = _mail(request, workshop, link)
        day = request.today or date.today()
        waiting = [
            Reminder(leader.row, leader.name, leader.email, action, why)
            for leader, action, why in _waiting(request.folder, listed)
        ]
        planned = delivery.plan_reminders(request.folder, waiting, day, request.again, request.include_drafted)
        if request.mode == "eml":
            assert request.eml_dir is not None
            summary = delivery.write_drafts(request.folder, request.eml_dir, planned, lambda r: compose(r, day))
        elif request.mode == "send":
            mailer = Mailer(options, request.password)
            clock = request.clock or SystemClock()
            summary = delivery.send_reminders(
                request.folder, planned, lambda r: compose(r, day), mailer, options, clock
            )
        else:
            summary = delivery.dry_run(planned)
            return RemindResult(summary, workshop, link, _sample(request, workshop, link, summary, day))
    return RemindResult(summary, workshop, link)


def _sample(
    request: RemindRequest, workshop: Workshop, link: str, summary: RemindSummary, day: date
) -> tuple[tuple[str, str], ...]:
    """The first planned reminder as it would go out, with a placeholder sender when none is given."""
    if not summary.planned:
        return ()
    options = _mail(request, workshop, link)[0]
    given = request.given if "@" in options.sender else {**request.given, "sender": PLACEHOLDER_SENDER}
    _, compose = _mail(replace(request, given=given), workshop, link)
    message = compose(summary.planned[0], day)
    body = message.get_body(preferencelist=("plain",))
    headers = tuple((key, str(message[key])) for key in ("From", "To", "Subject"))
    return (*headers, ("", str(body.get_content()) if body is not None else ""))


def _check_asked(folder: Path, listed: InvitedList | None, link: str) -> None:
    """A list of invited leaders and a survey link, or the error that says how to give them."""
    if listed is None:
        raise SendError(
            "There is no list of invited leaders, so reportgen cannot tell who has not answered.",
            fix="Put invited.xlsx or invited.csv (name and e-mail of each leader) in the workshop folder, "
            "or give --invited FILE.",
            file=folder,
        )
    if not link:
        raise SendError(
            "No survey link is given, and a reminder without it does not help.",
            fix="Give --survey-link URL, or set survey_link in the [workshop] table of reportgen.toml.",
            file=folder,
        )


def _waiting(folder: Path, listed: InvitedList) -> list[tuple[Invited, str, str]]:
    """Each invited leader without an answer in manifest.csv; one whose answer may carry a typo is held back."""
    rows = read_manifest(folder) or []
    roster = compare(listed.leaders, (Answer(row.source_row, row.name, row.email) for row in rows))
    waiting: list[tuple[Invited, str, str]] = []
    for leader in roster.not_answered:
        probable = roster.probably(leader)
        if probable is None:
            waiting.append((leader, "remind", ""))
        else:
            address = probable.email or "no e-mail address"
            reason = f"row {probable.row} answered as {address}, the same leader? check that row; not reminded"
            waiting.append((leader, "held", reason))
    return waiting


def _brand(request: RemindRequest) -> Brand:
    built = read_build_info(request.folder) if request.folder.is_dir() else None
    return brand_or_bundled(request.brand_dir or (Path(built.brand) if built and built.brand else None))


def _mail(
    request: RemindRequest, workshop: Workshop, link: str
) -> tuple[SendOptions, Callable[[Reminder, date], EmailMessage]]:
    """The send options (command line, reportgen.toml, the workshop's sender, the brand) and the composer."""
    brand = _brand(request)
    check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    config, defaults, _ = mail_settings(request.folder, request.config, dict(brand.mail), "")
    options = send_options(request.given, config, defaults)
    dirs = [*([brand.template_dir] if brand.template_dir.is_dir() else []), bundled_templates()]
    templates = MailTemplates(dirs)
    lang = request.language or brand.default_language or "da"
    content = load_content(dirs, (lang,))[lang]

    def compose(reminder: Reminder, day: date) -> EmailMessage:
        name, address = sender(options)
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
            "sender_name": name or address,
        }
        text = templates.reminder(lang, values)
        return compose_text(reminder.name, reminder.email, text, options, reminder.message_id(options, day))

    return options, compose
