"""`send` mails a report only to the address it was built for, and one refusing mailbox never blocks the rest.

Real SMTP on 127.0.0.1 (the harness of test_send_faults), real `reportgen send` processes where
the fault is between processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reportgen import config
from reportgen.delivery.log import DELIVERY, PREVIOUS
from reportgen.output.lock import LOCK
from reportgen.output.manifest import MANIFEST, read_manifest
from reportgen.output.writer import csv_safe, csv_unsafe

from ..conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx
from . import test_send_faults as harness
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


@dataclass
class FullMailbox(Faulty):
    """A server on which some mailboxes are full: 452 on every RCPT to them."""

    full: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.full:
            return "452 4.2.2 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_full_mailbox_is_tried_again_at_the_end_then_failed_and_everyone_else_is_mailed(
    reports: Path, clock: FakeClock
) -> None:
    handler = FullMailbox()
    handler.full = {LEADERS[0][1]}  # the first in the queue: every leader after it waited before
    controller, port = harness._start(handler)
    try:
        result = send(reports, port, "--send")
    finally:
        controller.stop()
    assert result.exit_code == 1, result.output
    assert handler.received() == sorted(email for _, email in LEADERS[1:])  # everyone else, in the same run
    assert f"failed   {LEADERS[0][1]}" in result.output and "452 4.2.2 mailbox full" in result.output
    assert "left for the next run" not in result.output
    statuses = [line.split(",")[1] for line in harness.log_lines(reports) if LEADERS[0][1] in line]
    assert statuses == ["failed"]  # refused before the message: nothing may have gone, the next run tries again
    again_handler = Faulty()
    controller, port = harness._start(again_handler)
    try:
        again = send(reports, port, "--send")
    finally:
        controller.stop()
    assert again.exit_code == 0 and again_handler.received() == [LEADERS[0][1]]


def test_a_full_mailbox_waits_once_per_run_within_the_retry_delays(
    reports: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config, "RETRY_DELAYS", (5.0, 30.0, 120.0))
    handler = FullMailbox()
    handler.full = {email for _, email in LEADERS[:2]}  # two full mailboxes: still one wait, not two
    controller, port = harness._start(handler)
    try:
        result = send(reports, port, "--send")
    finally:
        controller.stop()
    assert result.exit_code == 1 and handler.received() == [LEADERS[2][1]]
    waits = [seconds for seconds in clock.slept if seconds > 1]
    assert waits == [5.0, 30.0, 120.0]  # on the fake clock: the retry delays once, for both


# --- delivery.csv heals ----------------------------------------------------------------------------


def test_a_last_line_cut_before_it_names_anyone_is_set_aside_and_the_send_goes_on(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    assert send(reports, port, "--send", "--daily-cap", "2").exit_code == 1  # two sent, the third left
    with (reports / DELIVERY).open("ab") as log:
        log.write(b"2026-12-06T10:00:00+00:00;sending;Lars Ni")  # the disk was full: its intent never finished
    number = len((reports / DELIVERY).read_bytes().splitlines())
    result = send(reports, port, "--send")
    assert result.exit_code == 0, result.output
    assert f"Note: line {number} of delivery.csv is cut short before it names a leader" in result.output
    assert "2 already sent" in result.output
    assert handler.received() == sorted(email for _, email in LEADERS)  # each once: nobody twice, nobody never


def test_a_log_saved_by_danish_excel_is_read(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    assert send(reports, port, "--send").exit_code == 0
    path = reports / DELIVERY
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("time;status;")  # written in the manifest's dialect: a Danish build's, for Danish Excel
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))  # as Excel saves "CSV (semicolon)"
    again = send(reports, port, "--send")
    assert again.exit_code == 0, again.output
    assert "3 already sent" in again.output and len(handler.messages) == 3  # nobody mailed twice


def test_the_log_before_a_run_is_kept_beside_it(reports: Path, server: tuple[Faulty, int]) -> None:
    _, port = server
    assert send(reports, port, "--send", "--daily-cap", "2").exit_code == 1
    before = (reports / DELIVERY).read_bytes()
    assert send(reports, port, "--send").exit_code == 0
    assert (reports / PREVIOUS).read_bytes() == before and (reports / DELIVERY).read_bytes() != before
