"""Loads the instrument data file (steps, items, scales, bands, identity columns) and the export rules."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from ..config import DEFAULT_INSTRUMENT, PACKAGE_DIR, load_toml
from ..errors import InstrumentError
from ..export_rules import ExportRules, IdentityField, ToolRule
from ..models import Band, Instrument, Item, Localized, Scale, Step
from . import schema

EXPORT_RULES = PACKAGE_DIR / "data" / "exports.toml"
REQUIRED_IDENTITY = ("name", "email")
_CODEBOOK_KEYS = (
    "structure_sheets",
    "label_sheets",
    "variable_headers",
    "text_headers",
    "value_headers",
    "label_headers",
)


class _Problems:
    """Collects every problem in the file so that all are reported at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def need(self, table: dict[str, Any], key: str, kind: type, where: str) -> Any:
        value = table.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            self.messages.append(f"{where}: '{key}' must be a {kind.__name__}")
            return kind()
        return value


def load_instrument(path: Path | None = None) -> Instrument:
    """Read and check an instrument file; every problem is listed in one error."""
    path = path or DEFAULT_INSTRUMENT
    data = load_toml(
        path,
        InstrumentError,
        "instrument file",
        fix="Correct the file; the bundled instrument.toml shows the expected form.",
        missing_fix="Check the path given to --instrument.",
    )
    shape = schema.problems(data)
    if shape:  # read no further: the parts that are not the right kind would be misread
        raise InstrumentError(
            "The instrument file has problems: " + "; ".join(shape) + ".",
            fix="Correct them; the bundled instrument.toml shows the expected form.",
            file=path,
        )
    problems = _Problems()
    instrument = _parse(data, path, problems)
    problems.messages += _renamed_steps(data, path)
    if problems.messages:
        raise InstrumentError(
            "The instrument file has problems: " + "; ".join(problems.messages) + ".",
            fix="Correct them; the bundled instrument.toml shows the expected form.",
            file=path,
        )
    return instrument


def _renamed_steps(data: dict[str, Any], path: Path) -> list[str]:
    """Steps that are the bundled instrument's (the same item codes) under another id.

    The reports' texts are found by the step's id, so a renamed id would leave that step's
    advice out of every report without a word; another instrument's own steps are not affected.
    """
    if path.resolve() == DEFAULT_INSTRUMENT.resolve():
        return []
    bundled = load_toml(DEFAULT_INSTRUMENT, InstrumentError, "bundled instrument file", fix="Reinstall reportgen.")
    ids = {frozenset(item["code"] for item in step["items"]): step["id"] for step in bundled["steps"]}
    found = []
    for index, step in enumerate(data.get("steps", [])):
        known = ids.get(frozenset(item.get("code") for item in step.get("items", [])))
        if known is not None and step.get("id") != known:
            found.append(
                f"steps[{index}].id: '{step.get('id')}' is the bundled step '{known}' (the same items) under another "
                f"id; the reports' texts are found by the id, so every report would leave its advice out: "
                f"keep the id '{known}'"
            )
    return found


def _localized(value: Any, languages: tuple[str, ...], where: str, problems: _Problems) -> Localized:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) for lang in languages):
        problems.messages.append(f"{where}: needs a text for each language ({', '.join(languages)})")
        return {lang: "" for lang in languages}
    return {lang: value[lang] for lang in languages}


