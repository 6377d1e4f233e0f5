"""The files a build writes besides the leaders' reports: cohort.pdf and, for HTML output, the assets."""

from __future__ import annotations

from pathlib import Path

from ..models import Brand
from ..output.writer import prepare_output, write_atomic
from ..report.cohort import CohortView
from ..report.content import Content
from .plan import ASSETS
from .pool import COHORT_ROW, Task, TaskResult
from .renderer import COHORT_TEMPLATE, Renderer


def cohort_task(output: Path, view: CohortView, output_format: str) -> Task:
    """Rendering DIR/cohort.pdf (or .html), the facilitator's view of the group, as one more task of the batch."""
    return Task(
        COHORT_ROW,
        view,
        output / f"cohort.{output_format}",
        output_format,
        asset_base=f"{ASSETS}/",
        stylesheet=f"{ASSETS}/report-{view.lang}.css",
        template=COHORT_TEMPLATE,
    )


def write_html_assets(output: Path, renderer: Renderer, contents: dict[str, Content], brand: Brand) -> None:
    """Stylesheets per language, fonts and logo in DIR/assets/, for the HTML reports to link to."""
    folder = prepare_output(output / ASSETS)
    for lang, content in contents.items():
        css = renderer.stylesheet_text(content, asset_base="")
        write_atomic(folder / f"report-{lang}.css", css.encode("utf-8"))
    for path in (*brand.fonts.values(), *([brand.logo] if brand.logo else [])):
        write_atomic(folder / path.name, path.read_bytes())


def cohort_outcome(task: Task | None, result: TaskResult | None, note: str) -> tuple[Path | None, str]:
    """cohort.pdf when its task ended well; else why there is none."""
    if task is None:
        return None, note
    if result is None:
        return None, "the build was stopped before it; the same command renders it"
    if result.reason is not None:
        return None, f"it could not be rendered ({result.reason})"
    return task.path, ""
