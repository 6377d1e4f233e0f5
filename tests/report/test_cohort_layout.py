"""cohort.pdf in English on A4 and letter: the same pages, English throughout, PDF/UA-1."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from ..conftest import invoke, pdf_text
from .test_cohort import HEADER, group_rows
from .test_report_truth import pdfua_failures


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The six-leader group's cohort.pdf in English, on each paper, with --previous and --group-by."""
    from ..conftest import write_xlsx

    folder = tmp_path_factory.mktemp("english")
    survey = write_xlsx(folder / "group.xlsx", [HEADER, *group_rows()])
    earlier = write_xlsx(folder / "earlier.xlsx", [HEADER, *group_rows()[:5]])
    found = {}
    for paper in ("A4", "letter"):
        out = folder / paper
        args = ["build", str(survey), "-o", str(out), "--lang", "en", "--paper", paper, "--only", "leader0@example.dk"]
        result = invoke([*args, "--previous", str(earlier), "--group-by", "Afdeling", "-j", "1"])
        assert result.exit_code == 0, result.output
        found[paper] = out / "cohort.pdf"
    return found


def test_a4_and_letter_have_the_same_pages(english: dict[str, Path]) -> None:
    pages = {paper: len(PdfReader(pdf).pages) for paper, pdf in english.items()}
    assert pages["A4"] == pages["letter"], pages


def test_the_english_report_is_english_and_its_headers_do_not_wrap(english: dict[str, Path]) -> None:
    text = pdf_text(english["letter"])
    assert "FOR THE FACILITATOR" in text and "LEDERENS" not in text.upper().replace("LEADER’S", "")
    assert "6 leaders included" in text and "I feel confident when I have to communicate" in text
    # Headers and pills that wrapped before: each on one line, so they come out whole.
    for whole in ("Getting started", "Mean change", "Very important", "First for"):
        assert whole in text, whole
    assert "Importance (1–" not in text and "Priority" not in text  # the 0–500 figure is gone


def test_the_english_cohort_report_conforms_to_pdf_ua_1(english: dict[str, Path]) -> None:
    assert pdfua_failures(english["A4"]) == []
