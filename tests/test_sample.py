"""The bundled sample: `reportgen score` agrees with the spec's rules computed independently."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from .conftest import invoke
from .reference import printed_scores

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "survey.xlsx"
AGREE = ["helt uenig", "uenig", "hverken enig eller uenig", "enig", "helt enig"]
ITEMS = {"P": 4, "F": 5, "M": 4, "K": 4}


def test_score_agrees_with_a_reference_computation() -> None:
    book = load_workbook(SAMPLE, read_only=True)
    rows = list(book["Form1"].iter_rows(values_only=True))
    book.close()
    # Column order in the sample: ID, start, completion, mail, name, organisation, then P1…V4 and T1.
    codes = [f"{letter}{n}" for letter in "PFMK" for n in range(1, ITEMS[letter] + 1)]
    expected = {}
    for number, row in enumerate(rows[1:], start=2):
        answers = {
            code: AGREE.index(str(value).strip().lower()) + 1
            for code, value in zip(codes, row[6 : 6 + len(codes)], strict=True)
            if value and str(value).strip().lower() in AGREE
        }
        expected[number] = printed_scores(answers)
    result = invoke(["score", str(SAMPLE)])
    records = json.loads(result.stdout)
    assert len(records) == len(expected) == 25
    for record in records:
        if record["status"] != "invalid":
            assert record["scores"] == expected[record["source_row"]], record["name"]
    assert [r["status"] for r in records].count("duplicate") == 1
    assert [r["status"] for r in records].count("invalid") == 1
