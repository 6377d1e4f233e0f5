"""A facilitator's first hour: set-up, stable re-runs, honest bookkeeping, the terminal, their files (issue 15)."""

from __future__ import annotations

import codecs
import csv
import io
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportgen import console
from reportgen.cli import main
from reportgen.config import Settings, bundled_sample
from reportgen.delivery.letters import plan
from reportgen.delivery.log import DELIVERY, record
from reportgen.output.manifest import changes_since, read_build_info, read_manifest
from reportgen.pipeline.build import build

from .conftest import IDENTITY, invoke, item_headers, leader_row, report, write_xlsx

REPO = Path(__file__).resolve().parents[1]
HEADER = IDENTITY + item_headers()


def leaders(count: int, answer: int = 0) -> list[list[object]]:
    return [leader_row(f"Leader {n:02d}", f"l{n}@example.dk", 1 + (n + answer) % 5) for n in range(count)]


# --- 2. set-up -------------------------------------------------------------------------------


def test_make_refuses_an_old_python_with_what_to_do(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path)
    done = subprocess.run(
        ["make", "python", "PYTHON=python2.7-not-there"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "reportgen needs Python 3.11 or newer; python2.7-not-there is not there." in done.stdout
    assert "Windows:" in done.stdout and "macOS:" in done.stdout and "Linux:" in done.stdout


def test_make_removes_a_venv_made_by_a_wrong_python(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path)
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\nexit 1\n")  # answers "no" to "are you 3.11 or newer?", as a 3.9 would
    fake.chmod(0o755)
    done = subprocess.run(
        ["make", "python", f"PYTHON={sys.executable}"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ".venv was made by an older or missing Python; making it again" in done.stdout
    assert not (tmp_path / ".venv").exists()
    again = subprocess.run(
        ["make", "python", f"PYTHON={sys.executable}"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert again.returncode == 0 and "making it again" not in again.stdout


def test_the_sample_travels_in_the_wheel(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    import zipfile

    wheel = next(tmp_path.glob("reportgen-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read("reportgen/sample/survey.xlsx")
    assert data == bundled_sample().read_bytes()


def test_demo_says_the_invalid_row_is_on_purpose_and_where_the_reports_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real sample is 23 reports; a small stand-in with the same kind of invalid row keeps this fast.
    small = write_xlsx(tmp_path / "survey.xlsx", [HEADER, *leaders(2), leader_row("No Mail", "", 3)])
    monkeypatch.setattr("reportgen.cli.build.bundled_sample", lambda: small)  # what demo builds
    monkeypatch.chdir(tmp_path)
    result = invoke(["demo", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "The sample's row 4 is invalid on purpose (column B (Mail): no e-mail address)" in result.stdout
    first = report(tmp_path / "reportgen-demo", "leader-00")
    assert f"Open reportgen-demo/{first.name} to see a leader's report" in result.stdout


def test_the_bundled_sample_has_its_invalid_row_12() -> None:
    result = invoke(["check", str(bundled_sample()), "-q"])
    assert "row 12: invalid: column D (Mail): no e-mail address" in result.stdout
    assert "Columns used" not in result.stdout  # -q: the problems and the count only


# --- 3. re-runs stable across days ---------------------------------------------------------


def test_the_first_builds_date_is_kept_until_date_changes_it(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(1)])
    out = tmp_path / "out"
    page = "leader-00", ".html"  # the leader's report: its name ends in the start of the leader's kept id

    def run(today: date, given: date | None = None) -> tuple[int, str]:
        settings = Settings(survey, out, output_format="html", jobs=1, today=today, report_date=given)
        result = build(settings)
        return result.reused, report(out, *page).read_text(encoding="utf-8")

    reused, first = run(date(2026, 11, 27))
    assert reused == 0 and "27. november 2026" in first
    sha_first = _sha(report(out, *page))
    reused, next_day = run(date(2026, 11, 28))
    assert reused == 1 and next_day == first  # another day, nothing changed: not rendered again
    assert read_build_info(out).date == "2026-11-27"
    # A leader's new answers re-render their report with the kept date, not today's.
    write_xlsx(survey, [HEADER, *leaders(1, answer=2)])
    reused, changed = run(date(2026, 11, 29))
    assert reused == 0 and "27. november 2026" in changed and "29. november" not in changed
    sha_answers = _sha(report(out, *page))
    reused, dated = run(date(2026, 11, 30), given=date(2026, 12, 3))
    assert reused == 0 and "3. december 2026" in dated
    assert read_build_info(out).date == "2026-12-03"
    reused, _ = run(date(2026, 12, 4))
    assert reused == 1
    # What send will say about a report that changed since it was sent.
    assert changes_since(out, sha_answers, _sha(report(out, *page))) == ("date",)
    assert changes_since(out, sha_first, _sha(report(out, *page))) == ("answers", "date")
    assert console.change_reason(("answers", "date")) == "changed: the leader's answers and the date"
    assert changes_since(out, "0" * 64, _sha(report(out, *page))) is None


def test_send_says_what_changed_since_a_report_was_sent(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(1)])
    out = tmp_path / "out"
    build(Settings(survey, out, jobs=1, report_date=date(2026, 11, 27)))
    (letter,) = plan(out, read_manifest(out))
    record(out, letter, "sent", letter.email, "250 OK")
    build(Settings(survey, out, jobs=1, report_date=date(2026, 12, 3)))
    result = invoke(["send", str(out)])
    assert result.exit_code == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("  changed")]
    assert line.endswith("; not sent (changed: the date) (--resend l0@example.dk)")


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 4. honest bookkeeping -------------------------------------------------------------------


def test_ctrl_c_says_once_how_many_are_left_and_nothing_false(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(10)])
    out = tmp_path / "out"
    first = invoke(["build", str(survey), "-o", str(out), "-q", "--date", "2026-11-27"])
    assert first.exit_code == 0, first.output
    started = time.time()
    command = [sys.executable, "-m", "reportgen", "build", str(survey), "-o", str(out), "-j", "1", "--force"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    # Wait until two reports of this run are written, then Ctrl-C.
    while sum(pdf.stat().st_mtime > started for pdf in out.glob("leader-*.pdf")) < 2:
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = (text.decode() for text in process.communicate(timeout=60))
    assert process.returncode == 130
    rows = read_manifest(out) or []
    rendered = sum(row.status == "rendered" for row in rows)
    assert 2 <= rendered < 10
    everything = stdout + stderr
    lines = [line for line in everything.splitlines() if "interrupted" in line.lower()]
    assert lines == [f"interrupted: {10 - rendered} reports not rendered, run the same command to finish"]
    assert "kept:" not in everything  # every leader is still in the input
    assert "failed" not in everything
    # The cohort report is the first task of the pool: with one job it was whole before the Ctrl-C.
    assert f"Cohort report: {out / 'cohort.pdf'}." in stdout and (out / "cohort.pdf").stat().st_mtime > started
    assert f"10 rows: {rendered} rendered, {10 - rendered} not rendered." in stdout


def test_only_naming_nobody_exits_2_with_the_closest_emails(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(3)])
    result = invoke(["build", str(survey), "-o", str(tmp_path / "out"), "--only", "l1@exampel.dk"])
    assert result.exit_code == 2
    assert '--only names no leader in the input: "l1@exampel.dk" (closest: l1@example.dk' in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # refused before anything is written


@pytest.fixture
def sent_folder(shared_build, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "reports"
    shutil.copytree(shared_build.manifest.parent, folder)
    return folder


def test_dry_run_without_from_shows_one_whole_message_and_what_is_missing(sent_folder: Path) -> None:
    result = invoke(["send", str(sent_folder)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert '  From: "(not given: use --from)" <sender-not-given@example.com>' in out
    assert "  To: Søren Østergaard <soren@example.dk>" in out or "  To: Åse Bræmer <aase@example.dk>" in out
    assert "  Subject: Din personlige rapport" in out and "  Attachment: " in out
    assert "  Kære " in out  # the body
    assert out.count("The first message, as it would go out (4 in all):") == 1
    assert "For a real send, give --send, --from 'NAME <ADDRESS>'" in out and "--smtp-host" in out
    assert "log:" not in out and not (sent_folder / DELIVERY).exists()


def test_a_real_run_with_everything_sent_says_so_and_names_no_log(sent_folder: Path) -> None:
    for letter in plan(sent_folder, read_manifest(sent_folder)):
        record(sent_folder, letter, "sent", letter.email, "250 OK")
    before = (sent_folder / DELIVERY).read_bytes()
    result = invoke(["send", str(sent_folder), "--send", "--from", "W <w@example.dk>", "--smtp-host", "127.0.0.1",
         "--smtp-security", "none"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "0 to send: all 4 already sent."
    assert (sent_folder / DELIVERY).read_bytes() == before


# --- 5. the terminal -------------------------------------------------------------------------


def test_every_command_has_verbose_and_quiet() -> None:
    commands = [(name, c) for name, c in main.commands.items() if name != "brand"]
    commands += [(f"brand {name}", c) for name, c in main.commands["brand"].commands.items()]  # type: ignore[attr-defined]
    for name, command in commands:
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert {"-v", "--verbose", "-q", "--quiet"} <= options, name


def test_a_build_says_what_it_does_from_the_start(tmp_path: Path) -> None:
    survey = write_xlsx(tmp_path / "s.xlsx", [HEADER, *leaders(5)])
    args = ["build", str(survey), "-o", str(tmp_path / "out"), "--format", "html", "-j", "1"]
    out = invoke(args).stdout.splitlines()
    assert out[:3] == ["Reading s.xlsx …", "Preparing the reports of 5 leaders …", "Rendering 5 reports …"]
    # The cohort report renders beside the leaders' reports, first in the pool's queue.
    assert out[3] == "Rendering the cohort report (5 leaders) …"
    assert any(line.startswith("  5/5 reports") for line in out[4:])


def test_the_bar_fits_the_terminal(shared_build, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "50")
    progress = console.Progress(Path("s.xlsx"), terminal=True)
    rendered = next(o for o in shared_build.outcomes if o.status == "rendered")
    for done in range(1, 4):
        progress.update(done, 3, rendered)
    progress.close()
    drawn = capsys.readouterr().out.split("\r")
    assert len(drawn) == 4 and all(len(line.rstrip("\n")) <= 49 for line in drawn)
    bar, _, text = drawn[-1].partition("] ")
    assert bar == "[" + "#" * (len(bar) - 1) and len(bar) >= 11 and text.rstrip().endswith("0:00 left")


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run reportgen with its output on a pseudo-terminal; what it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", *args], stdout=follower, stderr=follower, env={**os.environ, **env}
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_errors_are_red_on_a_terminal_only_without_no_color(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.xlsx")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _on_a_terminal(["check", missing], {**env, "NO_COLOR": ""})
    assert "\x1b[31m" in coloured and "Error:" in coloured
    plain = _on_a_terminal(["check", missing], {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "Error:" in plain
    piped = subprocess.run([sys.executable, "-m", "reportgen", "check", missing], capture_output=True, text=True)
    assert "\x1b[" not in piped.stderr and "Error:" in piped.stderr


# --- 6. the facilitator's files ------------------------------------------------------------


def test_a_danish_build_writes_csv_for_danish_excel_and_reads_it_back(shared_build) -> None:  # type: ignore[no-untyped-def]
    raw = shared_build.manifest.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [int(r["source_row"]) for r in rows] == [o.source_row for o in shared_build.outcomes]
    assert rows[1]["name"] == "Åse Bræmer" and rows[1]["status"] == "rendered"
    back = read_manifest(shared_build.manifest.parent) or []
    assert [(r.source_row, r.status, r.name) for r in back] == [
        (int(r["source_row"]), r["status"], r["name"]) for r in rows
    ]


def test_score_csv_honours_the_dialect(shared_build) -> None:  # type: ignore[no-untyped-def]
    survey = str(shared_build.survey.path)
    danish = invoke(["score", survey, "--format", "csv", "--csv-dialect", "excel-da"]).stdout_bytes
    assert danish.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(danish.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[1]["name"] == "Åse Bræmer" and rows[1]["score_purpose"] == "25.0"
    plain = invoke(["score", survey, "--format", "csv"]).stdout_bytes
    assert not plain.startswith(codecs.BOM_UTF8) and plain.startswith(b"source_row,status,")


def test_scores_workbook_is_in_the_report_language(shared_build) -> None:  # type: ignore[no-untyped-def]
    book = load_workbook(shared_build.scores, read_only=True)
    assert book.sheetnames == ["Ledere", "Gruppen", "Manifest"]
    header = [cell.value for cell in next(book["Ledere"].iter_rows(max_row=1))]
    assert header[:5] == ["Række", "Navn", "E-mail", "Organisation", "Formål, score"]
    assert "Læserækkefølge" in header
    book.close()


def test_a_brand_colour_below_4_5_to_1_is_refused_with_its_ratio(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    assert invoke(["brand", "init", str(brand)]).exit_code == 0
    toml = brand / "brand.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"#a4501a"', '"#777777"'), encoding="utf-8")
    refused = invoke(["brand", "check", str(brand)])
    assert refused.exit_code == 2
    assert 'colours.accent = "#777777" has a contrast of 4.47:1 on white, below the 4.5:1' in refused.stderr
    toml.write_text(toml.read_text(encoding="utf-8").replace('"#777777"', '"#767676"'), encoding="utf-8")
    passed = invoke(["brand", "check", str(brand)])
    assert passed.exit_code == 0, passed.output
    assert "colours.accent   #767676  contrast 4.5:1 on white" in passed.stdout
