"""brand init and brand check: a brand folder made from the bundled one, and checked as build checks it."""

from __future__ import annotations

from pathlib import Path

from ..brand import brand_or_bundled, contrast_on_white, init_brand
from ..config import bundled_templates
from ..models import Brand


def check_brand(folder: Path) -> tuple[Brand, dict[str, float]]:
    """A brand folder checked as build would check it, and each colour's contrast on white."""
    brand = brand_or_bundled(folder)
    return brand, {name: contrast_on_white(value) for name, value in brand.colours.items()}


def make_brand(folder: Path) -> Path:
    """Copy the bundled brand into a new folder."""
    return init_brand(folder, bundled_templates())
