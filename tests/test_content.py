"""The report's wording: both languages complete and alike."""

from __future__ import annotations

import string
import tomllib
from typing import Any

from reportgen.config import bundled_templates

from .conftest import INSTRUMENT


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
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


def test_every_step_and_band_has_texts_in_both_languages() -> None:
    for lang in ("da", "en"):
        content = load(lang)
        for step in INSTRUMENT.steps:
            for band in INSTRUMENT.bands:
                prefix = f"steps.{step.id}.bands.{band.id}"
                assert content[f"{prefix}.meaning"].strip(), prefix
                assert content[f"{prefix}.read_now"].strip(), prefix
                actions = content[f"{prefix}.actions"]
                assert len(actions) == 3 and all(a.strip() for a in actions), prefix
