"""Rendering safety: warnings fail a report, files outside the templates are never read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportgen.brand import default_brand_dir, load_brand
from reportgen.config import bundled_templates
from reportgen.errors import RenderError
from reportgen.render.renderer import Renderer
from reportgen.render.templates import css_counter_text
from reportgen.report.content import load_content
from reportgen.report.model import RunInfo
from reportgen.report.view import build_view
from reportgen.scoring.scorer import assess

from ..conftest import INSTRUMENT, ITEM_CODES, pdf_text

BUNDLED = bundled_templates()
BRAND = load_brand(default_brand_dir(BUNDLED), BUNDLED)


def renderer_for(dirs: list[Path]) -> Renderer:
    return Renderer(dirs, load_content(dirs, INSTRUMENT.languages), BRAND, "A4", fetch_roots=[BRAND.root, BUNDLED])


@pytest.fixture(scope="module")
def view():  # type: ignore[no-untyped-def]
    from reportgen.models import Response

    response = Response(2, "Kim Ærø", "kim@example.dk", "Org", "", None, None, dict.fromkeys(ITEM_CODES, 4), {})
    contents = load_content([BUNDLED], INSTRUMENT.languages)
    run = RunInfo(brand=BRAND, report_date=date(2026, 1, 5), workshop="", cohort={})
    return build_view(response, assess(response, INSTRUMENT), INSTRUMENT, contents["en"], "en", run)


def override(tmp_path: Path, body: str) -> Renderer:
    """A renderer whose report.html extends the bundled one and adds `body` to the cover."""
    (tmp_path / "report.html").write_text(
        '{% extends "!bundled/report.html" %}{% block cover %}' + body + "{{ super() }}{% endblock %}",
        encoding="utf-8",
    )
    return renderer_for([tmp_path, BUNDLED])


def test_english_report_renders(view, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    renderer = renderer_for([BUNDLED])
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(renderer.pdf(view))
    text = pdf_text(pdf)
    assert "Kim Ærø" in text and "Page 2 of" in text and "5 January 2026" in text
    for title in ("Purpose", "Skills", "Employees", "Customers"):
        assert title in text


def test_missing_image_fails_the_report(view, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    renderer = override(tmp_path, '<img src="no-such-logo.png">')
    with pytest.raises(RenderError, match=r"no-such-logo\.png"):
        renderer.pdf(view)


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1:9/x.png", "../../../../etc/passwd"])
def test_files_outside_the_templates_and_the_network_are_refused(view, tmp_path: Path, url: str) -> None:  # type: ignore[no-untyped-def]
    renderer = override(tmp_path, f'<img src="{url}">')
    with pytest.raises(RenderError, match="reads only its template files"):
        renderer.pdf(view)


def test_page_counter_css() -> None:
    assert css_counter_text("Side {page} af {pages}") == '"Side " counter(page) " af " counter(pages)'
    assert css_counter_text('Say "{page}"') == '"Say \\22 " counter(page) "\\22 "'
