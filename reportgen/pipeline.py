"""The pipeline: read → map → score → render → write. The one entry point of CLI and tests."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from email.message import EmailMessage
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

from . import batch, cohort, deliver, mapper, mapping_file, scorer, writer
from .brand import default_brand_dir, init_brand, load_brand
from .errors import InputError, RenderError, ReportgenError
from .instrument import load_instrument
from .models import Assessment, Brand, Codebook, ColumnMap, Instrument, Outcome, Problem, Response
from .reader import CsvExport, Row, Workbook, open_export
from .report import Content, RunInfo, build_view, cohort_cover, cohort_means, load_content

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
    encoding: str | None = None  # of a CSV export; None: detected
    delimiter: str | None = None  # of a CSV export; None: detected
    mapping: Path | None = None  # a mapping file that says which column holds what; None: detected
    previous: Path | None = None  # an earlier export of the same survey, for progress over time
    group_by: str | None = None  # a column whose values split the cohort report into sections
    # None: from the brand, else the instrument's first language.
    language: str | None = None
    report_date: date | None = None
    workshop: str | None = None
    brand: Path | None = None
    paper: str | None = None
    cohort_min: int = 5  # fewest scored leaders for the group's average on the radar
    output_format: str = "pdf"  # or "html": each report as HTML with its assets, for designers
    jobs: int | None = None  # worker processes; None: one per usable core
    force: bool = False  # render even what is unchanged since the last run
    only: tuple[str, ...] = ()  # e-mails: render just these leaders


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
    scores: Path | None = None
    orphans: tuple[str, ...] = ()  # reports in DIR whose leader is no longer in the input: kept, listed
    interrupted: bool = False
    reused: int = 0  # reports unchanged since an earlier run, not rendered again
    cohort: Path | None = None  # the facilitator's report on the group
    cohort_note: str = ""  # why there is none


ProgressCallback = Callable[[int, int, Outcome], None]


def read_survey(settings: Settings) -> Survey:
    """Read the export, find its columns, score every row and settle duplicates."""
    instrument = load_instrument(settings.instrument)
    _check_language(settings.language, instrument, "--lang")
    with open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        columns, rows = _find_sheet(book, settings, instrument)
        if settings.group_by:
            columns = replace(columns, group=_group_column(columns, settings))
        responses = [
            response
            for number, values in rows
            if (response := mapper.map_row(number, values, columns, instrument)) is not None
        ]
    if not responses:
        raise InputError(
            f"The sheet has a header ({rows_text(columns.header_rows)}) but no answers below it.",
            fix="Check that you exported the responses, not just the questions, and run reportgen again.",
            file=settings.survey,
            sheet=columns.sheet,
        )
    outcomes = _settle(responses, instrument)
    if settings.previous is not None:
        outcomes = _with_previous(outcomes, settings)
    return Survey(settings.survey, instrument, columns, outcomes)


def _group_column(columns: ColumnMap, settings: Settings) -> int:
    assert settings.group_by is not None
    column = mapper.group_column(columns, settings.group_by)
    if column is None:
        headers = ", ".join(f'"{h}"' for h in columns.headers if h)
        raise InputError(
            f'No column is named "{settings.group_by}" (--group-by); the columns are {headers}.',
            fix="Give one of those headers, e.g. --group-by Organisation.",
            file=settings.survey,
            sheet=columns.sheet,
        )
    return column


def _with_previous(outcomes: tuple[Outcome, ...], settings: Settings) -> tuple[Outcome, ...]:
    """Each leader's scores in the earlier export, matched by e-mail (case and spaces ignored)."""
    assert settings.previous is not None
    earlier = read_survey(
        replace(settings, survey=settings.previous, previous=None, sheet=None, mapping=None, group_by=None)
    )
    by_email = {o.response.email_key: o.assessment for o in earlier.outcomes if o.status == "ok" and o.assessment}
    return tuple(replace(o, previous=by_email.get(o.response.email_key)) for o in outcomes)


