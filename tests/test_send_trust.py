"""`send` mails a report only to the address it was built for, and one refusing mailbox never blocks the rest.

Real SMTP on 127.0.0.1 (the harness of test_send_faults), real `reportgen send` processes where
the fault is between processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.output.lock import LOCK
from reportgen.output.manifest import MANIFEST, read_manifest
from reportgen.output.writer import csv_safe, csv_unsafe

from . import test_send_faults as harness
from .conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx
from .test_send_faults import LEADERS, FakeClock, Faulty, _build, send

# The harness's fixtures, used here as they are.
server, clock, built, reports = harness.server, harness.clock, harness.built, harness.reports


def _edit_manifest(folder: Path, old: str, new: str) -> None:
    path = folder / MANIFEST
    path.write_text(path.read_text(encoding="utf-8-sig").replace(old, new), encoding="utf-8-sig")


def test_an_address_fixed_by_hand_in_the_manifest_cannot_redirect_a_report(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    _edit_manifest(reports, "lars@example.com", "soren@example.dk")  # Lars's report "fixed" to Søren's address
    result = send(reports, port, "--send")
    assert result.exit_code == 1, result.output
    assert handler.received() == ["aase@example.dk", "soren@example.dk"]  # Søren gets his own report, once
    [(_, message)] = [(rcpt, m) for rcpt, m in handler.messages if rcpt == "soren@example.dk"]
    assert "soren" in str(message.get_payload()[1].get_filename())  # type: ignore[index]
    assert "was built for lars@example.com, but manifest.csv now says soren@example.dk" in result.output


def test_the_formula_guard_never_changes_a_value_read_back() -> None:
    for value in ("'-bo@example.dk", "-bo@example.dk", "=1+1", "''=x", "'", "plain", "'quoted'", "@home"):
        assert csv_unsafe(csv_safe(value)) == value


def test_an_address_starting_with_a_quote_is_mailed_as_it_is(
    tmp_path: Path, server: tuple[Faulty, int], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = server
    monkeypatch.chdir(tmp_path)
    folder = _build(tmp_path, [("Bo Berg", "'-bo@example.dk"), ("Lars Nielsen", "lars@example.com")])
    assert [row.email for row in read_manifest(folder) or []] == ["'-bo@example.dk", "lars@example.com"]
    result = send(folder, port, "--send")
    assert result.exit_code == 0, result.output
    assert handler.received() == ["'-bo@example.dk", "lars@example.com"]  # never "-bo@example.dk"


def test_a_late_answer_at_the_top_re_renders_and_sends_only_the_new_leader(
    tmp_path: Path, server: tuple[Faulty, int], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = server
    monkeypatch.chdir(tmp_path)
    folder = _build(tmp_path, LEADERS)
    names = sorted(row.pdf for row in read_manifest(folder) or [])
    assert send(folder, port, "--send").exit_code == 0
    late = [leader_row("Karen Sen", "karen@example.dk", 4)]
    rows = [leader_row(name, email, 3 + n % 2) for n, (name, email) in enumerate(LEADERS)]
    write_xlsx(tmp_path / "survey.xlsx", [IDENTITY + item_headers(), *late, *rows])  # every row one further down
    again = invoke(["build", str(tmp_path / "survey.xlsx"), "-o", str(folder), "--jobs", "1", "--date", "2026-11-27"])
    assert again.exit_code == 0, again.output
    assert "3 unchanged since the last run" in again.output and "kept:" not in again.output
    assert all(name in {row.pdf for row in read_manifest(folder) or []} for name in names)  # the same file names
    result = send(folder, port, "--send")
    assert result.exit_code == 0, result.output
    assert "3 already sent" in result.output and " 0 changed" in result.output
    assert handler.received() == sorted([*(email for _, email in LEADERS), "karen@example.dk"])  # each once


def test_deleting_the_lock_file_during_a_send_does_not_let_a_second_send_start(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.hold = {LEADERS[0][1]}  # the first run is inside its first message
    first = harness.process(reports, port, "--send")
    try:
        assert handler.accepted.wait(harness.WAIT)
        (reports / LOCK).unlink()  # deleted away, as a facilitator tidying the folder might
        second = harness.process(reports, port, "--send")
        out, err = second.communicate(timeout=harness.WAIT)
        assert second.returncode == 2, out + err
        assert f"pid {first.pid}" in err
        handler.release.set()
        out, err = first.communicate(timeout=harness.WAIT)
        assert first.returncode == 0, out + err
    finally:
        harness.finish(first)
    assert handler.received() == sorted(email for _, email in LEADERS)  # exactly one each
