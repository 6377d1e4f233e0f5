"""send: each leader's report by mail, at most once, or as drafts, from the folder build wrote.

`send(request)` is the whole command: lock the folder, plan the letters from the manifest,
then mark, write drafts, dry-run or send, and say what changed in delivery.csv.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..brand import brand_or_bundled
from ..config import bundled_templates, check_options, send_options
from ..delivery import send as delivery
from ..delivery.addresses import AddressError, parse_address
from ..delivery.drafts import EmlFolder
from ..delivery.letters import PLACEHOLDER_SENDER, Letter, MailText, Preview, hold_drafted, log_notes, plan
from ..delivery.log import DELIVERY, keep_previous, read_history, record, record_drafts
from ..delivery.mailer import sender
from ..delivery.oauth import IdentityProvider
from ..delivery.ports import Clock
from ..delivery.send import Summary
from ..delivery.transport import mailbox_drafts, open_transport
from ..errors import ReportgenError, SendError
from ..models import email_key
from ..output.lock import folder_lock as lock
from ..output.manifest import changes_since, read_build_info, read_manifest
from ..render.templates import MailTemplates
from ..survey.instrument import load_instrument
from ..workshop.status import LeaderStatus
from .workshop import mail_settings, without_report

Mode = Literal["dry", "eml", "mailbox", "send"]


@dataclass(frozen=True)
class SendRequest:
    """What the facilitator asked of `reportgen send`."""

    folder: Path
    mode: Mode = "dry"
    eml_dir: Path | None = None  # mode "eml": where the drafts go
    to_me: str | None = None  # a test run: one sample to this address instead ("": the sender's own)
    every: bool = False  # with to_me: every report to that address, not one sample (--all)
    resend: tuple[str, ...] = ()
    mark_sent: tuple[str, ...] = ()
    brand_dir: Path | None = None
    config: Path | None = None
    given: dict[str, object] = field(default_factory=dict)  # the mail options given on the command line
    password: Callable[[], str | None] = lambda: None
    on_letter: Callable[[Letter], None] | None = None  # hears each letter as it is sent
    clock: Clock | None = None
    identity: IdentityProvider | None = None  # where access tokens come from; None: the settings say
    include_drafted: bool = False  # send also the reports whose draft (.eml, or in the mailbox) was written earlier
    force: bool = False  # mode "eml": replace drafts of the same names


@dataclass(frozen=True)
class SendResult:
    """What a send run did or would do, for the console to say."""

    summary: Summary
    to_me: str | None  # the test address used, the sender's own for --to-me alone
    mail: MailText  # the mail texts (with a placeholder sender in a dry run without --from)
    wrote_log: bool  # whether delivery.csv changed
    sample: Preview | None  # a dry run's first message in full
    changes: dict[int, tuple[str, ...] | None]  # by source row: what changed since a report was sent
    # Every leader without a report: of the export (invalid, duplicate …, with why) and invited, not answered.
    without_report: tuple[LeaderStatus, ...] = ()
    notes: tuple[str, ...] = ()  # about delivery.csv: a cut last line set aside


def send(request: SendRequest) -> SendResult:
    """The whole `reportgen send`: one run per folder, at most one message per leader."""
    # One run per folder: a second `send --send` at once would mail everyone twice.
    with folder_lock(request.folder, _command(request)):
        again = request.include_drafted or request.mode in ("eml", "mailbox")  # a draft may be written again
        run = prepare_send(
            request.folder, request.brand_dir, request.config, request.given, request.resend, request.mark_sent, again
        )
        log_before = log_state(request.folder)
        if request.mark_sent:
            run = mark_sent(run, request.mark_sent)
        sample, mail = None, run.mail
        to_me = test_address(run, request.to_me)
        if request.mode == "eml":
            assert request.eml_dir is not None
            summary = write_drafts(run, request.eml_dir, request.force)
        elif request.mode == "mailbox":
            drafts = mailbox_drafts(run.mail.options, request.identity)
            summary = delivery.write_drafts(run.folder, drafts, run.letters, run.mail.message)
            record_drafts(run.folder, summary.drafts, "the mailbox's Drafts folder")
        elif request.mode == "dry":
            summary = dry_run(run)
            sample, mail = preview(run, summary, to_me), sample_mail(run)
        else:
            summary = deliver(
                run, request.password, to_me, request.on_letter, request.clock, request.identity, request.every
            )
        wrote = log_state(request.folder) != log_before
        changes = changed_parts(run, summary)
        return SendResult(
            summary, to_me, mail, wrote, sample, changes, tuple(without_report(request.folder)), run.notes
        )


def _command(request: SendRequest) -> str:
    """The command as the lock names it to a second run."""
    if request.mode == "eml":
        return f"reportgen send --eml {request.eml_dir}"
    if request.mode == "mailbox":
        return "reportgen send --drafts-to-mailbox"
    return "reportgen send" + (" --send" if request.mode == "send" else "")


@dataclass(frozen=True)
class SendRun:
    """A folder ready to send from: the merged options, the mail texts, and the plan."""

    folder: Path
    mail: MailText
    letters: list[Letter]
    notes: tuple[str, ...] = ()  # about delivery.csv: a cut last line set aside


@contextmanager
def folder_lock(folder: Path, command: str) -> Iterator[None]:
    """Hold the output folder's lock for `command` (e.g. "reportgen send --send"); OutputError if another run has it.

    A folder that does not exist holds nothing to protect; the command then says what is missing.
    """
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
    built = read_build_info(folder)
    brand = brand_or_bundled(brand_dir or (Path(built.brand) if built.brand else None))
    check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    config, defaults, workshop = mail_settings(folder, config, dict(brand.mail), brand.workshop)
    options = send_options(given, config, defaults)
    instrument = load_instrument(Path(built.instrument) if built.instrument else None)
    templates = MailTemplates([d for d in (brand.template_dir, bundled_templates()) if d.is_dir()])
    titles = {lang: instrument.title[lang] for lang in instrument.languages}
    mail = MailText(templates, titles, workshop, brand.organisation, options)
    rows = read_manifest(folder)
    letters = plan(folder, rows, resend, marked)
    held = letters if include_drafted else hold_drafted(folder, letters, resend)
    return SendRun(folder, mail, held, log_notes(folder, rows))


def mark_sent(run: SendRun, emails: tuple[str, ...]) -> SendRun:
    """Record these leaders' reports as sent without sending them (--mark-sent): their Sent folder shows they went."""
    keys = {email_key(email) for email in emails}
    chosen = [letter for letter in run.letters if email_key(letter.email) in keys]
    missing = [letter for letter in chosen if not letter.sha256]
    if missing:
        raise ReportgenError(
            f"The report of {missing[0].email} cannot be marked as sent: {missing[0].reason}.",
            fix="Run build again, then mark it.",
            file=run.folder / missing[0].pdf,
        )
    keep_previous(run.folder)
    for letter in chosen:
        record(run.folder, letter, "marked", "", "marked as sent by hand (--mark-sent)", run.mail.message_id(letter))
    letters = [
        replace(letter, action="marked", reason="recorded as sent; not sent again")
        if email_key(letter.email) in keys
        else letter
        for letter in run.letters
    ]
    return replace(run, letters=letters)


