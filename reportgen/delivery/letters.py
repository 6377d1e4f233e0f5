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
from ..output.manifest import ManifestRow
from .log import sent_before
from .mailer import compose, sender

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
    action: str = "send"  # send, skip, changed, failed
    reason: str = ""
    leader_id: str = ""  # the id build wrote into the PDF, from the manifest


def plan(folder: Path, rows: list[ManifestRow] | None, resend: tuple[str, ...] = ()) -> list[Letter]:
    """Every rendered report of the manifest with what to do with it, checked against delivery.csv."""
    if rows is None:
        raise SendError(
            "The folder has no manifest.csv, so there is nothing to send.",
            fix="Give the folder that reportgen build wrote the reports into.",
            file=folder,
        )
    sent = sent_before(folder)
    again = {email_key(address) for address in resend}
    letters = []
    for row in rows:
        if row.status != "rendered":
            continue
        letter = Letter(row.source_row, row.name, row.email, row.pdf, row.language or "da", leader_id=row.leader_id)
        path = folder / row.pdf
        if Path(row.pdf).name != row.pdf or not path.is_file():
            letters.append(replace(letter, action="failed", reason=f"{row.pdf} is missing; run build again"))
            continue
        data = path.read_bytes()
        letter = replace(letter, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        earlier = sent.get(email_key(row.email))
        if email_key(row.email) in again:
            pass
        elif earlier is not None and earlier["sha256"] == letter.sha256:
            letter = replace(letter, action="skip", reason=f"already sent {earlier['time']}")
        elif earlier is not None:
            letter = replace(letter, action="changed", reason=f"changed since it was sent {earlier['time']}; not sent")
        letters.append(letter)
    return letters


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
            "title": self.titles[lang], "workshop": self.workshop, "organisation": self.organisation,
            "name": letter.name, "email": letter.email, "sender_name": name or address,
        }  # fmt: skip
        return self.templates.render(lang, values)

    def message(self, letter: Letter, to: str, pdf: bytes) -> EmailMessage:
        """The message to `to` (the leader, or --to-me) with this leader's PDF attached."""
        return compose(letter.name, letter.email, to, pdf, letter.pdf, self.text(letter), self.options)
