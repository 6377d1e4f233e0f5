"""Loads and checks a brand folder: brand.toml, logo, fonts and template overrides."""

from __future__ import annotations

import math
import os
import re
import shutil
import struct
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .config import bundled_templates, load_toml
from .errors import BrandError
from .models import Brand

BRAND_FILE = "brand.toml"
KEYS = {
    "organisation",
    "default_language",
    "logo",
    "contact",
    "footer",
    "workshop",
    "date",
    "paper",
    "title",
    "colours",
    "fonts",
    "mail",
    "workshop_date",
    "facilitator",
    "ebook",
    "audience",
}
EBOOK_KEYS = ("link", "pages")
# `send`'s settings a brand may hold; the same keys as the [send] table of reportgen.toml.
MAIL_KEYS = ("from", "smtp_host", "smtp_port", "smtp_user", "smtp_security", "rate", "daily_cap")
COLOURS = ("primary", "accent", "text")
FONTS = ("regular", "bold", "italic", "bold_italic")
PAPERS = ("A4", "letter")
IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg"}
# The first bytes of TrueType, OpenType and WOFF font files.
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# A logo is drawn a few centimetres wide: 4000 pixels a side is sharp at any print size, while an
# 8000 × 8000 image took 592 MB to render, in every worker.
MAX_LOGO_SIDE = 4000
_SVG_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(px)?\s*$")
# Every brand colour is used for text or thin lines on white: WCAG 2's level AA for normal text.
MIN_CONTRAST = 4.5


def default_brand_dir(bundled_templates: Path) -> Path:
    """The bundled brand, which `brand init` copies."""
    return bundled_templates / "brand"


def load_brand(folder: Path, bundled_templates: Path) -> Brand:
    """Read a brand folder; every problem in it is listed in one error."""
    path = folder / BRAND_FILE
    if not path.is_file():
        raise BrandError(
            f"The brand folder has no {BRAND_FILE}.",
            fix="Give the folder made by `reportgen brand init DIR`, or leave --brand out.",
            file=folder,
        )
    data = load_toml(path, BrandError, "brand file", fix="Correct the file.")

    problems: list[str] = [f"unknown key '{key}'" for key in sorted(set(data) - KEYS)] + _not_regular(folder)
    defaults = load_toml(
        default_brand_dir(bundled_templates) / BRAND_FILE, BrandError, "bundled brand file", fix="Reinstall reportgen."
    )
    colours = _colours({**defaults["colours"], **_table(data, "colours", COLOURS, problems)}, problems)
    fonts = _fonts(folder, data, problems)
    logo = _logo(folder, data.get("logo", ""), problems)
    paper = data.get("paper", "A4")
    if paper not in PAPERS:
        problems.append(f'paper = {paper!r} must be "A4" or "letter"')
    when = _date(data.get("date", ""), problems)
    title = _table(data, "title", None, problems)
    mail = _table(data, "mail", MAIL_KEYS, problems)
    workshop_date = _date(data.get("workshop_date", ""), problems, "workshop_date")
    ebook = _ebook(_table(data, "ebook", EBOOK_KEYS, problems), problems)
    texts = {
        key: data.get(key, "")
        for key in ("organisation", "contact", "footer", "workshop", "default_language", "facilitator", "audience")
    }
    for key, value in {**texts, **title}.items():
        if not isinstance(value, str):
            problems.append(f"{key} must be text in quotes")
    if problems:
        raise BrandError(
            "The brand has problems: " + "; ".join(problems) + ".",
            fix="Correct brand.toml and the files it names; `reportgen brand init` shows a working brand.",
            file=path,
        )
    return Brand(
        root=folder.resolve(),
        organisation=texts["organisation"] or defaults["organisation"],
        default_language=texts["default_language"] or None,
        logo=logo,
        contact=texts["contact"],
        footer=texts["footer"],
        workshop=texts["workshop"],
        date=when,
        paper=paper,
        title=title,
        colours=colours,
        mail=mail,
        workshop_date=workshop_date,
        facilitator=texts["facilitator"],
        ebook=ebook,
        audience=texts["audience"],
        fonts={name: font for name, font in fonts.items() if font is not None}
        if fonts
        else {name: bundled_templates / "fonts" / f"Lato-{_lato(name)}.ttf" for name in FONTS},
    )


