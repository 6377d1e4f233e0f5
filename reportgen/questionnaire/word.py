"""A Word document laid out for Microsoft Forms' Quick import: numbered questions, each with its options below."""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from .view import Questionnaire


def forms_document(view: Questionnaire) -> bytes:
    """The questionnaire as .docx: one question per numbered paragraph, its answer options as a list below.

    Quick import makes one choice question per statement (Forms' Likert question is not
    imported), so the export has one column per statement headed by its exact text, which
    `build` reads. Question numbers are typed, not Word list numbering, so that they survive
    any conversion; Forms takes them off the question title.
    """
    t = view.t
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(view.title, level=0)
    document.add_paragraph(f"{t['intro']} {t['required_note']}")
    number = 0

    def question(text: str, options: tuple[str, ...] = ()) -> None:
        nonlocal number
        number += 1
        document.add_paragraph(f"{number}. {text}")
        for option in options:
            document.add_paragraph(option, style="List Bullet")

    document.add_heading(t["about_you"], level=1)
    for field in view.fields:  # marked as the note says; Forms' own Required switch is turned on by hand
        question(f"{field.label} {t['required_mark']}" if field.required else field.label)
    for grid in view.grids:
        document.add_heading(grid.title, level=1)
        document.add_paragraph(grid.help)
        for q in grid.questions:
            question(q.text, grid.labels)
    if view.free_text:
        document.add_heading(t["free_text_title"], level=1)
    for q in view.free_text:
        question(q.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
