"""What to send: one letter per rendered report of the manifest, checked against delivery.csv, and its text."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import SendOptions
from ..errors import SendError
from ..models import email_key
from ..output.manifest import ManifestRow, read_build_info
from .addresses import AddressError, parse_address
from .log import Damaged, read_history
from .mailer import compose, message_id, sender

if TYPE_CHECKING:
    from email.message import EmailMessage


@dataclass(frozen=True)
class Letter:
    """One leader's report and what becomes of it in this run."""

    source_row: int
    name: str
    email: str
    pdf: str
    language: str
    sha256: str = ""
    size: int = 0
    action: str = "send"  # send, skip, changed, failed, unknown, drafted
    reason: str = ""
    leader_id: str = ""  # the id build wrote into the PDF, from the manifest
    built_for: str = ""  # the address build made the report for (build.json), whatever the manifest says now


def plan(
    folder: Path, rows: list[ManifestRow] | None, resend: tuple[str, ...] = (), marked: tuple[str, ...] = ()
) -> list[Letter]:
    """Every rendered report of the manifest with what to do with it, checked against delivery.csv."""
    if rows is None:
        raise SendError(
            "The folder has no manifest.csv, so there is nothing to send.",
            fix="Give the folder that reportgen build wrote the reports into.",
            file=folder,
        )
    rendered = [row for row in rows if row.status == "rendered"]
    _check_asked(folder, rendered, resend, marked)
    history = read_history(folder, (row.email for row in rendered))
    if history.unattributed:
        lines = ", ".join(f"line {d.line} ({d.problem})" for d in history.unattributed)
        raise SendError(
            f"The delivery log has damaged lines that name none of the leaders: {lines}. reportgen cannot tell "
            "whose message such a line was about, so it sends nothing rather than mail someone twice.",
            fix="Open delivery.csv and look at those lines: if you can tell whose they are, check your Sent folder "
            "for that leader's report, then delete the line and run send with --mark-sent EMAIL (it went) or "
            "--resend EMAIL (it did not); if a line is not about a message at all, delete it.",
            file=folder / "delivery.csv",
        )
    again = {email_key(address) for address in resend}
    built_for = read_build_info(folder).addresses
    letters = []
    for row in rendered:
        address = built_for.get(row.leader_id, "")
        letter = Letter(row.source_row, row.name, row.email, row.pdf, row.language or "da", leader_id=row.leader_id)
        letter = replace(letter, built_for=address)
        path = folder / row.pdf
        if Path(row.pdf).name != row.pdf or not path.is_file():
            letters.append(replace(letter, action="failed", reason=f"{row.pdf} is missing; run build again"))
            continue
        data = path.read_bytes()
        letter = replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        try:
            parse_address(row.email)
        except AddressError as error:
            letters.append(replace(letter, action="failed", reason=f"not an address mail can be sent to: {error}"))
            continue
        state = history.of(row.email)
        earlier = state.sent
        if email_key(row.email) in again:
            pass
        elif isinstance(state.unknown, Damaged):
            reason = f"line {state.unknown.line} of delivery.csv about this leader is damaged ({state.unknown.problem})"
            letter = replace(letter, action="unknown", reason=reason)
        elif state.unknown is not None:
            entry = state.unknown
            reason = f"handed to the server {entry.time} as {entry.message_id or 'a message'}, its answer never came"
            letter = replace(letter, action="unknown", reason=reason)
        elif earlier is not None and earlier.sha256 == letter.sha256:
            how = "marked as sent" if earlier.status == "marked" else "already sent"
            letter = replace(letter, action="skip", reason=f"{how} {earlier.time}")
        elif earlier is not None:
            letter = replace(letter, action="changed", reason=f"changed since it was sent {earlier.time}; not sent")
        letters.append(letter)
    return letters


