"""build: read → settle → plan → render → write, with the output folder locked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..brand import brand_or_bundled
from ..config import Settings, bundled_templates
from ..models import Brand, BuildResult, Instrument, Outcome, Problem, Survey, email_key
from ..output import manifest, writer
from ..output.lock import folder_lock
from ..output.workbook import SCORES, write_scores
from ..render import plan, pool
from ..render.files import cohort_outcome, cohort_task, write_html_assets
from ..render.jobs import job_count as jobs_for
from ..render.pool import RendererSetup
from ..render.renderer import MISSING_MARK, Renderer
from ..report.cohort import cohort_cover, cohort_view, group_entries
from ..report.cohort_rules import Excluded
from ..report.content import Content, load_content, workbook_words
from ..report.model import RunInfo
from ..scoring.group import counted_leaders, floor, group_means
from ..survey.load import check_language, check_only, read_survey
from ..workshop.invited import InvitedList
from ..workshop.roster import Roster
from .workshop import (
    check_folder_owner,
    cover_date,
    invited_list,
    invited_roster,
    read_workshop,
    with_workshop,
    workshop_facts,
)

ProgressCallback = Callable[[int, int, Outcome], None]
StageCallback = Callable[[str, int], None]
INTERRUPTED = "interrupted before it was rendered; run build again"


def build_workshop(
    settings: Settings,
    invited: Path | None = None,
    on_progress: ProgressCallback | None = None,
    on_stage: StageCallback | None = None,
) -> tuple[BuildResult, tuple[Roster, InvitedList] | None]:
    """build, and the export against the invited list (--invited, else the output folder's), when there is one.

    The list is read first: one that cannot be read stops the run before anything is built.
    """
    listed = invited_list(settings.output_dir, invited)
    result = build(settings, on_progress, on_stage)
    return result, invited_roster(listed, result.survey)


def build(
    settings: Settings, on_progress: ProgressCallback | None = None, on_stage: StageCallback | None = None
) -> BuildResult:
    """Render one report per valid leader into the output folder; write the manifest and scores.xlsx.

    `on_stage(stage, count)` hears "reading", "preparing" (count: leaders scored), "rendering"
    (count: reports to render) and "cohort", as each begins; `on_progress` each report's outcome.
    """
    stage = on_stage or _no_stage
    stage("reading", 0)
    brand = with_workshop(brand_or_bundled(settings.brand), settings.output_dir)
    survey = read_survey(settings)
    check_only(settings.only, survey)
    # The input is good, so workers will most likely be needed: let them get ready meanwhile.
    jobs, jobs_note = jobs_for(settings.jobs)
    settings = replace(settings, jobs=jobs)
    pool.warm_up(jobs)
    stage("preparing", sum(o.status == "ok" for o in survey.outcomes))
    instrument = survey.instrument
    check_language(brand.default_language, instrument, "default_language in brand.toml")
    setup, contents = _renderer_setup(brand, instrument, settings)
    renderer = setup.create()  # fails on a broken template or stylesheet before anything is written
    output = writer.prepare_output(settings.output_dir)
    with folder_lock(output, "reportgen build"):
        check_folder_owner(output, survey, settings.replace)
        result = _build_into(output, settings, brand, survey, setup, renderer, contents, on_progress, stage)
    return replace(result, notes=(jobs_note,) if jobs_note else ())


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
    instrument = survey.instrument
    writer.remove_temporaries(output)
    survey = manifest.with_leader_ids(output, survey)
    language = settings.language or brand.default_language or instrument.languages[0]
    date_source = cover_date(settings.report_date, output, brand.date, settings.today)[1]  # as _plan_inputs finds it
    inputs = _plan_inputs(settings, survey, brand, contents, setup, language, output)
    planned = plan.plan_reports(survey.outcomes, inputs, output)
    cohort_job, cohort_note = _cohort(survey, settings, inputs, contents[language], language, output)
    _claim(output, settings, planned, cohort_job)  # before anything is written: never over the user's files
    manifest.keep_leader_ids(output, {o.response.email_key: o.response.leader_id for o in survey.outcomes})
    if settings.output_format == "html":
        write_html_assets(output, renderer, contents, brand)
    stage("rendering", len(planned.tasks))
    if cohort_job is not None:  # rendered beside the leaders' reports, first in the queue
        stage("cohort", sum(o.status == "ok" and o.assessment is not None for o in survey.outcomes))
    rendering = _render(planned, cohort_job, setup, renderer, settings, on_progress)
    outcomes, interrupted, disk_full, cohort_result = rendering
    ordered = tuple(outcomes[o.source_row] for o in survey.outcomes)
    cohort, cohort_note = cohort_outcome(cohort_job, cohort_result, cohort_note)
    reports = plan.report_history(output, ordered, inputs, brand, setup.paper)
    info = manifest.build_info(settings, ordered, instrument.languages, inputs.run.report_date, reports)
    written, scores = _write_records(output, ordered, settings, instrument, language, contents, info, disk_full)
    # A report of a leader still in the input (not rendered after Ctrl-C, failed) is not "kept": it is theirs.
    named = {o.pdf for o in planned.outcomes.values() if o.pdf}
    orphans = tuple(sorted(name for name in inputs.earlier if name not in named and (output / name).is_file()))
    return BuildResult(
        survey,
        ordered,
        written,
        Counter(o.status for o in ordered),
        scores=scores,
        orphans=orphans,
        interrupted=interrupted,
        reused=sum(o.reused for o in ordered),
        cohort=cohort,
        cohort_note=cohort_note,
        unrendered=sum(o.reason == INTERRUPTED for o in ordered),
        report_date=inputs.run.report_date,
        date_source=date_source,
    )


def _claim(output: Path, settings: Settings, planned: plan.Plan, cohort: pool.Task | None) -> None:
    """Every file build is about to write, recorded as reportgen's; OutputError if one is the user's or an input."""
    names = {task.path.name for task in planned.tasks} | {manifest.MANIFEST, manifest.BUILD_INFO, SCORES}
    names |= {cohort.path.name} if cohort else set()
    names |= {plan.ASSETS} if settings.output_format == "html" else set()
    given = (settings.survey, settings.previous, settings.mapping)
    writer.claim(output, names, [path for path in given if path is not None])


def _write_records(
    output: Path,
    ordered: tuple[Outcome, ...],
    settings: Settings,
    instrument: Instrument,
    language: str,
    contents: dict[str, Content],
    info: manifest.BuildInfo,
    disk_full: bool,
) -> tuple[Path, Path]:
    """manifest.csv first (it says which reports are whole), build.json, then scores.xlsx; a full disk said so."""
    dialect = settings.csv_dialect or ("excel-da" if language == "da" else "excel")
    rendered = sum(o.status == "rendered" for o in ordered)
    listed = False  # whether manifest.csv lists this run's reports
    try:
        written = manifest.write_manifest(output, ordered, dialect)
        listed = True
        manifest.write_build_info(output, info)
        if disk_full:
            raise writer.disk_full_error(
                output, f"{rendered} reports are complete and listed in {manifest.MANIFEST}; the rest were not written."
            )
        scores = write_scores(output, ordered, instrument, language, workbook_words(contents[language]))
    except OSError as error:
        if not writer.is_disk_full(error):
            raise
        raise writer.disk_full_error(
            output,
            f"{rendered} reports are complete"
            + (f" and listed in {manifest.MANIFEST}." if listed else "; the manifest could not be written."),
        ) from None
    return written, scores


def _no_stage(stage: str, count: int) -> None:
    """No one listens to the stages."""


def _renderer_setup(
    brand: Brand, instrument: Instrument, settings: Settings
) -> tuple[RendererSetup, dict[str, Content]]:

    bundled = bundled_templates()
    template_dirs = tuple(d for d in (brand.template_dir, bundled) if d.is_dir())
    contents = load_content(list(template_dirs), instrument.languages, instrument)
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

    instrument = survey.instrument
    scored = counted_leaders(survey.outcomes, settings.group_by is not None, settings.cohort_min)
    # A folder keeps the cover date of its first build, so that re-running it another day changes
    # nothing; --date, the workshop's date (or the brand's) changes it; today counts only for a new folder.
    report_date = cover_date(settings.report_date, output, brand.date, settings.today)[0]
    workshop = read_workshop(output).name or brand.workshop
    run = RunInfo(
        brand=brand,
        report_date=report_date,
        workshop=settings.workshop if settings.workshop is not None else workshop,
        # The group's average is left out of the fingerprint: one leader's change re-renders
        # only that leader's report; --force refreshes the average everywhere.
        cohort=group_means(scored, [step.id for step in instrument.steps], settings.cohort_min),
        audience=brand.audience,
    )
    fingerprint = pool.run_fingerprint(
        [instrument.source, brand.root, bundled_templates()],
        {
            "date": report_date,
            "workshop": run.workshop,
            "paper": setup.paper,
            "format": settings.output_format,
            "cohort_min": settings.cohort_min,
            # The action plan page's workshop facts, when a workshop folder gives them.
            **({"facts": facts} if (facts := workshop_facts(output)) else {}),
        },
    )
    return plan.PlanInputs(
        instrument=instrument,
        contents=contents,
        run=run,
        language=language,
        fingerprint=fingerprint,
        output_format=settings.output_format,
        force=settings.force,
        only=frozenset(email_key(email) for email in settings.only),
        earlier=manifest.earlier_fingerprints(output),
        existing=frozenset(path.name for path in output.iterdir() if path.is_file()),
    )


def _render(
    planned: plan.Plan,
    cohort: pool.Task | None,
    setup: RendererSetup,
    renderer: Renderer,
    settings: Settings,
    on_progress: ProgressCallback | None,
) -> tuple[dict[int, Outcome], bool, bool, pool.TaskResult | None]:
    """Render the planned tasks and the cohort report, reporting each leader's outcome as it comes.

    The cohort report is one more task in the same pool, first in the queue as the longest
    one, instead of a render of its own after the leaders'. (outcomes, interrupted, disk full,
    the cohort's result)
    """
    outcomes = dict(planned.outcomes)
    done, total = 0, len(planned.tasks)
    cohort_result: pool.TaskResult | None = None
    for outcome in outcomes.values():
        if outcome.status != "ok" and on_progress:
            on_progress(done, total, outcome)

    def finished(result: pool.TaskResult) -> None:
        nonlocal done, cohort_result
        if result.source_row == pool.COHORT_ROW:
            cohort_result = result
            return
        outcome = outcomes[result.source_row]
        if result.reason is None:
            outcome = replace(outcome, status="rendered", warnings=outcome.warnings + _marked(result))
        else:
            outcome = replace(outcome, status="failed", reason=result.reason, pdf=None, fingerprint=None)
        outcomes[result.source_row] = outcome
        done += 1
        if on_progress:
            on_progress(done, total, outcome)

    tasks = ((cohort,) if cohort else ()) + planned.tasks
    try:
        # The renderer built to check the templates renders here too when there is one job.
        pool.run(tasks, setup, settings.jobs or 1, finished, renderer)
    except pool.Interrupted as stop:
        full = isinstance(stop, pool.DiskFull)
        for row, outcome in outcomes.items():
            if outcome.status == "ok":
                reason = "the disk is full before it was rendered; run build again" if full else INTERRUPTED
                outcomes[row] = replace(outcome, status="failed", reason=reason, pdf=None, fingerprint=None)
        return outcomes, True, full, cohort_result
    return outcomes, False, False, cohort_result


def _marked(result: pool.TaskResult) -> tuple[Problem, ...]:
    """The warning for a report in which characters no font has are shown as a mark."""
    if not result.missing:
        return ()
    shown = ", ".join(f"{text} (U+{ord(text[0]):04X})" for text in result.missing)
    return (
        Problem(
            result.source_row,
            None,
            f"no font on this computer has {shown}; the report shows {MISSING_MARK} in its place. Install a font "
            "for that script (or correct the text in the export) and run build --force to render it again",
        ),
    )


def _cohort(
    survey: Survey, settings: Settings, inputs: plan.PlanInputs, content: Content, language: str, output: Path
) -> tuple[pool.Task | None, str]:
    """The task that renders DIR/cohort.pdf, or why there is none."""
    group = group_entries(survey.outcomes)
    cover = cohort_cover(inputs.run, survey.instrument, content, language)
    view = cohort_view(
        group,
        survey.instrument,
        content,
        language,
        settings.cohort_min,
        cover,
        by_group=settings.group_by is not None,
        excluded=Excluded.of(survey.outcomes),
        earlier=survey.earlier,
    )
    if view is None:
        return (
            None,
            f"{len(group)} leaders scored, fewer than the {floor(settings.cohort_min)} needed to keep them anonymous",
        )
    return cohort_task(output, view, settings.output_format), ""
