"""The printable questionnaire: templates/questionnaire.html through Jinja2 and WeasyPrint.

The package's only jinja2/weasyprint importer, kept to one function so that it can move
into the shared renderer (which owns those imports) without change.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError
from reportgen.models import Brand

from .view import Questionnaire

TEMPLATE = "questionnaire.html"
_PLACEHOLDER = re.compile(r"\{(page|pages)\}")


def css_counter_text(template: str) -> str:
    """CSS content from "Side {page} af {pages}": "Side " counter(page) " af " counter(pages), text escaped."""
    parts = []
    for index, part in enumerate(_PLACEHOLDER.split(template)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append('"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in part) + '"')
    return " ".join(parts)


def render_pdf(view: Questionnaire, brand: Brand, template_dirs: list[Path]) -> bytes:
    """The questionnaire as PDF bytes; the brand's templates folder may replace the bundled template.

    Reads only data: URLs and files in the template and brand folders; a WeasyPrint warning
    (a missing font, bad CSS) is an error, as for the reports.
    """
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [path.resolve() for path in (*template_dirs, brand.root)]

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = Path(URLFetcherResponse(url).path or "").resolve() if url.startswith("file:") else None
            if path is not None and path.is_file() and any(path.is_relative_to(root) for root in roots):
                return URLFetcherResponse(url, path.read_bytes())
            raise ValueError(f"reportgen reads only its template files, not {url}")

    environment = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(path) for path in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    try:
        html = environment.get_template(TEMPLATE).render(
            q=view, t=view.t, brand=brand, fonts={name: path.as_uri() for name, path in brand.fonts.items()},
            logo=brand.logo.as_uri() if brand.logo else None,
            page_footer=css_counter_text(view.t["page"]),
        )  # fmt: skip
    except jinja2.TemplateError as error:
        raise TemplateError(
            f"The template {TEMPLATE} cannot be used ({type(error).__name__}: {error}).",
            fix="Correct it, or remove it from the brand's templates folder to use the bundled one.",
            file=template_dirs[0] / TEMPLATE,
        ) from None

    messages: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        data = HTML(string=html, base_url=str(template_dirs[-1]), url_fetcher=LocalFetcher()).write_pdf()
    finally:
        logger.removeHandler(handler)
    if messages:
        raise TemplateError(
            f"The questionnaire could not be laid out cleanly: {'; '.join(dict.fromkeys(messages))}.",
            fix="Correct the template or the brand's fonts and logo.",
            file=template_dirs[0] / TEMPLATE,
        )
    assert isinstance(data, bytes)
    return data
