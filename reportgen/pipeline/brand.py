"""brand init and brand check: a brand folder made from the bundled one, and checked as build checks it."""

from __future__ import annotations

from pathlib import Path

from ..brand import brand_or_bundled, contrast_on_white, init_brand
from ..config import bundled_templates
from ..models import Brand
from ..report.content import load_content
from ..survey.instrument import load_instrument


def check_brand(folder: Path) -> tuple[Brand, dict[str, float]]:
    """A brand folder checked as build would check it, and each colour's contrast on white."""
    brand = brand_or_bundled(folder)
    # Its content files too: every key and placeholder, as build checks them before rendering.
    languages = load_instrument(None).languages
    load_content([d for d in (brand.template_dir, bundled_templates()) if d.is_dir()], languages)
    return brand, {name: contrast_on_white(value) for name, value in brand.colours.items()}


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    return init_brand(folder, bundled_templates())
