"""The commands as short orchestrations of the stages: survey → scoring → report → output, and delivery.

The one entry point of the CLI and the tests. Each command imports the stages it uses when
it runs, so that `reportgen --help`, check and score never load WeasyPrint, pypdf or the mail stack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import Settings, bundled_templates
from .errors import InputError, ReportgenError
from .models import Brand, BuildResult, ColumnMap, Instrument, Outcome, Problem, Survey

if TYPE_CHECKING:
    from .delivery.letters import Letter, MailText
    from .delivery.send import Clock, Summary
    from .report import batch, plan
    from .report.batch import RendererSetup
    from .report.content import Content
    from .report.renderer import Renderer

ProgressCallback = Callable[[int, int, Outcome], None]
StageCallback = Callable[[str, int], None]
INTERRUPTED = "interrupted before it was rendered; run build again"


# --- check, score ------------------------------------------------------------------------


def read_survey(settings: Settings, complete: bool = True, absent: tuple[str, ...] = ()) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates.

    A scored question without a column stops it (InputError) unless `complete` is False
    (check lists the gap as its first problem); items the mapping file declares absent
    are left out of the instrument, so the scores are computed without them; so are `absent`
    (the items the current export lacks, when this is the --previous one: like is compared with like).
    """
    from .survey import mapper, reader, settle, sheets
    from .survey.instrument import load_instrument, without

    instrument = load_instrument(settings.instrument)
    check_language(settings.language, instrument, "--lang")
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        columns, rows = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        columns = replace(columns, absent=tuple(dict.fromkeys((*columns.absent, *absent))))
        gap = sheets.gaps(columns, instrument, settings.survey)
        if gap is not None and complete:
            raise gap
        instrument = without(instrument, columns.absent)
        if settings.group_by:
            columns = sheets.with_group_column(columns, settings.group_by, settings.survey)
        responses = [r for number, values in rows if (r := mapper.map_row(number, values, columns, instrument))]
        reading = book.reading
        cleaned = book.cleaned.get(columns.sheet, {})
    if not responses:
        raise sheets.no_answers(columns, settings.survey)
    responses, dates = mapper.settle_dates(responses, columns, settings.date_order)
    columns = replace(columns, notes=(*columns.notes, *dates))
    outcomes = _with_cleaned(settle.settle(responses, instrument), cleaned)
    if settings.previous is not None:
        outcomes = _with_previous(outcomes, settings, columns.absent)
    return Survey(settings.survey, instrument, columns, outcomes, reading=reading, gaps=gap.message if gap else "")


def _with_cleaned(outcomes: tuple[Outcome, ...], cleaned: dict[int, tuple[int, ...]]) -> tuple[Outcome, ...]:
    """A warning on each row whose cells held control characters, which the reader removed."""
    from .survey.headers import column_letter

    def warned(outcome: Outcome) -> Outcome:
        found = [
            Problem(outcome.source_row, column_letter(column), "control characters (such as NUL or ESC) removed")
            for column in cleaned.get(outcome.source_row, ())
        ]
        return replace(outcome, warnings=(*outcome.warnings, *found)) if found else outcome

    return tuple(warned(o) for o in outcomes)


def _with_previous(outcomes: tuple[Outcome, ...], settings: Settings, absent: tuple[str, ...]) -> tuple[Outcome, ...]:
    """Each leader's scores in the earlier export, matched by e-mail (case and spaces ignored).

    The questions this export did not ask are left out of the earlier scores too.
    """
    assert settings.previous is not None
    earlier = read_survey(
        replace(settings, survey=settings.previous, previous=None, sheet=None, mapping=None, group_by=None),
        absent=absent,
    )
    by_email = {o.response.email_key: o.assessment for o in earlier.outcomes if o.status == "ok" and o.assessment}
    return tuple(replace(o, previous=by_email.get(o.response.email_key)) for o in outcomes)


def score_records(settings: Settings) -> tuple[Survey, list[dict[str, object]]]:
    """Every row's scores, bands and reading order as `reportgen score` prints them."""
    from .output.records import score_records as records

    survey = read_survey(settings)
    step_ids = [step.id for step in survey.instrument.steps]
    return survey, records(survey.outcomes, step_ids, with_previous=settings.previous is not None)


