"""The command line as a new user meets it: quoting hints, dates in both forms, the command that works here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import console
from reportgen.cli.build import typed_command
from reportgen.cli.group import spaces_hint
from reportgen.config import bundled_sample

from .conftest import invoke

EXPORT = "Lederens GPS til sociale medier(1-9).xlsx"


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copy(bundled_sample(), tmp_path / EXPORT))


def test_a_file_name_with_spaces_typed_without_quotes_gets_the_quoted_command(export: Path) -> None:
    result = invoke(["check", *EXPORT.split(" "), "-q"])
    assert result.exit_code == 2
    assert f'the file name has spaces: put it in quotes: reportgen check "{EXPORT}" -q' in result.output
    assert "unexpected extra argument" not in result.output


def test_build_with_an_unquoted_name_and_an_output_folder(export: Path) -> None:
    result = invoke(["build", *EXPORT.split(" "), "-o", "Workshop november"])
    assert result.exit_code == 2
    assert f'reportgen build "{EXPORT}" -o "Workshop november"' in result.output


def test_no_hint_when_no_file_is_named(export: Path) -> None:
    assert spaces_hint(["check", "no", "such", "file.xlsx"]) is None
    result = invoke(["check", "no", "such"])
    assert result.exit_code == 2 and "unexpected extra argument" in result.output


@pytest.mark.parametrize("typed", ["2026-11-03", "3-11-2026", "03-11-2026", "3.11.2026", "3/11/2026"])
def test_dates_in_both_forms(typed: str, export: Path) -> None:
    result = invoke(["build", "missing.xlsx", "--date", typed])
    assert "is not a date" not in result.output and "does not exist" in result.output


def test_a_date_that_is_none_says_the_forms_in_words(export: Path) -> None:
    result = invoke(["build", str(export), "--date", "2026-31-11"])
    assert result.exit_code == 2
    assert "'2026-31-11' is not a date: write it as 2026-11-03 or 3-11-2026 (day, month, year)" in result.output
    assert "%Y" not in result.output


def test_the_next_line_names_the_command_that_works_in_this_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / ".venv" / "bin" / "reportgen"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [str(script), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # not activated: `reportgen` alone is not found
    assert typed_command() == ".venv/bin/reportgen"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")  # after `source .venv/bin/activate`
    assert typed_command() == "reportgen"


def test_demos_next_line_uses_it(shared_build: object) -> None:
    lines = console.demo_lines(shared_build, ".venv/bin/reportgen")  # type: ignore[arg-type]
    assert lines[-1] == (
        '  Next, with your own export: .venv/bin/reportgen check "survey.xlsx", then .venv/bin/reportgen build '
        '"survey.xlsx"'
    )


def test_make_run_ends_with_the_way_to_run_reportgen_here() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun: ")[1].split("\n\n")[0]
    assert "source $(VENV)/bin/activate" in recipe and "$(BIN)/reportgen --help" in recipe
    assert recipe.index("reportgen demo reports") < recipe.index("source $(VENV)/bin/activate")


def test_send_given_a_file_says_it_wants_the_folder_build_wrote(export: Path) -> None:
    result = invoke(["send", str(export)])
    assert result.exit_code == 2 and "Directory" not in result.output
    assert f'"{export}" is a file; send wants the folder build wrote the reports into' in result.output
    pdf = export.parent / "Workshop november" / "02-anne.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.7\n")
    assert f'reportgen send "{pdf.parent}"' in invoke(["send", str(pdf)]).output