def _parse(data: dict[str, Any], path: Path, problems: _Problems) -> Instrument:
    meta = problems.need(data, "instrument", dict, "file")
    scales_data = problems.need(data, "scales", dict, "file")
    languages = _languages(scales_data, problems)

    scales = _scales(scales_data, languages, problems)
    bands = tuple(
        Band(
            id=problems.need(table, "id", str, f"bands[{i}]"),
            min=problems.need(table, "min", int, f"bands[{i}]"),
            max=problems.need(table, "max", int, f"bands[{i}]"),
            label=_localized(table.get("label"), languages, f"bands[{i}].label", problems),
        )
        for i, table in enumerate(problems.need(data, "bands", list, "file"))
    )
    _check_bands(bands, problems)

    exports = load_export_rules()
    identity = _identity(problems.need(data, "identity", dict, "file"), exports, problems)

    steps = tuple(
        _step(table, i, languages, scales, problems)
        for i, table in enumerate(problems.need(data, "steps", list, "file"))
    )
    free_text = tuple(
        _item(table, table.get("step", ""), "free_text", f"free_text[{i}]", languages, scales, problems)
        for i, table in enumerate(data.get("free_text", []))
    )
    importance = [step.importance.code for step in steps if step.importance]
    codes = [item.code for step in steps for item in step.items] + importance + [item.code for item in free_text]
    _check_unique(codes, "item code (scored, importance and free-text questions share one set)", problems)
    _check_unique([step.id for step in steps], "step id", problems)

    matrix = data.get("priority_matrix", {})
    share = meta.get("min_answered_share", 0.5)
    if not isinstance(share, int | float) or not 0 < share <= 1:
        problems.messages.append("instrument: 'min_answered_share' must be a number above 0 and at most 1")
    return Instrument(
        id=str(meta.get("id", path.stem)),
        version=int(meta.get("version", 1)),
        source=path,
        title=_localized(meta.get("title"), languages, "instrument.title", problems),
        languages=languages,
        min_answered_share=float(share) if isinstance(share, int | float) else 0.5,
        default_importance=int(meta.get("default_importance", 3)),
        score_split=int(matrix.get("score_split", 50)),
        importance_split=float(matrix.get("importance_split", 3)),
        scales=scales,
        bands=bands,
        identity=identity,
        steps=steps,
        free_text=free_text,
        exports=exports,
    )


def _scales(tables: dict[str, Any], languages: tuple[str, ...], problems: _Problems) -> dict[str, Scale]:
    """Each answer scale, with a label per value in every language."""
    scales: dict[str, Scale] = {}
    for scale_id, table in tables.items():
        where = f"scales.{scale_id}"
        low, high = problems.need(table, "min", int, where), problems.need(table, "max", int, where)
        labels = problems.need(table, "labels", dict, where)
        for lang in languages:
            if len(labels.get(lang, ())) != high - low + 1:
                problems.messages.append(f"{where}: needs {high - low + 1} {lang} labels")
        scales[scale_id] = Scale(scale_id, low, high, {k: tuple(v) for k, v in labels.items()})
    return scales


def _identity(tables: dict[str, Any], exports: ExportRules, problems: _Problems) -> dict[str, IdentityField]:
    """The identity columns; the survey tools' own submission-time columns after the instrument's."""
    identity = {
        field_id: IdentityField(
            id=field_id,
            required=bool(table.get("required", False)),
            headers=tuple(problems.need(table, "headers", list, f"identity.{field_id}")),
            parts=tuple(table.get("parts", ())),
            mention_if_missing=bool(table.get("mention_if_missing", True)),
        )
        for field_id, table in tables.items()
    }
    if "submitted" in identity:
        field = identity["submitted"]
        extra = tuple(h for h in exports.submitted if h not in field.headers)
        identity["submitted"] = replace(field, headers=field.headers + extra)
    for field_id in REQUIRED_IDENTITY:
        if field_id not in identity:
            problems.messages.append(f"identity: the '{field_id}' column must be described")
    for field in identity.values():
        for part in field.parts:
            if part not in identity:
                problems.messages.append(f"identity.{field.id}: the part '{part}' is not an identity column")
    return identity


def load_export_rules() -> ExportRules:
    """The bundled description of survey tools' export layouts."""
    data = load_toml(EXPORT_RULES, InstrumentError, "export rules file", fix="Reinstall reportgen.")
    codebook = data["codebook"]
    tools: list[ToolRule] = []
    submitted: list[str] = []
    for table in data.get("tools", {}).values():
        name = str(table["name"])
        detect = tuple(table.get("detect", ()))
        submitted += table.get("submitted", [])
        if order := table.get("order"):
            tools.append(ToolRule(name, "order", tuple(order), detect=detect))
        kinds: list[tuple[Literal["unfinished", "test"], dict[str, Any]]] = [
            *(("unfinished", rule) for rule in table.get("unfinished", [])),
            *(("test", rule) for rule in table.get("tests", [])),
        ]
        for kind, rule in kinds:
            below = rule.get("below")
            tools.append(
                ToolRule(
                    name,
                    kind,
                    tuple(rule["headers"]),
                    values=tuple(str(v) for v in rule.get("values", ())),
                    empty=bool(rule.get("empty", False)),
                    below=float(below) if below is not None else None,
                    finished=tuple(str(v) for v in rule.get("finished", ())),
                    detect=detect,
                )
            )
    return ExportRules(
        header_markers=tuple(data["header_markers"]),
        subheaders=tuple(data["subheaders"]),
        **{key: tuple(codebook[key]) for key in _CODEBOOK_KEYS},
        tools=tuple(tools),
        submitted=tuple(submitted),
        placeholders=tuple(data.get("placeholders", ())),
        not_answers=tuple(data.get("not_answers", ())),
        own_output=tuple(data.get("own_output", ())),
        accounts=tuple((tuple(a["detect"]), tuple(a["headers"])) for a in data.get("accounts", {}).values()),
        missing_codes=tuple(str(code) for code in data.get("missing_codes", ())),
        coded=tuple(
            (str(table["name"]), tuple(str(name) for name in table["coded"]))
            for table in data.get("tools", {}).values()
            if table.get("coded")
        ),
    )


