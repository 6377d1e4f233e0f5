"""Batches: parallel workers, re-runs that skip what is unchanged, interruptions, failures, scores.xlsx."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ..conftest import IDENTITY, invoke, item_headers, leader_row, pdf_text, report, write_xlsx

HEADER = IDENTITY + item_headers()


def leaders(count: int, answer: int = 3) -> list[list[object]]:
    return [leader_row(f"Leader {n:02d}", f"l{n}@example.dk", 1 + (n + answer) % 5) for n in range(count)]


def build(*args: str) -> tuple[int, str, str]:
    result = invoke(["build", *args, "--date", "2026-11-27"])
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, result.stdout, result.stderr


def manifest(folder: Path) -> list[dict[str, str]]:
    # A Danish build writes manifest.csv for Danish Excel: UTF-8 with BOM, ";".
    with (folder / "manifest.csv").open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def test_one_job_and_two_jobs_give_the_same_files_and_text(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(3)])
    assert build(str(survey), "-o", str(tmp_path / "one"), "--jobs", "1", "-q")[0] == 0
    assert build(str(survey), "-o", str(tmp_path / "two"), "--jobs", "2", "-q")[0] == 0
    one = sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "one").glob("leader-*.pdf"))
    assert one == sorted(p.name.rsplit("-", 1)[0] for p in (tmp_path / "two").glob("leader-*.pdf")) and len(one) == 3
    for slug in one:
        assert pdf_text(report(tmp_path / "one", slug)) == pdf_text(report(tmp_path / "two", slug))


def test_rerun_renders_only_what_changed(tmp_path: Path) -> None:
    rows = leaders(3)
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows])
    out = tmp_path / "out"
    build(str(survey), "-o", str(out), "-q", "--jobs", "1")
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("leader-*.pdf")}

    code, text, _ = build(str(survey), "-o", str(out), "-q", "--jobs", "1")
    assert code == 0 and "3 unchanged since the last run, not rendered again" in text
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("leader-*.pdf")} == stamps

    rows[1] = leader_row("Leader 01", "l1@example.dk", 1)  # one leader changes their answers (was 5)
    write_xlsx(survey, [HEADER, *rows])
    code, text, _ = build(str(survey), "-o", str(out), "-q", "--jobs", "1")
    assert "2 unchanged" in text
    changed = {name for name, stamp in stamps.items() if (out / name).stat().st_mtime_ns != stamp}
    assert changed == {report(out, "leader-01").name}
    assert all(r["status"] == "rendered" for r in manifest(out))

    code, text, _ = build(str(survey), "-o", str(out), "-q", "--jobs", "1", "--force")
    assert "unchanged" not in text
    assert all((out / name).stat().st_mtime_ns != stamps[name] for name in stamps)


def test_only_renders_the_chosen_leaders_and_a_vanished_leader_is_listed(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(3)])
    out = tmp_path / "out"
    code, text, _ = build(str(survey), "-o", str(out), "-q", "--only", " L1@Example.dk ")
    assert code == 0
    chosen = report(out, "leader-01")
    assert [p.name for p in out.glob("leader-*.pdf")] == [chosen.name]
    assert [r["status"] for r in manifest(out)] == ["skipped", "rendered", "skipped"]
    assert "2 skipped" in text

    write_xlsx(survey, [HEADER, *leaders(3)[:1]])  # leader 01 and 02 left the input
    code, text, _ = build(str(survey), "-o", str(out), "-q")
    assert f"kept: {chosen.name}" in text
    assert chosen.is_file()


def test_a_report_that_fails_to_render_fails_alone(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    invoke(["brand", "init", str(brand)])
    # A template that breaks for one leader only, as bad data might.
    (brand / "templates" / "report.html").write_text(
        '{% extends "!bundled/report.html" %}{% block cover %}'
        '{% if report.name == "Leader 01" %}{{ report.no_such_field }}{% endif %}{{ super() }}{% endblock %}',
        "utf-8",
    )
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(3)])
    code, _, err = build(str(survey), "-o", str(tmp_path / "out"), "--brand", str(brand), "-q", "--jobs", "2")
    assert code == 1
    rows = manifest(tmp_path / "out")
    assert [r["status"] for r in rows] == ["rendered", "failed", "rendered"]
    assert "no_such_field" in rows[1]["reason"] and rows[1]["pdf"] == ""
    assert "failed: row 3" in err


def test_formula_looking_names_stay_text(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://example.com","x")'
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, leader_row(evil, "e@example.dk", 4), *leaders(1)])
    out = tmp_path / "out"
    build(str(survey), "-o", str(out), "-q", "--format", "html")
    with (out / "manifest.csv").open(encoding="utf-8-sig", newline="") as file:
        raw = list(csv.reader(file, delimiter=";"))
    assert raw[1][3] == "'" + evil
    book = load_workbook(out / "scores.xlsx")
    cell = book["Ledere"]["B2"]
    assert cell.value == evil and cell.data_type == "s"
    assert book["Manifest"]["D2"].value == evil and book["Manifest"]["D2"].data_type == "s"
    group = {row[0].value: row for row in book["Gruppen"].iter_rows(min_row=2)}
    assert group["Formål"][1].value == 2
    book.close()


def _start(survey: Path, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "reportgen", "build", str(survey), "-o", str(out), "--jobs", "1", "-q"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_reports(out: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while len(list(out.glob("leader-*.pdf"))) < count:
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _complete(pdf: Path) -> bool:
    return pdf.read_bytes().rstrip().endswith(b"%%EOF") and len(PdfReader(pdf).pages) > 0


@pytest.mark.parametrize("how", ["kill", "ctrl-c"])
def test_an_interrupted_run_leaves_only_complete_reports_and_the_next_finishes(tmp_path: Path, how: str) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(12)])
    out = tmp_path / "out"
    process = _start(survey, out)
    _wait_for_reports(out, 2, process)
    process.send_signal(signal.SIGKILL if how == "kill" else signal.SIGINT)
    stdout, _ = process.communicate(timeout=60)
    finished = list(out.glob("leader-*.pdf"))
    assert 2 <= len(finished) < 12
    assert all(_complete(pdf) for pdf in finished)
    if how == "ctrl-c":
        assert process.returncode == 130
        assert b"interrupted: " in stdout
        assert not list(out.glob(".*.tmp")), "temporary files left behind"
        statuses = [r["status"] for r in manifest(out)]
        assert statuses.count("rendered") == len(finished)
    code, _, _ = build(str(survey), "-o", str(out), "-q", "--jobs", "1")
    assert code == 0
    assert len(list(out.glob("leader-*.pdf"))) == 12 and not list(out.glob(".*.tmp"))
    assert all(_complete(pdf) for pdf in out.glob("leader-*.pdf"))


def test_workers_are_renewed_in_chunks_and_every_report_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from reportgen.config import Settings
    from reportgen.pipeline.build import build as run_build
    from reportgen.render import pool as batch

    monkeypatch.setattr(batch, "REPORTS_PER_WORKER", 1)  # 5 reports, 2 workers: three pools in turn
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(5)])
    settings = Settings(survey, tmp_path / "out", report_date=date(2026, 11, 27), output_format="html", jobs=2)
    result = run_build(settings)
    assert result.counts["rendered"] == 5
    assert len(list((tmp_path / "out").glob("leader-*.html"))) == 5


def test_ctrl_c_right_after_a_report_is_written_still_lists_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With one job, Ctrl-C waits until the report in hand is written and recorded: none is whole but unlisted."""
    import os

    from reportgen.config import Settings
    from reportgen.output import writer
    from reportgen.pipeline.build import build

    real = writer.write_atomic
    written: list[str] = []

    def write_then_ctrl_c(path: Path, data: bytes) -> None:
        real(path, data)
        if path.suffix == ".pdf":
            written.append(path.name)
            if len(written) == 2:  # the second report is on disk: Ctrl-C now, before it is recorded
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(writer, "write_atomic", write_then_ctrl_c)
    rows = [leader_row(f"Leder {n}", f"l{n}@example.dk", 3 + n % 2) for n in range(4)]
    survey = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), *rows])
    result = build(Settings(survey=survey, output_dir=tmp_path / "out", jobs=1))
    assert result.interrupted
    assert sorted(o.pdf for o in result.outcomes if o.status == "rendered") == sorted(written) == written[:2]
