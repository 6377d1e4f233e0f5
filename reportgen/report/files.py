"""The files a build writes besides the leaders' reports: cohort.pdf and, for HTML output, the assets."""

from __future__ import annotations

from pathlib import Path

from ..models import Brand
from ..output.writer import prepare_output, write_atomic
from .cohort import CohortView
from .content import Content
from .plan import ASSETS
from .renderer import COHORT_TEMPLATE, Renderer


def write_cohort(output: Path, renderer: Renderer, view: CohortView, output_format: str) -> Path:
    """DIR/cohort.pdf (or .html), the facilitator's view of the group."""
    path = output / f"cohort.{output_format}"
    if output_format == "html":
        html = renderer.html(view, f"{ASSETS}/", f"{ASSETS}/report-{view.lang}.css", COHORT_TEMPLATE)
        write_atomic(path, html.encode("utf-8"))
    else:
        write_atomic(path, renderer.pdf(view, COHORT_TEMPLATE))
    return path


def write_html_assets(output: Path, renderer: Renderer, contents: dict[str, Content], brand: Brand) -> None:
    """Stylesheets per language, fonts and logo in DIR/assets/, for the HTML reports to link to."""
    folder = prepare_output(output / ASSETS)
    for lang, content in contents.items():
        css = renderer.stylesheet_text(content, asset_base="")
        write_atomic(folder / f"report-{lang}.css", css.encode("utf-8"))
    for path in (*brand.fonts.values(), *([brand.logo] if brand.logo else [])):
        write_atomic(folder / path.name, path.read_bytes())
