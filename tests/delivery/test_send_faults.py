"""`send` under faults: a server that stores and drops, answers late, refuses; two runs at once; kill -9; a damaged log.

A real SMTP server on 127.0.0.1 (aiosmtpd) with handlers that misbehave on cue, real
`reportgen send --send` processes where the fault is between processes, and never a real
sleep in send's pacing or retries: the clock is a fake one, the retry delays are zeros.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import Result

from reportgen import config
from reportgen.config import Settings
from reportgen.delivery import send as send_module
from reportgen.delivery.log import DELIVERY
from reportgen.output.manifest import MANIFEST, MANIFEST_COLUMNS
from reportgen.pipeline.build import build

from ..conftest import IDENTITY, FakeClock, invoke, item_headers, leader_row, write_xlsx

LEADERS = [
    ("Søren Østergaard", "soren@example.dk"),
    ("Åse Bræmer", "aase@example.dk"),
    ("Lars Nielsen", "lars@example.com"),
]
# Two addresses beyond ASCII, each in a build of its own: a Danish letter before the @ (SMTPUTF8) and after it (IDNA).
INTERNATIONAL = [
    ("Søren Østergaard", "søren@eksempel.dk"),
    ("Bo Bøgh", "bo@bøger.dk"),
    ("Lars Nielsen", "lars@example.com"),
]
SENDER = "Workshop <workshop@example.dk>"
WAIT = 30.0  # the longest a test waits for a process or the server; reached only when something is broken


@dataclass
class Faulty:
    """An SMTP handler that stores what it is sent and misbehaves on cue, per recipient (as on the envelope)."""

    messages: list[tuple[str, EmailMessage]] = field(default_factory=list)
    raw: dict[str, bytes] = field(default_factory=dict)  # the last message to each recipient, as it came
    mail_replies: list[str] = field(default_factory=list)  # answers to MAIL FROM, one each, before accepting
    data_replies: dict[str, list[str]] = field(default_factory=dict)  # answers to a DATA, before accepting
    refuse_data: dict[str, str] = field(default_factory=dict)  # always this answer to the message, not stored
    drop: set[str] = field(default_factory=set)  # store the message, then drop the connection unanswered
    hold: set[str] = field(default_factory=set)  # store the first message, say so, answer only once released
    accepted: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        [rcpt] = envelope.rcpt_tos
        if self.data_replies.get(rcpt):
            return self.data_replies[rcpt].pop(0)
        if rcpt in self.refuse_data:
            return self.refuse_data[rcpt]
        self.messages.append((rcpt, BytesParser(policy=policy.default).parsebytes(envelope.content)))  # type: ignore[arg-type]
        self.raw[rcpt] = envelope.original_content
        if rcpt in self.drop:
            server.transport.close()  # stored, and the client never hears so
            return "250 OK"
        if rcpt in self.hold:
            self.hold.discard(rcpt)  # once: a second message to them (a bug) is stored and answered at once
            self.accepted.set()
            deadline = time.monotonic() + WAIT
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        return f"250 OK queued as {len(self.messages)}"

    def received(self) -> list[str]:
        return sorted(rcpt for rcpt, _ in self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(handler: Faulty, smtputf8: bool = True) -> tuple[Controller, int]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return controller, port


@pytest.fixture
def server() -> Iterator[tuple[Faulty, int]]:
    handler = Faulty()
    controller, port = _start(handler)
    yield handler, port
    handler.release.set()
    controller.stop()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The CLI's SystemClock replaced: pacing and retries never really sleep."""
    fake = FakeClock()
    monkeypatch.setattr(send_module.SystemClock, "monotonic", lambda self: fake.monotonic())
    monkeypatch.setattr(send_module.SystemClock, "sleep", lambda self, seconds: fake.sleep(seconds))
    monkeypatch.setattr(config, "RETRY_DELAYS", (0.0, 0.0))
    return fake


def _build(folder: Path, leaders: list[tuple[str, str]]) -> Path:
    rows = [leader_row(name, email, 3 + n % 2) for n, (name, email) in enumerate(leaders)]
    survey = write_xlsx(folder / "survey.xlsx", [IDENTITY + item_headers(), *rows])
    build(Settings(survey=survey, output_dir=folder / "reports", report_date=date(2026, 11, 27), jobs=1))
    return folder / "reports"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three leaders' reports, built once; each test sends from its own copy."""
    return _build(tmp_path_factory.mktemp("faults"), LEADERS)


