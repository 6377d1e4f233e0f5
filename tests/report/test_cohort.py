"""The cohort report: the group's figures, checked against `reportgen score`, and nobody named."""

from __future__ import annotations

import json
import re
import statistics
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from reportgen.config import Settings
from reportgen.models import BuildResult, round_half_up
from reportgen.pipeline.build import build
from reportgen.report import cohort
from reportgen.report.cohort_rules import Excluded
from reportgen.scoring.group import Since, group_means
from reportgen.survey.load import read_survey

from ..conftest import INSTRUMENT, ITEM_CODES, invoke, pdf_text, write_xlsx

NAMES = ["Søren Østergaard", "Åse Bræmer", "Lars Nielsen", "Mette Holm", "Jens Berg", "Ida Mørch"]
CUSTOMERS = [item.code for item in INSTRUMENT.step("customers").items]


def group_rows() -> list[list[object]]:
    """Six leaders with varied answers, an organisation each and free text; three answer the customers step."""
    rows = []
    for n, name in enumerate(NAMES):
        answers = {code: 1 + (n + i) % 5 for i, code in enumerate(ITEM_CODES)}
        if n >= 3:
            answers |= {code: None for code in CUSTOMERS}
        email = f"leader{n}@example.dk"
        rows.append(
            [name, email, f"Firma{n} A/S", "Salg", *(answers[c] for c in ITEM_CODES), f"Mit hemmelige formål nr. {n}"]
        )
    return rows


HEADER = ["Navn", "Mail", "Organisation", "Afdeling", *ITEM_CODES, "T1"]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort")
    # Two rows left out: one without an e-mail, one a duplicate of leader 0.
    extra = [
        ["Uden Mail", None, "X", "Salg", *[3] * len(ITEM_CODES), ""],
        [NAMES[0], "LEADER0@example.dk", *group_rows()[0][2:]],
    ]
    return write_xlsx(folder / "group.xlsx", [HEADER, *group_rows(), *extra])


@pytest.fixture(scope="module")
def earlier(survey: Path) -> Path:
    rows = [[*row[:4], *[1 + (i % 3) for i in range(len(ITEM_CODES))], ""] for row in group_rows()]
    return write_xlsx(survey.parent / "earlier.xlsx", [HEADER, *rows[:5]])


@pytest.fixture(scope="module")
def built(survey: Path, earlier: Path) -> BuildResult:
    # --only one leader: one personal report is rendered, the cohort report of all six is too.
    # (An --only that names nobody in the input is refused, so it cannot leave out every report.)
    settings = Settings(
        survey=survey, output_dir=survey.parent / "out", report_date=date(2026, 11, 27), only=("leader0@example.dk",),
        previous=earlier, group_by="Afdeling", jobs=1,
    )  # fmt: skip
    return build(settings)


@pytest.fixture(scope="module")
def view(survey: Path, earlier: Path) -> cohort.CohortView:
    read = read_survey(Settings(survey=survey, previous=earlier, group_by="Afdeling"))
    found = cohort.cohort_view(
        cohort.group_entries(read.outcomes), INSTRUMENT, {}, "da", 5, _header(), by_group=True,
        excluded=Excluded.of(read.outcomes),
    )  # fmt: skip
    assert found is not None
    return found


def test_cohort_figures_equal_a_reference_computation_over_score(survey: Path, view: cohort.CohortView) -> None:
    records = [r for r in json.loads(invoke(["score", str(survey)]).stdout) if r["status"] == "ok"]
    assert view.leaders == len(records) == 6
    for step in view.steps:
        scores = [r["scores"][step.id] for r in records if r["scores"][step.id] is not None]
        if len(scores) < 5:
            assert step.too_few and step.mean is None and not step.dots
            continue
        assert float(step.mean or 0) == pytest.approx(statistics.fmean(scores), abs=0.05)
        assert step.median is None and step.middle is None and step.dots == ()  # one leader's score, of six
        assert step.spread == pytest.approx(statistics.pstdev(scores), abs=0.1)
        bands = [r["bands"][step.id] for r in records if r["bands"][step.id]]
        assert {b.key: b.count for b in step.bands} == {band.id: bands.count(band.id) for band in INSTRUMENT.bands}
        assert step.first_in_order == sum(r["priority"][0] == step.id for r in records)


