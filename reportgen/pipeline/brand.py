"""brand init and brand check: a brand folder made from the bundled one, and checked as build checks it."""

from __future__ import annotations

from pathlib import Path

from ..brand import brand_or_bundled, contrast_on_white, init_brand
from ..config import bundled_templates
from ..models import Brand
from ..report.content import load_content
from ..survey.instrument import load_instrument


def check_brand(folder: Path, instrument_file: Path | None = None) -> tuple[Brand, dict[str, float]]:
    """A brand folder checked as build would check it (for this instrument), and each colour's contrast on white."""
    brand = brand_or_bundled(folder)
    # Its content files too: every key and placeholder, and a text for each step and band, as build checks them.
    instrument = load_instrument(instrument_file)
    load_content([d for d in (brand.template_dir, bundled_templates()) if d.is_dir()], instrument.languages, instrument)
    return brand, {name: contrast_on_white(value) for name, value in brand.colours.items()}


def make_brand(folder: Path, force: bool = False) -> Path:
    """Copy the bundled brand into a new folder (into one with files only with force)."""
    return init_brand(folder, bundled_templates(), force)
