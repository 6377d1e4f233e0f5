"""build: read → settle → plan → render → write, with the output folder locked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..config import Settings, bundled_templates
from ..errors import InputError
from ..models import Brand, BuildResult, Instrument, Outcome, Survey
from .survey import check_language, read_survey
from .workshop import check_folder_owner, cover_date, read_workshop

if TYPE_CHECKING:
    from ..output import manifest
    from ..report import batch, plan
    from ..report.batch import RendererSetup
    from ..report.content import Content
    from ..report.renderer import Renderer

ProgressCallback = Callable[[int, int, Outcome], None]
StageCallback = Callable[[str, int], None]
INTERRUPTED = "interrupted before it was rendered; run build again"


# --- build ---------------------------------------------------------------------------------


def load_brand(folder: Path | None) -> Brand:
    """The brand folder given, or the bundled brand."""
    from ..report.brand import default_brand_dir
    from ..report.brand import load_brand as load

    bundled = bundled_templates()
    return load(folder or default_brand_dir(bundled), bundled)


def check_brand(folder: Path) -> tuple[Brand, dict[str, float]]:
    """A brand folder checked as build would check it, and each colour's contrast on white."""
    from ..report.brand import contrast_on_white

    brand = load_brand(folder)
    return brand, {name: contrast_on_white(value) for name, value in brand.colours.items()}


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    from ..report.brand import init_brand

    return init_brand(folder, bundled_templates())


def build(
    settings: Settings, on_progress: ProgressCallback | None = None, on_stage: StageCallback | None = None
) -> BuildResult:
    """Render one report per valid leader into the output folder; write the manifest and scores.xlsx.

    `on_stage(stage, count)` hears "reading", "preparing" (count: leaders scored), "rendering"
    (count: reports to render) and "cohort", as each begins; `on_progress` each report's outcome.
    """
    from ..output import writer
    from ..output.lock import folder_lock
    from ..report import batch

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
        check_folder_owner(output, survey, settings.replace)
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
    from ..output import manifest, writer
    from ..report import plan
    from ..report.files import write_html_assets

    instrument = survey.instrument
    writer.remove_temporaries(output)
    survey = _with_leader_ids(output, survey)
    if settings.output_format == "html":
        write_html_assets(output, renderer, contents, brand)
    language = settings.language or brand.default_language or instrument.languages[0]
    date_source = cover_date(settings.report_date, output, brand.date, settings.today)[1]  # as _plan_inputs finds it
    inputs = _plan_inputs(settings, survey, brand, contents, setup, language, output)
    planned = plan.plan_reports(survey.outcomes, inputs, output)
    cohort_task, cohort_note = _cohort(survey, settings, inputs, contents[language], language, output)
    stage("rendering", len(planned.tasks))
    if cohort_task is not None:  # rendered beside the leaders' reports, first in the queue
        stage("cohort", sum(o.status == "ok" and o.assessment is not None for o in survey.outcomes))
    rendering = _render(planned, cohort_task, setup, renderer, settings, on_progress)
    outcomes, interrupted, disk_full, cohort_result = rendering
    ordered = tuple(outcomes[o.source_row] for o in survey.outcomes)
    cohort, cohort_note = _cohort_outcome(cohort_task, cohort_result, cohort_note)
    info = manifest.BuildInfo(
        _absolute(settings.instrument), _absolute(settings.brand), instrument.languages,
        date=inputs.run.report_date.isoformat(), reports=_report_history(output, ordered, inputs, brand, setup),
        survey=str(settings.survey.resolve()), built=(settings.today or date.today()).isoformat(),
    )  # fmt: skip
    written, scores = _write_records(output, ordered, settings, instrument, language, contents, info, disk_full)
    # A report of a leader still in the input (not rendered after Ctrl-C, failed) is not "kept": it is theirs.
    named = {o.pdf for o in planned.outcomes.values() if o.pdf}
    orphans = tuple(sorted(name for name in inputs.earlier if name not in named and (output / name).is_file()))
    return BuildResult(
        survey, ordered, written, Counter(o.status for o in ordered), scores=scores, orphans=orphans,
        interrupted=interrupted, reused=sum(o.reused for o in ordered), cohort=cohort, cohort_note=cohort_note,
        unrendered=sum(o.reason == INTERRUPTED for o in ordered), report_date=inputs.run.report_date,
        date_source=date_source,
    )  # fmt: skip


def _with_leader_ids(output: Path, survey: Survey) -> Survey:
    """Each leader's id in their PDF: the earlier run's for the same e-mail, or a new random one."""
    from ..output import manifest

    ids = manifest.leader_ids(output, (o.response.email for o in survey.outcomes))
    with_ids = [replace(o.response, leader_id=ids.get(o.response.email_key, "")) for o in survey.outcomes]
    return replace(
        survey, outcomes=tuple(replace(o, response=r) for o, r in zip(survey.outcomes, with_ids, strict=True))
    )


def _cohort_outcome(task: batch.Task | None, result: batch.TaskResult | None, note: str) -> tuple[Path | None, str]:
    """cohort.pdf when its task ended well; else why there is none."""
    if task is None:
        return None, note
    if result is None:
        return None, "the build was stopped before it; the same command renders it"
    if result.reason is not None:
        return None, f"it could not be rendered ({result.reason})"
    return task.path, ""


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
    from ..output import manifest, writer
    from ..output.workbook import write_scores

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
        scores = write_scores(output, ordered, instrument, language, _workbook_words(contents[language], language))
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


def _check_only(only: tuple[str, ...], survey: Survey) -> None:
    """Every --only e-mail is a leader of the input, or an error with the closest e-mails."""
    from difflib import get_close_matches

    from ..models import email_key

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
    from ..report.content import load_content

    words = content.get("workbook") or load_content([bundled_templates()], (language,))[language]["workbook"]
    return {str(key): str(value) for key, value in words.items()}


def _report_history(
    output: Path, outcomes: tuple[Outcome, ...], inputs: plan.PlanInputs, brand: Brand, setup: RendererSetup
) -> dict[str, dict[str, str]]:
    """Each report file's sha256 → what it was built from, the folder's earlier ones kept, for send's reasons."""
    import hashlib

    from ..output.manifest import earlier_reports
    from ..report.batch import leader_fingerprint, run_fingerprint

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
    from ..report.batch import RendererSetup
    from ..report.content import load_content

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
    from ..output.manifest import earlier_fingerprints
    from ..report import batch, plan
    from ..report.view import RunInfo
    from ..scoring.group import group_means

    instrument = survey.instrument
    scored = [o.assessment for o in survey.outcomes if o.status == "ok" and o.assessment]
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
    from ..report import batch

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
    from ..report.cohort import cohort_cover, cohort_view, group_entries
    from ..report.cohort_rules import Excluded
    from ..report.files import cohort_task

    group = group_entries(survey.outcomes)
    cover = cohort_cover(inputs.run, survey.instrument, content, language)
    view = cohort_view(
        group, survey.instrument, content, language, settings.cohort_min, cover,
        by_group=settings.group_by is not None, excluded=Excluded.of(survey.outcomes),
    )  # fmt: skip
    if view is None:
        return None, f"{len(group)} leaders scored, fewer than the {settings.cohort_min} needed to keep them anonymous"
    return cohort_task(output, view, settings.output_format), ""


def _absolute(path: Path | None) -> str:
    return str(path.resolve()) if path else ""
