"""Every sentence of the personal report is true of its leader: picked by band, by answers, by importance given.

Views are built without rendering a PDF (build_view), and the HTML is rendered where a
sentence must be absent; one PDF pair (A4 and letter) checks the page count.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reportgen.brand import default_brand_dir, load_brand
from reportgen.config import bundled_templates
from reportgen.models import Outcome, Response
from reportgen.output.workbook import write_scores
from reportgen.render.renderer import Renderer
from reportgen.report.content import load_content
from reportgen.report.model import ReportView, RunInfo, StepView
from reportgen.report.view import build_view
from reportgen.scoring.scorer import assess

from ..conftest import IDENTITY, INSTRUMENT, ITEM_CODES, invoke, item_headers, leader_row, report, write_xlsx
from .test_report_oracle import problems

BUNDLED = bundled_templates()
BRAND = load_brand(default_brand_dir(BUNDLED), BUNDLED)
CONTENTS = load_content([BUNDLED], INSTRUMENT.languages)
RUN = RunInfo(brand=BRAND, report_date=date(2026, 11, 27), workshop="", cohort={})
SCORED = [code for code in ITEM_CODES if not code.startswith("V")]
IMPORTANCE = [code for code in ITEM_CODES if code.startswith("V")]

LEADERS: dict[str, dict[str, int | None]] = {
    "all_1": dict.fromkeys(ITEM_CODES, 1),
    "all_5": dict.fromkeys(ITEM_CODES, 5),
    "mixed": {
        **dict.fromkeys(SCORED, 3),
        **{"P1": 5, "P2": 5, "P3": 3, "P4": 5, "F5": 4, "K1": 1, "K2": 2, "K3": 1, "K4": 2},
        **{"V1": 2, "V2": 5, "V3": 3, "V4": 4},
    },
    "no_importance": {**dict.fromkeys(SCORED, 4), "M1": 2, "M2": 2, "K1": 1},
    "some_importance": {**dict.fromkeys(SCORED, 2), "P1": 5, "F1": 4, "V1": 4, "V3": 1},
    # Employees empty but rated "Afgørende"; customers empty and rated low.
    "unscored_important": {
        **{code: 4 for code in SCORED if code[0] in "PF"},
        **{"V1": 3, "V2": 3, "V3": 5, "V4": 1},
    },
    "one_scored": {"P1": 2, "P2": 3, "P3": 2, "V1": 5},
    "equal": {**dict.fromkeys(SCORED, 3), "F5": 3, **dict.fromkeys(IMPORTANCE, 4)},
}


def response(answers: dict[str, int | None], free: str = "") -> Response:
    full = {code: answers.get(code) for code in ITEM_CODES}
    return Response(2, "Kim Ærø", "kim@example.dk", "Org", "", None, None, full, {"T1": free} if free else {})


def view_of(name: str, lang: str = "da", free: str = "") -> ReportView:
    leader = response(LEADERS[name], free)
    return build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS[lang], lang, RUN)


def fill(template: Any, **values: Any) -> str:
    return str(template).format(**values)


def expected_extreme(view: ReportView, which: str) -> str:
    """The strongest/weakest sentence computed here from the content file and the scores alone."""
    t = view.t
    scored = [s for s in view.steps if s.score is not None]
    if not scored:
        return ""
    if len(scored) == 1:
        only = scored[0]
        line = fill(t["summary"]["only_one"], step=only.title, score=only.score_text)
        return "" if which == "weakest" else line
    if len({s.score for s in scored}) == 1:
        return (
            fill(t["summary"]["all_equal"][scored[0].band_id], score=scored[0].score_text)
            if which == "strongest"
            else ""
        )
    value = max(s.score or 0 for s in scored) if which == "strongest" else min(s.score or 0 for s in scored)
    chosen = [s for s in scored if s.score == value]
    titles = [s.title for s in chosen]
    names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + f" {t['labels']['and']} " + titles[-1]
    return fill(t["summary"][which][chosen[0].band_id], step=names, score=chosen[0].score_text)


def expected_reason(view: ReportView, step: StepView) -> str:
    order = view.t["order"]
    values = {"step": step.title, "score": step.score_text, "answered": step.answered, "total": step.total,
              "importance": (step.importance_label or "").lower()}  # fmt: skip
    if step.score is None:
        assert step.importance is not None and step.importance > INSTRUMENT.importance_split
        return fill(order["unscored" if step.answered else "unscored_none"], **values)
    if step.importance is None:
        return fill(order["not_given"], **values)
    weight = "important" if step.importance > INSTRUMENT.importance_split else "less_important"
    return fill(order[weight][step.band_id], **values)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("name", sorted(LEADERS))
def test_every_sentence_comes_from_the_entry_for_its_band_and_answers(name: str, lang: str) -> None:
    view = view_of(name, lang)
    t = view.t
    assert view.strongest_line == expected_extreme(view, "strongest")
    assert view.weakest_line == expected_extreme(view, "weakest")
    for step in view.steps:
        if step.score is not None:
            assert step.band_text is t["steps"][step.id]["bands"][step.band_id], step.id
            band = next(b for b in INSTRUMENT.bands if b.id == step.band_id)
            assert band.min <= step.score <= band.max + 0.99, step.id
        else:
            assert step.band_text is None
    for step in view.reading_order:
        assert step.reason == expected_reason(view, step), step.id
    answers = {code: LEADERS[name].get(code) for code in ITEM_CODES}
    assert problems(view, answers) == []  # the oracle: names, counts, conditions, the first step


def test_all_ones_never_hears_it_is_strong_and_all_fives_never_hears_it_lacks_routine() -> None:
    low, high = view_of("all_1"), view_of("all_5")
    strong_texts = [CONTENTS["da"]["steps"][s.id]["bands"]["strong"]["headline"] for s in INSTRUMENT.steps]
    assert all(text not in low.strongest_line + low.weakest_line for text in strong_texts)
    assert low.strongest_line.startswith("Din højeste score er på Færdigheder (20), men alle dine scorer er endnu")
    assert "Begynder" not in high.strongest_line and "mangler" not in high.strongest_line + high.weakest_line
    # All 5 (F5 reversed to 1) gives skills 80, the rest 100: three steps tie at the top.
    assert high.strongest_line == "Din højeste score er på Formål, Medarbejdere og Kunder (100) – en stærk score."
    assert high.weakest_line.startswith("Selv din laveste score, på Færdigheder (80), er stærk")


def test_without_importance_answers_no_sentence_speaks_of_a_weight() -> None:
    view = view_of("no_importance")
    assert view.order_intro == CONTENTS["da"]["order"]["intro"]["none_given"]
    assert all(step.importance_label is None for step in view.steps)
    assert [s.id for s in view.reading_order] == sorted(
        (s.id for s in view.steps), key=lambda i: next(s.score for s in view.steps if s.id == i) or 0
    )
    page = Renderer([BUNDLED], CONTENTS, BRAND, "A4", fetch_roots=[BUNDLED]).html(view)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for phrase in ("hvor vigtigt du har vurderet", "Du lægger", "Du har vurderet", "vægt på"):
        assert phrase not in text, phrase
    assert CONTENTS["da"]["guide"]["importance_none"] in text
    assert text.count("Ikke angivet") >= 2 * len(view.steps)  # the profile table and each step page


def test_steps_without_importance_follow_those_with_it() -> None:
    view = view_of("some_importance")
    given = [s.importance is not None for s in view.reading_order]
    assert given == sorted(given, reverse=True) and any(given) and not all(given)
    assert view.order_intro == CONTENTS["da"]["order"]["intro"]["some_given"]


def test_an_unscored_step_rated_important_leads_the_reading_order_and_the_plan() -> None:
    view = view_of("unscored_important")
    ids = [s.id for s in view.reading_order]
    assert ids[0] == "employees" and "customers" not in ids  # customers is unscored and rated 1
    employees = view.reading_order[0]
    assert employees.score is None and employees.rank == 1
    assert employees.reason.startswith("Du har vurderet Medarbejdere som afgørende, men har ikke besvaret nogen")
    # The radar draws no point for either gap and joins only neighbours: purpose–skills.
    assert [a.point is None for a in view.chart.axes] == [False, False, True, True]
    assert view.chart.polygon == "" and len(view.chart.lines) == 1 and view.chart.lines[0].count(",") == 2
    # The priority chart lists all four: employees first, without a bar; customers outside the order.
    rows = view.priority.rows
    # Skills 65 × 3 = 105 before purpose 75 × 3 = 75.
    assert [r.label for r in rows] == ["Medarbejdere", "Færdigheder", "Formål", "Kunder"]
    assert rows[0].first and rows[0].bar_end is None and rows[3].rank is None
    assert [r.priority for r in rows] == [None, 105, 75, None]
    # The plan page starts with it, and its action is to answer the statements.
    assert view.plan.first is employees
    assert view.plan.actions == tuple(CONTENTS["da"]["unscored"]["actions"])
    assert view.plan.actions[0].startswith("Besvar trinnets udsagn")
    intro = CONTENTS["da"]["order"]["intro"]
    assert view.order_intro == intro["all_given"] + " " + intro["unscored_first"]


def test_answer_bars_show_what_each_answer_adds() -> None:
    view = view_of("mixed")
    skills = next(s for s in view.steps if s.id == "skills")
    f5 = next(i for i in skills.items if i.code == "F5")
    assert f5.reverse and f5.answer == 4 and f5.share == 0.25 and f5.answer_label == "Enig"
    low = next(i for i in view.steps[3].items if i.answer == 1)
    assert low.share == 0.0  # the lowest answer adds nothing


def test_band_facts_are_not_told_against_the_answers() -> None:
    # P3 neutral in a strong purpose: no text may claim the leader can say it briefly.
    view = view_of("mixed")
    purpose = view.steps[0]
    assert purpose.band_id == "strong"
    told = " ".join([purpose.band_text["meaning"], purpose.band_text["headline"], view.strongest_line])  # type: ignore[index]
    assert "sige det kort" not in told
    assert purpose.answers_line == (
        "Dit svar, der giver de færreste point på trinnet: »" + INSTRUMENT.items[2].text["da"].rstrip(".")
        + "« (du svarede »Hverken enig eller uenig«)."
    )  # fmt: skip
    # Its first next step is about P3, and none tells the leader to do what P1/P2/P4 say they do.
    assert purpose.actions[0].when == "P3 <= 3"
    assert all(a.when.endswith(">= 4") for a in purpose.actions[1:])


def test_a_long_free_text_is_cut_at_a_whole_sentence_with_a_visible_mark() -> None:
    sentence = "Jeg vil vise, hvad vi laver, og lytte til borgerne."
    view = view_of("mixed", free=" ".join([sentence] * 30))
    shown = view.free_text["T1"]
    assert shown.endswith("borgerne. (forkortet)") and len(shown) < 800
    # Without a sentence end within the limit, it is cut at a word and marked as cut.
    shown = view_of("mixed", free=" ".join(["ordet"] * 500)).free_text["T1"]
    assert shown.endswith("ordet … (forkortet)") and len(shown) < 800


def test_one_rounding_rule_in_the_pdf_text_scores_xlsx_and_score(tmp_path: Path) -> None:
    # Purpose 5,5,4,4 → 87.5; skills 4,4,4,3 and F5 2 → 70; employees 4,4,4,3 → 68.75 → 68.8.
    answers = {"P1": 5, "P2": 5, "P3": 4, "P4": 4, "F1": 4, "F2": 4, "F3": 4, "F4": 3, "F5": 2}
    answers |= {"M1": 4, "M2": 4, "M3": 4, "M4": 3, "K1": 1, "K2": 1, "V1": 4}
    survey = write_xlsx(
        tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("Kim Ærø", "kim@example.dk", answers)]
    )
    leader = response(answers)
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS["da"], "da", RUN)
    assert [s.score_text for s in view.steps[:3]] == ["87,5", "70", "68,8"]
    english = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS["en"], "en", RUN)
    assert [s.score_text for s in english.steps[:3]] == ["87.5", "70", "68.8"]
    record = json.loads(invoke(["score", str(survey)]).stdout)[0]
    assert [record["scores"][s] for s in ("purpose", "skills", "employees")] == [87.5, 70.0, 68.8]
    assert record["importance"] == {"purpose": 4, "skills": None, "employees": None, "customers": None}

    outcome = Outcome(2, "ok", leader, assessment=assess(leader, INSTRUMENT))
    words = CONTENTS["da"]["workbook"]  # scores.xlsx in the report's language
    book = load_workbook(write_scores(tmp_path, [outcome], INSTRUMENT, "da", words), read_only=True)
    header, row = list(book[words["leaders_sheet"]].iter_rows(values_only=True))
    scores = [row[header.index(words["score"].format(step=t))] for t in ("Formål", "Færdigheder", "Medarbejdere")]
    assert scores == [87.5, 70, 68.8]
    importance = words["importance"]
    assert row[header.index(importance.format(step="Formål"))] == 4
    assert row[header.index(importance.format(step="Færdigheder"))] is None


@pytest.fixture(scope="module")
def edge_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The edge cases rendered once on A4 and once on letter (jobs=1)."""
    from reportgen.config import Settings
    from reportgen.pipeline.build import build

    folder = tmp_path_factory.mktemp("edges")
    rows = [
        leader_row("Alle Et", "one@example.dk", LEADERS["all_1"]),
        leader_row("Alle Fem", "five@example.dk", LEADERS["all_5"]),
        leader_row("Tom Trin", "empty@example.dk", LEADERS["unscored_important"]),
        leader_row("Uden Vægt", "none@example.dk", LEADERS["no_importance"]),
        [*leader_row("Lang Tekst", "long@example.dk", LEADERS["mixed"]), " ".join(["ordet"] * 500)],
    ]
    headers = IDENTITY + item_headers() + [INSTRUMENT.free_text[0].text["da"]]
    survey = write_xlsx(folder / "edges.xlsx", [headers, *rows])
    out = {}
    for paper in ("A4", "letter"):
        settings = Settings(
            survey=survey, output_dir=folder / paper, report_date=date(2026, 11, 27), paper=paper, jobs=1
        )
        build(settings)
        out[paper] = folder / paper
    return out


