"""The workshop as one folder, walked through as a facilitator would, in real processes.

A workshop of 8 invited leaders, 6 of whom answer: new, build, status, send to an SMTP server on
127.0.0.1, status, remind (dry run, --eml, --send), remind again the same day, a late answer,
build, send, status, print. Rendering is the slow part: one walk-through builds 6 + 1 reports.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from ..conftest import IDENTITY, item_headers, leader_row, pdf_text, write_xlsx
from ..delivery.test_send import Mailbox, _free_port
from ..delivery.test_send_faults import Faulty, _start

INVITED = [
    ("Anne Andersen", "anne@example.dk"),
    ("Bo Berg", "bo@example.dk"),
    ("Carl Clausen", "carl@example.dk"),
    ("Dorte Dahl", "dorte@example.dk"),
    ("Erik Eriksen", "erik@example.dk"),
    ("Frida Fog", "frida@example.dk"),
    ("Gustav Gram", "gustav@example.dk"),
    ("Hanne Holm", "hanne@example.dk"),
]
ANSWERED = INVITED[:6]
LATE = INVITED[6]
SENDER = "Mette Facilitator <mette@example.dk>"
LINK = "https://forms.example.com/gps-vejle"


def reportgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`reportgen ARGS` as its own process, as a facilitator runs it."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("REPORTGEN_SMTP_PASSWORD", None)
    return subprocess.run(
        [sys.executable, "-m", "reportgen", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def export(path: Path, leaders: list[tuple[str, str]]) -> Path:
    rows = [
        leader_row(name, email, 2 + n % 4, submitted=f"2026-12-0{1 + n % 5} 10:00")
        for n, (name, email) in enumerate(leaders)
    ]
    return write_xlsx(path, [IDENTITY + item_headers(), *rows])


def status_json(folder: Path) -> dict[str, dict[str, Any]]:
    done = reportgen("status", str(folder), "--format", "json", cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    return {leader["email"]: leader for leader in json.loads(done.stdout)}


def messages_to(mailbox: Mailbox) -> list[str]:
    return [rcpts[0] for rcpts, _ in mailbox.messages]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workshop folder made by `new`, with 8 invited and the 6 answers built once; tests copy it."""
    root = tmp_path_factory.mktemp("workshop")
    folder = root / "vejle"
    made = reportgen(
        "new",
        str(folder),
        "--name",
        "Ledelse i Vejle",
        "--date",
        "2026-12-10",
        "--place",
        "Vejle",
        "--facilitator",
        "Mette",
        "--contact",
        "mette@example.dk",
        "--from",
        SENDER,
        "--survey-link",
        LINK,
        "--deadline",
        "2026-12-08",
        cwd=root,
    )
    assert made.returncode == 0, made.stderr
    write_xlsx(folder / "invited.xlsx", [["Navn", "E-mail"], *[[name, email] for name, email in INVITED]])
    survey = export(root / "survey.xlsx", ANSWERED)
    built = reportgen("build", str(survey), "-o", str(folder), "-j", "1", cwd=root)
    assert built.returncode == 0, built.stderr + built.stdout
    (root / "build.out").write_text(built.stdout, encoding="utf-8")
    return root


def test_build_lists_who_has_not_answered_and_says_where_the_cover_date_came_from(workshop: Path) -> None:
    output = (workshop / "build.out").read_text(encoding="utf-8")
    assert "Invited (invited.xlsx): 8 leaders, 2 not answered" in output
    assert [line.split()[2] for line in output.splitlines() if "not answered  " in line] == [
        "gustav@example.dk",
        "hanne@example.dk",
    ]
    assert "Cover date 2026-12-10, from the workshop's date in reportgen.toml." in output
    text = pdf_text(next((workshop / "vejle").glob("*anne*.pdf")))
    # The cover's date and workshop, and the action plan page's facilitator and contact, from [workshop].
    assert "10. december 2026" in text and "Ledelse i Vejle" in text
    assert "Facilitator: Mette" in text and "mette@example.dk" in text


