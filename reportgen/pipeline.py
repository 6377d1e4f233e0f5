"""The pipeline: read → map → score → render → write. The one entry point of CLI and tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from . import mapper, scorer, writer
from .brand import default_brand_dir, init_brand, load_brand
from .errors import InputError, RenderError, ReportgenError
from .instrument import load_instrument
from .models import Assessment, Brand, ColumnMap, Instrument, Outcome, Problem, Response
from .reader import Row, Workbook
from .report import Content, RunInfo, build_view, cohort_means, load_content

if TYPE_CHECKING:
    from .renderer import Renderer

PACKAGE_DIR = Path(__file__).parent
ASSETS = "assets"  # the folder of --format html's stylesheets, fonts and logo


def bundled_templates() -> Path:
    """The default templates: inside the installed package, or at the top of a source checkout."""
    installed = PACKAGE_DIR / "templates"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "templates"


@dataclass(frozen=True)
class Settings:
    """What a run needs to know; the CLI fills it from options."""

    survey: Path
    output_dir: Path = Path("reports")
    instrument: Path | None = None
    sheet: str | None = None
    # None: from the brand, else the instrument's first language.
    language: str | None = None
    report_date: date | None = None
    workshop: str | None = None
    brand: Path | None = None
    paper: str | None = None
    cohort_min: int = 5  # fewest scored leaders for the group's average on the radar
    output_format: str = "pdf"  # or "html": each report as HTML with its assets, for designers


@dataclass(frozen=True)
class Survey:
    """A read, mapped and scored export."""

    path: Path
    instrument: Instrument
    columns: ColumnMap
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class BuildResult:
    """What `build` did: one outcome per data row, and where the manifest is."""

    survey: Survey
    outcomes: tuple[Outcome, ...]
    manifest: Path
    counts: Counter[str] = field(default_factory=Counter)


ProgressCallback = Callable[[int, int, Outcome], None]


def read_survey(settings: Settings) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates."""
    instrument = load_instrument(settings.instrument)
    _check_language(settings.language, instrument, "--lang")
    with Workbook(settings.survey) as book:
        columns, rows = _find_sheet(book, settings, instrument)
        responses = [
            response
            for number, values in rows
            if (response := mapper.map_row(number, values, columns, instrument)) is not None
        ]
    if not responses:
        raise InputError(
            f"The sheet has a header row (row {columns.header_row}) but no answers below it.",
            fix="Check that you exported the responses, not just the questions, and run reportgen again.",
            file=settings.survey,
            sheet=columns.sheet,
        )
    return Survey(settings.survey, instrument, columns, _settle(responses, instrument))


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    return init_brand(folder, bundled_templates())


def _check_language(language: str | None, instrument: Instrument, source: str) -> None:
    if language is not None and language not in instrument.languages:
        raise ReportgenError(
            f'The language "{language}" is not one of the languages of the instrument '
            f"({', '.join(instrument.languages)}).",
            fix=f"Choose one of those with {source}.",
            file=instrument.source,
        )


def _find_sheet(
    book: Workbook, settings: Settings, instrument: Instrument
) -> tuple[ColumnMap, Iterator[tuple[int, Row]]]:
    """The first sheet (or --sheet) whose header row holds the identity columns, and its data rows."""
    names = book.sheet_names
    if settings.sheet is not None and settings.sheet not in names:
        raise InputError(
            f'There is no sheet named "{settings.sheet}"; the sheets are {_quoted(names)}.',
            fix="Give one of those names with --sheet, or leave --sheet out to let reportgen find the data.",
            file=settings.survey,
        )
    checked = []
    for sheet in [settings.sheet] if settings.sheet else names:
        rows = book.rows(sheet)
        head = list(islice(rows, mapper.HEADER_SEARCH_ROWS))
        checked.append(sheet)
        columns = mapper.find_columns(sheet, head, instrument)
        if columns is None:
            continue
        if not columns.items:
            raise InputError(
                f"The header row (row {columns.header_row}) has the name and e-mail columns, "
                "but no column matches a question of the questionnaire.",
                fix="Check that the export has one column per question with the question text or code "
                "(P1, F2 …) as its header, and run reportgen again.",
                file=settings.survey,
                sheet=sheet,
            )
        data = ((number, values) for number, values in chain(head, rows) if number > columns.header_row)
        return columns, data
    required = [f for f in instrument.identity.values() if f.required]
    expected = " and ".join(f"{f.id} ({' / '.join(f.headers[:2])})" for f in required)
    raise InputError(
        f"No sheet has a header row with the columns for {expected} in its first "
        f"{mapper.HEADER_SEARCH_ROWS} rows (sheets checked: {_quoted(checked)}); "
        "the sheet may be empty or not a survey export.",
        fix="Check that this is the export of the survey responses and that it has a name and an "
        "e-mail column, or name the right sheet with --sheet.",
        file=settings.survey,
    )


