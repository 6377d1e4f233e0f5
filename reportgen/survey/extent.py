"""Measures an .ods or .xls workbook's sheets before python-calamine expands them.

python-calamine builds each sheet as a dense block from its first to its last value, about
120 bytes a cell. An .ods cell or row may say "repeated 1,000,000 times" (an 824-byte file
can stand for 99 million cells); an .xls of 6 KB with values in A1 and IV65536 stands for
16.7 million (1 GB). The content is scanned first in constant memory (expat for .ods,
olefile and the BIFF record headers for .xls), and the extent a sheet would expand to is held
to the limits every other input has.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn
from xml.parsers import expat

import olefile

from ..errors import InputError
from .rows import MAX_ROWS, too_big

MAX_COLUMNS = 16_384  # Excel's widest sheet (XFD)
MAX_CELLS = 4_000_000  # a sheet's rows × columns up to its last value: about 500 MB expanded
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@dataclass
class _Extent:
    """Where the values of one sheet end, counting repeats."""

    name: str = ""
    row: int = 0  # rows read so far, repeats counted
    last_row: int = 0  # the last row that holds a value
    last_column: int = 0  # the rightmost column that holds a value, in any row
    column: int = 0  # columns of the current row so far
    row_repeat: int = 1
    row_has_value: bool = False
    cell_repeat: int = 1
    cell_has_value: bool = False


def check_extent(path: Path) -> None:
    """Refuse an .ods or .xls whose sheets would expand past the limits, before anything expands."""
    if olefile.isOleFile(str(path)):
        _check_xls(path)
        return
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            _scan(path, content)
    except (KeyError, zipfile.BadZipFile, OSError, expat.ExpatError):
        return  # python-calamine says why it cannot read the file


def _scan(path: Path, content: IO[bytes]) -> None:
    sheets = [_Extent()]

    def refuse_entity(*args: object) -> NoReturn:
        raise InputError(
            "The spreadsheet contains XML entity declarations, which spreadsheet programs never write; "
            "reportgen refuses to read it.",
            fix="Open it in LibreOffice or Excel, save it as a new .xlsx, and run reportgen on that file.",
            file=path,
        )

    def start(name: str, attributes: dict[str, str]) -> None:
        sheet = sheets[-1]
        if name == f"{_TABLE}}}table":
            sheets.append(_Extent(name=attributes.get(f"{_TABLE}}}name", "")))
        elif name == f"{_TABLE}}}table-row":
            sheet.row_repeat = _count(attributes.get(f"{_TABLE}}}number-rows-repeated"))
            sheet.column, sheet.row_has_value = 0, False
        elif name in (f"{_TABLE}}}table-cell", f"{_TABLE}}}covered-table-cell"):
            sheet.cell_repeat = _count(attributes.get(f"{_TABLE}}}number-columns-repeated"))
            sheet.cell_has_value = f"{_OFFICE}}}value-type" in attributes
        elif name == "urn:oasis:names:tc:opendocument:xmlns:text:1.0}p":
            sheet.cell_has_value = True

    def end(name: str) -> None:
        sheet = sheets[-1]
        if name in (f"{_TABLE}}}table-cell", f"{_TABLE}}}covered-table-cell"):
            sheet.column += sheet.cell_repeat
            if sheet.cell_has_value:
                sheet.row_has_value = True
                sheet.last_column = max(sheet.last_column, sheet.column)
        elif name == f"{_TABLE}}}table-row":
            sheet.row += sheet.row_repeat
            if sheet.row_has_value:
                sheet.last_row = sheet.row
                _check(path, sheet)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse_entity
    parser.ParseFile(content)


def _check(path: Path, sheet: _Extent) -> None:
    if sheet.last_row > MAX_ROWS:
        raise too_big(path, f"has values down to row {sheet.last_row:,}", f"{MAX_ROWS:,} rows", sheet.name)
    if sheet.last_column > MAX_COLUMNS:
        raise too_big(path, f"has values out to column {sheet.last_column:,}", f"{MAX_COLUMNS:,} columns", sheet.name)
    cells = sheet.last_row * sheet.last_column
    if cells > MAX_CELLS:
        size = f"would expand to {cells:,} cells ({sheet.last_row:,} rows × {sheet.last_column:,} columns)"
        raise too_big(path, size, f"{MAX_CELLS:,} cells per sheet", sheet.name)


def _count(value: str | None) -> int:
    """A repeat count; anything but a positive whole number counts once."""
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


# BIFF records that hold a value at (row, column) in their first four bytes; MULRK holds a run of
# numbers from its column to the column in its last two bytes. BLANK and MULBLANK (formatting
# only) python-calamine leaves out, so they are not counted.
_CELLS = {0x0006, 0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x00D6}
_MULRK, _BOF, _BOUNDSHEET = 0x00BD, 0x0809, 0x0085


def _check_xls(path: Path) -> None:
    """The BIFF records of the workbook stream, read for where each sheet's values end."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            data = ole.openstream(stream).read()
    except (OSError, ValueError, struct.error):
        return  # python-calamine says why it cannot read the file
    names: list[str] = []
    sheet = _Extent(name="")
    sheets = 0
    offset = 0
    while offset + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, offset)
        body = data[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if kind == _BOUNDSHEET and len(body) > 8:
            names.append(_sheet_name(body))
        elif kind == _BOF:
            sheet = _Extent(name=names[sheets - 1] if 0 < sheets <= len(names) else "")
            sheets += 1
        elif kind in _CELLS | {_MULRK} and len(body) >= 6:
            row, column = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0] if kind == _MULRK else column
            sheet.last_row = max(sheet.last_row, row + 1)
            sheet.last_column = max(sheet.last_column, last + 1)
            _check(path, sheet)


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET record's sheet name: a length, a flag (1: UTF-16), the characters."""
    count, wide = body[6], body[7] & 1
    raw = body[8 : 8 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")
