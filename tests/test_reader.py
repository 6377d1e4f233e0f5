"""CSV exports in the encodings and separators Danish facilitators meet, detected without options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx

ROWS = [leader_row("Søren Østergaard", "s@example.dk", 4), leader_row("Åse Bræmer", "a@example.dk", {"P1": "Enig"})]


def scores(path: Path, *options: str) -> list[dict[str, object]]:
    result = invoke(["score", str(path), *options])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def write_csv(path: Path, delimiter: str, encoding: str) -> Path:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if delimiter in text or '"' in text else text

    lines = [delimiter.join(cell(v) for v in row) for row in [IDENTITY + item_headers(), *ROWS]]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-8")],
)
def test_csv_gives_the_same_scores_as_the_workbook(tmp_path: Path, delimiter: str, encoding: str) -> None:
    expected = scores(write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *ROWS]))
    found = scores(write_csv(tmp_path / "s.csv", delimiter, encoding))
    assert found == expected
    assert found[0]["name"] == "Søren Østergaard"


def test_encoding_and_delimiter_can_be_given(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ";", "cp1252")
    assert scores(path, "--encoding", "cp1252", "--delimiter", ";")[1]["name"] == "Åse Bræmer"


def test_a_wrong_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", ";", "cp1252")
    result = invoke(["score", str(path), "--encoding", "utf-8"])
    assert result.exit_code == 2 and "--encoding" in result.stderr and "Traceback" not in result.stderr
