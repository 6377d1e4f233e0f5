"""`check --write-mapping` writes the columns as detected; `--mapping` uses the edited file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..conftest import IDENTITY, ITEM_CODES, Cli, item_headers, leader_row, report, write_xlsx

ANSWERS = [
    ["Søren Østergaard", "soren@example.dk", *[(i % 5) + 1 for i in range(len(ITEM_CODES))]],
    ["Åse Bræmer", "aase@example.dk", *[4] * len(ITEM_CODES)],
]


def unmatched_export(folder: Path) -> Path:
    """Headers no tool would match: the survey builder's own question numbers."""
    header = ["Deltager", "Kontakt", *(f"Spm {n}" for n in range(1, len(ITEM_CODES) + 1))]
    return write_xlsx(folder / "own.xlsx", [header, *ANSWERS], sheet="Besvarelser")


def scores(cli: Cli, *args: str) -> list[dict[str, object]]:
    result = cli(["score", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_written_mapping_lists_every_column_and_once_edited_scores_the_file(tmp_path: Path, cli: Cli) -> None:
    survey = unmatched_export(tmp_path)
    mapping = tmp_path / "mapping.toml"
    result = cli(["check", str(survey), "--write-mapping", str(mapping)])
    assert result.exit_code == 2  # nothing to score before the mapping is edited
    assert "Mapping written to" in result.stderr and "no sheet has a header row" in result.stderr.lower()
    text = mapping.read_text(encoding="utf-8")
    assert 'sheet = "Besvarelser"' in text and "header_rows = [1]" in text
    assert len(re.findall(r'^[A-Z]+ += ""', text, flags=re.MULTILINE)) == 2 + len(ITEM_CODES)

    # The facilitator fills in what each column holds.
    targets = {"A": "name", "B": "email"} | {_letter(2 + i): code for i, code in enumerate(ITEM_CODES)}
    edited = re.sub(
        r'^([A-Z]+)( += )""', lambda m: f'{m.group(1)}{m.group(2)}"{targets[m.group(1)]}"', text, flags=re.MULTILINE
    )
    mapping.write_text(edited, encoding="utf-8")
    check = cli(["check", str(survey), "--mapping", str(mapping)])
    assert check.exit_code == 0, check.output
    assert "2 rows: 2 ok" in check.stdout

    standard = write_xlsx(tmp_path / "standard.xlsx", [["Navn", "Mail", *ITEM_CODES], *ANSWERS])
    assert scores(cli, str(survey), "--mapping", str(mapping)) == scores(cli, str(standard))


def test_a_mapping_written_from_a_detected_export_reads_it_the_same_way(tmp_path: Path, cli: Cli) -> None:
    rows = [leader_row("Søren Østergaard", "soren@example.dk", 4), leader_row("Åse Bræmer", "aase@example.dk", 2)]
    survey = write_xlsx(tmp_path / "s.xlsx", [["Kaffe?", *IDENTITY, *item_headers()], *[[None, *r] for r in rows]])
    mapping = tmp_path / "m.toml"
    cli(["check", str(survey), "--write-mapping", str(mapping)])
    assert re.search(r'^A += "" +# Kaffe\?$', mapping.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert scores(cli, str(survey), "--mapping", str(mapping)) == scores(cli, str(survey))


def test_every_problem_of_a_mapping_is_listed_in_one_error(tmp_path: Path, cli: Cli) -> None:
    survey = unmatched_export(tmp_path)
    mapping = tmp_path / "bad.toml"
    mapping.write_text(
        'sheet = "Besvarelser"\nheader_rows = [1]\n[columns]\n'
        'A = "name"\nC = "P1"\nD = "P1"\nZZ = "P2"\nE = "Q9"\n1 = "P3"\n',
        encoding="utf-8",
    )
    result = cli(["score", str(survey), "--mapping", str(mapping)])
    assert result.exit_code == 2
    message = result.stderr
    assert "bad.toml" in message and "Traceback" not in message
    assert "columns C and D are both mapped to P1" in message
    assert "column ZZ (P2) is not in the sheet" in message
    assert '"Q9" is neither an item code nor a field' in message
    assert '"1" is not a column letter' in message
    assert "no column is mapped to email" in message


def test_an_existing_mapping_file_is_never_overwritten(tmp_path: Path, cli: Cli) -> None:
    survey = unmatched_export(tmp_path)
    mapping = tmp_path / "mine.toml"
    mapping.write_text("# my edits\n", encoding="utf-8")
    result = cli(["check", str(survey), "--write-mapping", str(mapping)])
    assert result.exit_code == 2 and "mine.toml is already there" in result.stderr and "--force" in result.stderr
    assert mapping.read_text(encoding="utf-8") == "# my edits\n"


def test_build_takes_a_mapping_too(tmp_path: Path, cli: Cli) -> None:
    survey = unmatched_export(tmp_path)
    mapping = tmp_path / "m.toml"
    columns = {"A": "name", "B": "email"} | {_letter(2 + i): code for i, code in enumerate(ITEM_CODES)}
    body = "\n".join(f'{letter} = "{target}"' for letter, target in columns.items())
    mapping.write_text(f"header_rows = 1\n[columns]\n{body}\n", encoding="utf-8")
    result = cli(["build", str(survey), "--mapping", str(mapping), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert [report(tmp_path / "out", slug).is_file() for slug in ("soren-ostergaard", "aase-braemer")] == [True] * 2


def _letter(index: int) -> str:
    from reportgen.survey.cells import column_letter

    return column_letter(index)


def test_the_same_column_in_two_cases_is_refused(tmp_path: Path, cli: Cli) -> None:
    survey = unmatched_export(tmp_path)
    mapping = tmp_path / "m.toml"
    mapping.write_text('sheet = "Besvarelser"\n[columns]\nA = "name"\nB = "email"\nC = "P1"\nc = "P2"\n', "utf-8")
    result = cli(["check", str(survey), "--mapping", str(mapping)])
    assert result.exit_code == 2 and 'column C is given twice ("C" and "c")' in result.stderr


def test_write_mapping_never_writes_a_character_mapping_refuses(tmp_path: Path, cli: Cli) -> None:
    header = ["Deltager\x7f", "Kontakt", *(f"Spm {n}" for n in range(1, len(ITEM_CODES) + 1))]
    survey = tmp_path / "own\x7f.csv"
    survey.write_text("\n".join(",".join(map(str, row)) for row in [header, *ANSWERS]) + "\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    cli(["check", str(survey), "--write-mapping", str(mapping)])
    text = mapping.read_text(encoding="utf-8")
    assert "\x7f" not in text and 'sheet = "own\\u007f"' in text
    letters = ["name", "email", *ITEM_CODES]
    for index, code in enumerate(letters):
        letter = chr(65 + index) if index < 26 else "A" + chr(65 + index - 26)
        text = re.sub(rf'(?m)^{letter}\s*= ""', f'{letter} = "{code}"', text)
    mapping.write_text(text, encoding="utf-8")
    found = scores(cli, str(survey), "--mapping", str(mapping))
    assert [r["email"] for r in found] == ["soren@example.dk", "aase@example.dk"]
