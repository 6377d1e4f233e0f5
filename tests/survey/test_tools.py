"""More tools' exports (issue 23): one fixture per tool, written from its documented layout.

The sources of each layout are named in reportgen/data/exports.toml. The answers are LEADERS'
from test_layouts, so every fixture must give `reference_scores` of them; each tool's own
"not finished" marker makes a row invalid with the tool's reason, whatever its answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reportgen.config import Settings
from reportgen.errors import InputError
from reportgen.survey.load import read_survey

from ..conftest import ITEM_CODES, invoke, write_xlsx
from .test_exports import FREE_TEXT, assert_reference, delimited
from .test_layouts import LEADERS, TEXT, label

BO = ["Bo", "Åby", "bo@example.dk"]  # the leader who did not finish


def answers_with_gaps() -> dict[str, int | None]:
    """Bo's answers: two steps left empty, the others filled (enough for a report were it finished)."""
    return {c: None if c[0] in "PF" else 3 for c in ITEM_CODES}


def test_redcap_form_complete_0_is_not_finished_and_the_timestamp_orders(tmp_path: Path) -> None:
    header = ["record_id", "redcap_survey_identifier", "ledergps_timestamp", "navn", "email"]
    header += [c.lower() for c in ITEM_CODES] + ["ledergps_complete"]
    rows = [
        [n, "", f"2026-11-20 09:1{n}:00", f"{first} {last}", email, *(answers[c] for c in ITEM_CODES), 2]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    rows.append([9, "", "[not completed]", "Bo Åby", "bo@example.dk", *answers_with_gaps().values(), 0])
    path = tmp_path / "redcap.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8")
    reason = 'not finished in REDCap (column AA "ledergps_complete": 0)'
    assert_reference(path, {"bo@example.dk": reason})
    survey = read_survey(Settings(survey=path))
    assert survey.columns.identity["submitted"] == 2


def test_soscisurvey_finished_0_and_its_minus_9_code_as_a_missing_answer(tmp_path: Path) -> None:
    header = ["CASE", "SERIAL", "REF", "QUESTNNR", "MODE", "STARTED", "Navn", "E-mail", *ITEM_CODES]
    header += ["FINISHED", "Q_VIEWER", "LASTPAGE", "MAXPAGE", "LASTDATA", "MISSING"]
    rows: list[list[Any]] = []
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        values = [-9 if answers[c] is None else answers[c] for c in ITEM_CODES]
        rows.append([n, "", "", "gps", "interview", "2026-11-20 09:00:00", f"{first} {last}", email, *values])
        rows[-1] += [1, 0, 6, 6, f"2026-11-20 09:1{n}:00", 0]
    rows.append([9, "", "", "gps", "interview", "2026-11-20 09:00:00", *BO[1:2], "bo@example.dk"])
    rows[-1][6] = "Bo Åby"
    rows[-1] += [-9 if v is None else v for v in answers_with_gaps().values()] + [0, 0, 3, 6, "", 50]
    path = tmp_path / "sosci.csv"
    path.write_bytes(delimited([header, *rows], delimiter="\t").encode("utf-16"))
    assert_reference(path, {"bo@example.dk": 'not finished in SoSci Survey (column AD "FINISHED": 0)'})
    survey = read_survey(Settings(survey=path))
    aase = next(o for o in survey.outcomes if o.response.email == "aase@example.dk")
    said = [str(w) for w in aase.warnings]
    assert any('"-9" is the survey tool\'s code for a missing answer; counted as not answered' in w for w in said)
    assert survey.columns.items["M3"] == ITEM_CODES.index("M3") + 8  # the -9 column is kept, never dropped


