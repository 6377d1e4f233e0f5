"""FOLDER/print.pdf: every report in one file, each starting on a right-hand page when printed double-sided."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from ..errors import OutputError
from .writer import write_atomic


@dataclass(frozen=True)
class Printout:
    """What went into the print file: each report with its first page, and the blank pages added."""

    path: Path
    reports: tuple[tuple[str, int], ...]  # (file name, its first page in print.pdf, from 1)
    pages: int
    blanks: int


def write_printout(target: Path, reports: Sequence[Path]) -> Printout:
    """Join the reports in this order, with a blank page before each one that would start on a left-hand page."""
    writer = PdfWriter()
    placed: list[tuple[str, int]] = []
    blanks = 0
    for path in reports:
        try:
            reader = PdfReader(io.BytesIO(path.read_bytes()))
            pages = list(reader.pages)
        except (OSError, PyPdfError, ValueError) as error:
            raise OutputError(
                f"The report cannot be read as a PDF ({error}); nothing was written.",
                fix="Run reportgen build again into this folder, then print.",
                file=path,
            ) from None
        if len(writer.pages) % 2:  # the report before ended on a right-hand page: its back stays blank
            box = writer.pages[-1].mediabox
            writer.add_blank_page(width=float(box.width), height=float(box.height))
            blanks += 1
        placed.append((path.name, len(writer.pages) + 1))
        for page in pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    write_atomic(target, buffer.getvalue())
    return Printout(target, tuple(placed), len(writer.pages), blanks)