def log_notes(folder: Path, rows: list[ManifestRow] | None) -> tuple[str, ...]:
    """What the run should say about delivery.csv beyond each leader's line: a last line set aside."""
    cut = read_history(folder, (row.email for row in rows or [])).set_aside
    if cut is None:
        return ()
    return (
        f"line {cut.line} of delivery.csv is cut short before it names a leader (the disk was full, or the "
        "computer stopped, while it was written); it is set aside: its write never finished, so the message it "
        "was about was never handed to the server (reportgen writes that line first)",
    )


def hold_drafted(folder: Path, letters: list[Letter], resend: tuple[str, ...] = ()) -> list[Letter]:
    """The letters to send whose .eml draft was written earlier (send --eml), held back as "drafted".

    The facilitator may have sent the draft from their own mail program; --include-drafted (not
    calling this) or --resend sends it all the same.
    """
    history = read_history(folder, (letter.email for letter in letters))
    again = {email_key(address) for address in resend}
    held = []
    for letter in letters:
        drafted = history.of(letter.email).drafted
        if letter.action == "send" and drafted is not None and email_key(letter.email) not in again:
            reason = f"a draft was written {drafted.time} (--eml); --include-drafted sends it too"
            letter = replace(letter, action="drafted", reason=reason)
        held.append(letter)
    return held


def _check_asked(folder: Path, rendered: list[ManifestRow], resend: tuple[str, ...], marked: tuple[str, ...]) -> None:
    """Every leader named by --resend or --mark-sent has a report here, and none is named by both."""
    keys = {email_key(row.email) for row in rendered}
    unknown = [address for address in (*resend, *marked) if email_key(address) not in keys]
    both = {email_key(a) for a in resend} & {email_key(a) for a in marked}
    if unknown:
        raise SendError(
            f"No rendered report in this folder belongs to {', '.join(unknown)}.",
            fix="Give the e-mail address as it is in manifest.csv (case and spaces do not matter).",
            file=folder,
        )
    if both:
        raise SendError(
            f"{', '.join(sorted(both))} is given to both --resend and --mark-sent.",
            fix="Give --mark-sent when your Sent folder shows the report went, --resend when it did not.",
            file=folder,
        )


class TextTemplates(Protocol):
    """The mail templates: (subject, body) in a language from the letter's values."""

    def render(self, lang: str, values: dict[str, Any]) -> tuple[str, str]:
        """(subject, body) in the language."""


@dataclass(frozen=True)
class MailText:
    """Each leader's mail, in the language of their report, with the title of the instrument it was built with."""

    templates: TextTemplates
    titles: Mapping[str, str]  # the instrument's title per language; the first language is the fallback
    workshop: str
    organisation: str
    options: SendOptions

    def text(self, letter: Letter) -> tuple[str, str]:
        """(subject, body) for this leader."""
        lang = letter.language if letter.language in self.titles else next(iter(self.titles))
        name, address = sender(self.options)
        values = {
            "title": self.titles[lang],
            "workshop": self.workshop,
            "organisation": self.organisation,
            "name": letter.name,
            "email": letter.email,
            "sender_name": name or address,
        }
        return self.templates.render(lang, values)

    def message(self, letter: Letter, to: str, pdf: bytes) -> EmailMessage:
        """The message to `to` (the leader, or --to-me) with this leader's PDF attached."""
        identity = self.message_id(letter, test=to != letter.email)
        return compose(letter.name, letter.email, to, pdf, letter.pdf, self.text(letter), self.options, identity)

    def message_id(self, letter: Letter, test: bool = False) -> str:
        """The Message-ID of this leader's mail with this PDF: the same each time, so that a resend is recognisable."""
        return message_id(letter.leader_id, letter.sha256, self.options, test)


@dataclass(frozen=True)
class Preview:
    """A dry run's sample: one message as it would go out, and what a real send still needs."""

    headers: tuple[tuple[str, str], ...]  # From, To, Subject, Date; () when nothing is planned
    body: str
    attachment: str  # the file name and size
    missing: tuple[str, ...]  # options a real send needs and has not got: "--from", "--smtp-host"


PLACEHOLDER_SENDER = '"(not given: use --from)" <sender-not-given@example.com>'  # a reserved domain no mail reaches