def write_mapping(settings: Settings, target: Path) -> ColumnMap:
    """Write the columns as detected (or as the best header row matched them) to a mapping file to edit."""
    from .output.writer import write_atomic
    from .survey import mapping_file, reader, sheets
    from .survey.instrument import load_instrument

    if target.exists():
        raise InputError(
            "The mapping file already exists; reportgen does not overwrite it, as it may hold your edits.",
            fix="Delete it or give another file name to --write-mapping.",
            file=target,
        )
    instrument = load_instrument(settings.instrument)
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        try:
            columns, _ = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        except InputError:
            # Nothing complete: start the facilitator off from the header row that matched most.
            best = sheets.best_header(book, instrument, settings.sheet)
            if best is None:
                raise
            columns = best
    write_atomic(target, mapping_file.text(columns, instrument, settings.survey).encode("utf-8"))
    return columns


def check_language(language: str | None, instrument: Instrument, source: str) -> None:
    """A language the instrument has, or an error that says which it has."""
    if language is not None and language not in instrument.languages:
        raise ReportgenError(
            f'The language "{language}" is not one of the languages of the instrument '
            f"({', '.join(instrument.languages)}).",
            fix=f"Choose one of those with {source}.",
            file=instrument.source,
        )


def write_questionnaire(
    instrument: Path | None, lang: str, fmt: str, target: Path | None, brand_dir: Path | None
) -> Path:
    """The survey to set up in the facilitator's tool, written from the instrument file."""
    from .questionnaire import default_name
    from .questionnaire import write_questionnaire as write
    from .survey.instrument import load_instrument

    return write(load_instrument(instrument), lang, fmt, target or Path(default_name(lang, fmt)), brand_dir)


# --- build ---------------------------------------------------------------------------------


def load_brand(folder: Path | None) -> Brand:
    """The brand folder given, or the bundled brand."""
    from .report.brand import default_brand_dir
    from .report.brand import load_brand as load

    bundled = bundled_templates()
    return load(folder or default_brand_dir(bundled), bundled)


def check_brand(folder: Path) -> tuple[Brand, dict[str, float]]:
    """A brand folder checked as build would check it, and each colour's contrast on white."""
    from .report.brand import contrast_on_white

    brand = load_brand(folder)
    return brand, {name: contrast_on_white(value) for name, value in brand.colours.items()}


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    from .report.brand import init_brand

    return init_brand(folder, bundled_templates())


def build(
    settings: Settings, on_progress: ProgressCallback | None = None, on_stage: StageCallback | None = None
) -> BuildResult:
    """Render one report per valid leader into the output folder; write the manifest and scores.xlsx.

    `on_stage(stage, count)` hears "reading", "preparing" (count: leaders scored), "rendering"
    (count: reports to render) and "cohort", as each begins; `on_progress` each report's outcome.
    """
    from .output import writer
    from .output.lock import folder_lock
    from .report import batch

    stage = on_stage or _no_stage
    stage("reading", 0)
    brand = load_brand(settings.brand)
    survey = read_survey(settings)
    _check_only(settings.only, survey)
    # The input is good, so workers will most likely be needed: let them get ready meanwhile.
    batch.warm_up(settings.jobs or batch.default_jobs())
    stage("preparing", sum(o.status == "ok" for o in survey.outcomes))
    instrument = survey.instrument
    check_language(brand.default_language, instrument, "default_language in brand.toml")
    setup, contents = _renderer_setup(brand, instrument, settings)
    renderer = setup.create()  # fails on a broken template or stylesheet before anything is written
    output = writer.prepare_output(settings.output_dir)
    with folder_lock(output, "reportgen build"):
        return _build_into(output, settings, brand, survey, setup, renderer, contents, on_progress, stage)