def _languages(scales: dict[str, Any], problems: _Problems) -> tuple[str, ...]:
    """The languages are those every scale has labels for."""
    found = [set(table.get("labels", {})) for table in scales.values() if isinstance(table, dict)]
    common = set.intersection(*found) if found else set()
    if not common:
        problems.messages.append("scales: need labels in at least one language")
    # Danish first: it is the product's default language.
    return tuple(sorted(common, key=lambda lang: (lang != "da", lang)))


def _step(
    table: dict[str, Any],
    index: int,
    languages: tuple[str, ...],
    scales: dict[str, Scale],
    problems: _Problems,
) -> Step:
    where = f"steps[{index}]"
    step_id = problems.need(table, "id", str, where)
    items = tuple(
        _item(item, step_id, "step", f"{where}.items[{i}]", languages, scales, problems)
        for i, item in enumerate(problems.need(table, "items", list, where))
    )
    if not items:
        problems.messages.append(f"{where}: a step needs at least one item")
    importance = table.get("importance")
    return Step(
        id=step_id,
        chapter=problems.need(table, "chapter", int, where),
        title=_localized(table.get("title"), languages, f"{where}.title", problems),
        items=items,
        importance=(
            _item(importance, step_id, "importance", f"{where}.importance", languages, scales, problems)
            if isinstance(importance, dict)
            else None
        ),
    )


def _item(
    table: dict[str, Any],
    step_id: str,
    kind: str,
    where: str,
    languages: tuple[str, ...],
    scales: dict[str, Scale],
    problems: _Problems,
) -> Item:
    scale_id = table.get("scale", "")
    if kind != "free_text" and scale_id not in scales:
        problems.messages.append(f"{where}: unknown scale '{scale_id}'")
    return Item(
        code=problems.need(table, "code", str, where),
        step_id=step_id,
        scale_id=scale_id,
        reverse=bool(table.get("reverse", False)),
        text=_localized(table.get("text"), languages, f"{where}.text", problems),
        kind=kind,  # type: ignore[arg-type]
        turned=_localized(table["turned"], languages, f"{where}.turned", problems) if "turned" in table else None,
    )


def _check_bands(bands: tuple[Band, ...], problems: _Problems) -> None:
    """Bands must cover 0–100 without gaps or overlaps."""
    expected = 0
    for band in sorted(bands, key=lambda b: b.min):
        if band.min != expected:
            problems.messages.append(f"bands: '{band.id}' should start at {expected}, not {band.min}")
        expected = band.max + 1
    if expected != 101:
        problems.messages.append("bands: the last band must end at 100")


def _check_unique(values: list[str], what: str, problems: _Problems) -> None:
    seen: set[str] = set()
    for value in values:
        if value.casefold() in seen:
            problems.messages.append(f"the {what} '{value}' appears twice")
        seen.add(value.casefold())


def without(instrument: Instrument, codes: tuple[str, ...]) -> Instrument:
    """The instrument without items the survey did not ask: scores are computed from the others."""
    if not codes:
        return instrument
    absent = tuple(item for item in instrument.items if item.code in codes)
    steps = tuple(
        replace(
            step,
            items=tuple(item for item in step.items if item.code not in codes),
            importance=None if step.importance and step.importance.code in codes else step.importance,
        )
        for step in instrument.steps
    )
    return replace(instrument, steps=steps, absent=absent)
