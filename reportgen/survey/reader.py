"""Reads a survey export (a workbook, or delimited text through delimited.py) into raw rows with their numbers.

The only module that reads workbooks (openpyxl, python-calamine). It knows nothing of the instrument.
"""

from __future__ import annotations

import zipfile
from collections.abc import Generator, Iterator
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml.common import DefusedXmlException, EntitiesForbidden
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from ..errors import InputError
from ..models import CellValue
from .delimited import CSV_SUFFIXES, CsvExport
from .extent import check_extent
from .rows import MAX_CSV_BYTES, MAX_ROWS, Flags, Row, clean_row, too_big

_XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_CALAMINE_SUFFIXES = {".xls", ".ods"}  # old Excel and OpenDocument workbooks, read with python-calamine
# What a broken or truncated workbook raises from inside openpyxl and zipfile; IndexError: a
# cell pointing past the shared strings, TypeError/AttributeError: a part of the wrong shape.
_BROKEN: tuple[type[BaseException], ...] = (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError, ParseError)
_BROKEN += (ValueError, OSError, DefusedXmlException, IndexError, TypeError, AttributeError)

# Limits past which an input is refused before it is read whole (see README, "Safety").
MAX_UNPACKED_BYTES = 1024**3  # a workbook is a zip file: what it unpacks to
MAX_PART_BYTES = 200 * 1024**2  # one sheet's XML (or any one part of a workbook), unpacked

