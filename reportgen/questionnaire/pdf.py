"""The printable questionnaire: templates/questionnaire.html through the shared template factory and renderer."""

from __future__ import annotations

from pathlib import Path

from ..errors import RenderError, TemplateError
from ..models import Brand
from ..render.renderer import html_to_pdf
from ..render.templates import TemplateProblem, css_counter_text, environment
from .view import Questionnaire

TEMPLATE = "questionnaire.html"


def render_pdf(view: Questionnaire, brand: Brand, template_dirs: list[Path]) -> bytes:
    """The questionnaire as PDF bytes; the brand's templates folder may replace the bundled template.

    Reads only data: URLs and files in the template and brand folders; a WeasyPrint warning
    (a missing font, bad CSS) is an error, as for the reports.
    """
    try:
        html = (
            environment(template_dirs)
            .get_template(TEMPLATE)
            .render(
                q=view,
                t=view.t,
                brand=brand,
                fonts={name: path.as_uri() for name, path in brand.fonts.items()},
                logo=brand.logo.as_uri() if brand.logo else None,
                page_footer=css_counter_text(view.t["page"]),
            )
        )
    except TemplateProblem as error:
        raise TemplateError(
            f"The template {TEMPLATE} cannot be used ({type(error).__name__}: {error}).",
            fix="Correct it, or remove it from the brand's templates folder to use the bundled one.",
            file=template_dirs[0] / TEMPLATE,
        ) from None
    try:
        return html_to_pdf(html, template_dirs[-1], [*template_dirs, brand.root])
    except RenderError as error:
        raise TemplateError(
            f"The questionnaire could not be laid out cleanly: {error}.",
            fix="Correct the template or the brand's fonts and logo.",
            file=template_dirs[0] / TEMPLATE,
        ) from None
