"""`reportgen check` on a dirty export, compared with its expected text (a golden file).

Rewrite the golden file on purpose with: REPORTGEN_UPDATE_GOLDEN=1 make test
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from .conftest import INSTRUMENT, invoke, item_headers, write_xlsx

GOLDEN = Path(__file__).parent / "golden" / "check_dirty.txt"


def dirty_export(path: Path) -> Path:
    """A Forms-like export with the usual dirt: junk answers, blanks, a duplicate, a missing e-mail."""
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Kaffe?", *item_headers("en")]
    header[6 + 12] = "Q13. " + header[6 + 12]  # a numbered header
    header.remove(INSTRUMENT.items[-2].text["en"])  # V3's column is missing
    n = len(header) - 6

    def row(i: int, email: str, name: str, answers: list[object], when: int) -> list[object]:
        return [i, None, datetime(2026, 11, when, 10), email, name, "ja", *answers]

    return write_xlsx(
        path,
        [
            header,
            row(1, "kim@example.dk", "Kim Ærø", ["Agree"] * n, 10),
            row(2, "lis@example.dk", "Lis Ølby", [4, "ved ikke", 7, "4,0", *[3] * (n - 4)], 10),
            [None] * len(header),  # a blank row inside the data
            row(3, "", "Bo Åby", [3] * n, 11),
            row(4, "KIM@example.dk ", "Kim Ærø", ["Strongly agree"] * n, 12),
            row(5, "mo@example.dk", "Mo Berg", [5] * 9 + [None] * 4 + [5] * (n - 13), 12),
            row(6, "anonymous", "", [2] * n, 12),
        ],
        sheet="Form1",
        before=["Info"],
    )


def test_check_output_matches_the_golden_file(tmp_path: Path) -> None:
    survey = dirty_export(tmp_path / "dirty.xlsx")
    result = invoke(["check", str(survey)])
    assert result.exit_code == 2  # V3 has no column: score and build would refuse it; check lists all
    if os.environ.get("REPORTGEN_UPDATE_GOLDEN"):
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == GOLDEN.read_text(encoding="utf-8")


def test_check_exits_0_for_a_clean_export(tmp_path: Path) -> None:
    from .conftest import IDENTITY, leader_row

    survey = write_xlsx(tmp_path / "clean.xlsx", [IDENTITY + item_headers(), leader_row("A", "a@example.dk", 3)])
    result = invoke(["check", str(survey)])
    assert result.exit_code == 0, result.stdout
    assert "Problems\n  none" in result.stdout and "1 rows: 1 ok" in result.stdout


def test_check_on_a_file_that_cannot_be_used_exits_2(tmp_path: Path) -> None:
    result = invoke(["check", str(tmp_path / "nope.xlsx")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
