"""send: what to deliver, from the folder build wrote; dry run, drafts, the real thing, marks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import bundled_templates
from ..errors import ReportgenError
from ..models import Outcome
from .build import load_brand
from .workshop import mail_settings

if TYPE_CHECKING:
    from ..delivery.letters import Letter, MailText
    from ..delivery.send import Clock, Summary

ProgressCallback = Callable[[int, int, Outcome], None]
StageCallback = Callable[[str, int], None]
INTERRUPTED = "interrupted before it was rendered; run build again"


# --- send ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendRun:
    """A folder ready to send from: the merged options, the mail texts, and the plan."""

    folder: Path
    mail: MailText
    letters: list[Letter]


@contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the output folder's lock for `command` (e.g. "reportgen send --send"); OutputError if another run has it.

    A folder that does not exist holds nothing to protect; the command then says what is missing.
    """
    from ..output.lock import folder_lock as lock

    if not folder.is_dir():
        yield
        return
    with lock(folder, command):
        yield


def prepare_send(
    folder: Path,
    brand_dir: Path | None,
    config: Path | None,
    given: dict[str, object],
    resend: tuple[str, ...] = (),
    marked: tuple[str, ...] = (),
    include_drafted: bool = False,
) -> SendRun:
    """Options from the command line, else reportgen.toml, else the brand; mail in the build's instrument and brand."""
    from ..config import check_options, send_options
    from ..delivery.letters import MailText, plan
    from ..output.manifest import read_build_info, read_manifest
    from ..report.templates import MailTemplates
    from ..survey.instrument import load_instrument

    built = read_build_info(folder)
    brand = load_brand(brand_dir or (Path(built.brand) if built.brand else None))
    check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    config, defaults, workshop = mail_settings(folder, config, dict(brand.mail), brand.workshop)
    options = send_options(given, config, defaults)
    instrument = load_instrument(Path(built.instrument) if built.instrument else None)
    templates = MailTemplates([d for d in (brand.template_dir, bundled_templates()) if d.is_dir()])
    titles = {lang: instrument.title[lang] for lang in instrument.languages}
    mail = MailText(templates, titles, workshop, brand.organisation, options)
    return SendRun(folder, mail, plan(folder, read_manifest(folder), resend, marked, include_drafted))


def mark_sent(run: SendRun, emails: tuple[str, ...]) -> SendRun:
    """Record these leaders' reports as sent without sending them (--mark-sent): their Sent folder shows they went."""
    from ..delivery.log import record
    from ..models import email_key

    keys = {email_key(email) for email in emails}
    chosen = [letter for letter in run.letters if email_key(letter.email) in keys]
    missing = [letter for letter in chosen if not letter.sha256]
    if missing:
        raise ReportgenError(
            f"The report of {missing[0].email} cannot be marked as sent: {missing[0].reason}.",
            fix="Run build again, then mark it.",
            file=run.folder / missing[0].pdf,
        )
    for letter in chosen:
        record(run.folder, letter, "marked", "", "marked as sent by hand (--mark-sent)", run.mail.message_id(letter))
    letters = [
        replace(letter, action="marked", reason="recorded as sent; not sent again")
        if email_key(letter.email) in keys
        else letter
        for letter in run.letters
    ]
    return replace(run, letters=letters)


def send(
    run: SendRun,
    password: Callable[[], str | None],
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    clock: Clock | None = None,
) -> Summary:
    """Send for real: each planned letter once, logged in delivery.csv."""
    from ..delivery.addresses import AddressError, parse_address
    from ..delivery.mailer import Mailer
    from ..delivery.send import deliver
    from ..errors import SendError

    if to_me is not None:
        try:
            parse_address(to_me)
        except AddressError as error:
            raise SendError(f"--to-me {to_me} is not an address: {error}", fix="Give your own address.") from None

    mailer = Mailer(run.mail.options, password)
    return deliver(run.folder, run.letters, run.mail.message, mailer, run.mail.options, to_me, on_letter, clock)


def dry_run(run: SendRun) -> Summary:
    """What a real run would send, each PDF's owner checked; nothing sent."""
    from ..delivery.send import dry_run as planned

    return planned(run.folder, run.letters)


@dataclass(frozen=True)
class Preview:
    """A dry run's sample: one message as it would go out, and what a real send still needs."""

    headers: tuple[tuple[str, str], ...]  # From, To, Subject, Date; () when nothing is planned
    body: str
    attachment: str  # the file name and size
    missing: tuple[str, ...]  # options a real send needs and has not got: "--from", "--smtp-host"


PLACEHOLDER_SENDER = '"(not given: use --from)" <sender-not-given@example.com>'  # a reserved domain no mail reaches


def preview(run: SendRun, summary: Summary, to_me: str | None = None) -> Preview:
    """The first planned message in full (with a placeholder sender when none is given), if any is planned."""
    options = run.mail.options
    missing = tuple(
        option for option, value in (("--from", "@" in options.sender), ("--smtp-host", options.smtp_host)) if not value
    )
    if not summary.planned:
        return Preview((), "", "", missing)
    letter = summary.planned[0]
    mail = sample_mail(run)
    pdf = (run.folder / letter.pdf).read_bytes()
    message = mail.message(letter, to_me or letter.email, pdf)
    headers = tuple((key, str(message[key])) for key in ("From", "To", "Subject", "Date") if message[key])
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return Preview(headers, str(text), f"{letter.pdf} ({len(pdf) / 1024:.0f} KB)", missing)


def sample_mail(run: SendRun) -> MailText:
    """The mail texts, with the placeholder sender when none is given, for a dry run's listing."""
    if "@" in run.mail.options.sender:
        return run.mail
    return replace(run.mail, options=replace(run.mail.options, sender=PLACEHOLDER_SENDER))


def changed_parts(run: SendRun, summary: Summary) -> dict[int, tuple[str, ...] | None]:
    """For each report that changed since it was sent (by source row): what it was built from that changed."""
    from ..delivery.log import read_history
    from ..output.manifest import changes_since

    history = read_history(run.folder, (letter.email for letter in summary.changed))
    changes = {}
    for letter in summary.changed:
        sent = history.of(letter.email).sent
        if sent is not None:
            changes[letter.source_row] = changes_since(run.folder, sent.sha256, letter.sha256)
    return changes


def log_state(folder: Path) -> tuple[int, int] | None:
    """delivery.csv's size and modification time, to tell whether a run wrote to it; None when there is none."""
    from ..delivery.log import DELIVERY

    try:
        status = (folder / DELIVERY).stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def write_drafts(run: SendRun, target: Path) -> Summary:
    """One .eml draft per letter to send, instead of sending; each recorded in delivery.csv as `draft`."""
    from ..delivery.log import record_drafts
    from ..delivery.send import write_drafts as drafts

    summary = drafts(run.folder, target, run.letters, run.mail.message)
    record_drafts(run.folder, summary.drafts, target)
    return summary