def test_the_cohort_report_names_nobody_and_withholds_small_figures(built: BuildResult) -> None:
    assert built.cohort is not None and built.cohort.name == "cohort.pdf"
    asked = [o.pdf for o in built.outcomes if o.response.email == "leader0@example.dk" and o.pdf]
    assert [p.name for p in built.cohort.parent.glob("*.pdf") if p.name != "cohort.pdf"] == asked  # the one asked for
    text = pdf_text(built.cohort)
    assert "6 ledere indgår" in text
    assert "2 besvarelser er udeladt (ugyldige: 1, dubletter: 1, ufærdige: 0)." in text
    for n, name in enumerate(NAMES):
        for part in name.split():
            assert part not in text
        assert f"leader{n}@example.dk" not in text.casefold() and f"Firma{n}" not in text
    assert "hemmelige" not in text and "Uden Mail" not in text
    assert re.search(r"Salg 6 [\d,]+ [\d,]+ [\d,]+ For få", text)  # a --group-by group of six, customers withheld
    assert "For få svar" in text  # the customers step has three answers
    assert "»For få«: færre end 5 ledere med en score" in " ".join(text.split())  # the rule's own minimum


def test_no_figure_is_made_from_fewer_than_the_minimum(view: cohort.CohortView) -> None:
    customers = next(s for s in view.steps if s.id == "customers")
    assert customers.scored == 3 and customers.too_few
    assert (customers.mean, customers.median, customers.spread, customers.middle) == (None,) * 4
    assert customers.bands == () and customers.dots == () and not customers.split
    assert customers.importance is None and customers.importance_bar == () and customers.priority is None
    assert customers.rank is None and customers not in view.brief.focus and view.brief.order[-1] is customers
    assert customers.since is not None and not customers.since.shown and customers.since.change is None
    for item in view.items:
        if item.code in CUSTOMERS:
            assert item.answered == 3 and item.too_few and item.mean is None and item.bar == () and not item.mark
    assert [(g.name, g.leaders) for g in view.groups] == [("Salg", 6)]
    assert next(s for s in view.groups[0].steps if s.id == "customers").mean is None


def test_danish_figures_have_decimal_commas_and_english_decimal_points(
    built: BuildResult, view: cohort.CohortView
) -> None:
    from reportgen.brand import brand_or_bundled as load_brand
    from reportgen.render.renderer import COHORT_TEMPLATE
    from reportgen.report.content import number

    assert built.cohort is not None
    text = pdf_text(built.cohort)
    shown = [s.importance for s in view.steps if s.importance is not None]
    assert shown and any(value.denominator != 1 for value in shown)
    for value in shown:
        assert number(value, 1, "da_DK") in text and "," in number(value, 1, "da_DK")
    assert re.search(r"\d\.\d", text) is None  # no English decimal anywhere
    assert "1,15 gange" in text and "75 %" in text  # the rules in the notes, in Danish form
    brand = load_brand(None)
    setup, contents = _setup(brand)
    english = cohort.cohort_view(
        cohort.group_entries(built.survey.outcomes), INSTRUMENT, contents["en"], "en", 5, _header(), by_group=True
    )
    assert english is not None
    html = setup.create().html(english, template=COHORT_TEMPLATE)
    for value in shown:
        assert number(value, 1, "en_GB") in html and "." in number(value, 1, "en_GB")
    assert "1.15 times" in html and "6 leaders included" in html
    assert re.search(r">\s*\d+,\d", html) is None


def _setup(brand: object) -> tuple[object, dict[str, object]]:
    from reportgen.pipeline.build import _renderer_setup

    return _renderer_setup(brand, INSTRUMENT, Settings(survey=Path("x")))  # type: ignore[arg-type]


