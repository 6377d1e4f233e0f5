"""The workshop's parts on their own: the invited list, invited against answered, the settings, the log's new states."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reportgen.delivery.log import DELIVERY, read_history, record, record_drafts, reminders, sent_in_last_day
from reportgen.delivery.remind import Reminder, plan_reminders
from reportgen.workshop.invited import read_invited
from reportgen.workshop.roster import Answer, compare
from reportgen.workshop.settings import Workshop, WorkshopError, read_workshop, write_workshop
from reportgen.workshop.status import as_csv, as_json, leader_statuses

from ..conftest import IDENTITY, invoke, item_headers, leader_row, write_xlsx

REPORTS_SAID = {"name", "email", "invited", "answered", "report", "mailed", "reason"}


def test_an_export_with_more_columns_gives_its_names_and_addresses(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "participants.xlsx",
        [
            ["Id", "Start time", "Fulde navn", "Mail", "Afdeling"],
            [1, "2026-12-01", "Anne Andersen", "anne@example.dk", "Salg"],
            [2, "2026-12-01", "Bo Berg", " BO@example.dk ", "Drift"],
            [3, "2026-12-01", "Carl Clausen", "", "Drift"],
            [4, "2026-12-01", "Bo Berg igen", "bo@example.dk", "Drift"],
        ],
    )
    listed = read_invited(path)
    assert [(leader.row, leader.name, leader.email) for leader in listed.leaders] == [
        (2, "Anne Andersen", "anne@example.dk"),
        (3, "Bo Berg", "BO@example.dk"),
    ]
    assert listed.skipped == (
        "row 4: no e-mail address in column D",
        "row 5: bo@example.dk is on the list already (row 3)",
    )


def test_a_plain_list_without_header_and_a_file_without_addresses(tmp_path: Path) -> None:
    plain = tmp_path / "invited.csv"
    plain.write_text("Anne Andersen,anne@example.dk\nBo Berg,bo@example.dk\n", encoding="utf-8")
    assert [leader.name for leader in read_invited(plain).leaders] == ["Anne Andersen", "Bo Berg"]
    names = tmp_path / "names.csv"
    names.write_text("Navn\nAnne\nBo\n", encoding="utf-8")
    with pytest.raises(WorkshopError, match="No column of e-mail addresses"):
        read_invited(names)


def test_an_uninvited_answer_is_matched_to_the_closest_waiting_address(tmp_path: Path) -> None:
    plain = tmp_path / "invited.csv"
    plain.write_text("Anne,anne@example.dk\nBo,bo@example.dk\nJo,jo@other.org\n", encoding="utf-8")
    invited = read_invited(plain).leaders
    answers = [Answer(2, "Anne", "ANNE@example.dk"), Answer(3, "Bo", "bo@exmaple.dk")]
    roster = compare(invited, [*answers, Answer(4, "Zed", "zed@nowhere.net"), Answer(5, "No mail", "")])
    assert [leader.email for leader in roster.not_answered] == ["bo@example.dk", "jo@other.org"]
    assert [(s.answer.email, s.closest.email if s.closest else None) for s in roster.not_invited] == [
        ("bo@exmaple.dk", "bo@example.dk"),
        ("zed@nowhere.net", None),
    ]
    assert roster.probably(invited[1]) == Answer(3, "Bo", "bo@exmaple.dk") and roster.probably(invited[2]) is None
    # An answer without an address (an invalid row) is Jo's by name.
    with_jo = compare(invited, [*answers, Answer(6, " jo ", "")])
    assert with_jo.probably(invited[2]) == Answer(6, " jo ", "") and not with_jo.not_invited[1:]


def test_the_workshop_table_round_trips_and_its_problems_are_listed_together(tmp_path: Path) -> None:
    workshop = Workshop(name='Ledelse "Vejle"', date=date(2026, 12, 10), sender="Mette <m@example.dk>")
    write_workshop(tmp_path / "w", workshop)
    assert read_workshop(tmp_path / "w") == workshop
    assert 'from = "Mette <m@example.dk>"' in (tmp_path / "w" / "reportgen.toml").read_text(encoding="utf-8")
    with pytest.raises(WorkshopError, match=r"already has a reportgen\.toml"):
        write_workshop(tmp_path / "w", workshop)
    (tmp_path / "w" / "reportgen.toml").write_text('[workshop]\ndate = "10/12"\nplace = 3\ncolour = "red"\n')
    with pytest.raises(WorkshopError) as caught:
        read_workshop(tmp_path / "w")
    message = caught.value.message
    assert (
        "unknown key 'colour'" in message and "'place' must be text" in message and "'date' must be a date" in message
    )


class Logged:
    def __init__(self, name: str, email: str, pdf: str = "", sha256: str = "") -> None:
        self.name, self.email, self.pdf, self.sha256 = name, email, pdf, sha256


def test_drafts_and_reminders_in_the_log_are_read_apart_from_deliveries(tmp_path: Path) -> None:
    anne = Logged("Anne", "anne@example.dk", "02-anne.pdf", "a" * 64)
    record_drafts(tmp_path, [anne], tmp_path / "drafts")
    history = read_history(tmp_path, ["anne@example.dk"])
    assert history.of("anne@example.dk").drafted is not None and history.of("anne@example.dk").sent is None
    gustav = Reminder(8, "Gustav", "gustav@example.dk")
    record(tmp_path, gustav, "reminding", gustav.email, "", "<id>")
    assert read_history(tmp_path, []).of("gustav@example.dk").unknown is None  # a reminder is no report
    assert sent_in_last_day(tmp_path) == 1  # the reminder counts against the daily cap; the draft does not
    today = date.today()
    planned = plan_reminders(tmp_path, [gustav, Reminder(9, "Hanne", "hanne@example.dk")], today)
    assert [(r.email, r.action) for r in planned] == [("gustav@example.dk", "skip"), ("hanne@example.dk", "remind")]
    assert [r.action for r in plan_reminders(tmp_path, [gustav], today, again=True)] == ["remind"]
    assert list(reminders(tmp_path)) == ["gustav@example.dk"]
    assert (tmp_path / DELIVERY).read_text(encoding="utf-8").count("\n") == 3


def test_status_without_a_build_lists_the_invited_and_its_json_and_csv_agree(tmp_path: Path) -> None:
    plain = tmp_path / "invited.csv"
    plain.write_text("Anne,anne@example.dk\nBo,bo@example.dk\n", encoding="utf-8")
    statuses = leader_statuses(tmp_path, read_invited(plain))
    data = json.loads(as_json(statuses))
    assert [(d["email"], d["invited"], d["answered"], d["report"], d["mailed"]) for d in data] == [
        ("anne@example.dk", True, False, "none", "none"),
        ("bo@example.dk", True, False, "none", "none"),
    ]
    lines = as_csv(statuses).splitlines()
    assert lines[0].startswith("name,email,invited,answered,report,mailed") and lines[1].startswith("Anne,anne@")


def test_a_workshop_folders_settings_are_read_over_the_ones_where_reportgen_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportgen.config import send_options
    from reportgen.pipeline.workshop import mail_settings

    monkeypatch.chdir(tmp_path)
    # The mail server, set up once where the facilitator runs reportgen ...
    (tmp_path / "reportgen.toml").write_text(
        '[send]\nfrom = "Kontoret <kontor@example.dk>"\nsmtp_host = "smtp.example.dk"\nrate = 10\n', "utf-8"
    )
    # ... and a workshop folder whose own file names its sender.
    folder = tmp_path / "Workshop november"
    folder.mkdir()
    (folder / "reportgen.toml").write_text('[send]\nfrom = "Mette Holm <mette@example.dk>"\n', "utf-8")
    config, defaults, _ = mail_settings(folder, None, {"rate": 5}, "")
    options = send_options({}, config, defaults)
    assert (options.sender, options.smtp_host, options.rate) == ("Mette Holm <mette@example.dk>", "smtp.example.dk", 10)
    # --config names one file: the one where reportgen runs is not read under it.
    given = tmp_path / "other.toml"
    given.write_text('[send]\nfrom = "Anden <anden@example.dk>"\n', "utf-8")
    config, defaults, _ = mail_settings(folder, given, {}, "")
    assert send_options({}, config, defaults).smtp_host is None


def test_two_people_on_one_address_are_invalid_in_the_status_with_the_reason(tmp_path: Path) -> None:
    """A status's report is rendered, invalid, duplicate or none: a shared address is invalid, and says why."""
    survey = write_xlsx(
        tmp_path / "svar.xlsx",
        [
            IDENTITY + item_headers(),
            leader_row("Anne Ask", "fælles@example.dk", 4),
            leader_row("Bo Bak", "fælles@example.dk", 3),
        ],
    )
    out = tmp_path / "out"
    assert invoke(["build", str(survey), "-o", str(out), "--quiet"]).exit_code in (0, 1)
    data = json.loads(as_json(leader_statuses(out, None)))
    assert [(d["email"], d["report"]) for d in data] == [("fælles@example.dk", "invalid")]  # one line per address
    assert set(data[0]) >= REPORTS_SAID and "row" in data[0]["reason"], data


def test_status_never_cuts_an_address_into_another(tmp_path: Path) -> None:
    from reportgen.console.workshop import status_lines

    plain = tmp_path / "invited.csv"
    plain.write_text("Birgitte Dalsgaard,birgitte.dalsgaard@example.com\nBo,bo@example.dk\n", encoding="utf-8")
    invited = read_invited(plain)
    lines = status_lines(leader_statuses(tmp_path, invited), invited)
    assert any("birgitte.dalsgaard@example.com " in line for line in lines)
