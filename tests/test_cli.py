"""The command line end to end: exit codes, messages, and never a traceback."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.cli import main

from .conftest import IDENTITY, SHARED_ROWS, Cli, item_headers, leader_row, write_xlsx


def run(cli: Cli, *args: str) -> tuple[int, str, str]:
    result = cli(list(args))
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shared_survey(workbook: Callable[..., Path]) -> Path:
    return workbook(SHARED_ROWS)


def test_score_json_is_the_machine_readable_truth(cli: Cli, shared_survey: Path) -> None:
    code, out, _ = run(cli, "score", str(shared_survey))
    assert code == 0
    records = json.loads(out)
    assert [r["source_row"] for r in records] == [2, 3, 4, 5, 6, 7]
    assert [r["status"] for r in records] == ["duplicate", "ok", "ok", "invalid", "ok", "ok"]
    aase = records[1]
    assert aase == {
        "source_row": 3,
        "status": "ok",
        "reason": None,
        "name": "Åse Bræmer",
        "email": "aase@example.dk",
        "scores": {"purpose": 25.0, "skills": 75.0, "employees": 50.0, "customers": None},
        "bands": {
            "purpose": "getting_started",
            "skills": "strong",
            "employees": "on_the_way",
            "customers": None,
        },
        "importance": {"purpose": 5, "skills": 1, "employees": 3, "customers": 4},
        "priority": ["purpose", "employees", "skills"],
    }
    # All 1s, F5 = 1 reversed to 5: skills (0·4 + 100) / 5 = 20; importance 1 everywhere.
    soren = records[4]
    assert soren["scores"] == {"purpose": 0.0, "skills": 20.0, "employees": 0.0, "customers": 0.0}
    assert soren["priority"] == ["purpose", "employees", "customers", "skills"]
    assert records[3]["reason"] == "column B (Mail): no e-mail address"
    assert records[3]["scores"]["purpose"] is None and records[3]["priority"] == []


def test_score_csv_flattens_the_same_records(cli: Cli, shared_survey: Path) -> None:
    code, out, _ = run(cli, "score", str(shared_survey), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    assert rows[1]["score_purpose"] == "25.0" and rows[1]["score_customers"] == ""
    assert rows[1]["band_skills"] == "strong"
    assert rows[1]["priority"] == "purpose>employees>skills"
    assert rows[1]["importance_purpose"] == "5" and rows[0]["importance_purpose"] == "5"


def test_build_exit_1_with_invalid_rows_and_lists_every_row(cli: Cli, shared_survey: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(cli, "build", str(shared_survey), "-o", str(out_dir), "--quiet", "--lang", "en")
    assert code == 1
    assert "6 rows: 4 rendered, 1 duplicate, 1 invalid" in out
    assert "row 5: column B (Mail): no e-mail address" in err
    with (out_dir / "manifest.csv").open(encoding="utf-8") as file:
        manifest = list(csv.DictReader(file))
    assert [(r["source_row"], r["status"]) for r in manifest] == [
        ("2", "duplicate"),
        ("3", "rendered"),
        ("4", "rendered"),
        ("5", "invalid"),
        ("6", "rendered"),
        ("7", "rendered"),
    ]
    for row in manifest:
        assert (row["pdf"] != "") == (row["status"] == "rendered")
        if row["pdf"]:
            assert (out_dir / row["pdf"]).read_bytes().startswith(b"%PDF")


def test_build_exit_0_when_every_row_is_rendered(cli: Cli, workbook: Callable[..., Path], tmp_path: Path) -> None:
    survey = workbook([leader_row("Ida Mørch", "ida@example.dk", 4)])
    code, out, _ = run(cli, "build", str(survey), "-o", str(tmp_path / "out"))
    assert code == 0
    assert "1 rows: 1 rendered" in out
    assert (tmp_path / "out" / "02-ida-morch.pdf").is_file()


def _corrupt(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    return path


def _truncated(path: Path) -> Path:
    write_xlsx(path, [["Navn", "E-mail"], ["A", "a@example.dk"]])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _xls(path: Path) -> Path:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500)
    return path


def _not_a_workbook(path: Path) -> Path:
    path.write_text("name,email\nA,a@example.dk\n", encoding="utf-8")
    return path


def _no_identity(path: Path) -> Path:
    return write_xlsx(path, [["Spørgsmål", "Svar"], ["Hvad?", "Ja"]])


def _empty(path: Path) -> Path:
    return write_xlsx(path, [])


def _header_only(path: Path) -> Path:
    return write_xlsx(path, [IDENTITY + item_headers()])


def _no_items(path: Path) -> Path:
    return write_xlsx(path, [["Navn", "E-mail", "Kaffe?"], ["A", "a@example.dk", "Ja"]])


@pytest.mark.parametrize(
    ("make", "filename", "words"),
    [
        (lambda p: p, "missing.xlsx", ["missing.xlsx", "does not exist"]),
        (
            _corrupt,
            "broken.xlsx",
            ["broken.xlsx", "cannot be read as an Excel workbook", "Download the export"],
        ),
        (_truncated, "cut.xlsx", ["cut.xlsx", "damaged, incomplete"]),
        (_xls, "old.xls", ["old.xls", "cannot be read as a spreadsheet", ".xlsx"]),
        (_not_a_workbook, "export.pdf", ["export.pdf", "Excel workbooks (.xlsx, .xls)", "CSV files"]),
        (_no_identity, "other.xlsx", ["other.xlsx", "No sheet has a header row", '"Form1"', "--sheet"]),
        (_empty, "empty.xlsx", ["empty.xlsx", "No sheet has a header row", "empty"]),
        (_header_only, "header.xlsx", ["header.xlsx", 'sheet "Form1"', "no answers"]),
        (_no_items, "noitems.xlsx", ["noitems.xlsx", "no column matches a question"]),
    ],
)
@pytest.mark.parametrize("command", ["build", "score"])
def test_bad_input_exits_2_with_one_clear_paragraph(
    cli: Cli,
    tmp_path: Path,
    make: Callable[[Path], Path],
    filename: str,
    words: list[str],
    command: str,
) -> None:
    path = make(tmp_path / filename)
    args = [command, str(path)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    code, out, err = run(cli, *args)
    assert code == 2, (out, err)
    assert err.startswith("Error: ")
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err
    assert not (tmp_path / "out").exists()


def test_unknown_sheet_lists_the_sheets(cli: Cli, shared_survey: Path) -> None:
    code, _, err = run(cli, "score", str(shared_survey), "--sheet", "Data")
    assert code == 2
    assert 'no sheet named "Data"' in err and '"Form1"' in err


def test_data_sheet_found_behind_a_cover_sheet(cli: Cli, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *SHARED_ROWS[:2]], sheet="Svar", before=["Info"])
    code, out, _ = run(cli, "score", str(path))
    assert code == 0 and len(json.loads(out)) == 2


def test_unknown_language_is_refused(cli: Cli, shared_survey: Path, tmp_path: Path) -> None:
    code, _, err = run(cli, "build", str(shared_survey), "--lang", "de", "-o", str(tmp_path / "o"))
    assert code == 2 and '"de"' in err and "--lang" in err


def test_every_command_and_option_has_help(cli: Cli) -> None:
    for command in main.commands.values():
        assert command.help
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{command.name} {param.name} has no help"


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reportgen", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "build" in done.stdout


def test_internal_error_is_a_short_paragraph_and_a_log(
    cli: Cli, shared_survey: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.pipeline import check

    def boom(settings: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(check, "read_survey", boom)  # score reads the export through it
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_survey.parent / "cache"))  # the log, not in the real cache
    code, _, err = run(cli, "score", str(shared_survey))
    assert code == 2
    assert err.startswith("Internal error:") and "reportgen-error-" in err and "--debug" in err
    result = cli(["--debug", "score", str(shared_survey)])
    assert isinstance(result.exception, RuntimeError)


def test_progress_without_a_terminal_prints_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    from reportgen.console import Progress
    from reportgen.models import Outcome, Response

    response = Response(2, "A", "a@example.dk", "", "", None, None, {}, {})
    progress = Progress(enabled=True, terminal=False, every=0.0)
    for done in (1, 2, 3):
        progress.update(done, 3, Outcome(2, "rendered", response, pdf="x.pdf"))
    progress.close()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[-1].strip().startswith("3/3 reports")
    assert "/s" in lines[0] and "left" in lines[0] and "\r" not in "".join(lines)
