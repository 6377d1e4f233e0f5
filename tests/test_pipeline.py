"""The shared build end to end: reports, manifest and what is in the PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from reportgen.models import BuildResult

from .conftest import pdf_text


def by_row(result: BuildResult) -> dict[int, object]:
    return {o.source_row: o for o in result.outcomes}


def test_every_row_has_an_outcome(shared_build: BuildResult) -> None:
    statuses = {o.source_row: o.status for o in shared_build.outcomes}
    assert statuses == {
        2: "duplicate",
        3: "rendered",
        4: "rendered",
        5: "invalid",
        6: "rendered",
        7: "rendered",
    }
    duplicate = next(o for o in shared_build.outcomes if o.source_row == 2)
    assert duplicate.superseded_by == 6 and "row 6" in (duplicate.reason or "")


def test_each_report_names_its_leader_steps_and_scores(shared_build: BuildResult) -> None:
    folder = shared_build.manifest.parent
    aase = next(o for o in shared_build.outcomes if o.source_row == 3)
    assert aase.pdf == "03-aase-braemer.pdf"
    text = pdf_text(folder / aase.pdf)
    assert "Åse Bræmer" in text
    for title in ("Formål", "Færdigheder", "Medarbejdere", "Kunder"):
        assert title in text
    # Purpose 25, skills 75, employees 50; customers has 1 of 4 answers: no score, said plainly.
    # The step page prints the score above "af 100"; pypdf joins the two lines without a space.
    for score in ("25", "75", "50"):
        assert re.search(rf"\b{score} ?af 100", text), score
    assert "1 af 4" in text
    assert "27. november 2026" in text


def test_reading_order_follows_priority(shared_build: BuildResult) -> None:
    aase = next(o for o in shared_build.outcomes if o.source_row == 3)
    assert aase.assessment is not None
    assert aase.assessment.reading_order == ("purpose", "employees", "skills")
    text = pdf_text(shared_build.manifest.parent / "03-aase-braemer.pdf")
    positions = [
        text.index(f"Kapitel {n}: {title} –") for n, title in ((1, "Formål"), (3, "Medarbejdere"), (2, "Færdigheder"))
    ]
    assert positions == sorted(positions)


def test_markup_in_a_name_is_printed_as_text(shared_build: BuildResult) -> None:
    hacker = next(o for o in shared_build.outcomes if o.source_row == 4)
    assert hacker.pdf is not None
    text = pdf_text(shared_build.manifest.parent / hacker.pdf)
    assert '<img src="file:///etc/passwd"> Hacker' in text
    assert "root:x:0" not in text


def test_pdf_is_tagged_titled_and_uses_only_the_bundled_font(shared_build: BuildResult) -> None:
    reader = PdfReader(shared_build.manifest.parent / "03-aase-braemer.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "da"
    assert reader.metadata is not None and "Åse Bræmer" in (reader.metadata.title or "")
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    # "Report Sans" is the bundled Lato; a system fallback font would show its own name.
    assert fonts and all(name.startswith("Report-Sans") for name in fonts), fonts


def test_output_holds_only_reports_and_manifest(shared_build: BuildResult) -> None:
    folder: Path = shared_build.manifest.parent
    assert sorted(p.name for p in folder.iterdir()) == [
        ".reportgen.lock",  # the folder's lock (empty; the system holds it only while a build or send runs)
        "03-aase-braemer.pdf",
        "04-img-src-file-etc-passwd-hacker.pdf",
        "06-soren-ostergaard.pdf",
        "07-anna-agree.pdf",
        "build.json",  # what send must know: the instrument, brand and languages the reports were built with
        "manifest.csv",
        "scores.xlsx",
    ]


def _html_build(tmp_path: Path, leaders: int, cohort_min: int = 5) -> Path:
    from datetime import date

    from reportgen.config import Settings
    from reportgen.pipeline.build import build

    from .conftest import IDENTITY, item_headers, leader_row, write_xlsx

    rows = [leader_row(f"Leader {n}", f"l{n}@example.dk", 1 + n % 5) for n in range(leaders)]
    survey = write_xlsx(tmp_path / f"s{leaders}.xlsx", [IDENTITY + item_headers(), *rows])
    out = tmp_path / f"html{leaders}-{cohort_min}"
    settings = Settings(survey, out, report_date=date(2026, 11, 27), output_format="html", cohort_min=cohort_min)
    build(settings)
    return out


def test_group_average_on_the_radar_only_from_five_leaders_besides_the_reader(tmp_path: Path) -> None:
    five, six = _html_build(tmp_path, 5), _html_build(tmp_path, 6)
    dashed = 'stroke-dasharray="5 4"'
    # Five leaders: each reader's own score and the mean would give the other four's mean.
    assert all(dashed not in page.read_text("utf-8") for page in five.glob("[0-9]*.html"))
    assert all(dashed in page.read_text("utf-8") for page in six.glob("[0-9]*.html"))
    # The threshold can be raised, never lowered: --cohort-min 3 in the settings still means 5.
    lowered = _html_build(tmp_path, 5, cohort_min=3)
    assert all(dashed not in page.read_text("utf-8") for page in lowered.glob("[0-9]*.html"))


def test_html_format_writes_reports_with_their_assets(tmp_path: Path) -> None:
    out = _html_build(tmp_path, 2)
    assert sorted(p.name for p in out.glob("*.html")) == ["02-leader-0.html", "03-leader-1.html"]
    html = (out / "02-leader-0.html").read_text("utf-8")
    assert 'href="assets/report-da.css"' in html and 'src="assets/logo.svg"' in html
    assert "file://" not in html
    css = (out / "assets" / "report-da.css").read_text("utf-8")
    assert "url(Lato-Regular.ttf)" in css and "file://" not in css
    assert {"Lato-Regular.ttf", "logo.svg", "report-en.css"} <= {p.name for p in (out / "assets").iterdir()}


def test_pdf_metadata_has_subject_and_keywords(shared_build: BuildResult) -> None:
    reader = PdfReader(shared_build.manifest.parent / "03-aase-braemer.pdf")
    assert reader.metadata is not None
    assert reader.metadata.author == "Lederens GPS"
    assert "Åse Bræmer" in (reader.metadata.subject or "")
    assert "Formål" in (reader.metadata.get("/Keywords") or "")