def test_a4_and_letter_have_the_same_pages_and_stay_small(edge_builds: dict[str, Path]) -> None:
    a4 = sorted(edge_builds["A4"].glob("*.pdf"))
    slugs = [p.name.rsplit("-", 1)[0] for p in a4 if p.name != "cohort.pdf"]  # each build gives its own ids
    assert len(slugs) == 5
    for slug in slugs:
        pages = {paper: len(PdfReader(report(edge_builds[paper], slug)).pages) for paper in edge_builds}
        assert pages["A4"] == pages["letter"] == 9, (slug, pages)
        assert report(edge_builds["A4"], slug).stat().st_size <= 150_000


def test_the_action_plan_names_the_first_chapter_the_workshop_and_where_to_read(tmp_path: Path) -> None:
    brand = replace(
        BRAND,
        workshop="GPS-dagen",
        workshop_date=date(2027, 1, 14),
        facilitator="Mette Holm, mette@example.dk",
        ebook={"link": "https://example.dk/e-bog#kapitel-{chapter}", "pages": {"4": "63"}},
    )
    leader = response(LEADERS["mixed"])
    run = replace(RUN, brand=brand)
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS["da"], "da", run)
    first = view.reading_order[0]
    assert view.plan.first is first and first.id == "customers"
    assert view.plan.actions == tuple(action.text for action in first.actions) and len(first.actions) == 3
    assert view.plan.ebook == "Kapitel 4 står på side 63 i e-bogen."
    page = html.unescape(Renderer([BUNDLED], CONTENTS, brand, "A4", fetch_roots=[BUNDLED]).html(view))
    plan = page[page.index('class="page plan"') :]
    for text in ("Læs først kapitel 4: Kunder", "GPS-dagen", "14. januar 2027", "Mette Holm, mette@example.dk"):
        assert text in plan, text
    # Without a page for the chapter, the link names it, with the chapter's number filled in.
    brand = replace(brand, ebook={"link": "https://example.dk/e-bog#kapitel-{chapter}"})
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS["da"], "da", replace(RUN, brand=brand))
    assert view.plan.ebook.endswith("https://example.dk/e-bog#kapitel-4")


