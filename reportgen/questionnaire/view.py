"""The questionnaire in one language: the instrument's questions grouped as the survey tools show them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import load_toml
from ..errors import InstrumentError, TemplateError
from ..models import Instrument, Item, Language, Scale

CONTENT_DIR = "content"
STRING_KEYS = (
    "intro",
    "required_note",
    "required_mark",
    "about_you",
    "step_title",
    "step_help",
    "importance_title",
    "importance_help",
    "free_text_title",
    "free_text_help",
    "email_help",
    "thanks",
    "page",
    "sheet_answers",
    "sheet_guide",
    "sheet_lists",
    "sheet_prompt",
    "sheet_error",
)
IMPORTANCE_KEY = "importance"  # the importance grid's question code in the survey tools


@dataclass(frozen=True)
class Field:
    """An identity question such as name or e-mail, labelled with one of the instrument's headers for it."""

    id: str
    label: str
    required: bool


@dataclass(frozen=True)
class Question:
    """One scored or free-text question: the item's code and its text in the questionnaire's language."""

    code: str
    text: str


@dataclass(frozen=True)
class Grid:
    """Questions answered on one scale, shown as one matrix: a step's statements, or the importance questions."""

    key: str  # a question code for the survey tools: the step id, or IMPORTANCE_KEY
    title: str
    help: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    """Everything a format writes, in one language; no format looks at the instrument itself."""

    lang: Language
    title: str
    t: Mapping[str, Any]  # the content file's texts
    fields: tuple[Field, ...]
    grids: tuple[Grid, ...]
    free_text: tuple[Question, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every scored and importance question, in questionnaire order."""
        return tuple(q for grid in self.grids for q in grid.questions)


def content_path(templates: Path, lang: Language) -> Path:
    """The content file with the questionnaire's wording in one language."""
    return templates / CONTENT_DIR / f"questionnaire-{lang}.toml"


def load_text(templates: Path, lang: Language) -> dict[str, Any]:
    """The questionnaire's wording in one language, checked for the keys every format needs."""
    path = content_path(templates, lang)
    data = load_toml(
        path,
        TemplateError,
        f"questionnaire wording for the language {lang}",
        fix="Correct the file.",
        missing_fix=f"Add {path.name} next to questionnaire-da.toml, with the same keys.",
    )
    missing = [key for key in STRING_KEYS if not isinstance(data.get(key), str)]
    if not isinstance(data.get("sheet_guide_text"), list):
        missing.append("sheet_guide_text")
    if not isinstance(data.get("fields"), dict) or not data["fields"]:
        missing.append("fields")
    if missing:
        raise TemplateError(
            f"The questionnaire wording lacks {', '.join(missing)}.",
            fix="Add them; the bundled questionnaire-da.toml shows every key.",
            file=path,
        )
    return data


def build(instrument: Instrument, lang: Language, templates: Path) -> Questionnaire:
    """The questionnaire in one language, from the instrument and the content file."""
    if lang not in instrument.languages:
        raise InstrumentError(
            f"The instrument has no texts in the language {lang!r}.",
            fix=f"Choose one of {', '.join(instrument.languages)}.",
            file=instrument.source,
        )
    t = load_text(templates, lang)
    grids = [
        _grid(
            step.id, _fill(t["step_title"], number=n, title=step.title[lang]), t["step_help"], items, instrument, lang
        )
        for n, step in enumerate(instrument.steps, start=1)
        for items in _by_scale(step.items)
    ]
    importance = [step.importance for step in instrument.steps if step.importance is not None]
    grids += [
        _grid(IMPORTANCE_KEY, t["importance_title"], t["importance_help"], items, instrument, lang)
        for items in _by_scale(importance)
    ]
    _check_unique_keys(grids, instrument)
    return Questionnaire(
        lang=lang,
        title=instrument.title[lang],
        t=t,
        fields=_fields(t["fields"], instrument, content_path(templates, lang)),
        grids=tuple(grids),
        free_text=tuple(Question(item.code, item.text[lang]) for item in instrument.free_text),
    )


def _fill(template: str, **values: Any) -> str:
    return template.format(**values)


def _by_scale(items: tuple[Item, ...] | list[Item]) -> list[list[Item]]:
    """Runs of items on the same scale: one grid can have only one set of answer columns."""
    runs: list[list[Item]] = []
    for item in items:
        if runs and runs[-1][-1].scale_id == item.scale_id:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _grid(key: str, title: str, help: str, items: list[Item], instrument: Instrument, lang: Language) -> Grid:
    scale: Scale = instrument.scales[items[0].scale_id]
    return Grid(
        key=key,
        title=title,
        help=help,
        labels=scale.labels[lang],
        values=tuple(range(scale.min, scale.max + 1)),
        questions=tuple(Question(item.code, item.text[lang]) for item in items),
    )


def _check_unique_keys(grids: list[Grid], instrument: Instrument) -> None:
    """A step split over two scales, or a step called "importance", would give two questions one code."""
    keys = [grid.key for grid in grids]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise InstrumentError(
            f"The questionnaire would have two questions with the code {', '.join(twice)}: "
            "a step mixes items of different scales, or a step's id is the word reserved for importance.",
            fix="Give each step's items one scale, and rename a step with that id.",
            file=instrument.source,
        )


def _normal(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _fields(labels: dict[str, Any], instrument: Instrument, path: Path) -> tuple[Field, ...]:
    """The identity questions; each label must be a header the instrument knows, or `build` misses the column."""
    problems = []
    fields = []
    for field_id, label in labels.items():
        field = instrument.identity.get(field_id)
        if field is None:
            problems.append(f"'{field_id}' is not an identity field of the instrument")
        elif not isinstance(label, str) or _normal(label) not in {_normal(h) for h in field.headers}:
            problems.append(f"{field_id} = {label!r} is not one of its headers ({', '.join(field.headers)})")
        else:
            fields.append(Field(field_id, label, field.required))
    required = [f.id for f in instrument.identity.values() if f.required and f.id not in labels]
    problems += [f"the required field '{field_id}' is missing" for field_id in required]
    if problems:
        raise TemplateError(
            "The questionnaire's [fields] have problems: " + "; ".join(problems) + ".",
            fix="Use a header listed for the field in the instrument file.",
            file=path,
        )
    return tuple(fields)
