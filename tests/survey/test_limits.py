"""Hostile and oversized inputs: refused with a clear error, in bounded time and memory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook as NewWorkbook

from reportgen.errors import InputError
from reportgen.survey import reader
from reportgen.survey.reader import open_export

from ..conftest import IDENTITY, item_headers, leader_row, write_xlsx


def _billion_laughs(source: Path, target: Path) -> Path:
    """A copy of the workbook whose sheet XML declares entities that expand to 3 GB of text."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE worksheet [" + "".join(entities) + "]>"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                xml = data.decode("utf-8")
                xml = xml[xml.index("<worksheet") :].replace(
                    "</sheetData>", '<row r="99"><c r="A99" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
                )
                data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + doctype + xml).encode("utf-8")
            new.writestr(item, data)
    return target


def test_an_xml_bomb_is_refused_quickly_and_in_little_memory(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", [IDENTITY + item_headers(), leader_row("A B", "a@example.dk", 3)])
    bomb = _billion_laughs(plain, tmp_path / "bomb.xlsx")
    # Run in a child with its memory capped at 512 MB: expanding the bomb would need 3 GB.
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (512 * 1024**2, 512 * 1024**2)); "
        "from reportgen.cli import main; sys.argv = ['reportgen', 'check', sys.argv[1]]; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "XML bomb" in result.stderr and "bomb.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


def test_formatted_empty_rows_down_the_sheet_are_not_read(tmp_path: Path) -> None:
    book = NewWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(IDENTITY + item_headers())
    sheet.append(leader_row("A B", "a@example.dk", 3))
    sheet.cell(row=1_048_576, column=1).number_format = "0.00"  # a formatted, empty last row
    path = tmp_path / "formatted.xlsx"
    book.save(path)
    with open_export(path) as workbook:
        rows = list(workbook.rows(workbook.sheet_names[0]))
    assert [number for number, _ in rows] == [1, 2]


def test_a_sheet_with_values_past_the_row_limit_is_refused(tmp_path: Path) -> None:
    book = NewWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(IDENTITY + item_headers())
    sheet.cell(row=reader.MAX_ROWS + 1, column=1, value="x")
    path = tmp_path / "long.xlsx"
    book.save(path)
    with open_export(path) as workbook, pytest.raises(InputError, match="at most 100,000 rows") as error:
        list(workbook.rows(workbook.sheet_names[0]))
    assert "long.xlsx" in str(error.value) and "row 100,001" in str(error.value)


def test_a_csv_file_past_the_row_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Navn,Mail\n" + "a,a@example.dk\n" * reader.MAX_ROWS, encoding="utf-8")
    with open_export(path) as export, pytest.raises(InputError, match="more than 100,000 rows"):
        list(export.rows(export.sheet_names[0]))


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "big.xlsx", [IDENTITY + item_headers(), leader_row("A B", "a@example.dk", 3)])
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", unpacked - 1)
    with pytest.raises(InputError, match="unpacks to"):
        open_export(path)
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", unpacked)
    with open_export(path) as workbook:
        assert len(list(workbook.rows(workbook.sheet_names[0]))) == 2


def test_a_formula_without_a_cached_value_counts_as_missing(tmp_path: Path) -> None:
    book = NewWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Navn", "Mail", "P1", "P2"])
    sheet.append(["A B", "a@example.dk", "=1+3", 2])  # openpyxl writes formulas without a cached value
    path = tmp_path / "formula.xlsx"
    book.save(path)
    with open_export(path) as workbook:
        rows = list(workbook.rows(workbook.sheet_names[0]))
    assert rows[1][1][2:] == (None, 2)