def test_brand_refuses_a_bad_ebook_table_and_date(tmp_path: Path) -> None:
    from reportgen.brand import init_brand
    from reportgen.errors import BrandError

    folder = init_brand(tmp_path / "b", BUNDLED)
    toml = (folder / "brand.toml").read_text("utf-8")
    toml = toml.replace('workshop_date = ""', 'workshop_date = "januar"').replace(
        "[ebook]", '[ebook]\npages = { one = "12" }\nwrong = 1'
    )
    (folder / "brand.toml").write_text(toml, "utf-8")
    with pytest.raises(BrandError) as error:
        load_brand(folder, BUNDLED)
    message = str(error.value)
    assert "workshop_date = 'januar'" in message and "ebook.pages" in message and "ebook.wrong" in message


def figure_alts(pdf: Path) -> list[str]:
    """The alternate texts of the PDF's Figure elements, in structure order."""
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(PdfReader(pdf).trailer["/Root"]["/StructTreeRoot"])
    return alts


def pdfua_failures(pdf: Path) -> list[str]:
    """The PDF/UA-1 rules the PDF fails (page-validation, offline), one "RULE-ID: message" each; [] when it conforms."""
    import page  # page-validation, a dev dependency

    report = page.validate_pdf(str(pdf), profile="ua1")
    return sorted({f"{failure.rule_id}: {failure.message}" for failure in report.failures})


