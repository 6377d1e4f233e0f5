"""The commands as short orchestrations of the stages: survey → scoring → report → output, and delivery.

The one entry point of the CLI and the tests. Each command imports the stages it uses when
it runs, so that `reportgen --help`, check and score never load WeasyPrint, pypdf or the mail stack.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings, bundled_templates
from .errors import InputError, ReportgenError
from .models import Brand, BuildResult, ColumnMap, Instrument, Outcome, Survey

if TYPE_CHECKING:
    from .delivery.letters import Letter, MailText
    from .delivery.send import Clock, Summary
    from .report import batch, plan
    from .report.batch import RendererSetup
    from .report.content import Content
    from .report.renderer import Renderer

ProgressCallback = Callable[[int, int, Outcome], None]


# --- check, score ------------------------------------------------------------------------


def read_survey(settings: Settings) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates."""
    from .survey import mapper, reader, settle, sheets
    from .survey.instrument import load_instrument

    instrument = load_instrument(settings.instrument)
    check_language(settings.language, instrument, "--lang")
    with reader.open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        columns, rows = sheets.find_sheet(book, instrument, settings.survey, settings.sheet, settings.mapping)
        if settings.group_by:
            columns = sheets.with_group_column(columns, settings.group_by, settings.survey)
        responses = [r for number, values in rows if (r := mapper.map_row(number, values, columns, instrument))]
    if not responses:
        raise sheets.no_answers(columns, settings.survey)
    outcomes = settle.settle(responses, instrument)
    if settings.previous is not None:
        outcomes = _with_previous(outcomes, settings)
    return Survey(settings.survey, instrument, columns, outcomes)


def _with_previous(outcomes: tuple[Outcome, ...], settings: Settings) -> tuple[Outcome, ...]:
    """Each leader's scores in the earlier export, matched by e-mail (case and spaces ignored)."""
    assert settings.previous is not None
    earlier = read_survey(
        replace(settings, survey=settings.previous, previous=None, sheet=None, mapping=None, group_by=None)
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


# --- build ---------------------------------------------------------------------------------


def load_brand(folder: Path | None) -> Brand:
    """The brand folder given, or the bundled brand."""
    from .report.brand import default_brand_dir
    from .report.brand import load_brand as load

    bundled = bundled_templates()
    return load(folder or default_brand_dir(bundled), bundled)


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    from .report.brand import init_brand

    return init_brand(folder, bundled_templates())


def build(settings: Settings, on_progress: ProgressCallback | None = None) -> BuildResult:
    """Render one report per valid leader into the output folder; write the manifest and scores.xlsx."""
    from .output import manifest, writer
    from .output.workbook import write_scores
    from .report import batch, plan
    from .report.files import write_html_assets

    brand = load_brand(settings.brand)
    survey = read_survey(settings)
    # The input is good, so workers will most likely be needed: let them get ready meanwhile.
    batch.warm_up(settings.jobs or batch.default_jobs())
    instrument = survey.instrument
    check_language(brand.default_language, instrument, "default_language in brand.toml")
    setup, contents = _renderer_setup(brand, instrument, settings)
    renderer = setup.create()  # fails on a broken template or stylesheet before anything is written
    output = writer.prepare_output(settings.output_dir)
    writer.remove_temporaries(output)
    if settings.output_format == "html":
        write_html_assets(output, renderer, contents, brand)
    language = settings.language or brand.default_language or instrument.languages[0]
    inputs = _plan_inputs(settings, survey, brand, contents, setup, language, output)
    planned = plan.plan_reports(survey.outcomes, inputs, output)
    cohort_task, cohort_note = _cohort(survey, settings, inputs, contents[language], language, output)
    outcomes, interrupted, cohort_result = _render(planned, cohort_task, setup, renderer, settings, on_progress)
    ordered = tuple(outcomes[o.source_row] for o in survey.outcomes)
    cohort = None
    if cohort_task is not None and cohort_result is not None:
        if cohort_result.reason is None:
            cohort = cohort_task.path
        else:
            cohort_note = f"it could not be rendered ({cohort_result.reason})"
    written = manifest.write_manifest(output, ordered)
    info = manifest.BuildInfo(_absolute(settings.instrument), _absolute(settings.brand), instrument.languages)
    manifest.write_build_info(output, info)
    scores = write_scores(output, ordered, instrument, language)
    produced = {o.pdf for o in ordered if o.pdf}
    orphans = tuple(sorted(name for name in inputs.earlier if name not in produced and (output / name).is_file()))
    return BuildResult(
        survey, ordered, written, Counter(o.status for o in ordered), scores=scores, orphans=orphans,
        interrupted=interrupted, reused=sum(o.reused for o in ordered), cohort=cohort, cohort_note=cohort_note,
    )  # fmt: skip


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
    from .output.manifest import earlier_fingerprints
    from .report import batch, plan
    from .report.view import RunInfo
    from .scoring.group import group_means

    instrument = survey.instrument
    scored = [o.assessment for o in survey.outcomes if o.status == "ok" and o.assessment]
    run = RunInfo(
        brand=brand,
        report_date=settings.report_date or brand.date or date.today(),
        workshop=settings.workshop if settings.workshop is not None else brand.workshop,
        # The group's average is left out of the fingerprint: one leader's change re-renders
        # only that leader's report; --force refreshes the average everywhere.
        cohort=group_means(scored, [step.id for step in instrument.steps], settings.cohort_min),
    )
    fingerprint = batch.run_fingerprint(
        [instrument.source, brand.root, bundled_templates()],
        {"date": settings.report_date or brand.date, "workshop": run.workshop, "paper": setup.paper,
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
) -> tuple[dict[int, Outcome], bool, batch.TaskResult | None]:
    """Render the planned tasks and the cohort report, reporting each leader's outcome as it comes.

    The cohort report is one more task in the same pool, first in the queue as the longest
    one, instead of a render of its own after the leaders'. (outcomes, interrupted, the cohort's result)
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
    except batch.Interrupted:
        for row, outcome in outcomes.items():
            if outcome.status == "ok":
                outcomes[row] = replace(
                    outcome, status="failed", reason="interrupted before it was rendered; run build again",
                    pdf=None, fingerprint=None,
                )  # fmt: skip
        return outcomes, True, None
    return outcomes, False, cohort_result


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


def prepare_send(
    folder: Path, brand_dir: Path | None, config: Path | None, given: dict[str, object], resend: tuple[str, ...] = ()
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
    return SendRun(folder, mail, plan(folder, read_manifest(folder), resend))


def send(
    run: SendRun,
    password: Callable[[], str | None],
    to_me: str | None = None,
    on_letter: Callable[[Letter], None] | None = None,
    clock: Clock | None = None,
) -> Summary:
    """Send for real: each planned letter once, logged in delivery.csv."""
    from .delivery.mailer import Mailer
    from .delivery.send import deliver

    mailer = Mailer(run.mail.options, password)
    return deliver(run.folder, run.letters, run.mail.message, mailer, run.mail.options, to_me, on_letter, clock)


def dry_run(run: SendRun) -> Summary:
    """What a real run would send, each PDF's owner checked; nothing sent."""
    from .delivery.send import dry_run as planned

    return planned(run.folder, run.letters)


def write_drafts(run: SendRun, target: Path) -> Summary:
    """One .eml draft per letter to send, instead of sending."""
    from .delivery.send import write_drafts as drafts

    return drafts(run.folder, target, run.letters, run.mail.message)


def _absolute(path: Path | None) -> str:
    return str(path.resolve()) if path else ""
