"""Trust under faults (issue 14): hostile brands and inputs, a full disk, a killed build."""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.brand import load_brand
from reportgen.config import bundled_templates
from reportgen.models import BuildResult
from reportgen.output import writer
from reportgen.output.manifest import read_manifest
from reportgen.pipeline import check as check_pipeline
from reportgen.render.templates import environment, fill
from reportgen.survey import reader

from .conftest import IDENTITY, invoke, item_headers, leader_row, pdf_text

# Each reaches for os.popen or the template's context by another path.
PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ t['__class__'] }}",
    "{{ t|attr('__class__') }}",
]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = invoke(list(args), env=env)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    return result.exit_code, output


def make_brand(folder: Path, files: dict[str, str]) -> Path:
    assert run("brand", "init", str(folder))[0] == 0
    for name, text in files.items():
        path = folder / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def one_leader(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import write_xlsx

    folder = tmp_path_factory.mktemp("one")
    return write_xlsx(folder / "survey.xlsx", [IDENTITY + item_headers(), leader_row("Ida Holm", "ida@example.dk", 4)])


def assert_no_leak(text: str) -> None:
    assert "uid=" not in text and "root:x:" not in text and "<Context" not in text and "<class" not in text


# --- 1. a brand's templates run no code ----------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("name", ["report.html", "mail/subject-da.txt"])
def test_a_template_that_reaches_past_the_view_stops_build_before_rendering(
    tmp_path: Path, one_leader: Path, name: str, payload: str
) -> None:
    brand = make_brand(tmp_path / "brand", {name: f"<p>{payload}</p>\n"})
    code, output = run("build", str(one_leader), "--brand", str(brand), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 2
    assert f"The brand's template templates/{name}, line 1," in output
    assert "nothing has been rendered or sent" in output and only_stages_then_one_error(output)
    assert_no_leak(output)
    assert not (tmp_path / "out").exists()


def test_a_send_dry_run_with_such_a_mail_template_stops_before_any_mail(
    tmp_path: Path, shared_build: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    brand = make_brand(tmp_path / "brand", {"mail/subject-da.txt": PAYLOADS[0]})
    code, output = run("send", str(shared_build.manifest.parent), "--brand", str(brand), "--from", "a <a@example.dk>")
    assert code == 2
    assert "templates/mail/subject-da.txt, line 1" in output and "would send" not in output
    assert_no_leak(output)


def test_what_the_static_check_cannot_see_the_sandbox_stops_at_render(tmp_path: Path, one_leader: Path) -> None:
    # A computed attribute name passes the check; the sandbox fails the report, and nothing leaks.
    brand = make_brand(tmp_path / "brand", {"report.html": "<p>{{ t|attr('_' ~ '_class__') }}</p>"})
    out = tmp_path / "out"
    code, output = run("build", str(one_leader), "--brand", str(brand), "-o", str(out), "-j", "1")
    assert code == 1 and "failed: row 2" in output
    assert_no_leak(output)
    assert not list(out.glob("*.pdf"))
    assert_no_leak((out / "manifest.csv").read_text("utf-8"))


def test_templates_get_no_globals_and_content_placeholders_no_attributes() -> None:
    env = environment([bundled_templates()])
    assert dict(env.globals) == {}
    assert fill("{count} ledere", count=3) == "3 ledere"
    for text in ("{count.__class__}", "{count[0]}", "{count!r}", "{0}"):
        with pytest.raises(ValueError, match="plain placeholder"):
            fill(text, count=3)


def test_a_pdf_built_with_a_legal_brand_template_holds_no_command_output(tmp_path: Path, one_leader: Path) -> None:
    brand = make_brand(
        tmp_path / "brand",
        {
            "report.html": '{% extends "!bundled/report.html" %}'
            "{% block cover %}X-{{ view.name }}{{ super() }}{% endblock %}"
        },
    )
    out = tmp_path / "out"
    assert run("build", str(one_leader), "--brand", str(brand), "-o", str(out), "-j", "1")[0] == 0
    [pdf] = out.glob("*.pdf")
    text = pdf_text(pdf)
    assert "X-Ida Holm" in text
    assert_no_leak(text)


# --- 2. no row is lost to how a valid workbook writes its XML ------------------------------


def _rewrite_sheet(path: Path, change: Callable[[str], str]) -> Path:
    """The workbook with its first sheet's XML passed through change()."""
    target = path.with_name("rewritten-" + path.name)
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            new.writestr(item, data)
    return target


def _renumber(xml: str, old: int, new: int, quote: str) -> str:
    """Row `old` as row `new`, its r attribute written as r<quote>, e.g. r='9' or r = "12"."""
    xml = xml.replace(f'<row r="{old}">', f"<row {quote.replace('N', str(new))}>")
    return re.sub(rf'<c r="([A-Z]+){old}"', rf'<c r="\g<1>{new}"', xml)


def test_rows_numbered_with_single_quotes_spaces_and_gaps_are_all_read(
    tmp_path: Path, workbook: Callable[..., Path]
) -> None:
    leaders = [leader_row(f"Leder {n}", f"l{n}@example.dk", 3) for n in range(4)]
    plain = workbook(leaders)
    xml_path = _rewrite_sheet(
        plain, lambda xml: _renumber(_renumber(xml, 4, 9, "r='N'"), 5, 12, 'r = "N"').replace('r="3"', "")
    )
    code, output = run("check", str(xml_path))
    assert "4 rows: 4 ok" in output, output
    assert code == 0
    code, output = run("score", str(xml_path))
    assert code == 0
    assert [r["source_row"] for r in json.loads(output)] == [2, 3, 9, 12]


# --- 5. control characters in cells; a full disk --------------------------------------------


def test_nul_and_esc_in_csv_and_xlsx_cells_are_removed_with_a_warning(
    tmp_path: Path, workbook: Callable[..., Path]
) -> None:
    rows = [leader_row("Ida\x00 Holm", "ida@example.dk", 4), leader_row("Bo \x1b[31mRed", "bo@example.dk", 3)]
    csv_path = tmp_path / "survey.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([IDENTITY + item_headers(), *rows])
    # XML cannot hold NUL or ESC; a workbook can hold the C1 controls, such as the terminal's CSI (0x9b).
    xlsx_path = workbook([leader_row("Ida\x9b Holm", "ida@example.dk", 4), leader_row("Bo \x9b31mRed", "bo@x.dk", 3)])
    for survey in (csv_path, xlsx_path):
        code, output = run("check", str(survey))
        assert code == 1, output
        assert "row 2, column C: control characters (such as NUL or ESC) removed" in output
        assert "row 3, column C: control characters" in output
        assert not re.search("[\x00\x1b\x9b]", output)
    out = tmp_path / "out"
    code, output = run("build", str(csv_path), "-o", str(out), "--format", "html", "-j", "1")
    assert code == 0, output
    assert "warning: row 2, column C: control characters" in output
    from openpyxl import load_workbook

    leaders = load_workbook(out / "scores.xlsx").worksheets[0]  # its name is in the report language
    names = [row[1] for row in leaders.iter_rows(min_row=2, values_only=True)]
    assert names == ["Ida Holm", "Bo [31mRed"]


def test_a_full_disk_says_so_and_keeps_the_manifest_of_what_was_written(
    tmp_path: Path, workbook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = workbook([leader_row(f"Leder {n}", f"l{n}@example.dk", 3) for n in range(4)])
    real = writer.write_atomic
    out = tmp_path / "out"
    reports: list[Path] = []

    def write_until_full(path: Path, data: bytes) -> None:
        reports.extend([path] if path.parent == out and path.suffix == ".html" else [])
        if len(reports) == 2 and reports[-1] == path:  # the second report finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(writer, "write_atomic", write_until_full)
    # html: the same writes as PDFs, without rendering any; -j 1 renders in this process, where the patch is
    code, output = run("build", str(survey), "-o", str(out), "--format", "html", "-j", "1")
    assert code == 2, output
    assert "Internal error" not in output
    error = output.splitlines()[-1]  # after build's stage lines
    assert error.startswith("Error: out: The disk is full: reportgen could not write more files into this folder.")
    assert "1 reports are complete and listed in manifest.csv" in output and only_stages_then_one_error(output)
    rows = read_manifest(out) or []
    assert [r.status for r in rows] == ["rendered", "failed", "failed", "failed"]
    assert rows[1].reason == "not written: the disk is full"
    assert rows[2].reason == "the disk is full before it was rendered; run build again"
    assert sorted(p.name for p in out.glob("*.html")) == [rows[0].pdf]


# --- 6. nothing left behind, nothing followed -----------------------------------------------


def test_the_internal_error_log_is_a_new_file_and_follows_no_planted_link(
    tmp_path: Path, workbook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", "utf-8")
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    (shared_tmp / "reportgen-error.log").symlink_to(victim)
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def unexpected(*args: object, **options: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_pipeline, "read_survey", unexpected)
    logs = []
    for _ in range(2):
        code, output = run("check", str(workbook([leader_row("A B", "a@example.dk", 3)])))
        assert code == 2 and "Internal error" in output
        logs.append(Path(re.search(r"The details are in (\S+);", output).group(1)))  # type: ignore[union-attr]
    assert victim.read_text("utf-8") == "mine"
    assert logs[0] != logs[1] and all(log.parent == tmp_path / "cache" / "reportgen" for log in logs)
    assert "RuntimeError: boom" in logs[0].read_text("utf-8")
    assert logs[0].stat().st_mode & 0o077 == 0


def test_a_build_removes_only_its_own_temporary_files(tmp_path: Path, workbook: Callable[..., Path]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".notes.tmp").write_text("a user's own", "utf-8")
    (out / "draft.tmp").write_text("a user's own", "utf-8")
    (out / "x.tmp").mkdir()
    (out / ".x.tmp").mkdir()
    (out / ".reportgen-01-a.pdf.abc123.tmp").write_bytes(b"left by a killed run")
    survey = workbook([leader_row("A B", "a@example.dk", 3)])
    code, output = run("build", str(survey), "-o", str(out), "--format", "html", "-j", "1")
    assert code == 0, output
    assert (out / ".notes.tmp").read_text("utf-8") == "a user's own" and (out / "draft.tmp").is_file()
    assert (out / "x.tmp").is_dir() and (out / ".x.tmp").is_dir()
    assert not (out / ".reportgen-01-a.pdf.abc123.tmp").exists()


def _family(pid: int) -> set[int]:
    """Every living process whose parent chain leads to pid (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _build_process(survey: Path, out: Path, tmp: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "reportgen", "build", str(survey), "-o", str(out), "-j", "2", "-q"]
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_killed_build_leaves_no_process_that_writes_on(tmp_path: Path, workbook: Callable[..., Path]) -> None:
    survey = workbook([leader_row(f"Leder {n}", f"l{n}@example.dk", 1 + n % 5) for n in range(12)])
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    family: set[int] = set()
    with _build_process(survey, out, tmp) as build:
        _killed_after_the_first_report(build, out, family)


def _killed_after_the_first_report(build: subprocess.Popen[bytes], out: Path, family: set[int]) -> None:
    try:
        assert _wait(lambda: bool(list(out.glob("*.pdf"))) or build.poll() is not None, 180)
        assert build.poll() is None, "the build ended before it could be killed"
        family.update(_family(build.pid))
        assert len(family) >= 3  # the fork server and two workers (and multiprocessing's resource tracker)
        build.kill()
        build.wait()
        assert _wait(lambda: not any(_alive(p) for p in family), 5), [p for p in family if _alive(p)]
        written = sorted(out.glob("*.pdf"))
        time.sleep(1)  # a worker that lived on would write its next report within a second or two
        assert sorted(out.glob("*.pdf")) == written and len(written) < 12
    finally:
        for pid in family:  # what an old reportgen left behind
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_parallel_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path, workbook: Callable[..., Path]) -> None:
    survey = workbook([leader_row(f"Leder {n}", f"l{n}@example.dk", 3) for n in range(3)])
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    build = _build_process(survey, out, tmp)
    _, errors = build.communicate(timeout=300)
    assert build.returncode == 0, errors
    assert len(list(out.glob("*.pdf"))) == 3
    assert sorted(p.name for p in tmp.iterdir()) == []


# --- 7. smaller promises --------------------------------------------------------------------


def test_the_leader_id_in_a_pdf_is_random_kept_in_the_manifest_and_reused(
    tmp_path: Path, one_leader: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"

    def manifest_ids() -> list[str]:
        return [row.leader_id for row in read_manifest(out) or []]

    assert run("build", str(one_leader), "-o", str(out), "-j", "1")[0] == 0
    [leader_id] = manifest_ids()
    assert re.fullmatch("[0-9a-f]{32}", leader_id)
    assert hashlib.sha256(b"ida@example.dk").hexdigest()[:32] != leader_id
    [pdf] = out.glob("*.pdf")
    assert PdfReader(pdf).metadata["/ReportgenLeader"] == leader_id  # type: ignore[index]
    code, output = run("build", str(one_leader), "-o", str(out), "-j", "1")
    assert code == 0 and "1 unchanged since the last run" in output
    assert manifest_ids() == [leader_id]
    monkeypatch.chdir(tmp_path)
    code, output = run("send", str(out), "--from", "Kursus <kursus@example.dk>")
    assert code == 0 and "would send to ida@example.dk" in output, output


def test_score_csv_protects_formula_looking_texts_as_the_manifest_does(workbook: Callable[..., Path]) -> None:
    survey = workbook([leader_row('=HYPERLINK("http://x.example/?"&A1,"klik")', "a@example.dk", 3)])
    code, output = run("score", str(survey), "--format", "csv")
    assert code == 0
    [record] = list(csv.DictReader(output.splitlines()))
    assert record["name"] == '\'=HYPERLINK("http://x.example/?"&A1,"klik")'
    assert record["score_purpose"] == "50.0"
    assert writer.csv_unsafe(record["name"]).startswith("=HYPERLINK(")


def _png(width: int, height: int) -> bytes:
    """A real, valid PNG: one-bit grey, every pixel black; tiny on disk, huge when decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + b"\x00" * ((width + 7) // 8)) * height
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


LOGOS = {
    "logo.png": _png(8000, 8000),
    # SOI, then a start-of-frame (baseline) for 6000 × 9000 pixels, three components.
    "logo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xc0\x00\x11\x08"
    + struct.pack(">HH", 9000, 6000)
    + b"\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01\xff\xd9",
    "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9000 90"><rect width="9" height="9"/></svg>',
}


@pytest.mark.parametrize(("name", "size"), [("logo.png", "8,000 × 8,000"), ("logo.jpg", "6,000 × 9,000"),
                                            ("logo.svg", "9,000 × 90")])  # fmt: skip
def test_a_logo_past_the_pixel_limit_is_refused_by_the_brand_check(
    tmp_path: Path, one_leader: Path, name: str, size: str
) -> None:
    brand = make_brand(tmp_path / "brand", {})
    (brand / name).write_bytes(LOGOS[name])
    toml = (brand / "brand.toml").read_text("utf-8")
    (brand / "brand.toml").write_text(re.sub(r'(?m)^logo = ".*"', f'logo = "{name}"', toml), "utf-8")
    code, output = run("build", str(one_leader), "--brand", str(brand), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"logo: {name} is {size} pixels; a logo may be at most 4,000 pixels a side" in output
    assert not (tmp_path / "out").exists()


def test_a_logo_within_the_limit_passes_the_brand_check(tmp_path: Path) -> None:
    brand = make_brand(tmp_path / "brand", {})
    (brand / "logo.png").write_bytes(_png(1200, 400))
    toml = (brand / "brand.toml").read_text("utf-8")
    (brand / "brand.toml").write_text(re.sub(r'(?m)^logo = ".*"', 'logo = "logo.png"', toml), "utf-8")
    assert load_brand(brand, bundled_templates()).logo == (brand / "logo.png").resolve()


def test_check_shows_terminal_escapes_from_the_export_instead_of_sending_them(tmp_path: Path) -> None:
    # The reader removes them from cells; a file name (here) or a sheet name can still hold them.
    survey = tmp_path / "survey\x1b[2J\x1b]0;owned\x07.csv"
    with survey.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([IDENTITY + item_headers(), leader_row("Ida Holm", "ida@example.dk", 4)])
    code, output = run("check", str(survey))
    assert code in (0, 1), output
    assert "\x1b" not in output and "\x07" not in output
    assert "survey\\x1b[2J\\x1b]0;owned\\x07.csv" in output


def test_a_sheet_of_blank_xml_past_the_limit_is_refused_before_it_is_read(
    workbook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 MB of whitespace inside the sheet: valid XML, a few KB zipped. The limit is lowered to 1 MB
    # (the real one is 200 MB) to keep the test small; the 600 MB original took 148 s to read.
    padded = _rewrite_sheet(
        workbook([leader_row("A B", "a@example.dk", 3)]),
        lambda xml: xml.replace("<sheetData>", "<sheetData>" + " " * 3_000_000),
    )
    assert padded.stat().st_size < 100_000
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 1024**2)
    code, output = run("check", str(padded))
    assert code == 2
    assert "holds a sheet (xl/worksheets/sheet1.xml) whose XML unpacks to 3 MB" in output
    assert "at most 1 MB of XML per sheet" in output
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 4 * 1024**2)
    assert run("check", str(padded))[0] == 0


def test_an_encrypted_workbook_is_named_password_protected_not_damaged(tmp_path: Path) -> None:
    # Excel saves a password-protected workbook as an OLE2 compound file, whatever its name.
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    code, output = run("check", str(path))
    assert code == 2
    assert "survey.xlsx: The workbook is password-protected (encrypted)" in output
    assert "damaged" not in output and "Encrypt with Password" in output


def test_a_full_disk_anywhere_else_is_the_same_paragraph_not_an_internal_error(
    tmp_path: Path, workbook: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.render import files

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(files, "write_atomic", full)  # the HTML output's assets, before any report
    survey = workbook([leader_row("A B", "a@example.dk", 3)])
    code, output = run("build", str(survey), "-o", str(tmp_path / "out"), "--format", "html", "-j", "1")
    assert code == 2 and "Internal error" not in output
    assert re.search(
        r"^Error: report-(da|en)\.css: The disk is full: reportgen could not write more files", output, re.M
    )


def test_an_error_paragraph_shows_escapes_from_a_file_name_too(tmp_path: Path) -> None:
    path = tmp_path / "x\x1b[2J.xls"
    path.write_bytes(b"old")
    code, output = run("check", str(path))
    assert code == 2 and "x\\x1b[2J.xls: The file cannot be read as a spreadsheet" in output and "\x1b" not in output


def only_stages_then_one_error(output: str) -> bool:
    """The output is build's stage lines ("Reading …", "Preparing …", "Rendering …"), then one error paragraph."""
    *before, last = output.splitlines()
    stages = ("Reading ", "Preparing ", "Rendering ")
    return last.startswith("Error: ") and all(line.startswith(stages) and "Error" not in line for line in before)
