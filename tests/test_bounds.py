"""Smaller bounds: workers within the cores and memory, a brand holds only its own files."""

from __future__ import annotations

from pathlib import Path

from reportgen.render.jobs import default_jobs, job_count

from .conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx


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