def test_the_radar_the_cohort_report_and_the_workbook_show_the_same_group_figures(
    built: BuildResult, view: cohort.CohortView
) -> None:
    from openpyxl import load_workbook

    from reportgen.report.content import number

    scored = [o.assessment for o in built.outcomes if o.assessment and o.status in ("rendered", "skipped")]
    radar = group_means(scored, [s.id for s in INSTRUMENT.steps], 5)  # the group polygon on every radar
    assert built.scores is not None and built.cohort is not None
    book = load_workbook(built.scores)
    sheet = {row[0]: row for row in book["Gruppen"].iter_rows(min_row=2, values_only=True)}
    book.close()
    text = pdf_text(built.cohort)
    for step in view.steps:
        row = sheet[step.title]
        assert row[1] == step.scored
        if step.mean is None:
            assert step.id not in radar
            continue
        assert radar[step.id] == float(step.mean)
        assert row[2] == float(round_half_up(step.mean, 1)) and step.median is None  # one leader's score, of six
        assert row[-3] == float(round_half_up(step.importance or 0, 1)) and row[-1] == step.first_in_order
        assert tuple(row[7:10]) == tuple(b.count for b in step.bands)
        # Page 1's order table: the importance in words, the beginners and the mean score with one decimal.
        important = f"{view.cell(step.importance_high)} af {step.importance_answers}"
        shown = [important, f"{view.cell(step.beginners)} af {step.scored}", number(step.mean, 1, "da_DK")]
        assert re.search(rf"{step.chapter}\. {step.title}[^\n]*? {' '.join(shown)} ", text), step.id
        assert number(step.mean, 1, "da_DK") == f"{row[2]:.1f}".replace(".", ",")  # the workbook's rounding


def test_a_group_of_four_gets_no_cohort_report(shared_build: BuildResult) -> None:
    assert shared_build.counts["rendered"] == 4
    assert shared_build.cohort is None and "fewer than the 5 needed" in shared_build.cohort_note
    assert not (shared_build.manifest.parent / "cohort.pdf").exists()


def _header() -> cohort.Cover:
    return cohort.Cover(title="", instrument_title="", organisation_brand="", logo=None, date="", workshop="")


def test_the_groups_change_is_the_mean_change_of_matched_leaders(
    survey: Path, earlier: Path, view: cohort.CohortView
) -> None:
    records = json.loads(invoke(["score", str(survey), "--previous", str(earlier)]).stdout)
    records = [r for r in records if r["status"] == "ok"]
    assert view.since
    for step in view.steps:
        changes = [r["changes"][step.id] for r in records if r["changes"][step.id] is not None]
        assert step.since is not None and step.since.matched == len(changes)
        # Five of the six were there last time: the one newcomer's scores would follow from the change.
        assert len(changes) == 5 or step.id == "customers"
        assert step.since.change is None and not step.since.shown


def test_group_by_adds_a_section_per_group_of_the_minimum_size(tmp_path: Path) -> None:
    sizes = {"Salg": 6, "HR": 5, "IT": 2}
    rows = [["Navn", "Mail", "Afdeling", *ITEM_CODES]]
    for n, unit in enumerate(unit for unit, size in sizes.items() for _ in range(size)):
        rows.append([f"Leder {n}", f"l{n}@example.dk", unit, *[1 + (n + i) % 5 for i in range(len(ITEM_CODES))]])
    path = write_xlsx(tmp_path / "units.xlsx", rows)
    read = read_survey(Settings(survey=path, group_by="afdeling"))
    view = cohort.cohort_view(cohort.group_entries(read.outcomes), INSTRUMENT, {}, "da", 5, _header(), by_group=True)
    assert view is not None and [(g.name, g.leaders) for g in view.groups] == [("HR", 5), ("Salg", 6)]
    assert view.groups_left_out == 1
    records = json.loads(invoke(["score", str(path)]).stdout)
    salg = [r for r, row in zip(records, rows[1:], strict=True) if row[2] == "Salg"]
    for step in view.groups[1].steps:
        assert float(step.mean or 0) == pytest.approx(statistics.fmean(r["scores"][step.id] for r in salg), abs=0.05)
    wrong = invoke(["build", str(path), "--group-by", "Region", "-o", str(tmp_path / "o")])
    assert wrong.exit_code == 2 and 'No column is named "Region"' in wrong.output


# --- the workshop brief, findings, distributions, over time -----------------------------

STEP_ITEMS = {step.id: [item.code for item in step.items] for step in INSTRUMENT.steps}
IMPORTANCE = {step.id: step.importance.code for step in INSTRUMENT.steps if step.importance}


def answers(score: dict[str, int], importance: dict[str, int]) -> dict[str, int]:
    """Every statement of a step answered alike (F5 turned so that it means the same), and its importance."""
    values = {}
    for step_id, codes in STEP_ITEMS.items():
        for code in codes:
            values[code] = 6 - score[step_id] if code == "F5" else score[step_id]
        values[IMPORTANCE[step_id]] = importance[step_id]
    return values


