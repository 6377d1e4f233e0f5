"""`send` mails a report only to the address it was built for, and one refusing mailbox never blocks the rest.

Real SMTP on 127.0.0.1 (the harness of test_send_faults), real `reportgen send` processes where
the fault is between processes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.output.manifest import MANIFEST, read_manifest
from reportgen.output.writer import csv_safe, csv_unsafe

from . import test_send_faults as harness
from .test_send_faults import FakeClock, Faulty, _build, send

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
