"""Reads a survey export into raw rows with their sheet row numbers.

The only module that imports openpyxl. It knows nothing of the instrument.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .errors import InputError
from .models import CellValue

Row = tuple[CellValue, ...]
_XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
# What a broken or truncated workbook raises from inside openpyxl and zipfile.
_BROKEN = (zipfile.BadZipFile, InvalidFileException, KeyError, EOFError, ParseError, ValueError, OSError)


class Workbook:
    """An open export; use as a context manager so the file is always closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _check_file(path)
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except _BROKEN as error:
            raise _broken(path, error) from None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the workbook and its zip file."""
        self._book.close()

    @property
    def sheet_names(self) -> list[str]:
        """The worksheets in workbook order (chart sheets left out)."""
        return [ws.title for ws in self._book.worksheets]

    def rows(self, sheet: str) -> Iterator[tuple[int, Row]]:
        """Yield (sheet row number, values) for every row, streamed from the file."""
        worksheet = self._book[sheet]
        # Exports often store wrong dimensions (A1:XFD1048576); trust the rows
        # that are really in the file instead.
        worksheet.reset_dimensions()
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                yield number, tuple(values)
        except _BROKEN as error:
            raise _broken(self.path, error, sheet) from None


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError("The file does not exist.", fix="Check the file name and folder.", file=path)
    if path.is_dir():
        raise InputError("This is a folder, not a survey export.", fix="Give the path of the .xlsx file.", file=path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            "This is an old Excel 97–2003 workbook (.xls), which reportgen cannot read.",
            fix='Open it in Excel or LibreOffice, choose "Save as" → "Excel Workbook (.xlsx)", '
            "and run reportgen on the .xlsx file.",
            file=path,
        )
    if suffix not in _XLSX_SUFFIXES:
        raise InputError(
            f'reportgen reads Excel workbooks (.xlsx), not "{suffix or "files without an extension"}".',
            fix="Download the survey results as an Excel file (.xlsx) from the survey tool, "
            "or save the file as .xlsx in Excel, and run reportgen on that file.",
            file=path,
        )


def _broken(path: Path, error: BaseException, sheet: str | None = None) -> InputError:
    return InputError(
        f"The file cannot be read as an Excel workbook; it may be damaged, incomplete "
        f"or of another type ({type(error).__name__}: {error}).",
        fix="Download the export from the survey tool again, open it in Excel to check it, "
        "and run reportgen on the new file.",
        file=path,
        sheet=sheet,
    )