def view_of(folder: Path, rows: list[dict[str, int]], earlier: list[dict[str, int]] | None = None) -> cohort.CohortView:
    """The cohort view of leaders answering as given, read from a real workbook (and an earlier one)."""
    header = ["Navn", "Mail", *ITEM_CODES]
    table = [[f"Leder {n}", f"l{n}@example.dk", *(row.get(c) for c in ITEM_CODES)] for n, row in enumerate(rows)]
    survey = write_xlsx(folder / "now.xlsx", [header, *table])
    previous = None
    if earlier is not None:
        before = [
            [f"Leder {n}", f"l{n}@example.dk", *(row.get(c) for c in ITEM_CODES)] for n, row in enumerate(earlier)
        ]
        previous = write_xlsx(folder / "before.xlsx", [header, *before])
    read = read_survey(Settings(survey=survey, previous=previous))
    view = cohort.cohort_view(cohort.group_entries(read.outcomes), INSTRUMENT, {}, "da", 5, _header())
    assert view is not None
    return view


ALL = dict.fromkeys(STEP_ITEMS, 3)


def test_the_brief_names_the_step_the_group_needs_most(tmp_path: Path) -> None:
    # The group: Medarbejdere most important and weakest, at a mean of exactly 50.
    rows = [answers({**ALL, "purpose": 4, "skills": 4, "customers": 4}, ALL) | _step("employees", 3, 4)] * 4 + [
        answers({**ALL, "purpose": 4, "skills": 4, "customers": 4}, ALL) | _step("employees", 3, 3)
    ]
    view = view_of(tmp_path, rows)
    employees = next(s for s in view.steps if s.id == "employees")
    assert employees.mean == 50 and employees.importance == Fraction(19, 5)
    assert employees.priority == Fraction(19, 5) * 50
    assert [s.id for s in view.brief.focus] == ["employees"] and employees.focus and employees.rank == 1
    assert view.brief.order[0].id == "employees"
    assert employees.first_in_order == 5 and employees.first_share == 1
    assert view.brief.resource is not None and view.brief.resource.id == "purpose"  # 75 on three steps: chapter 1
    assert view.brief.teams == () and view.brief.lowest == ()  # a focus is the plan


def _step(step_id: str, score: int, importance: int) -> dict[str, int]:
    codes = STEP_ITEMS[step_id]
    return {code: 6 - score if code == "F5" else score for code in codes} | {IMPORTANCE[step_id]: importance}


def test_a_flat_group_has_no_focus_and_neutral_statements_are_no_findings(tmp_path: Path) -> None:
    # Means of 3.2–3.4 on every statement and the same priority everywhere: nothing stands out.
    rows = [answers(ALL, ALL)] * 3 + [answers(dict.fromkeys(STEP_ITEMS, 4), ALL)] * 2
    view = view_of(tmp_path, rows)
    assert len({s.priority for s in view.steps}) == 1
    assert view.brief.focus == () and not any(s.focus for s in view.steps)
    assert all(i.mean is not None and 3 < i.mean < 4 for i in view.items)
    assert view.strengths == () and view.blind_spots == ()
    assert {i.mark for i in view.items} == {""}


def test_a_clear_strength_and_blind_spot_stand_out_with_reverse_keyed_statements_turned(tmp_path: Path) -> None:
    # F5 is reverse-keyed: answering 1 ("disagree that I feel insecure") is the strong answer.
    rows = [answers(ALL, ALL) | {"P1": 5, "F5": 1, "M1": 1}] * 4 + [answers(ALL, ALL) | {"P1": 4, "F5": 2, "M1": 2}]
    view = view_of(tmp_path, rows)
    items = {i.code: i for i in view.items}
    assert items["F5"].turned and items["F5"].mean == Fraction(24, 5)  # turned: 5, 5, 5, 5, 4
    assert items["F5"].text == "Jeg føler mig tryg, når jeg selv skal kommunikere på sociale medier."
    assert items["P1"].mean == Fraction(24, 5) and items["P1"].agree == 1
    assert [i.code for i in view.strengths] == ["P1", "F5"]
    assert [i.code for i in view.blind_spots] == ["M1"] and items["M1"].disagree == 1
    assert items["P2"].mark == "" and items["P2"].agree == 0 and items["P2"].disagree == 0