def _colours(colours: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The brand's colours over the defaults, each a colour text needs (4.5:1 on white) or a problem."""
    for name, value in colours.items():
        if not isinstance(value, str) or not _COLOUR.match(value):
            problems.append(f'colours.{name} = {value!r} is not a colour like "#1f4e79"')
        elif (ratio := contrast_on_white(value)) < MIN_CONTRAST:
            problems.append(
                f'colours.{name} = "{value}" has a contrast of {math.floor(ratio * 100) / 100:.2f}:1 on white, '
                f"below the {MIN_CONTRAST}:1 that text needs to be readable (WCAG AA); choose a darker colour"
            )
    return colours


def _fonts(folder: Path, data: dict[str, Any], problems: list[str]) -> dict[str, Path | None]:
    """The brand's four font files, each a real font inside the folder, or none at all."""
    fonts = {
        name: _file(folder, value, f"fonts.{name}", problems)
        for name, value in _table(data, "fonts", FONTS, problems).items()
    }
    for name, font in fonts.items():
        if font is not None and not _is_font(font):
            problems.append(f"fonts.{name}: {font.name} is not a TTF, OTF or WOFF font file")
    if fonts and set(fonts) != set(FONTS):
        problems.append(f"fonts: give all four ({', '.join(FONTS)}) or none")
    return fonts


def _logo(folder: Path, name: Any, problems: list[str]) -> Path | None:
    """The logo file: an SVG, PNG or JPEG inside the folder, no more than MAX_LOGO_SIDE pixels a side."""
    logo = _file(folder, name, "logo", problems) if name else None
    if logo is not None and logo.suffix.lower() not in IMAGE_SUFFIXES:
        problems.append(f"logo: {logo.name} is not an SVG, PNG or JPEG file")
    elif logo is not None:
        size = _image_size(logo)
        if size is not None and max(size) > MAX_LOGO_SIDE:
            problems.append(
                f"logo: {logo.name} is {size[0]:,.0f} × {size[1]:,.0f} pixels; a logo may be at most "
                f"{MAX_LOGO_SIDE:,} pixels a side (save a smaller copy, e.g. 1000 pixels wide)"
            )
    return logo


def _ebook(ebook: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The [ebook] table: a link with {chapter}, and pages per chapter."""
    if not isinstance(ebook.get("link", ""), str):
        problems.append("ebook.link must be text in quotes")
    pages = ebook.get("pages", {})
    if not isinstance(pages, dict) or not all(str(k).isdigit() and isinstance(v, str | int) for k, v in pages.items()):
        problems.append('ebook.pages must be a table of chapter numbers and pages, like { 1 = "12", 2 = "31" }')
    return ebook


def contrast_on_white(colour: str) -> float:
    """The WCAG 2 contrast ratio of a colour like "#1f4e79" against white, from 1 (none) to 21."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def init_brand(target: Path, bundled_templates: Path, force: bool = False) -> Path:
    """Copy the bundled brand into a new folder as a starting point; into one with files only with force."""
    there = sorted(path.name for path in target.iterdir()) if target.is_dir() else []
    if there and not force:
        raise BrandError(
            f"The folder exists and holds {', '.join(there[:5])}{' …' if len(there) > 5 else ''}; reportgen "
            "will not overwrite it.",
            fix="Give a new folder name, or add --force to copy the bundled brand over it (files of the same "
            "names are replaced, others kept).",
            file=target,
        )
    shutil.copytree(default_brand_dir(bundled_templates), target, dirs_exist_ok=True)
    (target / "templates").mkdir(exist_ok=True)
    return target


def _table(data: dict[str, Any], key: str, allowed: tuple[str, ...] | None, problems: list[str]) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        problems.append(f"'{key}' must be a table ([{key}])")
        return {}
    if allowed is not None:
        problems.extend(f"unknown key '{key}.{name}'" for name in sorted(set(table) - set(allowed)))
        return {name: value for name, value in table.items() if name in allowed}
    return table


def _not_regular(folder: Path) -> list[str]:
    """What in the brand folder is not a plain file or folder of its own.

    A link could bring any file of the computer (a key, another leader's report) into every
    report and mail made with a brand someone shared.
    """
    problems = []
    for root, folders, files in os.walk(folder, followlinks=False):
        for name in (*folders, *files):
            path = Path(root) / name
            if path.is_symlink():
                problems.append(f"{path.relative_to(folder)} is a link; a brand holds only its own files")
            elif not (path.is_dir() or path.is_file()):
                problems.append(f"{path.relative_to(folder)} is not a regular file")
    return problems


def _file(folder: Path, name: Any, key: str, problems: list[str]) -> Path | None:
    """A file named in brand.toml: it must exist inside the brand folder and be readable."""
    if not isinstance(name, str):
        problems.append(f"{key} must be a file name in quotes")
        return None
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        problems.append(f"{key}: {name} is outside the brand folder")
        return None
    try:
        with path.open("rb") as file:
            file.read(1)
    except OSError:
        problems.append(f"{key}: {name} cannot be read (missing file?)")
        return None
    return path


def _image_size(path: Path) -> tuple[float, float] | None:
    """(width, height) in pixels from the file's header, without decoding it; None when not stated."""
    with path.open("rb") as file:
        head = file.read(64 * 1024)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return float(width), float(height)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if path.suffix.lower() == ".svg":
        return _svg_size(path)
    return None


def _jpeg_size(data: bytes) -> tuple[float, float] | None:
    """A JPEG's size from its start-of-frame marker (SOF0–SOF15, other than DHT, JPG and DAC)."""
    at = 2
    while at + 9 <= len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return float(width), float(height)
        at += 2 + length
    return None


def _svg_size(path: Path) -> tuple[float, float] | None:
    """An SVG's width and height in pixels (unitless or px), else its viewBox's; None when neither says."""
    try:
        with path.open("rb") as file:  # only as far as the root element
            _, root = next(iterparse(file, events=("start",)))
    except (ParseError, DefusedXmlException, StopIteration, OSError):
        return None  # WeasyPrint's warning about a broken logo fails the report instead
    lengths = [_SVG_LENGTH.match(root.get(key, "")) for key in ("width", "height")]
    if all(lengths):
        return float(lengths[0].group(1)), float(lengths[1].group(1))  # type: ignore[union-attr]
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        return (float(box[2]), float(box[3])) if len(box) == 4 else None
    except ValueError:
        return None


def _is_font(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(4) in FONT_MAGIC


def _date(value: Any, problems: list[str], key: str = "date") -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{key} = {value!r} is not a date like 2026-11-27")
        return None


def _lato(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def brand_or_bundled(folder: Path | None) -> Brand:
    """The brand folder given, or the bundled brand."""
    bundled = bundled_templates()
    return load_brand(folder or default_brand_dir(bundled), bundled)
