"""The user's files are never replaced: build writes only what it wrote before, and never over its input.

Commands that write a named file (questionnaire, drafts) refuse to replace one unless --force.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen.output.writer import WRITTEN

from ..conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx

NAMES = ["Anne Hansen", "Bo Jensen", "Carl Berg", "Dorte Lund", "Eva Holm"]


def _export(path: Path) -> Path:
    rows = [leader_row(name, f"{name.split()[0].lower()}@example.dk", 2 + n % 3) for n, name in enumerate(NAMES)]
    return write_xlsx(path, [IDENTITY + item_headers(), *rows])


def test_an_export_named_like_an_output_is_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    export = _export(tmp_path / "scores.xlsx")
    before = export.read_bytes()
    result = invoke(["build", "scores.xlsx", "-o", ".", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert "scores.xlsx is an input of this run" in result.output and "Traceback" not in result.output
    assert export.read_bytes() == before and not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize("name", ["scores.xlsx", "manifest.csv", "cohort.pdf", "build.json"])
def test_a_folder_holding_the_users_own_file_of_that_name_is_refused(name: str, tmp_path: Path) -> None:
    export = _export(tmp_path / "survey.xlsx")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / name).write_bytes(b"the user's own work")
    result = invoke(["build", str(export), "-o", str(folder), "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert f"files that reportgen did not write: {name}" in result.output
    assert (folder / name).read_bytes() == b"the user's own work"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [name]  # nothing written


def test_a_folder_built_before_is_rebuilt_and_an_older_one_without_the_record_too(
    shared_build_folder: Path, tmp_path: Path
) -> None:
    folder = Path(shutil.copytree(shared_build_folder, tmp_path / "reports"))
    assert {"manifest.csv", "build.json", "scores.xlsx"} <= set((folder / WRITTEN).read_text().split())
    (folder / WRITTEN).unlink()  # as an older reportgen left it: its manifest.csv says whose the folder is
    result = invoke(["build", str(shared_build_folder.parent / "survey.xlsx"), "-o", str(folder), "--jobs", "1"])
    assert result.exit_code in (0, 1), result.output
    assert "did not write" not in result.output and (folder / WRITTEN).is_file()


@pytest.fixture
def shared_build_folder(shared_build: object) -> Path:
    return Path(shared_build.manifest).parent  # type: ignore[attr-defined]


def test_the_answer_sheet_is_replaced_only_with_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(["questionnaire", "--format", "xlsx"]).exit_code == 0
    sheet = tmp_path / "questionnaire-da.xlsx"
    sheet.write_bytes(b"nine leaders typed in")  # the facilitator's typing
    again = invoke(["questionnaire", "--format", "xlsx"])
    assert again.exit_code == 2 and "questionnaire-da.xlsx is already there" in again.output
    assert "--force" in again.output and sheet.read_bytes() == b"nine leaders typed in"
    forced = invoke(["questionnaire", "--format", "xlsx", "--force"])
    assert forced.exit_code == 0 and sheet.read_bytes().startswith(b"PK")


def test_drafts_are_replaced_only_with_force(shared_build_folder: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(shared_build_folder, tmp_path / "reports"))
    drafts = tmp_path / "drafts"
    arguments = ["send", str(folder), "--from", "W <w@example.dk>", "--eml", str(drafts)]
    assert invoke(arguments).exit_code == 0
    edited = sorted(drafts.glob("*.eml"))[0]
    edited.write_text("my edits", encoding="utf-8")
    again = invoke(arguments)
    assert again.exit_code == 2 and "already holds drafts" in again.output and edited.name in again.output
    assert edited.read_text(encoding="utf-8") == "my edits"
    assert invoke([*arguments, "--force"]).exit_code == 0 and edited.read_text(encoding="utf-8") != "my edits"


def test_a_mapping_file_and_a_brand_folder_are_replaced_only_with_force(tmp_path: Path) -> None:
    export = _export(tmp_path / "survey.xlsx")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("# my edits\n", encoding="utf-8")
    refused = invoke(["check", str(export), "--write-mapping", str(mapping)])
    assert refused.exit_code == 2 and "mapping.toml is already there" in refused.output
    assert mapping.read_text(encoding="utf-8") == "# my edits\n"
    assert invoke(["check", str(export), "--write-mapping", str(mapping), "--force"]).exit_code == 0
    assert "[columns]" in mapping.read_text(encoding="utf-8")
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "notes.txt").write_text("mine", encoding="utf-8")
    again = invoke(["brand", "init", str(brand)])
    assert again.exit_code == 2 and "holds notes.txt" in again.output and "--force" in again.output
    assert invoke(["brand", "init", str(brand), "--force"]).exit_code == 0
    assert (brand / "brand.toml").is_file() and (brand / "notes.txt").read_text(encoding="utf-8") == "mine"