def _build_into(
    output: Path,
    settings: Settings,
    brand: Brand,
    survey: Survey,
    setup: RendererSetup,
    renderer: Renderer,
    contents: dict[str, Content],
    on_progress: ProgressCallback | None,
    stage: StageCallback,
) -> BuildResult:
    """Build's writing part, with the output folder locked: two builds into one folder can't mix their reports."""
    from .output import manifest, writer
    from .output.workbook import write_scores
    from .report import plan
    from .report.files import write_html_assets

    instrument = survey.instrument
    writer.remove_temporaries(output)
    # Each leader's id in their PDF: the earlier run's, or a new random one.
    ids = manifest.leader_ids(output, (o.response.email for o in survey.outcomes))
    with_ids = [replace(o.response, leader_id=ids.get(o.response.email_key, "")) for o in survey.outcomes]
    survey = replace(
        survey, outcomes=tuple(replace(o, response=r) for o, r in zip(survey.outcomes, with_ids, strict=True))
    )
    if settings.output_format == "html":
        write_html_assets(output, renderer, contents, brand)
    language = settings.language or brand.default_language or instrument.languages[0]
    inputs = _plan_inputs(settings, survey, brand, contents, setup, language, output)
    planned = plan.plan_reports(survey.outcomes, inputs, output)
    cohort_task, cohort_note = _cohort(survey, settings, inputs, contents[language], language, output)
    stage("rendering", len(planned.tasks))
    if cohort_task is not None:  # rendered beside the leaders' reports, first in the queue
        stage("cohort", sum(o.status == "ok" and o.assessment is not None for o in survey.outcomes))
    rendering = _render(planned, cohort_task, setup, renderer, settings, on_progress)
    outcomes, interrupted, disk_full, cohort_result = rendering
    ordered = tuple(outcomes[o.source_row] for o in survey.outcomes)
    cohort = None
    if cohort_task is not None and cohort_result is None:
        cohort_note = "the build was stopped before it; the same command renders it"
    elif cohort_task is not None and cohort_result is not None and cohort_result.reason is None:
        cohort = cohort_task.path
    elif cohort_result is not None:
        cohort_note = f"it could not be rendered ({cohort_result.reason})"
    dialect = settings.csv_dialect or ("excel-da" if language == "da" else "excel")
    info = manifest.BuildInfo(
        _absolute(settings.instrument), _absolute(settings.brand), instrument.languages,
        date=inputs.run.report_date.isoformat(), reports=_report_history(output, ordered, inputs, brand, setup),
    )  # fmt: skip
    rendered = sum(o.status == "rendered" for o in ordered)
    listed = False  # whether manifest.csv lists this run's reports
    try:
        written = manifest.write_manifest(output, ordered, dialect)  # first: it says which reports are whole
        listed = True
        manifest.write_build_info(output, info)
        if disk_full:
            raise writer.disk_full_error(
                output, f"{rendered} reports are complete and listed in {manifest.MANIFEST}; the rest were not written."
            )
        scores = write_scores(output, ordered, instrument, language, _workbook_words(contents[language], language))
    except OSError as error:
        if not writer.is_disk_full(error):
            raise
        raise writer.disk_full_error(
            output,
            f"{rendered} reports are complete"
            + (f" and listed in {manifest.MANIFEST}." if listed else "; the manifest could not be written."),
        ) from None
    # A report of a leader still in the input (not rendered after Ctrl-C, failed) is not "kept": it is theirs.
    named = {o.pdf for o in planned.outcomes.values() if o.pdf}
    orphans = tuple(sorted(name for name in inputs.earlier if name not in named and (output / name).is_file()))
    return BuildResult(
        survey, ordered, written, Counter(o.status for o in ordered), scores=scores, orphans=orphans,
        interrupted=interrupted, reused=sum(o.reused for o in ordered), cohort=cohort, cohort_note=cohort_note,
        unrendered=sum(o.reason == INTERRUPTED for o in ordered), report_date=inputs.run.report_date,
    )  # fmt: skip


def _no_stage(stage: str, count: int) -> None:
    """No one listens to the stages."""


def _check_only(only: tuple[str, ...], survey: Survey) -> None:
    """Every --only e-mail is a leader of the input, or an error with the closest e-mails."""
    from difflib import get_close_matches

    from .models import email_key

    emails = {o.response.email_key: o.response.email.strip() for o in survey.outcomes if o.response.email}
    unknown = [email for email in only if email_key(email) not in emails]
    if not unknown:
        return
    parts = []
    for email in unknown:
        close = [emails[key] for key in get_close_matches(email_key(email), list(emails), n=3, cutoff=0.6)]
        parts.append(f'"{email}"' + (f" (closest: {', '.join(close)})" if close else " (nothing close)"))
    raise InputError(
        f"--only names no leader in the input: {'; '.join(parts)}. Nothing was rendered.",
        fix="Check the spelling against the e-mail column (reportgen check lists the rows), then run again.",
        file=survey.path,
    )


def _workbook_words(content: Content, language: str) -> dict[str, str]:
    """scores.xlsx's sheet names and headers; the bundled ones for a brand's content file without them."""
    from .report.content import load_content

    words = content.get("workbook") or load_content([bundled_templates()], (language,))[language]["workbook"]
    return {str(key): str(value) for key, value in words.items()}