def deliver(
    run: SendRun,
    password: Callable[[], str | None],
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    clock: Clock | None = None,
    identity: IdentityProvider | None = None,
    every: bool = False,
) -> Summary:
    """Send for real: each planned letter once, logged in delivery.csv; a test sends one sample unless `every`."""
    letters = run.letters
    if to_me is not None:
        try:
            parse_address(to_me)
        except AddressError as error:
            raise SendError(f"--to-me {to_me} is not an address: {error}", fix="Give your own address.") from None
        if not every:
            letters = [letter for letter in letters if letter.action == "send"][:1]
    mailer = open_transport(run.mail.options, password, identity)
    return delivery.deliver(run.folder, letters, run.mail.message, mailer, run.mail.options, to_me, on_letter, clock)


def test_address(run: SendRun, to_me: str | None) -> str | None:
    """--to-me's address: the one given, or (--to-me alone) the sender's own; None when not testing."""
    if to_me != "":
        return to_me
    if "@" not in run.mail.options.sender:
        raise SendError(
            "--to-me without an address sends to the sender, and no sender is given.",
            fix='Give --to-me YOUR@ADDRESS, or --from "Name <address>".',
        )
    return sender(run.mail.options)[1]


def dry_run(run: SendRun) -> Summary:
    """What a real run would send, each PDF's owner checked; nothing sent."""
    return delivery.dry_run(run.folder, run.letters)


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
    history = read_history(run.folder, (letter.email for letter in summary.changed))
    changes = {}
    for letter in summary.changed:
        sent = history.of(letter.email).sent
        if sent is not None:
            changes[letter.source_row] = changes_since(run.folder, sent.sha256, letter.sha256)
    return changes


def log_state(folder: Path) -> tuple[int, int] | None:
    """delivery.csv's size and modification time, to tell whether a run wrote to it; None when there is none."""
    try:
        status = (folder / DELIVERY).stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def write_drafts(run: SendRun, target: Path, force: bool = False) -> Summary:
    """One .eml draft per letter to send, instead of sending; each recorded in delivery.csv as `draft`.

    Drafts already in the folder (perhaps edited) are replaced only with force.
    """
    box = EmlFolder(target)
    box.refuse_replacing(run.letters, force)
    target.mkdir(parents=True, exist_ok=True)
    summary = delivery.write_drafts(run.folder, box, run.letters, run.mail.message)
    record_drafts(run.folder, summary.drafts, target)
    return summary