def kobo(folder: Path) -> Path:
    """KoboToolbox .xlsx: group/name headers, start/end meta, _id, _uuid, _submission_time, _index."""
    header = ["start", "end", "deltager/navn", "deltager/email"]
    header += [f"{'formaal' if c[0] == 'P' else 'gps'}/{c}" for c in ITEM_CODES]
    header += ["_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    rows = []
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        meta = [1000 + n, f"uuid-{n}", f"2026-11-20T09:1{n}:00", "", n]
        rows.append(["", "", f"{first} {last}", email, *(answers[c] for c in ITEM_CODES), *meta])
    # An older submission by the first leader, re-sorted below the newer one in Excel.
    first, last, email, _ = LEADERS[0]
    rows.append(
        ["", "", f"{first} {last}", email, *([1] * len(ITEM_CODES)), 999, "uuid-0", "2026-11-19T08:00:00", "", 9]
    )
    return write_xlsx(folder / "kobo.xlsx", [header, *rows])


def test_kobotoolbox_group_prefixes_and_the_submission_time_decide_duplicates(tmp_path: Path) -> None:
    path = kobo(tmp_path)
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    older = next(o for o in survey.outcomes if o.source_row == 5)
    assert older.status == "duplicate" and older.reason == "superseded by row 2 (same e-mail, later submission)"


def test_odk_central_csv_with_dash_group_prefixes(tmp_path: Path) -> None:
    header = ["SubmissionDate", "deltager-navn", "deltager-email"]
    header += [f"formaal-{c}" for c in ITEM_CODES]
    header += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"]
    header += ["AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    rows = [
        [
            f"2026-11-20T09:1{n}:00.000Z",
            f"{first} {last}",
            email,
            *(answers[c] for c in ITEM_CODES),
            f"uuid:{n}",
            f"uuid:{n}",
            5,
            "Tablet",
            0,
            0,
            "",
            "",
            "collect:x",
            0,
            "1",
        ]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    path = tmp_path / "odk.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8")
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    assert survey.columns.identity["submitted"] == 0 and survey.columns.identity["email"] == 2


def test_alchemer_statement_colon_question_headers_and_a_partial_status(tmp_path: Path) -> None:
    header = ["Response ID", "Time Started", "Date Submitted", "Status", "Navn", "E-mail"]
    header += [f"{TEXT[c]['da']}:Hvor enig er du i udsagnet?" for c in ITEM_CODES]
    header += ["SessionID", "Language", "IP Address"]
    rows = [
        [n, "2026-11-20 09:00:00", f"2026-11-20 09:1{n}:00", "Complete", f"{first} {last}", email]
        + [label(c, answers[c]) for c in ITEM_CODES]
        + [f"s{n}", "Danish", ""]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    rows.append([9, "2026-11-20 09:00:00", "", "Partial", "Bo Åby", "bo@example.dk", *[None] * len(ITEM_CODES)])
    rows[-1] += ["s9", "Danish", ""]
    path = tmp_path / "alchemer.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8")
    assert_reference(path, {"bo@example.dk": 'not finished in Alchemer (column D "Status": Partial)'})


def test_forms_quiz_points_and_feedback_columns_are_not_answers(tmp_path: Path) -> None:
    header = ["Id", "Starttidspunkt", "Færdiggørelsestidspunkt", "Mail", "Navn", "Total points", "Quiz feedback"]
    rows = [
        [n, "", f"11/20/2026 9:1{n}:00 AM", email, f"{first} {last}", 0, ""]
        for n, (first, last, email, _) in enumerate(LEADERS, start=1)
    ]
    for code in ITEM_CODES:
        header += [TEXT[code]["da"], f"Points - {TEXT[code]['da']}", f"Feedback - {TEXT[code]['da']}"]
        for row, (_, _, _, answers) in zip(rows, LEADERS, strict=True):
            row += [label(code, answers[code]), 0, ""]
    path = write_xlsx(tmp_path / "quiz.xlsx", [header, *rows])
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    assert survey.columns.conflicts == {} and survey.columns.items["P1"] == 7


def test_a_code_headed_export_points_to_write_mapping(tmp_path: Path) -> None:
    header = ["CASE", "QUESTNNR", "NA01_01", "NA01_02", *[f"GP{n:02}_01" for n in range(len(ITEM_CODES))], "FINISHED"]
    rows = [[1, "gps", "Ann Ask", "ann@example.dk", *[3] * len(ITEM_CODES), 1]]
    path = write_xlsx(tmp_path / "codes.xlsx", [header, *rows])
    with pytest.raises(InputError) as raised:
        read_survey(Settings(survey=path))
    message = str(raised.value)
    assert "headed by variable codes" in message and "--write-mapping mapping.toml" in message
    assert "--sheet" not in message
    # Once the mapping is written, the paragraph points to it, not to --write-mapping again.
    mapping = tmp_path / "map.toml"
    result = invoke(["check", str(path), "--write-mapping", str(mapping)])
    assert result.exit_code == 2 and mapping.is_file()
    assert "open map.toml" in result.stderr and "--mapping map.toml" in result.stderr
    assert "--write-mapping" not in result.stderr


@pytest.mark.parametrize("free", [FREE_TEXT])
def test_the_free_text_keeps_its_column_beside_code_headers(tmp_path: Path, free: str) -> None:
    header = ["Navn", "E-mail", *ITEM_CODES, free]
    rows = [[f"{f} {la}", e, *(a[c] for c in ITEM_CODES), "tekst"] for f, la, e, a in LEADERS]
    path = write_xlsx(tmp_path / "free.xlsx", [header, *rows])
    assert_reference(path)


def forms_for_the_organisation(folder: Path) -> Path:
    """Forms (only people in my organisation): Mail holds the signed-in account; the form asks for an e-mail too."""
    header = ["Id", "Starttidspunkt", "Færdiggørelsestidspunkt", "Mail", "Navn", "E-mail", *ITEM_CODES]
    accounts = ["soren@example.dk", "aase@example.dk", "anonymous"]
    # Søren typed nothing (the account is his address); Åse made a typo; Lars answered without signing in.
    typed = ["", "aase@exmaple.dk", "lars@example.dk"]
    rows = [
        [n, "", f"11/20/2026 9:1{n}:00 AM", account, f"{first} {last}", written, *(a[c] for c in ITEM_CODES)]
        for n, ((first, last, _, a), account, written) in enumerate(zip(LEADERS, accounts, typed, strict=True), 1)
    ]
    return write_xlsx(folder / "forms.xlsx", [header, *rows])


def test_the_signed_in_address_is_used_and_a_different_typed_one_is_listed(tmp_path: Path) -> None:
    path = forms_for_the_organisation(tmp_path)
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    assert survey.columns.account == 3 and survey.columns.identity["email"] == 5
    aase = next(o for o in survey.outcomes if o.source_row == 3)
    assert aase.response.email == "aase@example.dk" and aase.response.typed_email == "aase@exmaple.dk"
    assert [o.response.typed_email for o in survey.outcomes] == ["", "aase@exmaple.dk", ""]
    result = invoke(["check", str(path)])
    line = (
        "row 3: the signed-in account's address aase@example.dk differs from the typed aase@exmaple.dk; "
        "the account's is used, and send will write to aase@example.dk"
    )
    assert line in result.stdout
    used, ignored = (
        result.stdout.split("Columns ignored") if "Columns ignored" in result.stdout else (result.stdout, "")
    )
    assert re.search(r"^  account +D ", used, re.MULTILINE) and " D " not in ignored


def test_a_soscisurvey_export_headed_by_its_codes_scores_through_a_written_mapping(tmp_path: Path) -> None:
    from reportgen.pipeline.check import write_mapping

    variables = [f"GP{n // 5 + 1:02}_{n % 5 + 1:02}" for n in range(len(ITEM_CODES))]
    header = ["CASE", "QUESTNNR", "NA01_01", "EM01_01", *variables, "FINISHED", "LASTDATA"]
    rows = [
        [
            n,
            "gps",
            f"{first} {last}",
            email,
            *(-9 if a[c] is None else a[c] for c in ITEM_CODES),
            1,
            f"2026-11-20 09:1{n}:00",
        ]
        for n, (first, last, email, a) in enumerate(LEADERS, start=1)
    ]
    survey = tmp_path / "sosci.csv"
    survey.write_text(delimited([header, *rows], delimiter=";"), encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    write_mapping(Settings(survey=survey), mapping)
    text = mapping.read_text(encoding="utf-8")
    for letter, target in zip(["C", "D"], ["name", "email"], strict=True):
        text = text.replace(f'{letter}  = ""', f'{letter} = "{target}"')
    for index, code in enumerate(ITEM_CODES, start=4):
        letter = chr(65 + index) if index < 26 else "A" + chr(65 + index - 26)
        text = text.replace(f'{letter:<3}= ""', f'{letter} = "{code}"')
    mapping.write_text(text, encoding="utf-8")
    assert_reference(survey, mapping=mapping)
    assert read_survey(Settings(survey=survey, mapping=mapping)).columns.markers[0].rule.tool == "SoSci Survey"


def test_the_build_summary_lists_the_row_whose_addresses_differ(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from collections import Counter

    from reportgen import console
    from reportgen.models import BuildResult

    survey = read_survey(Settings(survey=forms_for_the_organisation(tmp_path)))
    result = BuildResult(survey, survey.outcomes, tmp_path / "reports" / "manifest.csv", Counter(rendered=3))
    console.build_summary(result)
    said = capsys.readouterr().err
    assert "warning: row 3: the signed-in account's address aase@example.dk differs from the typed" in said
    assert "send will write to aase@example.dk" in said and "row 2:" not in said


def test_each_tools_markers_stay_in_its_own_exports(tmp_path: Path) -> None:
    from .test_exports import limesurvey

    survey = read_survey(Settings(survey=limesurvey(tmp_path)))
    assert {marker.rule.tool for marker in survey.columns.markers} == {"LimeSurvey"}
    survey = read_survey(Settings(survey=kobo(tmp_path)))
    assert {marker.rule.tool for marker in survey.columns.markers} == {"KoboToolbox"}


def test_kobo_choice_names_are_read_as_the_scales_numbers(tmp_path: Path) -> None:
    """KoboToolbox and ODK export a select_one's choice name ("helt_enig"), not its label."""
    header = ["deltager/navn", "deltager/email", *(f"gps/{c}" for c in ITEM_CODES), "_id", "_uuid", "_submission_time"]
    rows = [
        [f"{first} {last}", email]
        + [None if (text := label(c, a[c])) is None else text.lower().replace(" ", "_") for c in ITEM_CODES]
        + [n, f"u{n}", f"2026-11-20T09:1{n}:00"]
        for n, (first, last, email, a) in enumerate(LEADERS, start=1)
    ]
    assert rows[0][2] == "helt_uenig"
    assert_reference(write_xlsx(tmp_path / "kobo_names.xlsx", [header, *rows]))


def test_excel_unicode_text_utf16_tabs_and_quoted_cells(tmp_path: Path) -> None:
    """Excel's "Unicode Text (*.txt)": UTF-16 LE with a BOM, tab-separated, CRLF, a cell with a tab quoted."""
    header = ["Tidspunkt", "Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES), "Kommentar"]
    rows = [
        [f"20-11-2026 09:1{n}", f"{first} {last}", email, *(a[c] for c in ITEM_CODES), 'Godt\t"kursus"']
        for n, (first, last, email, a) in enumerate(LEADERS, start=1)
    ]
    path = tmp_path / "unicode.txt"
    path.write_bytes(delimited([header, *rows], delimiter="\t").encode("utf-16"))
    assert path.read_bytes()[:2] == b"\xff\xfe"
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    assert "UTF-16 LE (byte-order mark), tab-separated" in survey.reading


def test_google_sheets_xlsx_with_a_grid_and_the_collected_address(tmp_path: Path) -> None:
    """Google Sheets' .xlsx download: Timestamp as a date, Email Address, grid columns "Question [Statement]"."""
    from datetime import datetime

    header = ["Timestamp", "Email Address", "Navn", *(f"Hvor enig er du? [{TEXT[c]['da']}]" for c in ITEM_CODES)]
    rows = [
        [datetime(2026, 11, 20, 9, 10 + n), email, f"{first} {last}", *(label(c, a[c]) for c in ITEM_CODES)]
        for n, (first, last, email, a) in enumerate(LEADERS, start=1)
    ]
    first, last, email, _ = LEADERS[1]
    rows.append([datetime(2026, 11, 19, 8, 0), email, f"{first} {last}", *(label(c, 1) for c in ITEM_CODES)])
    path = write_xlsx(tmp_path / "google.xlsx", [header, *rows], sheet="Formularsvar 1")
    assert_reference(path)
    older = next(o for o in read_survey(Settings(survey=path)).outcomes if o.source_row == 5)
    assert older.reason == "superseded by row 3 (same e-mail, later submission)"


def test_redcap_exported_with_labels(tmp_path: Path) -> None:
    """REDCap's label export: Record ID, Survey Identifier, Survey Timestamp, the questions' texts, Complete?."""
    header = ["Record ID", "Survey Identifier", "Survey Timestamp", "Navn", "E-mail"]
    header += [TEXT[c]["da"] for c in ITEM_CODES] + ["Complete?"]
    rows = [
        [n, "", f"2026-11-20 09:1{n}:00", f"{first} {last}", email, *(label(c, a[c]) for c in ITEM_CODES), "Complete"]
        for n, (first, last, email, a) in enumerate(LEADERS, start=1)
    ]
    rows.append([9, "", "[not completed]", "Bo Åby", "bo@example.dk", *answers_with_gaps().values(), "Incomplete"])
    path = write_xlsx(tmp_path / "redcap_labels.xlsx", [header, *rows])
    assert_reference(path, {"bo@example.dk": 'not finished in REDCap (column AA "Complete?": Incomplete)'})
    assert read_survey(Settings(survey=path)).columns.identity["submitted"] == 2


def test_questback_efs_dispcode_its_missing_codes_and_the_last_access_orders(tmp_path: Path) -> None:
    """EFS (Unipark) as qbdocs' "Export" page lists it: lfdn, dispcode (31/32 complete), the last access."""
    header = ["lfdn", "external_lfdn", "tester", "dispcode", "lastpage", "quality", "duration", "Navn", "E-mail"]
    header += [*ITEM_CODES, "datetime", "date_of_last_access", "date_of_first_mail"]
    rows: list[list[Any]] = []
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        values = [-77 if answers[c] is None else answers[c] for c in ITEM_CODES]  # -77: a closed question not seen
        rows.append([n, 0, 0, 31 if n != 2 else 32, 5, -77, 300, f"{first} {last}", email, *values])
        rows[-1] += [f"2026-11-20 09:0{n}:00", f"2026-11-20 09:1{n}:00", "0000-00-00 00:00:00"]
    # Søren answered once more, earlier by the last access though later in the file: the last access decides.
    first, last, email, answers = LEADERS[0]
    rows.append([7, 0, 0, 31, 5, -77, 300, f"{first} {last}", email, *[1] * len(ITEM_CODES)])
    rows[-1] += ["2026-11-19 08:00:00", "2026-11-19 08:10:00", "0000-00-00 00:00:00"]
    rows.append([8, 0, 0, 22, 3, -77, -1, "Bo Åby", "bo@example.dk", *answers_with_gaps().values()])
    rows[-1] += ["2026-11-20 09:30:00", "2026-11-20 09:35:00", "0000-00-00 00:00:00"]
    path = write_xlsx(tmp_path / "efs.xlsx", [header, *rows], sheet="Export 1.1")
    assert_reference(path, {"bo@example.dk": 'not finished in Questback EFS (Unipark) (column D "dispcode": 22)'})
    survey = read_survey(Settings(survey=path))
    assert next(o for o in survey.outcomes if o.source_row == 5).status == "duplicate"


def test_zoho_survey_status_and_a_spanish_finishing_time_with_the_months_name(tmp_path: Path) -> None:
    """Zoho Survey as a Spanish account exports it: COMPLETED, "abr. 16, 2026 05:54:43 p. m." (month first)."""
    header = ["ID de respuesta", "Dirección IP", "Agente Usuario", "Estado de respuesta"]
    header += ["URL de la encuesta a la que accede el encuestado", "Start time", "Hora de finalización"]
    header += ["Tiempo empleado", "Recopilador", "Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES)]
    times = ["nov. 3, 2026 09:10:00 a. m.", "nov. 3, 2026 01:15:00 p. m.", "dic. 1, 2026 11:02:03 a. m."]
    rows: list[list[Any]] = [
        ["a8Bx2kQz", "", "", "COMPLETED", "", "", times[n], "4 mins 2 secs ", "Public Collector", f"{f} {la}", e]
        + [label(c, answers[c]) for c in ITEM_CODES]
        for n, (f, la, e, answers) in enumerate(LEADERS)
    ]
    # Lars's first answers, later in the file but finished in November: December's answers are his.
    first, last, email, _ = LEADERS[2]
    rows.append(["Zq8kx2Ba", "", "", "COMPLETED", "", "", "nov. 30, 2026 04:00:00 p. m.", "", "Public Collector"])
    rows[-1] += [f"{first} {last}", email, *[label(c, 1) for c in ITEM_CODES]]
    rows.append(["Qz8kB2ax", "", "", "PARTIAL", "", "", "", "", "Public Collector", "Bo Åby", "bo@example.dk"])
    rows[-1] += [label(c, v) for c, v in answers_with_gaps().items()]
    path = tmp_path / "zoho.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8-sig")
    assert_reference(path, {"bo@example.dk": 'not finished in Zoho Survey (column D "Estado de respuesta": PARTIAL)'})
    survey = read_survey(Settings(survey=path))
    assert next(o for o in survey.outcomes if o.source_row == 5).status == "duplicate"
    assert not [w for o in survey.outcomes for w in o.warnings if "not a date" in w.message]


def test_surveyxacts_long_names_and_its_partially_completed_flag(tmp_path: Path) -> None:
    """The Excel dataset with full names (statoverall_1..5, closetime), as adviceverse's preset reads it."""
    header = ["respondentid", "email", "Navn", *ITEM_CODES, "closetime"]
    header += [f"statoverall_{n}" for n in range(1, 6)]
    completed = [0, 0, 0, 1, 0]  # new, distributed, partially completed, completed, rejected: completed
    rows = [
        [
            825478420 + n,
            email,
            f"{first} {last}",
            *(answers[c] for c in ITEM_CODES),
            f"2026-11-20 09:1{n}:00",
            *completed,
        ]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    rows.append([825478429, "bo@example.dk", "Bo Åby", *answers_with_gaps().values(), "", 0, 0, 1, 0, 0])
    path = write_xlsx(tmp_path / "xact.xlsx", [header, *rows], sheet="Dataset")
    assert_reference(path, {"bo@example.dk": 'not finished in SurveyXact (column AC "statoverall_4": 0)'})


def test_a_surveyxact_dataset_without_its_labels_says_its_codes_are_read_as_the_scales_numbers(tmp_path: Path) -> None:
    header = ["respondentid", "Navn", "E-mail", *ITEM_CODES, "closetime", "statoverall_4"]
    rows = [
        [n, f"{first} {last}", email, *(answers[c] for c in ITEM_CODES), f"2026-11-20 09:1{n}:00", 1]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    survey = read_survey(Settings(survey=write_xlsx(tmp_path / "xact.xlsx", [header, *rows], sheet="Dataset")))
    assert any("a SurveyXact export without its Labels" in note for note in survey.columns.notes)
    other = write_xlsx(tmp_path / "other.xlsx", [header[1:-2], *(row[1:-2] for row in rows)])
    assert not any("without its Labels" in note for note in read_survey(Settings(survey=other)).columns.notes)


def test_labels_beside_another_tools_export_are_not_read_and_broken_ones_do_not_stop_the_read(tmp_path: Path) -> None:
    header = ["Respondent ID", "Navn", "E-mail", *ITEM_CODES]
    rows = [[n, f"{f} {la}", e, *(a[c] for c in ITEM_CODES)] for n, (f, la, e, a) in enumerate(LEADERS, start=1)]
    (tmp_path / "svar.csv").write_text(delimited([header, *rows]), encoding="utf-8")
    (tmp_path / "labels.csv").write_text("Navn,Bord\nSøren Østergaard,3\n", encoding="utf-8")  # a seating plan
    survey = read_survey(Settings(survey=tmp_path / "svar.csv"))
    assert not any("labels.csv" in note or "SurveyXact" in note for note in survey.columns.notes)
    # SurveyXact's dataset beside a labels.csv that cannot be read: read without it, and check says so.
    xact = ["respondentid", "Navn", "E-mail", *ITEM_CODES, "closetime", "statoverall_4"]
    (tmp_path / "dataset.csv").write_text(
        delimited([xact, *([*row, "2026-11-20 09:00:00", 1] for row in rows)]), encoding="utf-8"
    )
    (tmp_path / "labels.csv").write_bytes(b"\xff\xfe\x00\xd8")  # a UTF-16 mark and half a character
    survey = read_survey(Settings(survey=tmp_path / "dataset.csv"))
    assert any("a SurveyXact export without its Labels" in note for note in survey.columns.notes)
    assert_reference(tmp_path / "dataset.csv")


def test_surveyxacts_respondentid_orders_nothing_and_is_not_taken_for_surveymonkeys(tmp_path: Path) -> None:
    """Two finished answers on one address and no closetime: the row order decides, not the invitation's id."""
    header = ["respondentid", "Navn", "E-mail", *ITEM_CODES, "closetime", "statoverall_4"]
    first, last, email, answers = LEADERS[0]
    rows = [
        [2000, f"{first} {last}", email, *(1 for _ in ITEM_CODES), "", 1],
        [1000, f"{first} {last}", email, *(answers[c] for c in ITEM_CODES), "", 1],
    ]
    survey = read_survey(Settings(survey=write_xlsx(tmp_path / "xact.xlsx", [header, *rows], sheet="Dataset")))
    assert not [m for m in survey.columns.markers if m.rule.kind == "order"]
    kept = next(o for o in survey.outcomes if o.status == "ok")
    assert kept.source_row == 3  # the later row: SurveyXact's id grows with the invitation, not the answer