def test_a_split_group_is_named_as_such(tmp_path: Path) -> None:
    # Half at 0, half at 100 on purpose: a mean of 50 that no leader has. Skills stays one group.
    low = answers(ALL | {"purpose": 1}, ALL)
    high = answers(ALL | {"purpose": 5}, ALL)
    view = view_of(tmp_path, [low, low, low, high, high, high])
    purpose, skills = view.steps[0], view.steps[1]
    assert purpose.mean == 50 and purpose.split
    assert [(b.key, b.count, b.share) for b in purpose.bands] == [
        ("getting_started", 3, Fraction(1, 2)),
        ("on_the_way", 0, 0),
        ("strong", 3, Fraction(1, 2)),
    ]
    assert not skills.split and [b.count for b in skills.bands] == [0, 6, 0]
    assert purpose.importance_bar[2].count == 6 and purpose.importance_spread == 0


def test_band_moves_since_the_previous_round(tmp_path: Path) -> None:
    # Six leaders both times: two go up from Begynder to Stærk, one goes down, three stay.
    before = [answers(ALL | {"purpose": 1}, ALL)] * 2 + [answers(ALL | {"purpose": 5}, ALL)] + [answers(ALL, ALL)] * 3
    now = [answers(ALL | {"purpose": 5}, ALL)] * 2 + [answers(ALL | {"purpose": 2}, ALL)] + [answers(ALL, ALL)] * 3
    view = view_of(tmp_path, now, before)
    purpose, skills = view.steps[0], view.steps[1]
    assert purpose.since == Since(matched=6, change=Fraction(2 * 100 - 75, 6), up=2, same=3, down=1, shown=True)
    assert skills.since == Since(matched=6, change=Fraction(0), up=0, same=6, down=0, shown=True)


def test_band_moves_are_withheld_below_the_minimum(tmp_path: Path) -> None:
    before = [answers(ALL | {"purpose": 1}, ALL)] * 4  # only four leaders were there last time
    now = [answers(ALL | {"purpose": 5}, ALL)] * 6
    view = view_of(tmp_path, now, before)
    assert view.since and view.steps[0].since == Since(4, None, 0, 0, 0, False)


def test_excluded_rows_are_counted_by_why(tmp_path: Path) -> None:
    # A Qualtrics export (its ResponseId column tells it apart), whose Finished column marks the unfinished.
    header = ["ResponseId", "Navn", "Mail", "Finished", *ITEM_CODES]
    rows = [[f"R_{n}", f"L{n}", f"l{n}@example.dk", "True", *[3] * len(ITEM_CODES)] for n in range(5)]
    rows.append(["R_5", "Uden mail", None, "True", *[3] * len(ITEM_CODES)])
    rows.append(["R_6", "L0 igen", "L0@example.dk", "True", *[4] * len(ITEM_CODES)])
    rows.append(["R_7", "Halv", "h@example.dk", "False", 3, 3, *[None] * (len(ITEM_CODES) - 2)])
    read = read_survey(Settings(survey=write_xlsx(tmp_path / "x.xlsx", [header, *rows])))
    assert Excluded.of(read.outcomes) == Excluded(invalid=1, duplicates=1, unfinished=1)


def test_the_cohort_report_is_one_more_task_of_the_worker_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.render import pool as batch

    queued: list[list[int]] = []
    real = batch.run

    def run(tasks: list[batch.Task], *args: object, **kwargs: object) -> None:
        queued.append([task.source_row for task in tasks])
        real(tasks, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "run", run)
    header = ["Navn", "Mail", *ITEM_CODES]
    rows = [[f"Leder {n}", f"l{n}@example.dk", *[1 + (n + i) % 5 for i in range(len(ITEM_CODES))]] for n in range(5)]
    survey = write_xlsx(tmp_path / "five.xlsx", [header, *rows])
    settings = Settings(survey, tmp_path / "out", report_date=date(2026, 11, 27), output_format="html", jobs=2)
    result = build(settings)
    # One batch: the cohort report first, as the longest task, then the five leaders' reports.
    assert queued == [[batch.COHORT_ROW, 2, 3, 4, 5, 6]]
    assert result.counts["rendered"] == 5 and result.cohort == tmp_path / "out" / "cohort.html"
    html = result.cohort.read_text("utf-8")
    assert "5 ledere indgår" in html and "Leder 0" not in html and 'href="assets/report-da.css"' in html


