"""The one workbook factory: real .xlsx files written with openpyxl, for the tests, bench/ and the sample."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

ZIP_TIME = (2026, 11, 30, 12, 0, 0)  # every entry of a deterministic file


def export_workbook(rows: Sequence[Sequence[Any]], sheet: str = "Form1", before: Sequence[str] = ()) -> Workbook:
    """A workbook laid out like a survey export: `rows` (header first) on `sheet`, after the `before` sheets."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = (*before, sheet)[0]
    for index, name in enumerate(before):
        cover = first if index == 0 else book.create_sheet(name)
        cover.append(["This sheet describes the survey."])
    data = book.create_sheet(sheet) if before else first
    for row in rows:
        data.append(list(row))
        # Survey tools export "=…" answers as text, not as formulas.
        for cell in data[data.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    return book


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "Form1", before: Sequence[str] = ()) -> Path:
    """Write a real workbook; `before` adds sheets (e.g. a cover) in front."""
    export_workbook(rows, sheet, before).save(path)
    return path


def deterministic_bytes(book: Workbook) -> bytes:
    """The workbook as a file that is the same byte for byte on every run.

    openpyxl's save() stamps "modified" with the current time and the zip entries with the
    local clock, so write through ExcelWriter and repack with a fixed date for every entry.
    """
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def write_book(
    path: Path, sheets: dict[str, Sequence[Sequence[Any]]], merges: dict[str, Sequence[str]] | None = None
) -> Path:
    """A workbook of several sheets in order, each with its rows and its merged ranges ("A1:C1")."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(title, ()):
            sheet.merge_cells(cells)
    book.save(path)
    return path


def ods(path: Path, rows: Sequence[Sequence[Any]], body: str | None = None, sheet: str = "Svar") -> Path:
    """A minimal OpenDocument spreadsheet as LibreOffice writes one: numbers as floats, the rest as text.

    `body` replaces the rows with table XML as written (repeat counts, for the limits' tests).
    """

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            number = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = (
        body
        if body is not None
        else "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path