def _report_history(
    output: Path, outcomes: tuple[Outcome, ...], inputs: plan.PlanInputs, brand: Brand, setup: RendererSetup
) -> dict[str, dict[str, str]]:
    """Each report file's sha256 → what it was built from, the folder's earlier ones kept, for send's reasons."""
    import hashlib

    from .output.manifest import earlier_reports
    from .report.batch import leader_fingerprint, run_fingerprint

    history = earlier_reports(output)
    run = inputs.run
    shared = {
        "instrument": run_fingerprint([inputs.instrument.source], {})[:16],
        "brand": run_fingerprint([brand.root], {})[:16],
        "templates": run_fingerprint([bundled_templates()], {})[:16],
        "date": run.report_date.isoformat(),
        "workshop": run.workshop,
        "paper": setup.paper,
        "version": __version__,
    }
    for outcome in outcomes:
        path = output / (outcome.pdf or "")
        if outcome.status != "rendered" or not path.is_file():
            continue
        parts = {
            "answers": leader_fingerprint("", outcome.response, "")[:16],
            "language": outcome.language or "",
            "previous": " ".join(str(step.score) for step in outcome.previous.steps) if outcome.previous else "",
            **shared,
        }
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if outcome.reused:
            history.setdefault(digest, parts)  # built by an earlier run: its own entry is the truer one
        else:
            history[digest] = parts
    return history


def _renderer_setup(
    brand: Brand, instrument: Instrument, settings: Settings
) -> tuple[RendererSetup, dict[str, Content]]:
    from .report.batch import RendererSetup
    from .report.content import load_content

    bundled = bundled_templates()
    template_dirs = tuple(d for d in (brand.template_dir, bundled) if d.is_dir())
    contents = load_content(list(template_dirs), instrument.languages)
    paper = settings.paper or brand.paper
    return RendererSetup(template_dirs, contents, brand, paper, (brand.root, bundled)), contents


def _plan_inputs(
    settings: Settings,
    survey: Survey,
    brand: Brand,
    contents: dict[str, Content],
    setup: RendererSetup,
    language: str,
    output: Path,
) -> plan.PlanInputs:
    from .output.manifest import earlier_fingerprints, kept_date
    from .report import batch, plan
    from .report.view import RunInfo
    from .scoring.group import group_means

    instrument = survey.instrument
    scored = [o.assessment for o in survey.outcomes if o.status == "ok" and o.assessment]
    # A folder keeps the cover date of its first build, so that re-running it another day changes
    # nothing; --date (or the brand's date) changes it, and today's date counts only for a new folder.
    report_date = settings.report_date or brand.date or kept_date(output) or settings.today or date.today()
    run = RunInfo(
        brand=brand,
        report_date=report_date,
        workshop=settings.workshop if settings.workshop is not None else brand.workshop,
        # The group's average is left out of the fingerprint: one leader's change re-renders
        # only that leader's report; --force refreshes the average everywhere.
        cohort=group_means(scored, [step.id for step in instrument.steps], settings.cohort_min),
    )
    fingerprint = batch.run_fingerprint(
        [instrument.source, brand.root, bundled_templates()],
        {"date": report_date, "workshop": run.workshop, "paper": setup.paper,
         "format": settings.output_format, "cohort_min": settings.cohort_min},
    )  # fmt: skip
    return plan.PlanInputs(
        instrument=instrument,
        contents=contents,
        run=run,
        language=language,
        fingerprint=fingerprint,
        output_format=settings.output_format,
        force=settings.force,
        only=frozenset("".join(email.split()).casefold() for email in settings.only),
        earlier=earlier_fingerprints(output),
        existing=frozenset(path.name for path in output.iterdir() if path.is_file()),
    )


def _render(
    planned: plan.Plan,
    cohort: batch.Task | None,
    setup: RendererSetup,
    renderer: Renderer,
    settings: Settings,
    on_progress: ProgressCallback | None,
) -> tuple[dict[int, Outcome], bool, bool, batch.TaskResult | None]:
    """Render the planned tasks and the cohort report, reporting each leader's outcome as it comes.

    The cohort report is one more task in the same pool, first in the queue as the longest
    one, instead of a render of its own after the leaders'. (outcomes, interrupted, disk full,
    the cohort's result)
    """
    from .report import batch

    outcomes = dict(planned.outcomes)
    done, total = 0, len(planned.tasks)
    cohort_result: batch.TaskResult | None = None
    for outcome in outcomes.values():
        if outcome.status != "ok" and on_progress:
            on_progress(done, total, outcome)

    def finished(result: batch.TaskResult) -> None:
        nonlocal done, cohort_result
        if result.source_row == batch.COHORT_ROW:
            cohort_result = result
            return
        outcome = outcomes[result.source_row]
        if result.reason is None:
            outcome = replace(outcome, status="rendered")
        else:
            outcome = replace(outcome, status="failed", reason=result.reason, pdf=None, fingerprint=None)
        outcomes[result.source_row] = outcome
        done += 1
        if on_progress:
            on_progress(done, total, outcome)

    tasks = ((cohort,) if cohort else ()) + planned.tasks
    try:
        # The renderer built to check the templates renders here too when there is one job.
        batch.run(tasks, setup, settings.jobs or batch.default_jobs(), finished, renderer)
    except batch.Interrupted as stop:
        full = isinstance(stop, batch.DiskFull)
        for row, outcome in outcomes.items():
            if outcome.status == "ok":
                reason = "the disk is full before it was rendered; run build again" if full else INTERRUPTED
                outcomes[row] = replace(outcome, status="failed", reason=reason, pdf=None, fingerprint=None)
        return outcomes, True, full, cohort_result
    return outcomes, False, False, cohort_result