@pytest.fixture
def reports(built: Path, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no reportgen.toml of the developer's
    return Path(shutil.copytree(built, tmp_path / "reports"))


@pytest.fixture(scope="module")
def built_international(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("international"), INTERNATIONAL)


@pytest.fixture
def international(built_international: Path, tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(built_international, tmp_path / "reports"))


def arguments(folder: Path, port: int, *options: str) -> list[str]:
    return ["send", str(folder), "--from", SENDER, "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
            "--smtp-security", "none", "--rate", "600", *options]  # fmt: skip


def send(folder: Path, port: int, *options: str) -> Result:
    return invoke(arguments(folder, port, *options))


# A real `reportgen send` process, with the fake clock of the `clock` fixture: nothing in it really sleeps.
PROCESS = (
    "import sys\n"
    "from reportgen import config\n"
    "from reportgen.delivery import send\n"
    "config.RETRY_DELAYS = (0.0, 0.0)\n"
    "send.SystemClock.sleep = lambda self, seconds: None\n"
    "from reportgen.cli import main\n"
    "main(sys.argv[1:], prog_name='reportgen')\n"
)


def process(folder: Path, port: int, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PROCESS, *arguments(folder, port, *options)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder.parent,
    )  # fmt: skip


def finish(running: subprocess.Popen[str]) -> tuple[str, str]:
    """What the process wrote, once it has ended (killed if it has not), its pipes closed."""
    if running.poll() is None:
        running.kill()
    return running.communicate(timeout=WAIT)


def log_lines(folder: Path) -> list[str]:
    """delivery.csv's lines, in the comma dialect whichever it is written in (a Danish build's is ";")."""
    text = (folder / DELIVERY).read_text(encoding="utf-8-sig")
    if not text.startswith("time;"):
        return text.splitlines()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv.reader(io.StringIO(text), delimiter=";"))
    return out.getvalue().splitlines()


# --- the server took the message, the client never heard --------------------------------------