def test_every_edge_case_report_conforms_to_pdf_ua_1(edge_builds: dict[str, Path]) -> None:
    for paper, folder in edge_builds.items():
        for pdf in sorted(folder.glob("0*.pdf")):
            assert pdfua_failures(pdf) == [], (paper, pdf.name)


def test_the_validator_sees_a_skipped_heading_level(tmp_path: Path) -> None:
    """A planted failure, so that a validator that passes everything cannot pass this file silently."""
    from weasyprint import HTML

    pdf = tmp_path / "bad.pdf"
    HTML(string='<html lang="da"><title>T</title><h1>A</h1><h3>B</h3></html>').write_pdf(
        pdf, pdf_variant="pdf/ua-1", pdf_tags=True
    )
    assert any(failure.startswith("PDFUA1-HEADING-NESTING") for failure in pdfua_failures(pdf))


def test_reports_declare_pdf_ua_and_the_charts_alt_texts_carry_the_values(edge_builds: dict[str, Path]) -> None:
    pdf = report(edge_builds["A4"], "tom-trin")
    metadata = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in metadata
    alts = figure_alts(pdf)
    radar = next(alt for alt in alts if alt.startswith("Dine scorer på de fire trin"))
    assert radar.endswith("Formål 75; Færdigheder 65; Medarbejdere Ikke nok svar; Kunder Ikke nok svar.")
    ranked = next(alt for alt in alts if alt.startswith("Din læserækkefølge"))
    # Employees, unscored but rated essential, leads; then skills and purpose by priority.
    assert "2. Færdigheder: 65 af 100, På vej, vigtighed: Moderat vigtigt." in ranked
    assert ranked.index("Medarbejdere: ikke nok svar") < ranked.index("2. Færdigheder")
    assert "Kunder: ikke nok svar til en score." in ranked