def _cohort(
    survey: Survey, settings: Settings, inputs: plan.PlanInputs, content: Content, language: str, output: Path
) -> tuple[batch.Task | None, str]:
    """The task that renders DIR/cohort.pdf, or why there is none."""
    from .report.cohort import Excluded, cohort_cover, cohort_view, group_entries
    from .report.files import cohort_task

    group = group_entries(survey.outcomes)
    cover = cohort_cover(inputs.run, survey.instrument, content, language)
    view = cohort_view(
        group, survey.instrument, content, language, settings.cohort_min, cover,
        by_group=settings.group_by is not None, excluded=Excluded.of(survey.outcomes),
    )  # fmt: skip
    if view is None:
        return None, f"{len(group)} leaders scored, fewer than the {settings.cohort_min} needed to keep them anonymous"
    return cohort_task(output, view, settings.output_format), ""


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
    from .output.lock import folder_lock as lock

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
) -> SendRun:
    """Options from the command line, else reportgen.toml, else the brand; mail in the build's instrument and brand."""
    from .config import check_options, send_options
    from .delivery.letters import MailText, plan
    from .output.manifest import read_build_info, read_manifest
    from .report.templates import MailTemplates
    from .survey.instrument import load_instrument

    built = read_build_info(folder)
    brand = load_brand(brand_dir or (Path(built.brand) if built.brand else None))
    check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    options = send_options(given, config, brand.mail)
    instrument = load_instrument(Path(built.instrument) if built.instrument else None)
    templates = MailTemplates([d for d in (brand.template_dir, bundled_templates()) if d.is_dir()])
    titles = {lang: instrument.title[lang] for lang in instrument.languages}
    mail = MailText(templates, titles, brand.workshop, brand.organisation, options)
    return SendRun(folder, mail, plan(folder, read_manifest(folder), resend, marked))


def mark_sent(run: SendRun, emails: tuple[str, ...]) -> SendRun:
    """Record these leaders' reports as sent without sending them (--mark-sent): their Sent folder shows they went."""
    from .delivery.log import record
    from .models import email_key

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
    from .delivery.addresses import AddressError, parse_address
    from .delivery.mailer import Mailer
    from .delivery.send import deliver
    from .errors import SendError

    if to_me is not None:
        try:
            parse_address(to_me)
        except AddressError as error:
            raise SendError(f"--to-me {to_me} is not an address: {error}", fix="Give your own address.") from None

    mailer = Mailer(run.mail.options, password)
    return deliver(run.folder, run.letters, run.mail.message, mailer, run.mail.options, to_me, on_letter, clock)


def dry_run(run: SendRun) -> Summary:
    """What a real run would send, each PDF's owner checked; nothing sent."""
    from .delivery.send import dry_run as planned

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
    from .delivery.log import read_history
    from .output.manifest import changes_since

    history = read_history(run.folder, (letter.email for letter in summary.changed))
    changes = {}
    for letter in summary.changed:
        sent = history.of(letter.email).sent
        if sent is not None:
            changes[letter.source_row] = changes_since(run.folder, sent.sha256, letter.sha256)
    return changes


def log_state(folder: Path) -> tuple[int, int] | None:
    """delivery.csv's size and modification time, to tell whether a run wrote to it; None when there is none."""
    from .delivery.log import DELIVERY

    try:
        status = (folder / DELIVERY).stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def write_drafts(run: SendRun, target: Path) -> Summary:
    """One .eml draft per letter to send, instead of sending."""
    from .delivery.send import write_drafts as drafts

    return drafts(run.folder, target, run.letters, run.mail.message)


def _absolute(path: Path | None) -> str:
    return str(path.resolve()) if path else ""
