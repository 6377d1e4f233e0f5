"""Turns a report view into HTML and PDF through the templates and WeasyPrint; the only weasyprint importer.

One Renderer is built per process and renders many reports: the stylesheet is parsed and
fonts are configured once (re-creating them costs about 20% per report).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .system import loading

with loading():  # a missing Pango is one paragraph (SystemLibraryError), not WeasyPrint's print and an OSError
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import RenderError, TemplateError
from ..models import PDF_LEADER_KEY, Brand
from ..report.cohort import CohortView
from ..report.model import ReportView
from .templates import Template, TemplateProblem, environment

REPORT_TEMPLATE = "report.html"
COHORT_TEMPLATE = "cohort.html"
STYLESHEET_TEMPLATE = "report.css"


class LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Lets WeasyPrint read data: URLs and files inside the template folders, nothing else."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """The bytes of a data: URL or of a template file; anything else is refused."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(URLFetcherResponse(url).path or "").resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise ValueError(f"reportgen reads only its template files, not {url}")


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings: a warning means the report is not what the template says."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[_Collector]:
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


class Renderer:
    """Renders reports from the first template folder that has each file; the last is the bundled one."""

    def __init__(
        self,
        template_dirs: Sequence[Path],
        contents: dict[str, Any],
        brand: Brand,
        paper: str,
        fetch_roots: Sequence[Path],
    ) -> None:
        self.template_dirs = list(template_dirs)
        self.brand = brand
        self.paper = paper
        self.environment = environment(self.template_dirs)
        self.fetcher = LocalFetcher(fetch_roots)
        self.fonts = FontConfiguration()
        self.base_url = str(self.template_dirs[-1])
        self.stylesheets = {lang: self._stylesheet(content) for lang, content in contents.items()}

    def close(self) -> None:
        """Remove WeasyPrint's font folder (/tmp/weasyprint-*).

        FontConfiguration removes it only in __del__, which never runs in a worker process,
        as those end with os._exit.
        """
        folder = getattr(self.fonts, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _template(self, name: str) -> Template:
        try:
            return self.environment.get_template(name)
        except TemplateProblem as error:
            raise TemplateError(
                f"The template {name} cannot be loaded ({error}).",
                fix="Correct the template, or remove it from the brand to use the bundled one.",
                file=self.template_dirs[0] / name,
            ) from None

    def _stylesheet(self, content: Any) -> CSS:
        try:
            text = self.stylesheet_text(content)
        except TemplateProblem as error:
            raise TemplateError(
                f"The stylesheet cannot be built ({error}).",
                fix="Correct the template.",
                file=self.template_dirs[0],
            ) from None
        with _weasyprint_warnings() as warnings:
            sheet = CSS(string=text, base_url=self.base_url, url_fetcher=self.fetcher, font_config=self.fonts)
        if warnings.messages:
            raise TemplateError(
                f"The stylesheet has problems: {'; '.join(warnings.messages)}.",
                fix="Correct report.css.",
                file=self.template_dirs[0] / STYLESHEET_TEMPLATE,
            )
        return sheet

    def stylesheet_text(self, content: Any, asset_base: str | None = None) -> str:
        """The stylesheet for one language; asset_base as in html()."""
        return self._template(STYLESHEET_TEMPLATE).render(
            t=content, brand=self.brand, paper=self.paper, asset_base=asset_base
        )

    def html(
        self,
        view: ReportView | CohortView,
        asset_base: str | None = None,
        stylesheet: str | None = None,
        template: str = REPORT_TEMPLATE,
    ) -> str:
        """The report as HTML.

        For the PDF, files (fonts, logo) are referred to by file URL and the stylesheet is
        passed to WeasyPrint pre-parsed. For HTML output, `asset_base` is the folder prefix
        the files are copied to and `stylesheet` the link to the CSS file.
        """
        try:
            return self._template(template).render(
                report=view,
                view=view,
                t=view.t,
                brand_colours=self.brand.colours,
                asset_base=asset_base,
                stylesheet=stylesheet,
            )
        except (TemplateProblem, KeyError, IndexError, ValueError) as error:
            raise RenderError(f"template error: {type(error).__name__}: {error}") from None

    def pdf(self, view: ReportView | CohortView, template: str = REPORT_TEMPLATE) -> bytes:
        """The report (or with COHORT_TEMPLATE the cohort report) as PDF bytes; any WeasyPrint warning fails it."""
        html = self.html(view, template=template)
        with _weasyprint_warnings() as warnings:
            try:
                document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                    stylesheets=[self.stylesheets[view.lang]], font_config=self.fonts, pdf_tags=True
                )
                # In code, not in the template, so that a brand's own template can't leave it out.
                if isinstance(view, ReportView):  # a cohort report belongs to no leader
                    document.metadata.custom[PDF_LEADER_KEY] = view.leader_id
                # Every report declares PDF/UA-1: tagged, titled, with its language and the charts' values
                # as alternate text.
                data = document.write_pdf(pdf_tags=True, custom_metadata=True, pdf_variant="pdf/ua-1")
            except FatalURLFetchingError as error:
                raise RenderError(f"blocked resource: {error}") from None
            except Exception as error:  # WeasyPrint has no error base class of its own
                raise RenderError(f"PDF error: {type(error).__name__}: {error}") from None
        if warnings.messages:
            raise RenderError("; ".join(dict.fromkeys(warnings.messages)))
        assert isinstance(data, bytes)
        return data


def html_to_pdf(html: str, base_url: Path, fetch_roots: Sequence[Path]) -> bytes:
    """A stand-alone document (the printable questionnaire) as PDF; any WeasyPrint warning fails it."""
    with _weasyprint_warnings() as warnings:
        try:
            data = HTML(string=html, base_url=str(base_url), url_fetcher=LocalFetcher(fetch_roots)).write_pdf(
                pdf_tags=True
            )
        except FatalURLFetchingError as error:
            raise RenderError(f"blocked resource: {error}") from None
    if warnings.messages:
        raise RenderError("; ".join(dict.fromkeys(warnings.messages)))
    assert isinstance(data, bytes)
    return data
