"""The one Jinja environment factory, for reports, the cohort report and mail; the only jinja2 importer.

Every template renders sandboxed: a brand is data that facilitators share like a theme, so a
template may read the view it is given and nothing else. A brand's folder comes first, the
bundled templates last, and a brand's file can extend the one it replaces as "!bundled/NAME"
(Pelican's "!default/" prefix).
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError
from . import content

BUNDLED_PREFIX = "!bundled"


def environment(template_dirs: Sequence[Path], html: bool = True) -> SandboxedEnvironment:
    """Templates from the first folder that has each file; the last folder is the bundled one.

    html: HTML escaped always (names and answers are user data), except in the stylesheet
    template, which holds only our own texts through the css_string filter. Otherwise plain
    text (mail), never escaped.
    """
    folders = [str(folder) for folder in template_dirs]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(folders),
            jinja2.PrefixLoader({BUNDLED_PREFIX: jinja2.FileSystemLoader(folders[-1])}),
        ]
    )
    if not html:
        return SandboxedEnvironment(
            loader=loader, autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=lambda name: not (name or "").endswith(".css"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        css_string=css_string, css_counter_text=css_counter_text, fill=fill, asset=asset, number=number, share=share
    )
    return env


Template = jinja2.Template
TemplateProblem = jinja2.TemplateError


def css_string(value: str) -> str:
    """A CSS string literal of any text."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,-–·:/()" else f"\\{ord(ch):x} " for ch in str(value))
    return f'"{escaped}"'


def css_counter_text(template: str) -> str:
    """CSS content from "Side {page} af {pages}": "Side " counter(page) " af " counter(pages)."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(css_string(literal))
        if field in ("page", "pages"):
            parts.append(f"counter({field})")
    return " ".join(parts)


@jinja2.pass_context
def asset(context: jinja2.runtime.Context, path: Path) -> str:
    """A file's URL: a file URL for the PDF, or its name under asset_base for HTML output."""
    base = context.get("asset_base")
    return Path(path).as_uri() if base is None else f"{base}{Path(path).name}"


@jinja2.pass_context
def number(context: jinja2.runtime.Context, value: Any, digits: int = 0, sign: bool = False) -> str:
    """A figure in the page's language (its content file's locale): "3,8" in Danish; "–" for none."""
    if value is None:
        return "–"
    return content.number(value, digits, context["t"]["report"]["locale"], sign)


@jinja2.pass_context
def share(context: jinja2.runtime.Context, value: Any) -> str:
    """A share as a percentage in the page's language: "30 %" in Danish."""
    return "–" if value is None else content.share(value, context["t"]["report"]["locale"])


def fill(template: str, **values: Any) -> str:
    """Fill a content text's {placeholders}."""
    return template.format(**values)


class MailTemplates:
    """The subject and body of each leader's e-mail, from mail/subject-LANG.txt and mail/body-LANG.txt.

    Plain text, so nothing is HTML-escaped; a brand's templates/mail/ files replace the bundled ones.
    """

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        """Templates from these folders, the bundled one last."""
        self.environment = environment(template_dirs, html=False)

    def render(self, lang: str, values: dict[str, Any]) -> tuple[str, str]:
        """(subject, body) in the language; the subject on one line whatever the values hold."""
        try:
            subject = self.environment.get_template(f"mail/subject-{lang}.txt").render(values)
            body = self.environment.get_template(f"mail/body-{lang}.txt").render(values)
        except jinja2.TemplateError as error:
            raise TemplateError(
                f"The mail template for language {lang} cannot be used ({type(error).__name__}: {error}).",
                fix="Correct templates/mail/subject-LANG.txt and body-LANG.txt in the brand folder, "
                "or remove them to use the bundled ones.",
            ) from None
        return " ".join(subject.split()), body
