"""Brands: init, overrides, checks, and what a branded build puts in the PDF."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.brand import default_brand_dir, load_brand
from reportgen.config import bundled_templates
from reportgen.errors import BrandError

from .conftest import IDENTITY, invoke, item_headers, leader_row, pdf_text, report, write_xlsx

BUNDLED = bundled_templates()
CONTENT = {lang: tomllib.loads((BUNDLED / "content" / f"{lang}.toml").read_text("utf-8")) for lang in ("da", "en")}


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def test_default_brand_colours_meet_wcag_aa_on_white() -> None:
    brand = load_brand(default_brand_dir(BUNDLED), BUNDLED)
    for name in ("primary", "accent", "text"):
        assert contrast_with_white(brand.colours[name]) >= 4.5, name
    assert brand.logo is not None and brand.logo.is_file()
    assert all(font.is_file() for font in brand.fonts.values())


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build with a brand folder that changes colours, organisation, paper and one template."""
    folder = tmp_path_factory.mktemp("branded")
    assert invoke(["brand", "init", str(folder / "brand")]).exit_code == 0
    toml = (folder / "brand" / "brand.toml").read_text("utf-8")
    toml = toml.replace('organisation = "Lederens GPS"', 'organisation = "Acme Rådgivning"')
    toml = toml.replace('primary = "#1f4e79"', 'primary = "#0b5d3b"').replace('paper = "A4"', 'paper = "letter"')
    toml = toml.replace('contact = ""', 'contact = "Spørgsmål? Skriv til kursus@example.dk"')
    (folder / "brand" / "brand.toml").write_text(toml, "utf-8")
    (folder / "brand" / "templates" / "report.html").write_text(
        '{% extends "!bundled/report.html" %}{% block cover %}<p>BRAND-OVERRIDE-USED</p>{{ super() }}{% endblock %}',
        "utf-8",
    )
    # One sentence changed, in one key: every other text comes from the bundled file.
    (folder / "brand" / "templates" / "content").mkdir()
    (folder / "brand" / "templates" / "content" / "da.toml").write_text(
        '[guide]\nheading = "Sådan læser du Acmes rapport"\n', "utf-8"
    )
    header = [*IDENTITY, "Sprog", *item_headers(), "T1"]
    t1 = "Jeg vil vise, at en kommune kan lytte & svare – <også> på LinkedIn. " * 24
    rows = [
        [*leader_row("Dorthe Dansk", "dd@example.dk", 2)[:4], "da", *leader_row("x", "y", 2)[4:], t1],
        [*leader_row("Emma English", "ee@example.dk", 5)[:4], "en", *leader_row("x", "y", 5)[4:], ""],
    ]
    survey = write_xlsx(folder / "s.xlsx", [header, *rows])
    result = invoke(["build", str(survey), "--brand", str(folder / "brand"), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output + result.stderr
    return folder / "out"


def test_brand_override_of_one_template_is_used(branded: Path) -> None:
    assert "BRAND-OVERRIDE-USED" in pdf_text(report(branded, "dorthe-dansk"))


def test_a_brand_content_key_changes_that_sentence_and_nothing_else(branded: Path) -> None:
    danish, english = pdf_text(report(branded, "dorthe-dansk")), pdf_text(report(branded, "emma-english"))
    assert "Sådan læser du Acmes rapport" in danish and CONTENT["da"]["guide"]["heading"] not in danish
    assert CONTENT["da"]["guide"]["no_right_answers"] in danish  # the rest of the box, from the bundled file
    assert CONTENT["en"]["guide"]["heading"] in english  # the brand has no en.toml: all bundled


def test_merged_content_differs_from_the_bundled_one_in_the_one_key(tmp_path: Path) -> None:
    from reportgen.report.content import load_content

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "da.toml").write_text('[summary]\nheading = "Overblik"\n', "utf-8")
    merged = load_content([tmp_path, BUNDLED], ("da", "en"))
    expected = {**CONTENT["da"], "summary": {**CONTENT["da"]["summary"], "heading": "Overblik"}}
    assert merged["da"] == expected and merged["en"] == CONTENT["en"]


def test_brand_check_lists_every_content_problem_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    assert invoke(["brand", "init", str(folder)]).exit_code == 0
    (folder / "templates" / "content").mkdir()
    (folder / "templates" / "content" / "da.toml").write_text(
        "[guide]\n"
        'heding = "Sådan"\n'  # a misspelt key
        'scale = "Fra 0 til 100, hvor {værdier}."\n'  # a placeholder the text cannot fill
        'quote = ["»"]\n',  # a pair cut to one
        "utf-8",
    )
    result = invoke(["brand", "check", str(folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output + result.stderr
    message = result.stderr
    assert "3 problems" in message and "guide.heding is not a key of the bundled file" in message
    assert "guide.scale uses {værdier}, which this text cannot fill (it fills: {values})" in message
    assert "guide.quote must be a list of 2" in message
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("A", "a@example.dk", 3)])
    built = invoke(["build", str(survey), "--brand", str(folder), "-o", str(tmp_path / "out")])
    assert built.exit_code == 2 and "3 problems" in built.stderr and not (tmp_path / "out").exists()


def test_a_brand_language_of_its_own_must_have_every_key(tmp_path: Path) -> None:
    from reportgen.errors import TemplateError
    from reportgen.report.content import load_content

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "sv.toml").write_text('[report]\nlocale = "sv_SE"\n', "utf-8")
    with pytest.raises(TemplateError, match=r"report\.title is missing"):
        load_content([tmp_path, BUNDLED], ("da", "sv"))


def test_brand_sets_author_paper_and_contact(branded: Path) -> None:
    reader = PdfReader(report(branded, "dorthe-dansk"))
    assert reader.metadata is not None and reader.metadata.author == "Acme Rådgivning"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (612, 792)  # US Letter
    assert "Skriv til kursus@example.dk" in pdf_text(report(branded, "dorthe-dansk"))


def test_language_column_chooses_each_leaders_language(branded: Path) -> None:
    danish, english = pdf_text(report(branded, "dorthe-dansk")), pdf_text(report(branded, "emma-english"))
    assert "Din profil i overblik" in danish and "Your profile at a glance" not in danish
    assert "Your profile at a glance" in english and "Din profil i overblik" not in english
    assert PdfReader(report(branded, "emma-english")).trailer["/Root"]["/Lang"] == "en"


def test_band_texts_actions_and_reading_order_match_the_leaders_scores(branded: Path) -> None:
    # All answers 2 (F5 = 2 turned to 4): purpose/employees/customers 25, skills (4·25 + 75) / 5 = 35.
    # One answer to everything: the plain line instead of a narrative; next steps by the answers.
    danish = pdf_text(report(branded, "dorthe-dansk"))
    assert CONTENT["da"]["three"]["straight_all"].split("{")[0] in danish
    for step in ("purpose", "skills", "employees", "customers"):
        band = CONTENT["da"]["steps"][step]["bands"]["getting_started"]
        assert " ".join(band["meaning"].split())[:60] not in danish, step
        assert " ".join(band["headline"].split())[:40] in danish, step
        first = next(a for a in CONTENT["da"]["steps"][step]["actions"] if "<= 3" in a["when"])
        assert " ".join(first["text"].split())[:40] in danish, step
    # All answers 5 (F5 = 5 turned to 1): skills (4·100 + 0) / 5 = 80: strong everywhere.
    english = pdf_text(report(branded, "emma-english"))
    assert " ".join(CONTENT["en"]["steps"]["skills"]["bands"]["strong"]["headline"].split())[:30] in english
    f5 = next(n for n in CONTENT["en"]["steps"]["skills"]["notes"] if n["when"] == "F5 >= 4")
    assert " ".join(f5["text"].split())[:50] in english  # he said he feels unsure: the report says so


def test_free_text_is_quoted_escaped_and_cut(branded: Path) -> None:
    danish = pdf_text(report(branded, "dorthe-dansk"))
    assert "kan lytte & svare – <også> på LinkedIn." in danish
    assert "svare – <også> på LinkedIn. (forkortet)" in danish  # cut after a whole sentence
    assert danish.count("kan lytte & svare") < 24  # cut, not all 24 repeats


def test_reports_stay_under_the_size_budget(branded: Path) -> None:
    for pdf in branded.glob("*.pdf"):
        assert pdf.stat().st_size <= 150_000, pdf.name


def test_broken_brand_lists_every_problem_and_renders_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    invoke(["brand", "init", str(folder)])
    (folder / "fonts").mkdir()
    (folder / "fonts" / "Bad.ttf").write_text("not a font", "utf-8")
    toml = (folder / "brand.toml").read_text("utf-8")
    toml = toml.replace('logo = "logo.svg"', 'logo = "missing.png"').replace('"#1f4e79"', '"blue"')
    toml = toml.replace('# regular = "fonts/MyFont-Regular.ttf"', 'regular = "fonts/Bad.ttf"')
    (folder / "brand.toml").write_text("shadow = true\n" + toml, "utf-8")
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("A", "a@example.dk", 3)])
    result = invoke(["build", str(survey), "--brand", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    message = result.stderr
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1
    for words in ("unknown key 'shadow'", "'blue' is not a colour", "logo: missing.png cannot be read",
                  "Bad.ttf is not a TTF, OTF or WOFF font", "give all four"):  # fmt: skip
        assert words in message, words
    assert not (tmp_path / "out").exists()


def test_brand_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", "utf-8")
    result = invoke(["brand", "init", str(tmp_path)])
    assert result.exit_code == 2 and "holds keep.txt" in result.stderr and "will not overwrite" in result.stderr
    assert (tmp_path / "keep.txt").read_text("utf-8") == "mine"


def test_brand_file_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    invoke(["brand", "init", str(folder)])
    toml = (folder / "brand.toml").read_text("utf-8").replace('logo = "logo.svg"', 'logo = "../../etc/passwd"')
    (folder / "brand.toml").write_text(toml, "utf-8")
    with pytest.raises(BrandError, match="outside the brand folder"):
        load_brand(folder, BUNDLED)


def test_brand_stylesheet_with_bad_css_stops_before_rendering(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    invoke(["brand", "init", str(folder)])
    bundled_css = (BUNDLED / "report.css").read_text("utf-8")
    (folder / "templates" / "report.css").write_text(bundled_css + "\nh2 { colour: red; }\n", "utf-8")
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("A", "a@example.dk", 3)])
    result = invoke(["build", str(survey), "--brand", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "stylesheet has problems" in result.stderr and "colour" in result.stderr
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_a_brand_condition_the_grammar_cannot_read_is_refused_with_its_key(tmp_path: Path) -> None:
    from reportgen.errors import TemplateError
    from reportgen.report.content import load_content

    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "da.toml").write_text(
        '[[steps.purpose.notes]]\nwhen = "P4 er lav"\ntext = "Tiden står ikke mål med værdien."\n', "utf-8"
    )
    with pytest.raises(TemplateError, match=r"steps\.purpose\.notes\[0\]\.when") as refused:
        load_content([tmp_path, BUNDLED], ("da", "en"))
    assert "1 problem " in refused.value.message


def test_a_brand_key_from_an_earlier_reportgen_is_named_with_what_replaced_it(tmp_path: Path) -> None:
    folder = tmp_path / "brand"
    assert invoke(["brand", "init", str(folder)]).exit_code == 0
    (folder / "templates" / "content").mkdir()
    (folder / "templates" / "content" / "da.toml").write_text('[cohort]\nfocus_why = "Fokus: {step}."\n', "utf-8")
    result = invoke(["brand", "check", str(folder)])
    assert (
        result.exit_code == 2
        and "cohort.focus_why was split or renamed: write cohort.focus_important, focus_level" in result.output
    )
