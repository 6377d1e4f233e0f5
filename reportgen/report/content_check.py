"""A brand's content file merged over the bundled one, key by key, and every key and placeholder checked.

A brand that wants to change one sentence writes that one key (MkDocs merges translations across
theme folders the same way). What it writes must fit the bundled file: a key the bundled file
has, a text whose {placeholders} the bundled text also fills, a list of the same length, a table
where the bundled file has a table. Every problem of every file is listed at once.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TemplateError

# Keys a brand may still have from an earlier reportgen, and what replaced them.
RENAMED = {
    "cohort.focus_why": "cohort.focus_important, focus_level and focus_first (each with a _withheld form)",
}


@dataclass(frozen=True)
class Ids:
    """The step and band ids the content files key their tables by: the bundled instrument's, and this one's.

    Another instrument's steps and bands have no texts in the bundled files: a brand adds them
    (tables keyed by the new ids, shaped as the bundled ones), and every report needs them all.
    """

    bundled_steps: frozenset[str]
    bundled_bands: frozenset[str]
    steps: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()

    def added(self, key: str, table: Mapping[str, Any]) -> bool:
        """Whether `key` is this instrument's own step or band, in a table keyed by steps or bands."""
        if key in self.steps and set(table) & (self.bundled_steps | set(self.steps)):
            return True
        return key in self.bands and bool(set(table) & (self.bundled_bands | set(self.bands)))


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` over `base`, table by table: what the override leaves out stays as the base has it."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            result[key] = merged(base[key], value)
        else:
            result[key] = value
    return result


def problems(base: Any, override: Any, where: str = "", ids: Ids | None = None, free: bool = False) -> list[str]:
    """What in `override` does not fit `base`: unknown keys, other placeholders, other list lengths, other types.

    With `ids`, a key that is the instrument's own step or band is checked against a bundled one's
    shape (`free`: its lists may have any length, as a new step has its own notes and actions).
    """
    if isinstance(base, Mapping):
        if not isinstance(override, Mapping):
            return [f"{where} must be a table, as in the bundled file"]
        found = []
        for key, value in override.items():
            path = f"{where}.{key}" if where else str(key)
            if key in base:
                found += problems(base[key], value, path, ids, free)
            elif ids is not None and ids.added(key, base):
                sibling = next(
                    v for k, v in base.items() if k in ids.bundled_steps | ids.bundled_bands | {*ids.steps, *ids.bands}
                )
                found += problems(sibling, value, path, ids, free=True)
            elif path in RENAMED:
                found.append(f"{path} was split or renamed: write {RENAMED[path]} instead")
            else:
                found.append(f"{path} is not a key of the bundled file (a misspelling?)")
        return found
    if isinstance(base, list):
        if free and isinstance(override, list) and base:
            return [p for i, o in enumerate(override) for p in problems(base[0], o, f"{where}[{i}]", ids, free)]
        if not isinstance(override, list) or len(override) != len(base):
            return [f"{where} must be a list of {len(base)}, as in the bundled file"]
        pairs = enumerate(zip(base, override, strict=True))
        return [p for i, (b, o) in pairs for p in problems(b, o, f"{where}[{i}]", ids, free)]
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


def uncovered(reference: Mapping[str, Any], content: Mapping[str, Any], ids: Ids) -> list[str]:
    """The instrument's steps and bands the merged content has no texts for, by key.

    The tables keyed by every bundled step (steps, cohort.exercises) need every step of the
    instrument; those keyed by every bundled band (steps.ID.bands, summary.strongest …) every band.
    """
    found = []
    for path, table in _tables(reference):
        keyed = set(table)
        wanted = ids.steps if keyed >= ids.bundled_steps else ids.bands if keyed >= ids.bundled_bands else ()
        for where, found_table in _at(content, path, ids):
            found += [f"{where}.{key}" for key in wanted if key not in found_table]
    return list(dict.fromkeys(found))


def _tables(
    table: Mapping[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Every table of the reference with its path."""
    for key, value in table.items():
        if isinstance(value, Mapping):
            yield (*path, key), value
            yield from _tables(value, (*path, key))


def _at(content: Mapping[str, Any], path: tuple[str, ...], ids: Ids) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The content's tables at a reference path; a bundled step in the path stands for each of the instrument's."""
    tables: list[tuple[str, Any]] = [("", content)]
    for part in path:
        parts = ids.steps if part in ids.bundled_steps else (part,)
        tables = [
            (f"{where}.{name}" if where else name, table[name])
            for where, table in tables
            for name in parts
            if isinstance(table, Mapping) and isinstance(table.get(name), Mapping)
        ]
    yield from ((where, table) for where, table in tables if isinstance(table, Mapping))