# An encrypted (password-protected) workbook is an OLE2 compound file, not a zip file.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_export(
    path: Path, encoding: str | None = None, delimiter: str | None = None
) -> Workbook | CsvExport | OtherWorkbook:
    """The export at path, as a workbook or a CSV file."""
    _check_file(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return CsvExport(path, encoding, delimiter)
    if path.suffix.lower() in _CALAMINE_SUFFIXES:
        return OtherWorkbook(path)
    return Workbook(path)


class OtherWorkbook:
    """An old Excel (.xls) or OpenDocument (.ods) workbook, read whole with python-calamine.

    python-calamine returns an error cell (#N/A) as an empty one: such a cell counts as not answered.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reading = ""
        self.cleaned: dict[str, Flags] = {}  # sheet → row → cells the reader changed, for warnings
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise too_big(path, f"is {size / 1024**2:.0f} MB", f"{MAX_CSV_BYTES // 1024**2} MB")
        if zipfile.is_zipfile(path):  # .ods: what it unpacks to
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED_BYTES:
                limit = f"{MAX_UNPACKED_BYTES // 1024**2:,} MB"
                raise too_big(path, f"unpacks to {unpacked / 1024**2:,.0f} MB", limit)
        check_extent(path)  # repeat counts and far cells, before python-calamine expands them
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except (CalamineError, OSError, ValueError) as error:
            raise _unreadable(path, error) from None

    def __enter__(self) -> OtherWorkbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self._book.close()

    @property
    def sheet_names(self) -> list[str]:
        """The worksheets in workbook order."""
        return list(self._book.sheet_names)

    def rows(self, sheet: str) -> Iterator[tuple[int, Row]]:
        """Yield (sheet row number, values) for every row, numbered and lettered as the sheet has them."""
        try:
            data = self._book.get_sheet_by_name(sheet)
        except (CalamineError, ValueError) as error:
            raise _unreadable(self.path, error, sheet) from None
        if data.start is None or data.end is None:
            return
        if data.end[0] + 1 > MAX_ROWS:
            raise too_big(self.path, f"has values down to row {data.end[0] + 1:,}", f"{MAX_ROWS:,} rows", sheet)
        left: tuple[CellValue, ...] = (None,) * data.start[1]  # iter_rows starts at the first used column
        for number, values in enumerate(data.iter_rows(), start=1):  # ... but at row 1
            row = left + tuple(_calamine_value(v) for v in values)
            yield number, clean_row(row, number, self.cleaned.setdefault(sheet, {}))


def _calamine_value(value: object) -> CellValue:
    """A python-calamine cell as openpyxl would give it: None for empty, times and durations as text."""
    if value == "" or value is None:
        return None
    if isinstance(value, str | bool | int | float | datetime | date):
        return value
    return str(value)


def _unreadable(path: Path, error: BaseException, sheet: str | None = None) -> InputError:
    return InputError(
        f"The file cannot be read as a spreadsheet; it may be damaged, protected by a password "
        f"or of another type ({type(error).__name__}: {error}).",
        fix="Open it in Excel or LibreOffice to check it, save it as an Excel workbook (.xlsx), "
        "and run reportgen on that file.",
        file=path,
        sheet=sheet,
    )


class Workbook:
    """An open export; use as a context manager so the file is always closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.cleaned: dict[str, Flags] = {}  # sheet → row → cells the reader changed, for warnings
        _refuse_encrypted(path)
        try:
            with zipfile.ZipFile(path) as archive:
                parts = archive.infolist()
        except _BROKEN as error:
            raise _broken(path, error) from None
        unpacked = sum(info.file_size for info in parts)
        if unpacked > MAX_UNPACKED_BYTES:
            raise too_big(path, f"unpacks to {unpacked / 1024**2:,.0f} MB", f"{MAX_UNPACKED_BYTES // 1024**2:,} MB")
        # Reading is bounded by what each part unpacks to: a small file can hold a sheet of
        # hundreds of MB of blank XML, which would take minutes and gigabytes to read.
        for info in parts:
            if info.file_size > MAX_PART_BYTES:
                raise too_big(
                    path,
                    f"holds {'a sheet' if '/worksheets/' in info.filename else 'a part'} ({info.filename}) "
                    f"whose XML unpacks to {info.file_size / 1024**2:,.0f} MB",
                    f"{MAX_PART_BYTES // 1024**2:,} MB of XML per sheet",
                )
        try:
            # read_only streams the sheets; data_only takes a formula's cached value (none: empty), never evaluates.
            self._book = load_workbook(path, read_only=True, data_only=True)
        except _BROKEN as error:
            raise _broken(path, error) from None
        self._reading: list[Generator[tuple[int, Row], None, None]] = []
        self.reading = ""  # a workbook needs no encoding or separator

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the sheets being read, then the workbook and its zip file."""
        for rows in self._reading:
            rows.close()
        self._book.close()

    @property
    def sheet_names(self) -> list[str]:
        """The worksheets in workbook order (chart sheets left out)."""
        return [ws.title for ws in self._book.worksheets]

    def rows(self, sheet: str) -> Iterator[tuple[int, Row]]:
        """Yield (sheet row number, values) for every row, streamed from the file."""
        rows = self._rows(sheet)
        # A sheet read in part keeps its part of the zip file open until close() ends it.
        self._reading.append(rows)
        return rows

    def _rows(self, sheet: str) -> Generator[tuple[int, Row], None, None]:
        worksheet = self._book[sheet]
        # Exports often store wrong dimensions (A1:XFD1048576), and spreadsheets leave
        # formatted empty rows down to row 1,048,576: read to the last row with a value.
        worksheet.reset_dimensions()
        try:
            last = _last_row_with_value(worksheet)
            if last is not None and last > MAX_ROWS:
                raise too_big(self.path, f"has values down to row {last:,}", f"{MAX_ROWS:,} rows", sheet)
            if last == 0:
                return
            for number, values in enumerate(worksheet.iter_rows(max_row=last, values_only=True), start=1):
                yield number, clean_row(values, number, self.cleaned.setdefault(sheet, {}))
        except _BROKEN as error:
            raise _broken(self.path, error, sheet) from None


def _last_row_with_value(worksheet: Any) -> int | None:
    """The number of the last row that holds a value, from the sheet's XML; None if unknown.

    Parsed, never matched with a pattern: r='10', r = "10" and rows without r are all valid XML
    that a pattern misreads. Streamed through expat with handlers only for element starts and
    text (twice as fast as iterparse, which builds every element), in constant memory; entity
    declarations are refused as defusedxml refuses them.
    """
    open_source = getattr(worksheet, "_get_source", None)  # openpyxl's read-only sheets have it
    if open_source is None:
        return None
    row = last = 0
    in_value = False  # inside a <v> (value) or <t> (inline text), where text is a cell's value

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal row, in_value
        tag = name[name.rfind("}") + 1 :]  # namespace-aware: "uri}row" or "row"
        in_value = tag in ("v", "t")
        if tag == "row":
            number = attributes.get("r", "").strip()
            row = int(number) if number.isdigit() else row + 1

    def text(data: str) -> None:
        nonlocal last
        if in_value and not data.isspace():
            last = row

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    source: IO[bytes]
    with open_source() as source:
        try:
            parser.ParseFile(source)
        except expat.ExpatError as error:
            raise ParseError(str(error)) from None
    return last


def _refuse_entity(name: str | None, *rest: object) -> NoReturn:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _refuse_encrypted(path: Path) -> None:
    """An encrypted workbook is an OLE2 file, which zipfile would call damaged: say what it is."""
    try:
        with path.open("rb") as file:
            start = file.read(len(_OLE2_MAGIC))
    except OSError:
        return  # the zip reader says why it cannot be read
    if start == _OLE2_MAGIC:
        raise InputError(
            "The workbook is password-protected (encrypted), so its contents cannot be read; "
            "an old Excel 97–2003 workbook renamed to .xlsx looks the same.",
            fix='Open it in Excel with the password, choose File → Info → Protect Workbook → "Encrypt with '
            'Password", clear the password and save (or "Save as" → "Excel Workbook (.xlsx)"), '
            "and run reportgen on the saved file.",
            file=path,
        )


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError("The file does not exist.", fix="Check the file name and folder.", file=path)
    if path.is_dir():
        raise InputError("This is a folder, not a survey export.", fix="Give the path of the .xlsx file.", file=path)
    suffix = path.suffix.lower()
    if suffix not in _XLSX_SUFFIXES | CSV_SUFFIXES | _CALAMINE_SUFFIXES:
        raise InputError(
            "reportgen reads Excel workbooks (.xlsx, .xls), OpenDocument spreadsheets (.ods) and CSV files, "
            f'not "{suffix or "files without an extension"}".',
            fix="Download the survey results as an Excel file (.xlsx) from the survey tool, "
            "or save the file as .xlsx in Excel, and run reportgen on that file.",
            file=path,
        )


def _broken(path: Path, error: BaseException, sheet: str | None = None) -> InputError:
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return InputError(
            "The workbook contains XML entity declarations, which survey tools never write and which can "
            'make a reader use unbounded memory (an "XML bomb"); reportgen refuses to read it.',
            fix="Download the export from the survey tool again, or open the file in Excel and save it "
            "as a new .xlsx, and run reportgen on that file.",
            file=path,
            sheet=sheet,
        )
    return InputError(
        f"The file cannot be read as an Excel workbook; it may be damaged, incomplete "
        f"or of another type ({type(error).__name__}: {error}).",
        fix="Download the export from the survey tool again, open it in Excel to check it, "
        "and run reportgen on the new file.",
        file=path,
        sheet=sheet,
    )
