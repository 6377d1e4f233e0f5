"""The report texts per language (content/LANG.toml), from the brand's templates or the bundled ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from ..config import DEFAULT_INSTRUMENT, bundled_templates, load_toml
from ..errors import TemplateError
from ..models import Instrument, round_half_up
from .conditions import unreadable
from .content_check import Ids, merged, problems, raise_problems, uncovered

Content = Mapping[str, Any]


def load_content(
    template_dirs: list[Path], languages: tuple[str, ...], instrument: Instrument | None = None
) -> dict[str, Content]:
    """Each language's texts: the bundled content/LANG.toml with each brand folder's file merged over it, key by key.

    The folders come brand first; the last one that has the file is the base. A language the
    bundled templates do not have is checked against the first bundled language. With the
    `instrument`, its own steps and bands may be added by a brand, and every one must have its texts.
    """
    contents: dict[str, Content] = {}
    found: dict[Path, list[str]] = {}
    gaps: dict[str, list[str]] = {}
    ids = _ids(instrument) if instrument is not None else None
    for lang in languages:
        paths = [d / "content" / f"{lang}.toml" for d in template_dirs if (d / "content" / f"{lang}.toml").is_file()]
        if not paths:
            raise TemplateError(
                f"There is no content file for the language '{lang}' (content/{lang}.toml).",
                fix="Add the file to the templates folder; the bundled one shows its form.",
                file=template_dirs[0],
            )
        *overrides, base_path = paths
        content = _read(base_path)
        reference = content
        if not overrides and base_path.parent.parent.resolve() != bundled_templates().resolve():
            # A brand's own language: no bundled file to merge over, so it must be complete.
            reference = _read(bundled_templates() / "content" / f"{next(iter(languages))}.toml")
            found[base_path] = problems(reference, content, ids=ids) + _missing(reference, content, ids)
        for path in reversed(overrides):
            override = _read(path)
            # A brand's own condition must be one the grammar reads, like every key it sets.
            found[path] = problems(content, override, ids=ids) + unreadable(override)
            content = merged(content, override)
        if ids is not None and (missing := uncovered(reference, content, ids)):
            gaps[lang] = missing
        contents[lang] = content
    raise_problems(found)
    if gaps and instrument is not None:
        raise _uncovered(gaps, instrument)
    return contents


def _uncovered(gaps: dict[str, list[str]], instrument: Instrument) -> TemplateError:
    """Another instrument's steps or bands without texts: every report would leave them out, so nothing is built."""
    listed = "; ".join(f"content/{lang}.toml: {', '.join(keys)}" for lang, keys in gaps.items())
    return TemplateError(
        "Some of the instrument's steps or levels have no texts in the report's content files, so the reports "
        f"would leave them out, and nothing is built. Missing texts: {listed}.",
        fix="Add these texts to the brand's own content files (templates/content/LANG.toml in the brand folder "
        "you give with --brand; reportgen brand init makes a brand folder), written like the bundled "
        "steps.purpose with its bands and their texts. Then run reportgen brand check FOLDER --instrument "
        f"{instrument.source.name}.",
        file=instrument.source,
    )


def _ids(instrument: Instrument) -> Ids:
    """The bundled instrument's step and band ids beside this instrument's."""
    bundled = load_toml(DEFAULT_INSTRUMENT, TemplateError, "bundled instrument file", fix="Reinstall reportgen.")
    return Ids(
        bundled_steps=frozenset(str(step["id"]) for step in bundled["steps"]),
        bundled_bands=frozenset(str(band["id"]) for band in bundled["bands"]),
        steps=tuple(step.id for step in instrument.steps),
        bands=tuple(band.id for band in instrument.bands),
    )


def _read(path: Path) -> dict[str, Any]:
    return load_toml(path, TemplateError, "content file", fix="Correct the file.")


def _missing(reference: Content, content: Content, ids: Ids | None, where: str = "") -> list[str]:
    """The keys of `reference` that `content` lacks (a bundled step or band another instrument does not have aside)."""
    found = []
    unused = (ids.bundled_steps - set(ids.steps)) | (ids.bundled_bands - set(ids.bands)) if ids else set()
    for key, value in reference.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in content and key not in unused:
            found.append(f"{path} is missing")
        elif key in content and isinstance(value, Mapping) and isinstance(content[key], Mapping):
            found += _missing(value, content[key], ids, path)
    return found


def long_date(day: date, content: Content) -> str:
    """A date as the report's language writes it in full: "27. november 2026"."""
    return str(format_date(day, format="long", locale=content["report"]["locale"]))


def score_number(value: Decimal, content: Content) -> str:
    """A score as the report's language writes it, to at most one decimal: "87,5" in Danish, "87.5" in English."""
    return str(format_decimal(value, format="0.#", locale=content["report"]["locale"]))


def number(value: Fraction | float | int, digits: int, locale: str, sign: bool = False) -> str:
    """A number as the language writes it, rounded half up: "3,8" in Danish, "3.8" in English; sign: "+4"."""
    exact = round_half_up(value if isinstance(value, Fraction) else Fraction(Decimal(str(value))), digits)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    text = str(format_decimal(exact, format=pattern, locale=locale, decimal_quantization=True))
    # Babel writes a minus sign from the locale; a plus sign only when asked, for a change.
    return f"+{text}" if sign and exact > 0 else text


def share(value: Fraction | float, locale: str) -> str:
    """A share as a whole percentage in the language's form: "30 %" in Danish, "30%" in English."""
    exact = round_half_up(Fraction(value) * 100 if isinstance(value, Fraction) else Fraction(Decimal(str(value))) * 100)
    return str(format_percent(exact / 100, locale=locale))


def workbook_words(content: Content) -> dict[str, str]:
    """scores.xlsx's sheet names and headers."""
    return {str(key): str(value) for key, value in content["workbook"].items()}
