"""Smaller bounds: workers within the cores and memory, a brand holds only its own files."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from reportgen.config import bundled_templates
from reportgen.errors import InstrumentError
from reportgen.questionnaire.scripts import limesurvey_tsv, qualtrics_txt
from reportgen.questionnaire.view import Question, Questionnaire
from reportgen.questionnaire.view import build as build_questionnaire
from reportgen.render.jobs import default_jobs, job_count

from .conftest import IDENTITY, INSTRUMENT, invoke, item_headers, leader_row, write_xlsx


def test_jobs_are_capped_at_the_cores_and_the_figure_is_said(tmp_path: Path) -> None:
    jobs, note = job_count(300)
    assert (
        1 <= jobs <= default_jobs() and f"--jobs 300 is more than this computer runs at once ({default_jobs()}" in note
    )
    assert job_count(1) == (1, "")
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("Anne Hansen", "a@example.dk", 3)])
    result = invoke(["build", str(survey), "-o", str(tmp_path / "out"), "-j", "300"])
    assert result.exit_code == 0, result.output
    assert f"note: --jobs 300 is more than this computer runs at once ({default_jobs()} processors" in result.output
    assert f": using {jobs}" in result.output


def test_a_link_in_a_brand_folder_is_refused_by_brand_check_and_build(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    assert invoke(["brand", "init", str(brand)]).exit_code == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("the facilitator's private notes", encoding="utf-8")
    (brand / "templates" / "notes.txt").symlink_to(secret)  # shared brand: a link to any local file
    checked = invoke(["brand", "check", str(brand)])
    assert checked.exit_code == 2, checked.output
    assert "templates/notes.txt is a link; a brand holds only its own files" in checked.output
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), leader_row("Anne Hansen", "a@example.dk", 3)])
    built = invoke(["build", str(survey), "--brand", str(brand), "-o", str(tmp_path / "out")])
    assert built.exit_code == 2 and "is a link" in built.output and not (tmp_path / "out").exists()


def _view_with(first: tuple[str, str], second: tuple[str, str]) -> Questionnaire:
    """The Danish questionnaire with its first grid's first two questions replaced."""
    view = build_questionnaire(INSTRUMENT, "da", bundled_templates())
    grid = view.grids[0]
    questions = (Question(*first), Question(*second), *grid.questions[2:])
    return replace(view, grids=(replace(grid, questions=questions), *view.grids[1:]))


def test_qualtrics_markup_in_an_item_text_never_becomes_a_tag() -> None:
    view = _view_with(("P1", "Vigtigt [[[Question:MC]] og [[Block:X]]"), ("P2", "to"))
    text = qualtrics_txt(view)
    tags = [line for line in text.splitlines() if line.startswith("[[Question:")]
    assert len(tags) == len(view.fields) + len(view.grids) + len(view.free_text) + 1  # the intro is one too
    assert "[[Question:MC]]" not in text and "[[Block:X]]" not in text and "[ [ [Question:MC]]" in text


def test_limesurvey_braces_are_not_expressions() -> None:
    text = limesurvey_tsv(_view_with(("P1", "Hvad med {TOKEN:EMAIL}?"), ("P2", "to")))
    assert "{TOKEN:EMAIL}" not in text and "&#123;TOKEN:EMAIL&#125;" in text


@pytest.mark.parametrize(("writer", "tool"), [(limesurvey_tsv, "LimeSurvey"), (qualtrics_txt, "Qualtrics")])
def test_item_codes_that_one_tool_makes_the_same_are_refused(writer: object, tool: str) -> None:
    view = _view_with(("P_1", "en"), ("P.1", "to"))
    view = replace(view, free_text=(*view.free_text, Question("purpose", "x")))  # a free text named as a grid
    with pytest.raises(InstrumentError, match=f"In {tool}, questions would get the same code"):
        writer(view)  # type: ignore[operator]


def test_a_file_is_never_written_over_a_device_or_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("mine", encoding="utf-8")
    link = tmp_path / "questionnaire.tsv"
    link.symlink_to(target)
    result = invoke(["questionnaire", "--format", "limesurvey", "-o", str(link), "--force"])
    assert result.exit_code == 2 and "is not a plain file" in result.output
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "mine"
    fifo = tmp_path / "pipe.tsv"
    os.mkfifo(fifo)  # a special file, as /dev/null is: never replaced (and never touched by a test)
    result = invoke(["questionnaire", "--format", "limesurvey", "-o", str(fifo), "--force"])
    assert result.exit_code == 2 and "is not a plain file" in result.output and fifo.is_fifo()