def test_every_table_cell_names_its_row_and_column_headers(edge_builds: dict[str, Path]) -> None:
    """Screen readers announce a score with its step and column: each TD's Headers has a row and a column header."""
    headers: list[int] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/TD":
                headers.append(len(node["/A"].get("/Headers", [])))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(PdfReader(report(edge_builds["A4"], "lang-tekst")).trailer["/Root"]["/StructTreeRoot"])
    # The profile table (4 rows × 4 cells: no group column, five leaders are four besides each
    # reader, fewer than the minimum of five) and the four answer tables (17 rows × 2 cells).
    assert len(headers) == 4 * 4 + 17 * 2 and set(headers) == {2}


@pytest.mark.parametrize(("written", "lang"), [("Borgere", "da"), ("citizens", "en")])
def test_a_leader_whose_audience_is_citizens_reads_step_4_about_citizens(written: str, lang: str) -> None:
    leader = replace(response(LEADERS["mixed"]), audience=written.casefold())
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS[lang], lang, RUN)
    customers = next(s for s in view.steps if s.id == "customers")
    told = " ".join([customers.meaning, *(a.text for a in customers.actions), *(n.text for n in customers.notes)])
    assert ("borger" if lang == "da" else "citizen") in told
    assert not re.search(r"\bkunde|\bcustomer", told, re.IGNORECASE)
    # Without the column, the brand's audience (RunInfo.audience) decides; by default, customers.
    plain = view_of("mixed", lang)
    assert "kunde" in plain.steps[3].meaning or "customer" in plain.steps[3].meaning
    run = replace(RUN, audience="borgere")
    leader = response(LEADERS["mixed"])
    branded = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS[lang], lang, run)
    assert branded.steps[3].meaning == customers.meaning


