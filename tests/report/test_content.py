"""The report's wording: both languages complete and alike."""

from __future__ import annotations

import string
import tomllib
from typing import Any

from reportgen.config import bundled_templates
from reportgen.report.conditions import check, statements, unreadable

from ..conftest import INSTRUMENT


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):  # [[steps.x.actions]]
            for index, entry in enumerate(value):
                flat.update(flatten(entry, f"{path}.{index}."))
        else:
            flat[path] = value
    return flat


def load(lang: str) -> dict[str, Any]:
    return flatten(tomllib.loads((bundled_templates() / "content" / f"{lang}.toml").read_text(encoding="utf-8")))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_danish_and_english_have_the_same_keys_and_placeholders() -> None:
    da, en = load("da"), load("en")
    assert set(da) == set(en)
    for key, value in da.items():
        if isinstance(value, list):
            assert len(value) == len(en[key]), key
        else:
            assert fields(value) == fields(en[key]), key
        if key.endswith(".when"):
            assert value == en[key], key  # the same sentence is true of the same answers in both languages


def test_every_step_and_band_has_texts_in_both_languages() -> None:
    for lang in ("da", "en"):
        content = load(lang)
        for step in INSTRUMENT.steps:
            for band in INSTRUMENT.bands:
                prefix = f"steps.{step.id}.bands.{band.id}"
                assert content[f"{prefix}.meaning"].strip(), prefix
                assert content[f"{prefix}.read_now"].strip(), prefix


def test_every_statement_has_a_next_step_for_either_answer_and_every_condition_reads() -> None:
    """A step's lowest statement always has a next step about it; an agreed one has one that goes further."""
    raw = {
        lang: tomllib.loads((bundled_templates() / "content" / f"{lang}.toml").read_text("utf-8"))
        for lang in ("da", "en")
    }
    for lang, content in raw.items():
        tables = [(s.id, content["steps"][s.id]) for s in INSTRUMENT.steps]
        tables += [
            (step_id, t)
            for audience in content.get("audiences", {}).values()
            for step_id, t in audience.items()
            if step_id != "names"
        ]
        for step_id, table in tables:
            entries = [*table.get("actions", ()), *table.get("notes", ())]
            for entry in entries:
                check(entry["when"])
                assert entry["text"].strip() and not fields(entry["text"]), (lang, step_id, entry)
            for item in INSTRUMENT.step(step_id).items:
                conditions = [a["when"] for a in table["actions"] if item.code in statements(a["when"])]
                low, high = ("<= 3", ">= 4") if not item.reverse else (">= 3", "<= 2")
                assert any(low in c for c in conditions) and any(high in c for c in conditions), (lang, item.code)
    # The audiences' texts have the same entries in both languages.
    assert {k for k in raw["da"]["audiences"]} == {k for k in raw["en"]["audiences"]}


def test_a_condition_the_grammar_cannot_read_is_named_with_its_key() -> None:
    content = {
        "steps": {"purpose": {"actions": [{"when": "P3 <= 3", "text": "a"}, {"when": "P3 sometimes", "text": "b"}]}}
    }
    assert unreadable(content) == [
        "steps.purpose.actions[1].when: the condition 'P3 sometimes' has a clause it cannot read: 'P3 sometimes'"
    ]
    bundled = {
        lang: tomllib.loads((bundled_templates() / "content" / f"{lang}.toml").read_text("utf-8"))
        for lang in ("da", "en")
    }
    assert all(unreadable(content) == [] for content in bundled.values())