def write_mapping(settings: Settings, target: Path) -> ColumnMap:
    """Write the columns as detected (or as the best header row matched them) to a mapping file to edit."""
    if target.exists():
        raise InputError(
            "The mapping file already exists; reportgen does not overwrite it, as it may hold your edits.",
            fix="Delete it or give another file name to --write-mapping.",
            file=target,
        )
    instrument = load_instrument(settings.instrument)
    with open_export(settings.survey, settings.encoding, settings.delimiter) as book:
        try:
            columns, _ = _find_sheet(book, settings, instrument)
        except InputError:
            # Nothing complete: start the facilitator off from the header row that matched most.
            codebook, codebook_sheets = _codebook(book, instrument)
            sheets = [settings.sheet] if settings.sheet else [n for n in book.sheet_names if n not in codebook_sheets]
            heads = {sheet: islice(book.rows(sheet), mapper.HEADER_SEARCH_ROWS) for sheet in sheets}
            guesses = [mapper.best_guess(sheet, head, instrument, codebook) for sheet, head in heads.items()]
            best = max((g for g in guesses if g), key=lambda guess: guess.matched, default=None)
            if best is None:
                raise
            columns = best
    writer.write_atomic(target, mapping_file.text(columns, instrument, settings.survey).encode("utf-8"))
    return columns


@dataclass(frozen=True)
class SendSettings:
    """How `send` delivers: the merged options, each leader's mail text, and the message with the PDF."""

    options: deliver.Options
    mail_text: Callable[[deliver.Letter], tuple[str, str]]  # (subject, body) in the leader's language
    compose: deliver.Compose


