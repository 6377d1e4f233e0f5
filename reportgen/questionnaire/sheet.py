"""The answer sheet (xlsx): one row per leader, drop-down lists of the answer labels; `build` reads it as it is."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .view import Questionnaire

ROWS = 500  # rows with drop-down lists: more leaders than a workshop has
HEADER_FILL = "DDE6F0"


def answer_sheet(view: Questionnaire, file_name: str) -> bytes:
    """The workbook: the answer sheet first (where `build` looks), then a guide and the answer lists."""
    book = Workbook()
    answers = book.active
    assert answers is not None
    answers.title = view.t["sheet_answers"]
    guide = book.create_sheet(view.t["sheet_guide"])
    lists = book.create_sheet(view.t["sheet_lists"])
    lists.sheet_state = "hidden"

    headers = [f.label for f in view.fields] + [q.text for q in view.questions] + [q.text for q in view.free_text]
    answers.append(headers)
    bold = Font(bold=True)
    for cell in answers[1]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    answers.row_dimensions[1].height = 120
    answers.freeze_panes = "C2"  # name and e-mail stay in sight while typing answers

    column = len(view.fields) + 1
    for number, grid in enumerate(view.grids, start=1):
        # One list column per grid on the hidden sheet: a list in the formula itself breaks on commas in labels.
        for row, label in enumerate(grid.labels, start=1):
            lists.cell(row=row, column=number, value=label)
        source = f"{get_column_letter(number)}$1:${get_column_letter(number)}${len(grid.labels)}"
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${source}",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            error=view.t["sheet_error"],
            prompt=view.t["sheet_prompt"],
        )
        first = column
        column += len(grid.questions)
        validation.add(f"{get_column_letter(first)}2:{get_column_letter(column - 1)}{ROWS + 1}")
        answers.add_data_validation(validation)

    for index in range(1, len(headers) + 1):
        answers.column_dimensions[get_column_letter(index)].width = 28 if index <= len(view.fields) else 22
    for text in view.t["sheet_guide_text"]:
        guide.append([str(text).format(file=file_name)])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 110

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