@pytest.fixture
def copy(workshop: Path, tmp_path: Path) -> Path:
    """A copy of the built workshop for one test: tmp_path/vejle, and tmp_path/survey.xlsx."""
    shutil.copytree(workshop, tmp_path, dirs_exist_ok=True)
    return tmp_path / "vejle"


def test_a_workshop_from_invitation_to_print(copy: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    folder, tmp_path = copy, copy.parent
    survey = tmp_path / "survey.xlsx"
    before = status_json(folder)
    assert len(before) == 8
    assert [e for e, s in before.items() if not s["answered"]] == ["gustav@example.dk", "hanne@example.dk"]
    assert all(s["invited"] and s["mailed"] == "none" for s in before.values())
    assert {s["report"] for e, s in before.items() if s["answered"]} == {"rendered"}
    assert (before["anne@example.dk"]["row"], before["anne@example.dk"]["answered_at"]) == (2, "2026-12-01 10:00")

    mail = ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--rate", "600"]
    sent = reportgen("send", str(folder), *mail, "--send", cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr + sent.stdout
    assert sorted(messages_to(mailbox)) == sorted(email for _, email in ANSWERED)
    assert all(m["From"].addresses[0].addr_spec == "mette@example.dk" for _, m in mailbox.messages)
    after = status_json(folder)
    assert [after[e]["mailed"] for _, e in INVITED] == ["sent"] * 6 + ["none"] * 2

    _remind(folder, tmp_path, mail, mailbox)

    export(survey, [*ANSWERED, LATE])  # Gustav answers late
    rebuilt = reportgen("build", str(survey), "-o", str(folder), "-j", "1", cwd=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr + rebuilt.stdout
    assert "7 rendered (6 unchanged since the last run, not rendered again)" in rebuilt.stdout
    again = reportgen("send", str(folder), *mail, "--send", cwd=tmp_path)
    assert again.returncode == 0, again.stderr + again.stdout
    assert messages_to(mailbox)[-1:] == ["gustav@example.dk"]
    final = status_json(folder)
    assert [final[e]["mailed"] for _, e in INVITED] == ["sent"] * 7 + ["none"]
    assert final["hanne@example.dk"]["answered"] is False and final["hanne@example.dk"]["reminded_at"]
    text = reportgen("status", str(folder), cwd=tmp_path).stdout
    table = reportgen("status", str(folder), "--format", "csv", cwd=tmp_path).stdout.splitlines()
    assert table[0].startswith("name,email,invited,answered,report,mailed,row,answered_at") and len(table) == 9
    assert table[8].startswith("Hanne Holm,hanne@example.dk,yes,no,none,none,")
    assert "8 leaders: 8 invited, 7 answered, 1 not answered" in text and "7 sent" in text

    _print(folder, tmp_path)


def _remind(folder: Path, cwd: Path, mail: list[str], mailbox: Mailbox) -> None:
    """Dry run, drafts, a send that leaves the drafted alone, the send, and the same day again: nothing."""
    count = len(mailbox.messages)
    dry = reportgen("remind", str(folder), *mail, cwd=cwd)
    assert dry.returncode == 0, dry.stderr + dry.stdout
    assert "would remind gustav@example.dk" in dry.stdout and "hanne@example.dk" in dry.stdout
    assert "Dry run: 2 to remind" in dry.stdout and len(mailbox.messages) == count
    assert "The first reminder, as it would go out (2 in all):" in dry.stdout and LINK in dry.stdout
    drafts = reportgen("remind", str(folder), "--eml", str(cwd / "drafts"), cwd=cwd)
    assert drafts.returncode == 0, drafts.stderr + drafts.stdout
    emls = sorted((cwd / "drafts").glob("*.eml"))
    assert len(emls) == 2
    draft = BytesParser(policy=policy.default).parsebytes(emls[0].read_bytes())
    body = draft.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert LINK in body and "8. december 2026" in body and "Ledelse i Vejle" in str(draft["Subject"])
    # Drafted again the same day (--again): beside the first drafts, which may have been edited, never over them.
    edited = emls[0].read_bytes() + b"\n-- edited"
    emls[0].write_bytes(edited)
    assert reportgen("remind", str(folder), "--eml", str(cwd / "drafts"), "--again", cwd=cwd).returncode == 0
    assert emls[0].read_bytes() == edited and len(list((cwd / "drafts").glob("*.eml"))) == 4
    held = reportgen("remind", str(folder), *mail, "--send", cwd=cwd)
    assert held.returncode == 0 and len(mailbox.messages) == count
    assert "--include-drafted" in held.stdout
    real = reportgen("remind", str(folder), *mail, "--send", "--include-drafted", cwd=cwd)
    assert real.returncode == 0, real.stderr + real.stdout
    assert sorted(messages_to(mailbox)[count:]) == ["gustav@example.dk", "hanne@example.dk"]
    once = reportgen("remind", str(folder), *mail, "--send", "--include-drafted", cwd=cwd)
    assert once.returncode == 0 and len(mailbox.messages) == count + 2
    assert "0 reminded, 2 not reminded" in once.stdout and "reminded today" in once.stdout


def _print(folder: Path, cwd: Path) -> None:
    """print.pdf: every report, each starting on a right-hand (odd) page; no cohort report."""
    printed = reportgen("print", str(folder), cwd=cwd)
    assert printed.returncode == 0, printed.stderr + printed.stdout
    reader = PdfReader(folder / "print.pdf")
    reports = [path for path in sorted(folder.glob("*.pdf")) if path.name not in ("cohort.pdf", "print.pdf")]
    lengths = [len(PdfReader(path).pages) for path in reports]
    assert len(reports) == 7
    expected = sum(length + length % 2 for length in lengths[:-1]) + lengths[-1]
    assert len(reader.pages) == expected
    text = pdf_text(folder / "print.pdf")
    assert text.index("Anne Andersen") < text.index("Bo Berg") < text.index("Gustav Gram")
    cohort = pdf_text(folder / "cohort.pdf") if (folder / "cohort.pdf").exists() else ""
    assert cohort and cohort[:200] not in text
    again = reportgen("print", str(folder), cwd=cwd)  # its own print.pdf it replaces
    assert again.returncode == 0, again.stderr
    # Never over a file it did not write: the invited list, a report, or the facilitator's own PDF.
    (folder / "mine.pdf").write_bytes(b"%PDF-1.4 mine")
    for name in ("invited.xlsx", reports[0].name, "mine.pdf"):
        before = (folder / name).read_bytes()
        refused = reportgen("print", str(folder), "-o", str(folder / name), cwd=cwd)
        assert refused.returncode == 2 and (folder / name).read_bytes() == before, (name, refused.stdout)


def mail_options(port: int) -> list[str]:
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none", "--rate", "600"]


def test_drafts_are_recorded_and_a_later_send_sends_them_only_when_asked(copy: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    drafts = reportgen("send", str(copy), "--eml", str(copy.parent / "drafts"), cwd=copy.parent)
    assert drafts.returncode == 0, drafts.stderr + drafts.stdout
    assert len(list((copy.parent / "drafts").glob("*.eml"))) == 6
    log = (copy / "delivery.csv").read_text(encoding="utf-8")
    assert log.count(";draft;") == 6  # a Danish workshop's delivery.csv: ";", as its manifest
    assert {s["mailed"] for s in status_json(copy).values() if s["answered"]} == {"draft"}
    held = reportgen("send", str(copy), *mail_options(port), "--send", cwd=copy.parent)
    assert held.returncode == 0, held.stderr + held.stdout
    assert not mailbox.messages
    assert held.stdout.count("  held     ") == 6 and "--include-drafted" in held.stdout
    assert "6 drafted earlier and held back" in held.stdout
    sent = reportgen("send", str(copy), *mail_options(port), "--send", "--include-drafted", cwd=copy.parent)
    assert sent.returncode == 0, sent.stderr + sent.stdout
    assert sorted(messages_to(mailbox)) == sorted(email for _, email in ANSWERED)
    assert {s["mailed"] for s in status_json(copy).values() if s["answered"]} == {"sent"}


def test_send_names_every_leader_of_the_export_without_a_report(tmp_path: Path) -> None:
    survey = write_xlsx(
        tmp_path / "survey.xlsx",
        [IDENTITY + item_headers(), leader_row("Anne Andersen", "anne@example.dk", 4), leader_row("Ib Ingen", "", 3)],
    )
    built = reportgen("build", str(survey), "-o", "out", "-j", "1", cwd=tmp_path)
    assert built.returncode == 1, built.stderr + built.stdout  # one row is invalid
    dry = reportgen("send", "out", "--from", SENDER, cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr + dry.stdout
    assert "1 leaders of the export have no report" in dry.stdout
    line = next(line for line in dry.stdout.splitlines() if "no report" in line and "Ib Ingen" in line)
    assert "row 3, invalid:" in line and "correct the row in the export, then run build again" in line
    assert "Dry run: 1 to send" in dry.stdout


def test_check_names_the_closest_invited_address_of_an_uninvited_answer(tmp_path: Path) -> None:
    invited = tmp_path / "invited.csv"
    invited.write_text("".join(f"{name};{email}\n" for name, email in INVITED), encoding="utf-8")  # no header
    survey = export(tmp_path / "survey.xlsx", [("Bo Berg", "bo@exmaple.dk"), ANSWERED[0]])
    checked = reportgen("check", str(survey), "--invited", str(invited), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "Invited (invited.csv): 8 leaders, 7 not answered" in checked.stdout
    line = next(line for line in checked.stdout.splitlines() if "not invited" in line)
    assert "bo@exmaple.dk" in line and "row 2" in line and "closest invited: bo@example.dk (Bo Berg)" in line


def test_last_months_folder_is_refused_and_replace_gives_the_covers_a_new_date(copy: Path) -> None:
    (copy / "reportgen.toml").unlink()  # last month's folder: its date is kept in build.json
    (copy / "invited.xlsx").unlink()
    survey = export(copy.parent / "december.xlsx", [("Ulla Ny", "ulla@example.dk")])
    before = sorted(path.name for path in copy.iterdir())
    refused = reportgen("build", str(survey), "-o", str(copy), "-j", "1", cwd=copy.parent)
    assert refused.returncode == 2
    assert "vejle: This folder holds the reports of survey.xlsx, built " in refused.stderr
    assert (
        "6 leaders" in refused.stderr and "Use a new folder (reportgen new FOLDER), or give --replace" in refused.stderr
    )
    assert "Traceback" not in refused.stderr and sorted(path.name for path in copy.iterdir()) == before
    replaced = reportgen("build", str(survey), "-o", str(copy), "-j", "1", "--replace", cwd=copy.parent)
    assert replaced.returncode == 0, replaced.stderr + replaced.stdout
    assert "from today, the folder's first build" in replaced.stdout and "kept:" not in replaced.stdout
    reports = sorted(path.name for path in copy.glob("*.pdf"))
    assert len(reports) == 1 and "ulla" in reports[0]
    assert "10. december 2026" not in pdf_text(copy / reports[0])


def test_remind_waits_for_no_one_while_a_send_holds_the_folder(copy: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    # A real process holds the folder's lock as `send --send` does, for as long as the test needs.
    hold = (
        "import sys\nfrom pathlib import Path\nfrom reportgen.output.lock import folder_lock\n"
        "with folder_lock(Path(sys.argv[1]), 'reportgen send --send'):\n    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", hold, str(copy)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        refused = reportgen("remind", str(copy), *mail_options(port), "--send", cwd=copy.parent)
        assert refused.returncode == 2 and f"pid {holder.pid}" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr and not mailbox.messages
        assert not (copy / "delivery.csv").exists()
    finally:
        holder.communicate(b"", timeout=30)
    done = reportgen("remind", str(copy), *mail_options(port), "--send", cwd=copy.parent)
    assert done.returncode == 0, done.stderr + done.stdout
    assert sorted(messages_to(mailbox)) == ["gustav@example.dk", "hanne@example.dk"]
    [(_, message)] = [m for m in mailbox.messages if m[0] == ["hanne@example.dk"]]
    assert message["To"].addresses[0].display_name == "Hanne Holm" and not list(message.iter_attachments())


def test_a_reminder_killed_after_the_server_took_it_is_not_sent_again_that_day(copy: Path) -> None:
    handler = Faulty()
    controller, port = _start(handler)
    handler.hold = {"gustav@example.dk"}  # stored; the answer waits until the process is dead
    args = [sys.executable, "-m", "reportgen", "remind", str(copy), *mail_options(port), "--send"]
    running = subprocess.Popen(args, cwd=copy.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert handler.accepted.wait(30)
        os.kill(running.pid, signal.SIGKILL)
        assert running.wait(30) == -signal.SIGKILL
    finally:
        if running.poll() is None:
            running.kill()
        running.communicate(timeout=30)
        handler.release.set()
    try:
        log = (copy / "delivery.csv").read_text(encoding="utf-8")
        assert ";reminding;Gustav Gram;gustav@example.dk;" in log and ";reminded;" not in log
        rerun = reportgen("remind", str(copy), *mail_options(port), "--send", cwd=copy.parent)
        assert rerun.returncode == 0, rerun.stderr + rerun.stdout
        assert "not reminded gustav@example.dk" in rerun.stdout and "reminded today" in rerun.stdout
        assert handler.received() == ["gustav@example.dk", "hanne@example.dk"]  # each once
    finally:
        controller.stop()


def test_an_invited_leader_who_seems_to_have_answered_with_a_typo_is_not_reminded(copy: Path) -> None:
    listed = [("Anne Andersen", "anne@exampel.dk"), *INVITED[1:]]  # the list has the typo this time
    write_xlsx(copy / "invited.xlsx", [["Navn", "E-mail"], *[[name, email] for name, email in listed]])
    dry = reportgen("remind", str(copy), cwd=copy.parent)
    assert dry.returncode == 0, dry.stderr + dry.stdout
    line = next(line for line in dry.stdout.splitlines() if "anne@exampel.dk" in line)
    assert line.startswith("  not reminded") and "row 2 answered as anne@example.dk" in line
    assert "Dry run: 2 to remind" in dry.stdout
    statuses = status_json(copy)
    assert statuses["anne@exampel.dk"]["note"] == "answered as anne@example.dk? (row 2)"
    assert statuses["anne@example.dk"]["invited"] is False and statuses["anne@example.dk"]["report"] == "rendered"


def test_remind_to_a_server_that_cannot_be_reached_stops_before_logging_anything(copy: Path) -> None:
    closed = _free_port()  # nothing listens there
    result = reportgen("remind", str(copy), *mail_options(closed), "--send", cwd=copy.parent)
    assert result.returncode == 2, result.stderr + result.stdout
    assert "The SMTP server cannot be reached" in result.stderr and "No reminder was sent" in result.stderr
    assert "Traceback" not in result.stderr and not (copy / "delivery.csv").exists()


def test_an_invited_list_without_addresses_stops_the_build_before_anything_is_written(copy: Path) -> None:
    write_xlsx(copy / "invited.xlsx", [["Navn"], ["Anne Andersen"], ["Bo Berg"]])
    manifest = (copy / "manifest.csv").read_bytes()
    result = reportgen("build", str(copy.parent / "survey.xlsx"), "-o", str(copy), "-j", "1", cwd=copy.parent)
    assert result.returncode == 2, result.stderr + result.stdout
    assert result.stderr.startswith("Error: invited.xlsx: No column of e-mail addresses was found")
    assert "Traceback" not in result.stderr and (copy / "manifest.csv").read_bytes() == manifest
    assert "Reading" not in result.stdout  # stopped before the export was read