def send_settings(folder: Path, brand_dir: Path | None, config: Path | None, given: dict[str, object]) -> SendSettings:
    """Options from the command line, else reportgen.toml, else the brand; mail templates from the brand."""
    from .renderer import MailTemplates  # imports WeasyPrint: only when mail is written

    bundled = bundled_templates()
    brand = load_brand(brand_dir or default_brand_dir(bundled), bundled)
    deliver.check_options(brand.mail, brand.root / "brand.toml", "[mail] table of the brand")
    settings = deliver.load_config(config or Path("reportgen.toml"), required=config is not None)
    given = {("from" if key == "sender" else key): value for key, value in given.items()}
    options = deliver.merge_options(given, settings, brand.mail)
    templates = MailTemplates([d for d in (brand.template_dir, bundled) if d.is_dir()])
    instrument = load_instrument()

    def mail_text(letter: deliver.Letter) -> tuple[str, str]:
        lang = letter.language if letter.language in instrument.languages else instrument.languages[0]
        name, address = deliver.sender(options)
        values = {
            "title": instrument.title[lang], "workshop": brand.workshop, "organisation": brand.organisation,
            "name": letter.name, "email": letter.email, "sender_name": name or address,
        }  # fmt: skip
        return templates.render(lang, values)

    def compose(letter: deliver.Letter, to: str, pdf: bytes) -> EmailMessage:
        return deliver.compose(letter, to, pdf, mail_text(letter), options)

    return SendSettings(options, mail_text, compose)


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
    book: Workbook | CsvExport, settings: Settings, instrument: Instrument
) -> tuple[ColumnMap, Iterator[tuple[int, Row]]]:
    """The first sheet (or --sheet) whose header row holds the identity columns, and its data rows."""
    names = book.sheet_names
    mapping = mapping_file.load(settings.mapping, instrument) if settings.mapping else None
    wanted = settings.sheet or (mapping.sheet if mapping else None)
    if wanted is not None and wanted not in names:
        raise InputError(
            f'There is no sheet named "{wanted}"; the sheets are {_quoted(names)}.',
            fix="Give one of those names with --sheet (or as sheet in the mapping file), "
            "or leave it out to let reportgen find the data.",
            file=settings.survey,
        )
    codebook, codebook_sheets = _codebook(book, instrument)
    candidates = [n for n in names if n not in codebook_sheets]
    if mapping:
        sheet = wanted or candidates[0]
        rows = book.rows(sheet)
        head = list(islice(rows, mapping.header_rows[-1]))
        mapped = mapping_file.apply(mapping, sheet, head, instrument, codebook)
        return mapped, (row for row in chain(head, rows) if row[0] > mapped.header_row)
    checked = []
    for sheet in [wanted] if wanted else candidates:
        rows = book.rows(sheet)
        head = list(islice(rows, mapper.HEADER_SEARCH_ROWS))
        checked.append(sheet)
        columns = mapper.find_columns(sheet, head, instrument, codebook)
        if columns is None:
            continue
        if not columns.items:
            raise InputError(
                f"The header ({rows_text(columns.header_rows)}) has the name and e-mail columns, "
                "but no column matches a question of the questionnaire.",
                fix="Check that the export has one column per question with the question text or code "
                "(P1, F2 …) as its header, or map the columns yourself: run reportgen check with "
                "--write-mapping, edit the file and give it with --mapping.",
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


def _codebook(book: Workbook | CsvExport, instrument: Instrument) -> tuple[Codebook | None, set[str]]:
    """The workbook's own description of its variables (SurveyXact), and the sheets it came from."""
    rules = instrument.exports
    by_key = {mapper.normalize(name): name for name in book.sheet_names}
    structure = next((by_key[k] for n in rules.structure_sheets if (k := mapper.normalize(n)) in by_key), None)
    labels = next((by_key[k] for n in rules.label_sheets if (k := mapper.normalize(n)) in by_key), None)
    if structure is None and labels is None:
        return None, set()
    codebook = mapper.read_codebook(
        book.rows(structure) if structure else iter(()), book.rows(labels) if labels else iter(()), instrument
    )
    return codebook or None, {name for name in (structure, labels) if name}


def rows_text(numbers: tuple[int, ...]) -> str:
    """ "row 1" or "rows 1–3"."""
    return f"row {numbers[0]}" if len(numbers) == 1 else f"rows {numbers[0]}–{numbers[-1]}"


def _settle(responses: list[Response], instrument: Instrument) -> tuple[Outcome, ...]:
    """Score each row, mark rows without any score invalid, then supersede duplicates."""
    scored: dict[int, tuple[Response, Assessment | None]] = {}
    for response in responses:
        if response.invalid_reason:
            continue
        result = scorer.assess(response, instrument)
        short = [instrument.step(s.step_id).title[instrument.languages[0]] for s in result.steps if s.score is None]
        if not result.reading_order:
            response = replace(response, invalid_reason="no step has enough answers for a score")
        elif response.unfinished and short:
            # An unfinished response is scored only when it is complete enough to say something about every step.
            response = replace(
                response,
                invalid_reason=f"unfinished response ({response.unfinished}); too few answers in {', '.join(short)}",
            )
        elif response.unfinished:
            note = f"unfinished response ({response.unfinished}), scored: every step has enough answers"
            response = replace(response, problems=(*response.problems, Problem(response.source_row, None, note)))
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


def build(settings: Settings, on_progress: ProgressCallback | None = None) -> BuildResult:
    """Render one report per valid leader into the output folder; write the manifest and scores.xlsx."""
    bundled = bundled_templates()
    brand = load_brand(settings.brand or default_brand_dir(bundled), bundled)
    survey = read_survey(settings)
    # The input is good, so workers will most likely be needed: let them get ready meanwhile.
    batch.warm_up(settings.jobs or batch.default_jobs())
    instrument = survey.instrument
    _check_language(brand.default_language, instrument, "default_language in brand.toml")
    template_dirs = tuple(d for d in (brand.template_dir, bundled) if d.is_dir())
    contents = load_content(list(template_dirs), instrument.languages)
    setup = batch.RendererSetup(template_dirs, contents, brand, settings.paper or brand.paper, (brand.root, bundled))
    # Fail on a broken template or stylesheet before anything is written (imports WeasyPrint).
    renderer = setup.create()
    output = writer.prepare_output(settings.output_dir)
    writer.remove_temporaries(output)
    if settings.output_format == "html":
        _write_html_assets(output, renderer, contents, brand)

    scored = [o.assessment for o in survey.outcomes if o.status == "ok" and o.assessment]
    run = RunInfo(
        brand=brand,
        report_date=settings.report_date or brand.date or date.today(),
        workshop=settings.workshop if settings.workshop is not None else brand.workshop,
        # The group's average is left out of the fingerprint: one leader's change re-renders
        # only that leader's report; --force refreshes the average everywhere.
        cohort=cohort_means(scored, settings.cohort_min),
    )
    language = settings.language or brand.default_language or instrument.languages[0]
    fingerprint = batch.run_fingerprint(
        [instrument.source, brand.root, bundled],
        {"date": settings.report_date or brand.date, "workshop": run.workshop, "paper": setup.paper,
         "format": settings.output_format, "cohort_min": settings.cohort_min},
    )  # fmt: skip
    previous = writer.read_manifest(output)
    width = max(2, len(str(max(o.source_row for o in survey.outcomes))))
    only = {"".join(email.split()).casefold() for email in settings.only}

    outcomes: dict[int, Outcome] = {}
    tasks: list[batch.Task] = []
    for outcome in survey.outcomes:
        if outcome.status != "ok":
            outcomes[outcome.source_row] = outcome
            continue
        assert outcome.assessment is not None
        response = outcome.response
        lang = response.language or language
        name = writer.report_name(response.source_row, response.name, width, f".{settings.output_format}")
        current = batch.leader_fingerprint(fingerprint, response, lang, outcome.previous)
        exists = (output / name).is_file()
        selected = not only or response.email_key in only
        if exists and ((not settings.force and previous.get(name) == current) or (not selected and name in previous)):
            outcomes[outcome.source_row] = replace(
                outcome, status="rendered", pdf=name, fingerprint=previous[name], reused=True, language=lang
            )
        elif not selected:
            outcomes[outcome.source_row] = replace(outcome, status="skipped", reason="not selected by --only")
        else:
            outcomes[outcome.source_row] = replace(outcome, pdf=name, fingerprint=current, language=lang)
            view = build_view(response, outcome.assessment, instrument, contents[lang], lang, run, outcome.previous)
            tasks.append(
                batch.Task(response.source_row, view, output / name, settings.output_format,
                           asset_base=f"{ASSETS}/", stylesheet=f"{ASSETS}/report-{lang}.css")
            )  # fmt: skip

    done = 0
    total = len(tasks)
    for outcome in outcomes.values():
        if outcome.status != "ok" and on_progress:
            on_progress(done, total, outcome)

    def finished(result: batch.TaskResult) -> None:
        nonlocal done
        outcome = outcomes[result.source_row]
        if result.reason is None:
            outcome = replace(outcome, status="rendered")
        else:
            outcome = replace(outcome, status="failed", reason=result.reason, pdf=None, fingerprint=None)
        outcomes[result.source_row] = outcome
        done += 1
        if on_progress:
            on_progress(done, total, outcome)

    interrupted = False
    try:
        # The renderer built above to check the templates renders here too when there is one job.
        batch.run(tasks, setup, settings.jobs or batch.default_jobs(), finished, renderer)
    except batch.Interrupted:
        interrupted = True
        for row, outcome in outcomes.items():
            if outcome.status == "ok":
                outcomes[row] = replace(
                    outcome, status="failed", reason="interrupted before it was rendered; run build again",
                    pdf=None, fingerprint=None,
                )  # fmt: skip
    ordered = tuple(outcomes[o.source_row] for o in survey.outcomes)
    group = [(o.response, o.assessment, o.previous) for o in survey.outcomes if o.status == "ok" and o.assessment]
    cohort_view = cohort.cohort_view(
        group, instrument, contents[language], language, settings.cohort_min,
        cohort_cover(run, instrument, contents[language], language), by_group=settings.group_by is not None,
    )  # fmt: skip
    cohort_path, cohort_note = None, ""
    if cohort_view is None:
        cohort_note = f"{len(group)} leaders scored, fewer than the {settings.cohort_min} needed to keep them anonymous"
    elif not interrupted:
        try:
            cohort_path = _write_cohort(output, renderer, cohort_view, settings.output_format)
        except RenderError as error:
            cohort_note = f"it could not be rendered ({error})"
    manifest = writer.write_manifest(output, ordered)
    scores = writer.write_scores(output, ordered, instrument, language)
    produced = {o.pdf for o in ordered if o.pdf}
    orphans = tuple(sorted(name for name in previous if name not in produced and (output / name).is_file()))
    return BuildResult(
        survey, ordered, manifest, Counter(o.status for o in ordered), scores=scores, orphans=orphans,
        interrupted=interrupted, reused=sum(o.reused for o in ordered), cohort=cohort_path, cohort_note=cohort_note,
    )  # fmt: skip


def _write_cohort(output: Path, renderer: Renderer, view: cohort.CohortView, output_format: str) -> Path:
    """DIR/cohort.pdf (or .html), the facilitator's view of the group."""
    from .renderer import COHORT_TEMPLATE

    path = output / f"cohort.{output_format}"
    if output_format == "html":
        html = renderer.html(view, f"{ASSETS}/", f"{ASSETS}/report-{view.lang}.css", COHORT_TEMPLATE)
        writer.write_atomic(path, html.encode("utf-8"))
    else:
        writer.write_atomic(path, renderer.pdf(view, COHORT_TEMPLATE))
    return path


def _write_html_assets(output: Path, renderer: Renderer, contents: dict[str, Content], brand: Brand) -> None:
    """Stylesheets per language, fonts and logo in DIR/assets/, for the HTML reports to link to."""
    folder = writer.prepare_output(output / ASSETS)
    for lang, content in contents.items():
        css = renderer.stylesheet_text(content, asset_base="")
        writer.write_atomic(folder / f"report-{lang}.css", css.encode("utf-8"))
    for path in (*brand.fonts.values(), *([brand.logo] if brand.logo else [])):
        writer.write_atomic(folder / path.name, path.read_bytes())


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names) or "none"
