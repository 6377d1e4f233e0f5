"""Every character renders: one in another script uses any font the system has; one no font has is marked.

A leader's report is never lost for a character: the character is shown as a visible mark and
the build warns, naming the row.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.render.renderer import MISSING_MARK

from .conftest import IDENTITY, INSTRUMENT, invoke, item_headers, leader_row, pdf_text, report, write_xlsx

NOWHERE = "\u0378"  # a code point Unicode has not assigned: no font has it


def test_a_character_no_font_has_is_marked_and_the_report_is_made(tmp_path: Path) -> None:
    free = INSTRUMENT.free_text[0].text["da"]
    rows = [
        [*leader_row(f"Wang{NOWHERE} Wei", "wang@example.dk", 3), f"Godt 😀 arbejde {NOWHERE}"],
    ]
    survey = write_xlsx(tmp_path / "s.xlsx", [[*IDENTITY, *item_headers(), free], *rows])
    result = invoke(["build", str(survey), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert result.exit_code == 0, result.output  # rendered, not failed
    assert "1 rows: 1 rendered" in result.output
    assert f"warning: row 2: no font on this computer has {NOWHERE} (U+0378)" in result.output
    text = pdf_text(report(tmp_path / "out", "wang-wei"))
    assert f"Wang{MISSING_MARK} Wei" in text and f"arbejde {MISSING_MARK}" in text and NOWHERE not in text
