"""The shape of the instrument file, checked whole before it is read: every problem by its key, at once.

A schema as data (MkDocs checks its config the same way): a type, a tuple of types, a
table of keys, or a list of one shape. Texts may hold no control characters; a table
nested deeper than any instrument needs is refused before it is walked.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 8  # the instrument's deepest key is steps[i].items[j].text.da
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_KINDS = {"str": "a text in quotes", "int": "a whole number", "float": "a number", "bool": "true or false"}
_TEXTS: dict[str, Any] = {"*": str}  # one text per language
# turned: a reverse-keyed statement reworded, as the cohort report prints it (issue 22).
_ITEM = {"code": str, "scale": str, "reverse": bool, "text": _TEXTS, "turned": _TEXTS, "step": str}
_STEP = {"id": str, "chapter": int, "title": _TEXTS, "items": [_ITEM], "importance": _ITEM}
INSTRUMENT: dict[str, Any] = {
    "instrument": {
        "id": str,
        "version": int,
        "title": _TEXTS,
        "min_answered_share": (int, float),
        "default_importance": int,
    },
    "priority_matrix": {"score_split": int, "importance_split": (int, float)},
    "scales": {"*": {"min": int, "max": int, "labels": {"*": [str]}}},
    "bands": [{"id": str, "min": int, "max": int, "label": _TEXTS}],
    "identity": {
        "*": {"required": bool, "headers": [str], "parts": [str], "mention_if_missing": bool},
    },
    "steps": [_STEP],
    "free_text": [_ITEM],
}
REQUIRED = ("instrument", "scales", "bands", "identity", "steps")


def problems(data: dict[str, Any]) -> list[str]:
    """Every place where the file's values are not of the kind the schema says, by key."""
    found = [f"'{key}' is missing" for key in REQUIRED if key not in data]
    _check(data, INSTRUMENT, "", found, 0)
    for scale_id, scale in data.get("scales", {}).items() if isinstance(data.get("scales"), dict) else ():
        low, high = (scale.get("min"), scale.get("max")) if isinstance(scale, dict) else (None, None)
        if isinstance(low, int) and isinstance(high, int) and high <= low:
            found.append(f"scales.{scale_id}: 'max' ({high}) must be above 'min' ({low}); a scale needs two values")
    return found


def _check(value: Any, shape: Any, where: str, found: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        found.append(f"{where or 'the file'}: nested deeper than an instrument ever is")
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            found.append(f"{where}: must be a table")
            return
        for key, item in value.items():
            inner = shape.get(key, shape.get("*"))
            place = f"{where}.{key}" if where else key
            if inner is None:
                found.append(f"{place}: is not a key of an instrument file")
            else:
                _check(item, inner, place, found, depth + 1)
    elif isinstance(shape, list):
        if not isinstance(value, list):
            found.append(f"{where}: must be a list")
            return
        for index, item in enumerate(value):
            _check(item, shape[0], f"{where}[{index}]", found, depth + 1)
    else:
        _check_value(value, shape, where, found)


def _check_value(value: Any, shape: type | tuple[type, ...], where: str, found: list[str]) -> None:
    kinds = shape if isinstance(shape, tuple) else (shape,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        names = " or ".join(_KINDS.get(kind.__name__, kind.__name__) for kind in kinds)
        found.append(f"{where}: must be {names}, not {value!r}"[:200])
    elif isinstance(value, str) and _CONTROL.search(value):
        character = _CONTROL.search(value)
        assert character is not None
        found.append(f"{where}: holds a control character (U+{ord(character.group()):04X}); remove it")
