"""Layout of the personal report: nothing past the text column, nothing alone at a page's foot.

Lays the HTML out with WeasyPrint (no PDF written) for the edge cases on A4 and letter and
walks the boxes of every page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from weasyprint import HTML

from reportgen.config import Settings
from reportgen.render.renderer import Renderer
from reportgen.report.view import build_view
from reportgen.survey.load import read_survey

from ..conftest import INSTRUMENT
from .test_report_truth import BRAND, BUNDLED, CONTENTS, RUN, view_of

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "survey.xlsx"

MM = 96 / 25.4  # CSS px per millimetre
CASES = [("mixed", "da", "Jeg vil bruge sociale medier til dialog. " * 75), ("unscored_important", "en", ""),
         ("all_1", "da", ""), ("no_importance", "en", "")]  # fmt: skip


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


@pytest.fixture(scope="module", params=["A4", "letter"])
def laid_out(request: pytest.FixtureRequest) -> list[tuple[str, Any]]:
    renderer = Renderer([BUNDLED], CONTENTS, BRAND, request.param, fetch_roots=[BRAND.root, BUNDLED])
    documents = []
    for name, lang, free in CASES:
        view = view_of(name, lang, free)
        document = HTML(string=renderer.html(view), base_url=renderer.base_url, url_fetcher=renderer.fetcher).render(
            stylesheets=[renderer.stylesheets[lang]], font_config=renderer.fonts
        )
        documents.append((f"{name}-{lang}-{request.param}", document))
    return documents


def test_nine_pages_each(laid_out: list[tuple[str, Any]]) -> None:
    assert {name: len(document.pages) for name, document in laid_out} == {name: 9 for name, _ in laid_out}


def test_nothing_reaches_past_the_text_column(laid_out: list[tuple[str, Any]]) -> None:
    for name, document in laid_out:
        for number, page in enumerate(document.pages[1:], start=2):  # the cover has no margins
            root = page._page_box
            left = root.margin_left
            right = root.margin_width() - root.margin_right
            for box in boxes(root.children[0]):
                if not hasattr(box, "position_x") or box.width is None:
                    continue
                start, end = box.position_x, box.position_x + box.margin_width()
                assert start >= left - 0.5 * MM, (name, number, type(box).__name__, start, left)
                assert end <= right + 0.5 * MM, (
                    name,
                    number,
                    type(box).__name__,
                    getattr(box, "element_tag", ""),
                    end - right,
                )


def test_no_heading_ends_a_page_and_every_step_page_holds_its_own_step(laid_out: list[tuple[str, Any]]) -> None:
    for name, document in laid_out:
        for number, page in enumerate(document.pages, start=1):
            tags = [getattr(b, "element_tag", "") for b in boxes(page._page_box) if type(b).__name__ == "BlockBox"]
            headings = [t for t in tags if t in ("h2", "h3")]
            if headings:
                last_block = [t for t in tags if t not in ("html", "body", "section", "div")][-1]
                assert last_block not in ("h2", "h3"), (name, number)
        # Pages 4–7 are the four steps, each starting with its own heading.
        for number in range(4, 8):
            text = [b.text for b in boxes(document.pages[number - 1]._page_box) if hasattr(b, "text")]
            assert any(t.startswith(("Trin ", "Step ")) for t in text), (name, number)


def test_every_sample_report_has_nine_pages_on_letter() -> None:
    """The bundled sample's leaders, half in Danish, half in English, on letter paper: nine pages each.

    Letter is the tighter paper: its text column is 6 mm wider than A4's (a few percent fewer
    lines) but 18 mm shorter, so what fits on letter fits on A4 (the edge cases above check both).
    """
    survey = read_survey(Settings(survey=SAMPLE))
    renderer = Renderer([BUNDLED], CONTENTS, BRAND, "letter", fetch_roots=[BRAND.root, BUNDLED])
    counts = {}
    for number, outcome in enumerate(o for o in survey.outcomes if o.status == "ok"):
        lang = ("da", "en")[number % 2]  # half in each language keeps the test short
        assert outcome.assessment is not None
        view = build_view(outcome.response, outcome.assessment, INSTRUMENT, CONTENTS[lang], lang, RUN)
        document = HTML(string=renderer.html(view), base_url=renderer.base_url, url_fetcher=renderer.fetcher).render(
            stylesheets=[renderer.stylesheets[lang]], font_config=renderer.fonts
        )
        counts[outcome.response.name] = len(document.pages)
    assert len(counts) == 23 and set(counts.values()) == {9}, {n: c for n, c in counts.items() if c != 9}


def test_a_long_cover_keeps_its_orange_rule_below_the_reading_guide() -> None:
    view = replace(
        view_of("some_importance", "da"),
        name="Anne-Marie Christiansen-Løvenskiold Bøgh-Andersen",
        organisation="Region Midtfjord, Center for Sundhedsinnovation og Digital Borgerkommunikation",
        role="Vicedirektør for kommunikation, borgerservice og digital udvikling",
        workshop="Lederens GPS – heldagsworkshop for ledergruppen i Region Midtfjord, forår 2027",
    )
    renderer = Renderer([BUNDLED], CONTENTS, BRAND, "letter", fetch_roots=[BRAND.root, BUNDLED])
    document = HTML(string=renderer.html(view), base_url=renderer.base_url, url_fetcher=renderer.fetcher).render(
        stylesheets=[renderer.stylesheets["da"]], font_config=renderer.fonts
    )
    assert len(document.pages) == 9

    def box_of(css_class: str) -> Any:
        for box in boxes(document.pages[0]._page_box):
            element = getattr(box, "element", None)
            if element is not None and css_class in (element.get("class") or "").split():
                return box
        raise AssertionError(css_class)

    guide, rule = box_of("guide"), box_of("cover-accent")
    assert rule.position_y >= guide.position_y + guide.margin_height()  # below the guide, never across its text
    assert rule.position_y + rule.margin_height() <= document.pages[0].height