def test_a_server_that_stores_and_drops_leaves_the_message_unknown_and_it_is_never_sent_twice(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.drop = {"lars@example.com"}
    first = send(reports, port, "--send")
    assert first.exit_code == 1, first.output
    assert handler.received() == sorted(email for _, email in LEADERS)  # each once: no retry
    assert "unknown  lars@example.com" in first.output and "check your Sent folder" in first.output
    assert "--resend lars@example.com" in first.output and "--mark-sent lars@example.com" in first.output
    intent, outcome = [line for line in log_lines(reports) if "lars@example.com" in line]
    message_id = str(dict(handler.messages)["lars@example.com"]["Message-ID"])
    assert ",sending," in intent and message_id in intent  # the intent, with the Message-ID, before DATA
    assert ",unknown," in outcome and "connection was lost before the server's answer" in outcome
    again = send(reports, port, "--send")
    assert again.exit_code == 1 and "unknown  lars@example.com" in again.output
    assert len(handler.messages) == 3  # nothing sent, to Lars or anyone
    # The facilitator finds it in the Sent folder: marked, it is never sent, and nothing is left open.
    marked = send(reports, port, "--send", "--mark-sent", "LARS@example.com")
    assert marked.exit_code == 0, marked.output
    assert "marked   lars@example.com" in marked.output and len(handler.messages) == 3
    after = send(reports, port, "--send")
    assert after.exit_code == 0 and "3 already sent" in after.output and len(handler.messages) == 3


def test_a_resend_of_an_unknown_message_carries_the_same_message_id(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.drop = {"lars@example.com"}
    assert send(reports, port, "--send").exit_code == 1
    handler.drop = set()
    resent = send(reports, port, "--send", "--resend", "lars@example.com")
    assert resent.exit_code == 0, resent.output
    first, second = [m for rcpt, m in handler.messages if rcpt == "lars@example.com"]
    assert first["Message-ID"] == second["Message-ID"]  # the leader's mail program sees the same message
    assert str(first["Message-ID"]).startswith("<reportgen.") and str(first["Message-ID"]).endswith("@example.dk>")


def test_an_answer_after_the_clients_timeout_is_unknown_and_the_rest_go_on(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.hold = {"aase@example.dk"}  # released only after the run: its answer comes too late
    result = send(reports, port, "--send", "--smtp-timeout", "0.3")
    handler.release.set()
    assert result.exit_code == 1, result.output
    assert "unknown  aase@example.dk" in result.output and "timed out" in result.output
    assert handler.received() == sorted(email for _, email in LEADERS)  # Bo's once, not retried
    again = send(reports, port, "--send")
    assert "unknown  aase@example.dk" in again.output and len(handler.messages) == 3


def test_a_server_that_answers_no_one_stops_the_run_after_two(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.drop = {email for _, email in LEADERS}
    result = send(reports, port, "--send")
    assert result.exit_code == 1 and "answer was lost for 2 messages in a row" in result.output
    assert handler.received() == ["aase@example.dk", "soren@example.dk"]  # not a third into the void
    assert "not sent lars@example.com" in result.output and result.output.count("unknown  ") == 2
    handler.drop = set()
    rerun = send(reports, port, "--send")
    assert handler.received() == sorted(email for _, email in LEADERS) and rerun.output.count("unknown  ") == 2


def test_a_log_from_before_message_ids_is_read_and_appended_to_as_it_is(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    assert send(reports, port, "--send", "--daily-cap", "2").exit_code == 1
    path = reports / DELIVERY
    earlier = [line.split(",") for line in log_lines(reports) if ",sending," not in line]
    path.write_text("".join(",".join(c[:7] + c[8:]) + "\n" for c in earlier), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("time,status,name,email,sent_to,pdf,sha256,smtp_response\n")
    rerun = send(reports, port, "--send")
    assert rerun.exit_code == 0 and "2 already sent" in rerun.output
    assert handler.received() == sorted(email for _, email in LEADERS)
    assert all(len(line.split(",")) == 8 for line in log_lines(reports))  # its own columns kept


def test_ctrl_c_while_a_message_is_on_its_way_leaves_it_unknown(
    reports: Path, server: tuple[Faulty, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = server
    logged = send_module.record

    def record_then_interrupt(folder: Path, letter: Any, status: str, *rest: Any) -> None:
        logged(folder, letter, status, *rest)
        if status == "sending" and letter.email == "aase@example.dk":
            raise KeyboardInterrupt  # Ctrl-C just after the intent is on disk

    monkeypatch.setattr(send_module, "record", record_then_interrupt)
    result = send(reports, port, "--send")
    assert result.exit_code == 130 and "unknown  aase@example.dk" in result.output
    assert "not sent lars@example.com" in result.output and "not sent aase" not in result.output
    statuses = [line.split(",")[1] for line in log_lines(reports) if "aase@example.dk" in line]
    assert statuses == ["sending", "unknown"]
    monkeypatch.setattr(send_module, "record", logged)
    rerun = send(reports, port, "--send")
    assert "unknown  aase@example.dk" in rerun.output
    assert "aase@example.dk" not in handler.received()  # here the message never left; the rerun can't know


# --- the server refused: 421, 452, 550 -----------------------------------------------------------


def test_a_452_after_the_message_is_retried_and_sent_once(
    reports: Path, server: tuple[Faulty, int], clock: FakeClock
) -> None:
    handler, port = server
    handler.data_replies = {"lars@example.com": ["452 4.3.1 insufficient system storage"]}
    result = send(reports, port, "--send")
    assert result.exit_code == 0, result.output
    assert handler.received() == sorted(email for _, email in LEADERS)
    statuses = [line.split(",")[1] for line in log_lines(reports) if "lars@example.com" in line]
    assert statuses == ["sending", "deferred", "sending", "sent"]
    assert max(clock.slept) == pytest.approx(0.1)  # paced at --rate 600 and retried at once, on the fake clock


def test_a_421_at_the_start_of_a_message_is_retried_then_the_run_stops_and_a_rerun_finishes(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.mail_replies = ["421 4.3.2 service shutting down"] * 3  # the first message, and both retries
    first = send(reports, port, "--send")
    assert first.exit_code == 1 and "could not be reached: 421" in first.output
    assert not handler.messages and not (reports / DELIVERY).exists()  # refused before DATA: no intent logged
    second = send(reports, port, "--send")
    assert second.exit_code == 0, second.output
    assert handler.received() == sorted(email for _, email in LEADERS)


def test_a_550_for_the_message_fails_that_leader_alone(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    handler.refuse_data = {"lars@example.com": "550 5.7.1 message content rejected"}
    result = send(reports, port, "--send")
    assert result.exit_code == 1 and "failed   lars@example.com" in result.output and "550 5.7.1" in result.output
    assert handler.received() == ["aase@example.dk", "soren@example.dk"]
    statuses = [line.split(",")[1] for line in log_lines(reports) if "lars@example.com" in line]
    assert statuses == ["sending", "failed"]  # refused once, not retried


# --- addresses beyond ASCII ----------------------------------------------------------------------


def test_addresses_beyond_ascii_go_out_with_idna_and_smtputf8(international: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    result = send(international, port, "--send")
    assert result.exit_code == 0, result.output
    assert handler.received() == sorted(["søren@eksempel.dk", "bo@xn--bger-gra.dk", "lars@example.com"])
    assert '\r\nTo: "Søren Østergaard" <søren@eksempel.dk>\r\n'.encode() in handler.raw["søren@eksempel.dk"]
    assert b"<bo@xn--bger-gra.dk>\r\n" in handler.raw["bo@xn--bger-gra.dk"]


def test_without_smtputf8_only_that_one_letter_is_not_sendable(international: Path) -> None:
    handler = Faulty()
    controller, port = _start(handler, smtputf8=False)
    try:
        result = send(international, port, "--send")
    finally:
        controller.stop()
    assert result.exit_code == 1
    assert "failed   søren@eksempel.dk" in result.output and "does not offer SMTPUTF8" in result.output
    assert handler.received() == sorted(["bo@xn--bger-gra.dk", "lars@example.com"])  # the rest went on


def test_drafts_keep_addresses_beyond_ascii_as_they_are(international: Path, tmp_path: Path) -> None:
    result = invoke(["send", str(international), "--from", SENDER, "--eml", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    drafts = {draft.stem.rsplit("-", 1)[0]: draft for draft in (tmp_path / "d").glob("*.eml")}
    soren, bo = (drafts[slug].read_bytes().split(b"\n\n")[0].decode() for slug in ("soren-ostergaard", "bo-bogh"))
    assert '\nTo: "Søren Østergaard" <søren@eksempel.dk>\n' in soren
    assert "<bo@xn--bger-gra.dk>" in bo and "?utf-8?" not in soren.split("\nTo:")[1].split("\n")[0]


# --- two runs at once, kill -9 ------------------------------------------------------------------


def test_two_sends_at_once_mail_each_leader_once_and_the_second_names_the_first(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.hold = {LEADERS[0][1]}  # the first run is inside its first message
    first = process(reports, port, "--send")
    try:
        assert handler.accepted.wait(WAIT), first.stderr.read() if first.poll() is not None else "no message"
        second = process(reports, port, "--send")
        out, err = second.communicate(timeout=WAIT)
        assert second.returncode == 2, out + err
        assert f"pid {first.pid}" in err and "`reportgen send --send`" in err and "since 20" in err
        handler.release.set()
        out, err = first.communicate(timeout=WAIT)
        assert first.returncode == 0, out + err
    finally:
        finish(first)
    assert handler.received() == sorted(email for _, email in LEADERS)  # exactly one each


def test_a_build_into_a_folder_in_use_stops_naming_the_holder(
    reports: Path, tmp_path: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    handler.hold = {LEADERS[0][1]}
    holder = process(reports, port, "--send")
    try:
        assert handler.accepted.wait(WAIT)
        manifest = (reports / MANIFEST).read_bytes()
        survey = write_xlsx(tmp_path / "other.xlsx", [IDENTITY + item_headers(), leader_row("Ny Leder", "ny@x.dk", 2)])
        result = invoke(["build", str(survey), "-o", str(reports), "--jobs", "1", "-q"])
        assert result.exit_code == 2 and f"pid {holder.pid}" in result.output, result.output
        assert (reports / MANIFEST).read_bytes() == manifest and not list(reports.glob("*ny-leder*"))
        handler.release.set()
        assert holder.wait(WAIT) == 0
    finally:
        finish(holder)


def test_two_builds_at_once_the_second_stops(reports: Path, tmp_path: Path) -> None:
    # A real process holds the lock as a build does, for as long as the test needs.
    hold = (
        "import sys\nfrom pathlib import Path\nfrom reportgen.output.lock import folder_lock\n"
        "with folder_lock(Path(sys.argv[1]), 'reportgen build'):\n    print('held', flush=True)\n    sys.stdin.read()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", hold, str(reports)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        survey = write_xlsx(tmp_path / "other.xlsx", [IDENTITY + item_headers(), leader_row("Ny Leder", "ny@x.dk", 2)])
        result = invoke(["build", str(survey), "-o", str(reports), "--jobs", "1", "-q"])
        assert result.exit_code == 2, result.output
        assert f"pid {holder.pid}" in result.output and "`reportgen build`" in result.output
        assert "Traceback" not in result.output and not list(reports.glob("*ny-leder*"))
    finally:
        holder.communicate(b"", timeout=WAIT)
    # Once it is gone, the folder is free again.
    assert invoke(["send", str(reports), "--from", SENDER]).exit_code == 0


def test_kill_9_after_the_server_accepted_leaves_it_unknown_and_the_rerun_sends_it_nothing(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    victim = LEADERS[0][1]
    handler.hold = {victim}  # stored; the answer waits until the process is dead
    running = process(reports, port, "--send")
    try:
        assert handler.accepted.wait(WAIT)
        os.kill(running.pid, signal.SIGKILL)
        assert running.wait(WAIT) == -signal.SIGKILL
    finally:
        finish(running)
        handler.release.set()
    rerun = send(reports, port, "--send")
    assert rerun.exit_code == 1, rerun.output
    assert f"unknown  {victim}" in rerun.output and "check your Sent folder" in rerun.output
    assert handler.received() == sorted(email for _, email in LEADERS)  # the victim's once


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A server that greets every connection with 421 and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            connection, _ = listener.accept()
            with connection:
                connection.sendall(b"421 4.3.2 too busy, try later\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    socket.create_connection(listener.getsockname()).close()  # wake it
    thread.join(WAIT)
    listener.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize("there", ["nothing", "busy_port", "silent_port"])  # nothing; a 421 greeting; silence
def test_an_unreachable_server_stops_at_once_with_one_paragraph(
    reports: Path, clock: FakeClock, there: str, request: pytest.FixtureRequest
) -> None:
    port = _free_port() if there == "nothing" else request.getfixturevalue(there)
    result = send(reports, port, "--send", "--smtp-timeout", "0.3")
    assert result.exit_code == 2
    [paragraph] = result.output.strip().splitlines()
    assert paragraph.startswith("Error: The SMTP server cannot be reached") and "Nothing was sent" in paragraph
    assert "--smtp-host (127.0.0.1)" in paragraph and not any(clock.slept)  # no retries, no waiting
    assert not (reports / DELIVERY).exists()


# --- a damaged delivery.csv or manifest.csv -------------------------------------------------------


def test_a_last_line_cut_in_half_is_unknown_for_its_leader_never_not_sent(
    reports: Path, server: tuple[Faulty, int]
) -> None:
    handler, port = server
    assert send(reports, port, "--send").exit_code == 0
    path = reports / DELIVERY
    data = path.read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    assert b";sent;" in last and b"lars@example.com" in last
    kept = last[: len(last) - len(last) // 3]  # the crash came in the middle of the last line
    path.write_bytes(data[: len(data) - len(last) - 1] + kept)
    number = len(data.splitlines())
    again = send(reports, port, "--send")
    assert again.exit_code == 1, again.output
    assert "unknown  lars@example.com" in again.output and f"line {number} of delivery.csv" in again.output
    assert "cut short" in again.output and len(handler.messages) == 3  # nothing sent again
    # A line written after it starts a line of its own: the cut one stays damaged, the new one whole.
    marked = send(reports, port, "--send", "--mark-sent", "lars@example.com")
    assert marked.exit_code == 0, marked.output
    lines = (reports / DELIVERY).read_text(encoding="utf-8").splitlines()
    assert len(lines) == number + 1 and ";marked;" in lines[-1] and lines[-2] == kept.decode()
    assert send(reports, port, "--send").exit_code == 0 and len(handler.messages) == 3


@pytest.mark.parametrize(
    "damaged",
    ['"Søren Østergaard', 'Søren "Østergaard'],  # a quote opened and never closed; one inside a cell
)
def test_a_stray_quote_damages_its_own_line_only(reports: Path, server: tuple[Faulty, int], damaged: str) -> None:
    handler, port = server
    assert send(reports, port, "--send").exit_code == 0
    path = reports / DELIVERY
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, start=1) if ";sent;" in line and "soren@" in line)
    lines[number - 1] = lines[number - 1].replace("Søren Østergaard", damaged)
    assert damaged in lines[number - 1]
    path.write_text("".join(lines), encoding="utf-8")
    again = send(reports, port, "--send")
    assert again.exit_code == 1, again.output
    assert "unknown  soren@example.dk" in again.output and f"line {number} of delivery.csv" in again.output
    assert "2 already sent" in again.output and len(handler.messages) == 3  # the lines after it still count


def test_a_damaged_line_that_names_no_leader_stops_before_sending(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    assert send(reports, port, "--send", "--to-me", "me@example.dk", "--all").exit_code == 0  # a test: nobody sent
    with (reports / DELIVERY).open("a", encoding="utf-8") as log:
        log.write("2026-12-01T10:00:00+00:00;sen\n")  # a whole line, not reportgen's, that names no one
    result = send(reports, port, "--send")
    assert result.exit_code == 2 and "Internal error" not in result.output
    lines = len((reports / DELIVERY).read_text(encoding="utf-8").splitlines())
    assert f"line {lines} (it has 2 fields instead of 9)" in result.output and "sends nothing" in result.output
    assert len(handler.messages) == 3  # the three test messages only


def test_a_log_whose_header_is_not_reportgens_stops(reports: Path, server: tuple[Faulty, int]) -> None:
    handler, port = server
    assert send(reports, port, "--send").exit_code == 0
    path = reports / DELIVERY
    path.write_text(path.read_text(encoding="utf-8-sig").replace("time;status", "Tid;Status"), encoding="utf-8")
    result = send(reports, port, "--send")
    assert result.exit_code == 2 and "delivery.csv: Line 1 of the delivery log" in result.output
    assert "delivery.previous.csv" in result.output and len(handler.messages) == 3


CUT_SHORT = f"{len(MANIFEST_COLUMNS) - 2} fields instead of {len(MANIFEST_COLUMNS)}"  # the last two cut off


def _quote_opened(lines: list[str], sep: str) -> None:
    lines[2] = lines[2].replace(sep, f'{sep}"', 1)


def _row_number_spoilt(lines: list[str], sep: str) -> None:
    lines[1] = "x" + lines[1]


def _cut_short(lines: list[str], sep: str) -> None:
    lines[3] = lines[3].rsplit(sep, 2)[0] + lines[3][len(lines[3].rstrip("\r\n")) :]


@pytest.mark.parametrize(
    ("damage", "line", "why"),
    [
        (_quote_opened, 3, "unexpected end of data"),
        (_row_number_spoilt, 2, "is not a row number"),
        (_cut_short, 4, CUT_SHORT),
    ],
)
def test_a_damaged_manifest_is_a_clear_error_with_its_line(reports: Path, damage: Any, line: int, why: str) -> None:
    path = reports / MANIFEST
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    damage(lines, ";" if text.lstrip("\ufeff").startswith("source_row;") else ",")  # in the manifest's own dialect
    path.write_text("".join(lines), encoding="utf-8")
    result = invoke(["send", str(reports), "--from", SENDER])
    assert result.exit_code == 2 and "Internal error" not in result.output
    assert f"manifest.csv: The manifest cannot be read: line {line} is damaged" in result.output
    assert why in result.output
