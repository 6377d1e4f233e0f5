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
from jinja2 import nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import TemplateError
from ..report import content

BUNDLED_PREFIX = "!bundled"
# Jinja's own globals (range, dict, lipsum, cycler, joiner, namespace): no template of ours needs
# them, and lipsum and cycler are the usual first step of a walk to Python's internals.
_REMOVED_GLOBALS = frozenset(DEFAULT_NAMESPACE)


def environment(template_dirs: Sequence[Path], html: bool = True) -> ImmutableSandboxedEnvironment:
    """Templates from the first folder that has each file; the last folder is the bundled one.

    html: HTML escaped always (names and answers are user data), except in the stylesheet
    template, which holds only our own texts through the css_string filter. Otherwise plain
    text (mail), never escaped. Every template of the other folders (a brand's) is checked
    first: see check_templates.
    """
    folders = [str(folder) for folder in template_dirs]
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(folders),
            jinja2.PrefixLoader({BUNDLED_PREFIX: jinja2.FileSystemLoader(folders[-1])}),
        ]
    )
    if not html:
        env = ImmutableSandboxedEnvironment(
            loader=loader, autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
    else:
        env = ImmutableSandboxedEnvironment(
            loader=loader,
            autoescape=lambda name: not (name or "").endswith(".css"),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters.update(
            css_string=css_string, css_counter_text=css_counter_text, fill=fill, asset=asset, number=number, share=share
        )
    # A template sees the values it is rendered with and nothing else.
    env.globals.clear()
    check_templates(env, template_dirs[:-1])
    return env


def check_templates(env: jinja2.Environment, folders: Sequence[Path]) -> None:
    """Refuse a brand's template that does not compile or reaches past the values it is given.

    Run when the environment is made, before anything is rendered or sent, on every file of
    the brand's templates folder (its content/*.toml files are data, not templates). The
    sandbox would stop such a template when it renders; this stops the run at the start,
    naming the file, instead of failing each report.
    """
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".toml"):
            try:
                source = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # not a text file (a font, an image): never loaded as a template
            name = path.relative_to(folder).as_posix()
            try:
                problem = _reach(env.parse(source, name, str(path)))
            except jinja2.TemplateSyntaxError as error:
                problem = (error.lineno, f"does not compile ({error.message})")
            if problem is not None:
                line, what = problem
                raise TemplateError(
                    f"The brand's template {folder.name}/{name}, line {line}, {what}; a brand's template may "
                    "use only the report's values (view, t, brand …) and reportgen's filters, so nothing has "
                    "been rendered or sent.",
                    fix="Correct that line, or remove the file to use the bundled template.",
                    file=path,
                )


def _reach(tree: nodes.Template) -> tuple[int, str] | None:
    """(line, what) of the first expression that reaches past the view, or None."""
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter)):
        if isinstance(node, nodes.Getattr):
            key: object = node.attr
        elif isinstance(node, nodes.Getitem):
            key = node.arg.value if isinstance(node.arg, nodes.Const) else None
        elif isinstance(node, nodes.Filter):
            first = node.args[0] if node.args else None
            key = first.value if node.name == "attr" and isinstance(first, nodes.Const) else None
        elif isinstance(node, nodes.Name):
            if node.ctx == "load" and node.name in _REMOVED_GLOBALS:
                return node.lineno, f'uses "{node.name}", which reportgen does not give templates'
            continue
        else:
            continue
        if isinstance(key, str) and key.startswith("_"):
            return node.lineno, f'reads the hidden attribute "{key}" (a way into Python\'s internals)'
    return None


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
    """Fill a content text's {placeholders}: plain names only, so a brand's text can't walk to an attribute."""
    parts = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or conversion or "{" in (spec or ""):
            raise ValueError(f"{{{field}}} is not a plain placeholder like {{count}}")
        parts.append(format(values[field], spec or ""))
    return "".join(parts)


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

    def reminder(self, lang: str, values: dict[str, Any]) -> tuple[str, str]:
        """(subject, body) of a reminder, from mail/remind-LANG.txt: its first line is the subject."""
        try:
            text = self.environment.get_template(f"mail/remind-{lang}.txt").render(values)
        except jinja2.TemplateError as error:
            raise TemplateError(
                f"The reminder template for language {lang} cannot be used ({type(error).__name__}: {error}).",
                fix="Correct templates/mail/remind-LANG.txt in the brand folder, or remove it to use the bundled one.",
            ) from None
        subject, _, body = text.partition("\n")
        return " ".join(subject.split()), body.lstrip("\n")
