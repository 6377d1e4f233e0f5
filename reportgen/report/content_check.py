"""A brand's content file merged over the bundled one, key by key, and every key and placeholder checked.

A brand that wants to change one sentence writes that one key (MkDocs merges translations across
theme folders the same way). What it writes must fit the bundled file: a key the bundled file
has, a text whose {placeholders} the bundled text also fills, a list of the same length, a table
where the bundled file has a table. Every problem of every file is listed at once.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import TemplateError


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` over `base`, table by table: what the override leaves out stays as the base has it."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            result[key] = merged(base[key], value)
        else:
            result[key] = value
    return result


def problems(base: Any, override: Any, where: str = "") -> list[str]:
    """What in `override` does not fit `base`: unknown keys, other placeholders, other list lengths, other types."""
    if isinstance(base, Mapping):
        if not isinstance(override, Mapping):
            return [f"{where} must be a table, as in the bundled file"]
        found = []
        for key, value in override.items():
            path = f"{where}.{key}" if where else str(key)
            if key not in base:
                found.append(f"{path} is not a key of the bundled file (a misspelling?)")
            else:
                found += problems(base[key], value, path)
        return found
    if isinstance(base, list):
        if not isinstance(override, list) or len(override) != len(base):
            return [f"{where} must be a list of {len(base)}, as in the bundled file"]
        return [p for i, (b, o) in enumerate(zip(base, override, strict=True)) for p in problems(b, o, f"{where}[{i}]")]
    if isinstance(base, str):
        if not isinstance(override, str):
            return [f"{where} must be a text"]
        unknown = placeholders(override) - placeholders(base)
        if unknown:
            allowed = ", ".join("{" + name + "}" for name in sorted(placeholders(base))) or "none"
            named = ", ".join("{" + name + "}" for name in sorted(unknown))
            return [f"{where} uses {named}, which this text cannot fill (it fills: {allowed})"]
        return []
    if type(override) is not type(base):
        return [f"{where} must be a {type(base).__name__}, as in the bundled file"]
    return []


def placeholders(text: str) -> set[str]:
    """The {names} a text asks to be filled; a text that is not a valid template has none it can use."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"(an unmatched { or })"}


def raise_problems(found: dict[Path, list[str]]) -> None:
    """One error listing every problem of every content file, or nothing when there is none."""
    if not any(found.values()):
        return
    lines = [f"{path}: {problem}" for path, listed in found.items() for problem in listed]
    raise TemplateError(
        f"{len(lines)} problem{'s' if len(lines) > 1 else ''} in the brand's content files: " + "; ".join(lines) + ".",
        fix="Correct or remove these keys: a brand's content file needs only the keys it changes, "
        "and every other text comes from the bundled file.",
        file=next(path for path, listed in found.items() if listed),
    )