def _settle(responses: list[Response], instrument: Instrument) -> tuple[Outcome, ...]:
    """Score each row, mark rows without any score invalid, then supersede duplicates."""
    scored: dict[int, tuple[Response, Assessment | None]] = {}
    for response in responses:
        if response.invalid_reason:
            continue
        result = scorer.assess(response, instrument)
        if not result.reading_order:
            response = replace(response, invalid_reason="no step has enough answers for a score")
        scored[response.source_row] = (response, result)
    valid = [response for response, _ in scored.values() if not response.invalid_reason]
    superseded = mapper.resolve_duplicates(valid)
    outcomes = []
    for original in responses:
        response, assessment = scored.get(original.source_row, (original, None))
        if response.invalid_reason:
            outcomes.append(Outcome(response.source_row, "invalid", response, reason=response.invalid_reason))
        elif response.source_row in superseded:
            winner = superseded[response.source_row]
            outcomes.append(
                Outcome(
                    response.source_row,
                    "duplicate",
                    response,
                    reason=f"superseded by row {winner} (same e-mail, later submission)",
                    assessment=assessment,
                    superseded_by=winner,
                )
            )
        else:
            assert assessment is not None
            outcomes.append(
                Outcome(
                    response.source_row,
                    "ok",
                    response,
                    assessment=assessment,
                    warnings=response.problems + _insufficient(response, assessment, instrument),
                )
            )
    return tuple(outcomes)


def _insufficient(response: Response, assessment: Assessment, instrument: Instrument) -> tuple[Problem, ...]:
    return tuple(
        Problem(
            response.source_row,
            None,
            f"step {instrument.step(s.step_id).title[instrument.languages[0]]}: "
            f"{s.answered} of {s.total} items answered, too few for a score",
        )
        for s in assessment.steps
        if s.score is None
    )


@dataclass(frozen=True)
class _Job:
    """What every report of one build shares."""

    survey: Survey
    language: str
    renderer: Renderer
    contents: dict[str, Content]
    run: RunInfo
    output: Path
    name_width: int
    output_format: str


def build(settings: Settings, on_progress: ProgressCallback | None = None) -> BuildResult:
    """Render one PDF per valid leader into the output folder and write the manifest."""
    bundled = bundled_templates()
    brand = load_brand(settings.brand or default_brand_dir(bundled), bundled)
    survey = read_survey(settings)
    instrument = survey.instrument
    _check_language(brand.default_language, instrument, "default_language in brand.toml")
    template_dirs = [d for d in (brand.template_dir, bundled) if d.is_dir()]
    contents = load_content(template_dirs, instrument.languages)
    # Imported here so that `score` and `--help` never pay for WeasyPrint.
    from .renderer import Renderer

    scored = [o.assessment for o in survey.outcomes if o.status == "ok" and o.assessment]
    job = _Job(
        survey=survey,
        language=settings.language or brand.default_language or instrument.languages[0],
        renderer=Renderer(
            template_dirs, contents, brand, settings.paper or brand.paper, fetch_roots=[brand.root, bundled]
        ),
        contents=contents,
        run=RunInfo(
            brand=brand,
            report_date=settings.report_date or brand.date or date.today(),
            workshop=settings.workshop if settings.workshop is not None else brand.workshop,
            cohort=cohort_means(scored, settings.cohort_min),
        ),
        output=writer.prepare_output(settings.output_dir),
        name_width=max(2, len(str(max(o.source_row for o in survey.outcomes)))),
        output_format=settings.output_format,
    )
    if job.output_format == "html":
        _write_html_assets(job, brand)
    outcomes = []
    for done, outcome in enumerate(survey.outcomes, start=1):
        if outcome.status == "ok":
            outcome = _render(outcome, job)
        outcomes.append(outcome)
        if on_progress:
            on_progress(done, len(survey.outcomes), outcome)
    manifest = writer.write_manifest(job.output, outcomes)
    return BuildResult(survey, tuple(outcomes), manifest, Counter(o.status for o in outcomes))


def _render(outcome: Outcome, job: _Job) -> Outcome:
    """Render and write one leader's report; a render error fails only this row."""
    assert outcome.assessment is not None
    response = outcome.response
    lang = response.language or job.language
    view = build_view(response, outcome.assessment, job.survey.instrument, job.contents[lang], lang, job.run)
    suffix = f".{job.output_format}"
    try:
        if job.output_format == "html":
            html = job.renderer.html(view, asset_base=f"{ASSETS}/", stylesheet=f"{ASSETS}/report-{lang}.css")
            data = html.encode("utf-8")
        else:
            data = job.renderer.pdf(view)
    except RenderError as error:
        return replace(outcome, status="failed", reason=str(error))
    name = writer.report_name(response.source_row, response.name, job.name_width, suffix)
    writer.write_atomic(job.output / name, data)
    return replace(outcome, status="rendered", pdf=name)


def _write_html_assets(job: _Job, brand: Brand) -> None:
    """Stylesheets per language, fonts and logo in DIR/assets/, for the HTML reports to link to."""
    folder = writer.prepare_output(job.output / ASSETS)
    for lang, content in job.contents.items():
        css = job.renderer.stylesheet_text(content, asset_base="")
        writer.write_atomic(folder / f"report-{lang}.css", css.encode("utf-8"))
    for path in (*brand.fonts.values(), *([brand.logo] if brand.logo else [])):
        writer.write_atomic(folder / path.name, path.read_bytes())


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names) or "none"