def test_a_brand_for_citizens_turns_step_4_for_every_leader_without_their_own_column(tmp_path: Path) -> None:
    from reportgen.brand import init_brand

    folder = init_brand(tmp_path / "b", BUNDLED)
    toml = (folder / "brand.toml").read_text("utf-8").replace('audience = ""', 'audience = "borgere"')
    (folder / "brand.toml").write_text(toml, "utf-8")
    assert load_brand(folder, BUNDLED).audience == "borgere"
    headers = IDENTITY + item_headers() + ["Målgruppe"]
    rows = [
        [*leader_row("Kim Ærø", "kim@example.dk", LEADERS["mixed"]), ""],
        [*leader_row("Ole Sø", "ole@example.dk", LEADERS["mixed"]), "kunder"],
    ]
    survey = write_xlsx(tmp_path / "s.xlsx", [headers, *rows])
    out = tmp_path / "out"
    result = invoke(["build", str(survey), "--brand", str(folder), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    kim, ole = (html.unescape(report(out, n, ".html").read_text("utf-8")) for n in ("kim-aero", "ole-so"))
    assert "Spørg tre borgere" in kim and "Spørg tre kunder" not in kim  # the brand's audience
    assert "Spørg tre kunder" in ole and "Spørg tre borgere" not in ole  # the leader's own column wins


def test_the_groups_mean_stands_beside_each_score_when_the_view_is_given_it() -> None:
    leader = response(LEADERS["mixed"])
    run = replace(RUN, cohort={"purpose": 58.43, "skills": 55.0, "customers": 40.0})
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS["da"], "da", run)
    assert [s.group_text for s in view.steps] == ["58,4", "55", "", "40"]
    page = html.unescape(Renderer([BUNDLED], CONTENTS, BRAND, "A4", fetch_roots=[BUNDLED]).html(view))
    summary = page[page.index('class="page summary"') : page.index('class="page where-to-start"')]
    assert 'scope="col">Gruppen</th>' in summary and ">58,4</td>" in summary and ">–</td>" in summary
    assert CONTENTS["da"]["summary"]["group_note"] in summary
    plain = Renderer([BUNDLED], CONTENTS, BRAND, "A4", fetch_roots=[BUNDLED]).html(view_of("mixed"))
    assert ">Gruppen</th>" not in plain  # no column without the group's figures