def test_a_group_where_no_step_has_enough_scores_gets_no_focus_and_no_resource(tmp_path: Path) -> None:
    steps = ["purpose", "purpose", "skills", "skills", "employees"]  # each leader answers one step only
    view = view_of(tmp_path, [_step(step_id, 4, 5) for step_id in steps])
    assert view.leaders == 5 and all(s.too_few and s.priority is None and s.rank is None for s in view.steps)
    assert view.brief.focus == () and view.brief.resource is None and view.brief.average_priority is None


def test_every_text_cohort_html_uses_is_in_both_content_files() -> None:
    import tomllib

    from reportgen.config import bundled_templates

    template = (bundled_templates() / "cohort.html").read_text("utf-8")
    used = set(re.findall(r"\bm\.(\w+)", template))
    assert {"no_priority", "focus_important_withheld", "resource_withheld", "team_line_withheld", "exercises"} <= used
    for lang in ("da", "en"):
        table = tomllib.loads((bundled_templates() / "content" / f"{lang}.toml").read_text("utf-8"))["cohort"]
        assert used - set(table) == set(), lang
        assert set(table["exercises"]) == {step.id for step in INSTRUMENT.steps}


def test_the_cohort_report_conforms_to_pdf_ua_1(built: BuildResult) -> None:
    from .test_report_truth import pdfua_failures

    assert built.cohort is not None and pdfua_failures(built.cohort) == []


def test_a_withheld_count_is_said_in_words_never_as_a_figure_of_the_total(tmp_path: Path) -> None:
    """A count that would give a hidden one away is withheld, and the brief says so in words.

    Ten leaders give Medarbejdere's importance as 3, 4 and 5: four, one and five of them. The single 4
    is hidden, so the four 3s are too, and "4 or 5" (6) would give the hidden pair away.
    """
    from reportgen.brand import brand_or_bundled as load_brand
    from reportgen.render.renderer import COHORT_TEMPLATE

    others = {"purpose": 4, "skills": 4, "customers": 4}
    rows = [answers({**ALL, **others}, ALL) | _step("employees", 2, weight) for weight in [3] * 4 + [4] + [5] * 5]
    view = view_of(tmp_path, rows)
    assert [s.id for s in view.brief.focus] == ["employees"]
    setup, contents = _setup(load_brand(None))
    for lang, said in (("da", "er skjult, så ingen enkelt leders svar kan regnes ud"), ("en", "is withheld, so that")):
        shown = cohort.cohort_view(
            cohort.group_entries(read_survey(Settings(survey=tmp_path / "now.xlsx")).outcomes),
            INSTRUMENT, contents[lang], lang, 5, _header(),
        )  # fmt: skip
        assert shown is not None
        employees = next(s for s in shown.steps if s.id == "employees")
        assert shown.important(employees) == shown.withheld == contents[lang]["cohort"]["withheld"]  # type: ignore[index]
        html = setup.create().html(shown, template=COHORT_TEMPLATE)  # type: ignore[attr-defined]
        assert said in html, lang
        assert not re.search(r"(skjult|withheld) (af|of) \d", html), lang


def test_a_levels_line_with_a_withheld_count_says_so_without_the_counts(tmp_path: Path) -> None:
    """Kunder: 7 beginners, 2 on the way, 9 strong. The 2 is hidden, so the 7 is too: the line names no count."""
    from reportgen.brand import brand_or_bundled as load_brand
    from reportgen.render.renderer import COHORT_TEMPLATE

    scores = [1] * 7 + [3] * 2 + [5] * 9
    view_of(tmp_path, [answers(ALL, ALL) | _step("customers", score, 3) for score in scores])
    setup, contents = _setup(load_brand(None))
    outcomes = read_survey(Settings(survey=tmp_path / "now.xlsx")).outcomes
    for lang, said in (("da", "(antallene er skjult)"), ("en", "(the counts are withheld)")):
        shown = cohort.cohort_view(cohort.group_entries(outcomes), INSTRUMENT, contents[lang], lang, 5, _header())
        assert shown is not None
        customers = next(s for s in shown.steps if s.id == "customers")
        assert shown.count(customers.bands, 0) == shown.withheld and (customers.split or customers.spread_out)
        html = setup.create().html(shown, template=COHORT_TEMPLATE)  # type: ignore[attr-defined]
        assert said in html, lang
        assert not re.search(r"(skjult|withheld) (Begynder|Getting started)", html), lang
