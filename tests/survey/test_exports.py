"""Real exports from more survey tools (issue 17): one fixture per feature, each scored by the reference.

Each file is written byte for byte the way the tool's documented layout has it (the sources
are named in reportgen/data/exports.toml): header names, metadata columns,
"unfinished" markers, encodings, separators and line ends. The answers are LEADERS' from
test_layouts, so every fixture must give `reference_scores` of them.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from reportgen.config import Settings
from reportgen.survey.load import read_survey

from ..conftest import INSTRUMENT, ITEM_CODES, invoke, pdf_text, write_xlsx
from ..factory import ods
from .test_layouts import IMPORTANCE, LEADERS, SCORED, TEXT, label, reference_scores

FREE_TEXT = INSTRUMENT.free_text[0].code  # T1


def delimited(rows: Sequence[Sequence[Any]], delimiter: str = ",", end: str = "\r\n", quote_all: bool = False) -> str:
    """Rows as delimited text with the given separator and line end."""
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def assert_reference(path: Path, unfinished: dict[str, str] | None = None, **settings: Any) -> None:
    """Every leader scored as the reference says; the unfinished ones invalid with the tool's reason."""
    survey = read_survey(Settings(survey=path, **settings))
    outcomes = {o.response.email: o for o in survey.outcomes if o.status != "duplicate"}
    for first, last, email, answers in LEADERS:
        outcome = outcomes[email]
        assert outcome.status == "ok", (email, outcome.reason)
        assert outcome.response.name == f"{first} {last}"
        assert outcome.assessment is not None
        got = {s.step_id: None if s.score is None else float(s.score) for s in outcome.assessment.steps}
        assert got == pytest.approx(reference_scores(answers)), email
        importance = {s.step_id: s.importance for s in outcome.assessment.steps}
        assert importance == {step.id: answers[step.importance.code] for step in INSTRUMENT.steps if step.importance}
    for email, reason in (unfinished or {}).items():
        assert outcomes[email].status == "invalid"
        assert outcomes[email].reason == reason


# --- Typeform: markup in the question titles, trailing metadata, a partial response --------------


def typeform_markup(folder: Path) -> Path:
    """Typeform CSV: `#` token first, titles with <strong>, **bold**, entities; Response Type … Tags last."""
    marked = {
        "P1": TEXT["P1"]["da"].replace("klart", "<strong>klart</strong>"),
        "P2": TEXT["P2"]["da"].replace(" – ", " &ndash; "),
        "F1": f"<p><strong>{TEXT['F1']['da']}</strong></p>",
        "M1": TEXT["M1"]["da"].replace(" ", "\u00a0", 3),
        "K1": "**" + TEXT["K1"]["da"] + "**",
        "V1": TEXT["V1"]["da"].replace("formål", "for\u200bmål"),
    }
    header = ["#", "<strong>Navn</strong>", "E-mail&nbsp;"]
    header += [marked.get(c, TEXT[c]["da"]) for c in ITEM_CODES]
    header += ["Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"]
    rows = [
        [
            f"hefupfubphvacf8sv12ch63vnvacgl{n}",
            f"{first} {last}",
            email,
            *(answers[c] for c in ITEM_CODES),
            "completed",
            "2026-11-20 09:00:00",
            "",
            f"2026-11-20 09:1{n}:00",
            "a1b2c3",
            "",
        ]
        for n, (first, last, email, answers) in enumerate(LEADERS)
    ]
    rows.append(
        [
            "zz9",
            "Bo Åby",
            "bo@example.dk",
            *([4] * len(ITEM_CODES)),
            "partial",
            "2026-11-20 09:00:00",
            "2026-11-20 09:05:00",
            "",
            "a1b2c3",
            "",
        ]
    )
    path = folder / "typeform.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8")
    return path


def test_typeform_headers_with_markup_match_and_a_partial_is_not_finished(tmp_path: Path) -> None:
    path = typeform_markup(tmp_path)
    reason = 'not finished in Typeform (column Y "Response Type": partial)'
    assert_reference(path, {"bo@example.dk": reason})
    survey = read_survey(Settings(survey=path))
    assert survey.columns.headers[1] == "Navn" and survey.columns.headers[2] == "E-mail"
    assert survey.columns.identity["submitted"] == 27  # Submit Date (UTC)


# --- Qualtrics legacy: V1–V10 metadata over the real names, BOM, trailing commas ------------------

LEGACY = ["ResponseID", "ResponseSet", "Name", "ExternalDataReference", "EmailAddress", "IPAddress", "Status"]
LEGACY += ["StartDate", "EndDate", "Finished"]


def qualtrics_legacy(folder: Path, with_texts: bool = True) -> Path:
    """Legacy exporter: row 1 V1…V10 and Q tags, row 2 the names and texts; UTF-8 BOM, a trailing comma."""
    tags = [f"V{n}" for n in range(1, 11)]
    tags += [f"Q1_{n}" for n in range(1, len(SCORED) + 1)] + [f"Q2_{n}" for n in range(1, len(IMPORTANCE) + 1)]
    tags += ["LocationLatitude", "LocationLongitude", "LocationAccuracy", ""]
    names = [*LEGACY]
    names += [f"Hvor enig er du i følgende udsagn? - {TEXT[c]['da']}" for c in SCORED]
    names += [f"Hvor vigtigt er det for dig? - {TEXT[c]['da']}" for c in IMPORTANCE]
    if not with_texts:  # the importance questions without their texts: only V1–V4 carry those codes
        names[len(LEGACY) + len(SCORED) :] = [""] * len(IMPORTANCE)
    names += ["LocationLatitude", "LocationLongitude", "LocationAccuracy", ""]
    rows = [
        [f"R_2YPOQ602ER1jk{n}", "Default Response Set", f"{first} {last}", "", email, "130.92.34.66", "0"]
        + ["2026-11-20 08:28:09", f"2026-11-20 08:2{n}:48", "1"]
        + [answers[c] for c in SCORED + IMPORTANCE]
        + ["47.0", "7.4", "-1", ""]
        for n, (first, last, email, answers) in enumerate(LEADERS)
    ]
    rows.append(
        [
            "R_x",
            "Default Response Set",
            "Bo Åby",
            "",
            "bo@example.dk",
            "1.2.3.4",
            "0",
            "2026-11-20 08:00:00",
            "2026-11-20 08:01:00",
            "0",
            *([3] * (len(SCORED) + len(IMPORTANCE))),
            "",
            "",
            "",
            "",
        ]
    )
    path = folder / "legacy.csv"
    path.write_bytes(codecs.BOM_UTF8 + delimited([tags, names, *rows]).encode("utf-8"))
    return path


def test_qualtrics_legacy_v1_to_v10_are_metadata_not_importance_items(tmp_path: Path) -> None:
    path = qualtrics_legacy(tmp_path)
    assert_reference(path, {"bo@example.dk": 'not finished in Qualtrics (column J "V10 / Finished": 0)'})
    survey = read_survey(Settings(survey=path))
    assert survey.columns.header_rows == (1, 2)
    assert all(survey.columns.items[code] >= 10 for code in IMPORTANCE)  # Q2_n, never V1…V4 (A–D)


def test_v_codes_over_other_names_are_never_importance_items(tmp_path: Path) -> None:
    # Row 2 names V1–V4 ResponseID … ExternalDataReference: a code under another name is not the item.
    result = invoke(["score", str(qualtrics_legacy(tmp_path, with_texts=False))])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "4 scored questions have no column, so the scores would silently leave them out: V1 " in result.stderr
    assert all(f'{code} "' in result.stderr for code in IMPORTANCE)


def test_a_bare_code_over_values_off_the_scale_is_not_the_item(tmp_path: Path) -> None:
    # One header row: "V1" over response ids is metadata, "V2" over answers 1–5 is the item.
    header = ["Navn", "E-mail", "V1", "V2", *(TEXT[c]["da"] for c in ITEM_CODES if c not in ("V1", "V2"))]
    rows = [
        [f"{first} {last}", email, f"R_2YPOQ602ER1jk{n}", answers["V2"]]
        + [answers[c] for c in ITEM_CODES if c not in ("V1", "V2")]
        for n, (first, last, email, answers) in enumerate(LEADERS)
    ]
    path = write_xlsx(tmp_path / "codes.xlsx", [header, *rows])
    result = invoke(["check", str(path)])
    assert result.exit_code == 2
    assert "1 scored question has no column, so the scores would silently leave it out: V1 " in result.stdout
    assert 'most like it among the ignored columns: C "V1"' in result.stdout
    survey = read_survey(Settings(survey=path), complete=False)
    assert survey.columns.items["V2"] == 3 and "V1" not in survey.columns.items


# --- SurveyXact: UTF-16 LE text export with tabs and LF, statoverall flags ------------------------


def surveyxact_text(folder: Path) -> Path:
    """SurveyXact dataset as tab-separated UTF-16 LE with BOM and LF line ends (short variable names).

    The question columns carry their question texts (an export with texts as headings); the
    short-named metadata and the coded v_1 and t_1 columns must not be taken for V1 or T1.
    """
    header = ["responde", "email", "Navn", "closetim", "starttim", "difftime"]
    header += [f"stato_{n}" for n in range(1, 6)] + ["v_1", "t_1"]
    header += [f"Hvor enig er du? - {TEXT[c]['da']}" for c in SCORED]
    header += [f"Vigtighed - {TEXT[c]['da']}" for c in IMPORTANCE]
    rows = []
    for n, (first, last, email, answers) in enumerate(LEADERS):
        flags = ["0", "0", "0", "1", "0"]
        rows.append(
            [str(825478429 + n), email, f"{first} {last}", f"2021-09-02 18:5{n}:40", "2021-09-02 18:40:00", "135.407"]
            + [*flags, str(17 + n), "fri tekst"]
            + [answers[c] for c in SCORED + IMPORTANCE]
        )
    rows.append(
        ["825478999", "bo@example.dk", "Bo Åby", "", "2021-09-02 18:40:00", "", "0", "0", "1", "0", "0", "9", ""]
        + [3] * (len(SCORED) + len(IMPORTANCE))
    )
    path = folder / "dataset.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + delimited([header, *rows], "\t", "\n").encode("utf-16-le"))
    return path


def test_surveyxact_utf16_tab_text_and_its_partial_flag(tmp_path: Path) -> None:
    path = surveyxact_text(tmp_path)
    assert_reference(path, {"bo@example.dk": 'not finished in SurveyXact (column J "stato_4": 0)'})
    result = invoke(["check", str(path)])
    assert "read as text in UTF-16 LE (byte-order mark), tab-separated, LF line ends" in result.stdout
    survey = read_survey(Settings(survey=path))
    assert FREE_TEXT not in survey.columns.free_text and "V1" in survey.columns.items
    assert survey.columns.items["V1"] == 13 + len(SCORED)  # the importance text's column, not v_1 (L)


# --- LimeSurvey: full headings, every value quoted, ';', BOM, CRLF, an empty submitdate -----------


def limesurvey(folder: Path) -> Path:
    """LimeSurvey CSV (CsvWriter): UTF-8 BOM, CRLF, all quoted, `;`; full headings; long answers."""
    header = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Date started"]
    header += ["Date last action", "Navn", "E-mail"]
    header += [f"Hvor enig er du i følgende udsagn? [{TEXT[c]['da']}]" for c in SCORED]
    header += [f"Hvor vigtigt er det for dig? [{TEXT[c]['da']}]" for c in IMPORTANCE]
    rows = [
        [
            n,
            f"2026-11-20 09:1{n}:00",
            3,
            "da",
            123 + n,
            "2026-11-20 09:00:00",
            f"2026-11-20 09:1{n}:00",
            f"{first} {last}",
            email,
            *(label(c, answers[c]) for c in SCORED + IMPORTANCE),
        ]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    rows.append([9, "", 2, "da", 1, "2026-11-20 09:00:00", "2026-11-20 09:03:00", "Bo Åby", "bo@example.dk"])
    rows[-1] += [label(c, 4) for c in SCORED + IMPORTANCE]
    path = folder / "results-survey123.csv"
    path.write_bytes(codecs.BOM_UTF8 + (delimited([header, *rows], ";", "\r\n", quote_all=True) + "\r\n").encode())
    return path


def test_limesurvey_with_an_empty_submitdate(tmp_path: Path) -> None:
    assert_reference(
        limesurvey(tmp_path), {"bo@example.dk": 'not finished in LimeSurvey (column B "Date submitted": empty)'}
    )


# --- Excel for Mac: Mac Roman, CR line ends, ';' -------------------------------------------------


def mac_roman_cr(folder: Path) -> Path:
    """Excel 2011 for Mac "Comma Separated Values": Mac Roman, CR only, the Danish list separator."""
    header = ["Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES)]
    rows = [
        [f"{first} {last}", email, *(label(c, answers[c]) for c in ITEM_CODES)]
        for first, last, email, answers in LEADERS
    ]
    path = folder / "mac.csv"
    path.write_bytes(delimited([header, *rows], ";", "\r").encode("mac_roman"))
    return path


def test_mac_roman_with_cr_line_ends(tmp_path: Path) -> None:
    path = mac_roman_cr(tmp_path)
    assert_reference(path)
    result = invoke(["check", str(path)])
    assert "read as text in Mac Roman (not UTF-8; guessed from the letters), semicolon-separated, CR line ends" in (
        result.stdout
    )


# --- Google Forms US: M/d/yyyy H:mm:ss, one date order for the file -----------------------------


def google_us(folder: Path, stamps: Sequence[str], name: str = "google.csv") -> Path:
    """Google Sheets CSV (UTF-8, no BOM, comma): Timestamp, Email Address, questions; en_US times."""
    header = ["Timestamp", "Email Address", "Navn", *(TEXT[c]["da"] for c in ITEM_CODES)]
    rows = [
        [stamp, email, f"{first} {last}", *(answers[c] for c in ITEM_CODES)]
        for stamp, (first, last, email, answers) in zip(stamps, LEADERS, strict=False)
    ]
    first, last, email, _answers = LEADERS[0]
    rows.append([stamps[-1], email, f"{first} {last}", *[1] * len(ITEM_CODES)])  # an earlier duplicate, further down
    path = folder / name
    path.write_text(delimited([header, *rows], end="\n"), encoding="utf-8")
    return path


def test_google_us_timestamps_are_read_month_first_for_the_whole_file(tmp_path: Path) -> None:
    # 2/11/2026 (February 11) beats the row further down from 1/12/2026 (January 12); 11/20 decides mdy.
    path = google_us(tmp_path, ["2/11/2026 10:00:00", "11/20/2026 9:15:00", "11/20/2026 9:16:00", "1/12/2026 9:00:00"])
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    duplicate = next(o for o in survey.outcomes if o.status == "duplicate")
    assert duplicate.source_row == 5 and duplicate.reason == "superseded by row 2 (same e-mail, later submission)"
    assert not [w for o in survey.outcomes for w in o.warnings]  # 11/20/2026 9:15:00 is a time, not a problem
    assert any(
        "dates read month first (mdy): 11/20/2026 9:15:00 fits only that order" in n for n in survey.columns.notes
    )


def test_ambiguous_dates_are_not_guessed(tmp_path: Path) -> None:
    path = google_us(tmp_path, ["2/11/2026 10:00:00", "3/10/2026 9:15:00", "3/10/2026 9:16:00", "1/12/2026 9:00:00"])
    result = invoke(["check", str(path)])
    assert 'column A "Timestamp": dates such as 2/11/2026 10:00:00 can be day-first or month-first' in result.stdout
    assert "--date-order dmy or --date-order mdy" in result.stdout
    assert "row 2: duplicate: superseded by row 5 (same e-mail, further down the file" in result.stdout
    scores = invoke(["score", str(path), "--format", "csv"])
    assert "superseded by row 5 (same e-mail, further down the file: no submission time decides between them" in (
        scores.stdout
    )
    # Told the order, the times decide: February 11 is the later submission.
    result = invoke(["check", str(path), "--date-order", "mdy"])
    assert "row 5: duplicate: superseded by row 2 (same e-mail, later submission)" in result.stdout
    assert "dates read month first (mdy): --date-order" in result.stdout


def test_surveymonkey_respondent_id_orders_duplicates_without_times(tmp_path: Path) -> None:
    header = ["Respondent ID", "Collector ID", "Email Address", "Navn", *(TEXT[c]["da"] for c in ITEM_CODES)]
    rows = [
        [str(10045001533 + n), "42", email, f"{f} {la}", *(a[c] for c in ITEM_CODES)]
        for n, (f, la, email, a) in enumerate(LEADERS)
    ]
    rows.insert(0, ["10045009999", "42", LEADERS[1][2], "Åse Bræmer", *[1] * len(ITEM_CODES)])  # the later one, first
    path = write_xlsx(tmp_path / "monkey.xlsx", [header, *rows])
    survey = read_survey(Settings(survey=path))
    duplicate = next(o for o in survey.outcomes if o.status == "duplicate")
    assert duplicate.source_row == 4 and duplicate.superseded_by == 2
    assert (
        duplicate.reason
        == "superseded by row 2 (same e-mail, later response id: no submission time decides between them)"
    )


# --- two P1 columns; a question with no column; #N/A as a name ----------------------------------


def two_p1(folder: Path, second_empty: bool) -> Path:
    header = ["Navn", "E-mail", "P1", *(TEXT[c]["da"] for c in ITEM_CODES if c != "P1"), "P1"]
    rows = [
        [
            f"{first} {last}",
            email,
            answers["P1"],
            *(answers[c] for c in ITEM_CODES if c != "P1"),
            None if second_empty else 3,
        ]
        for first, last, email, answers in LEADERS
    ]
    return write_xlsx(folder / "two.xlsx", [header, *rows])


def test_two_p1_columns_one_empty_take_the_one_with_values(tmp_path: Path) -> None:
    path = two_p1(tmp_path, second_empty=True)
    assert_reference(path)
    result = invoke(["check", str(path)])
    assert "columns C and X are all headed as P1; X is empty in every row, so column C is used" in result.stdout


def test_two_p1_columns_with_values_stop_score(tmp_path: Path) -> None:
    result = invoke(["score", str(two_p1(tmp_path, second_empty=False))])
    assert result.exit_code == 2
    assert "Columns C and X are all headed as P1 and all hold answers" in result.stderr


def test_excel_errors_booleans_and_numbers_are_not_names(tmp_path: Path) -> None:
    header = ["Navn", "E-mail", *ITEM_CODES]
    rows: list[list[Any]] = [
        [f"{first} {last}", email, *(answers[c] for c in ITEM_CODES)] for first, last, email, answers in LEADERS
    ]
    rows += [["#N/A", "na@example.dk", *[3] * 21], [True, "t@example.dk", *[3] * 21], [42, "n@example.dk", *[3] * 21]]
    rows += [["Kim Ærø", "  KIM@Example.DK ", *[3] * 21]]
    path = write_xlsx(tmp_path / "names.xlsx", [header, *rows])
    assert_reference(path, {
        "na@example.dk": "column A (Navn): #N/A is an Excel error value, not a name",
        "t@example.dk": "column A (Navn): TRUE is a yes/no value, not a name",
        "n@example.dk": "column A (Navn): 42 is a number, not a name",
    })  # fmt: skip
    result = invoke(["score", str(path), "--format", "csv"])
    assert "kim@example.dk" in result.stdout and "KIM@Example" not in result.stdout


def missing_p3(folder: Path) -> Path:
    header = ["Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES if c != "P3"), "Spørgsmål 3 om budskab"]
    first, last, email, answers = LEADERS[0]
    row = [f"{first} {last}", email, *(answers[c] for c in ITEM_CODES if c != "P3"), "x"]
    return write_xlsx(folder / "missing.xlsx", [header, row])


def test_build_without_a_question_stops_and_with_it_declared_absent_says_so(tmp_path: Path) -> None:
    survey, out = missing_p3(tmp_path), tmp_path / "reports"
    result = invoke(["build", str(survey), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 2
    assert "1 scored question has no column, so the scores would silently leave it out: P3" in result.stderr
    assert 'most like it among the ignored columns: W "Spørgsmål 3 om budskab"' in result.stderr
    assert "--write-mapping" in result.stderr and "--mapping" in result.stderr and "absent" in result.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))

    check = invoke(["check", str(survey)])
    assert check.exit_code == 2
    problems = check.stdout.split("Problems\n", 1)[1]
    assert problems.startswith('  missing.xlsx, sheet "Form1": 1 scored question has no column')

    mapping = tmp_path / "mapping.toml"
    written = invoke(["check", str(survey), "--write-mapping", str(mapping)])
    text = mapping.read_text(encoding="utf-8")
    assert written.exit_code == 2 and "absent = []" in text and 'absent = ["P3"]' in text
    mapping.write_text(text.replace("absent = []", 'absent = ["P3"]'), encoding="utf-8")

    check = invoke(["check", str(survey), "--mapping", str(mapping)])
    assert check.exit_code == 0, check.stdout
    assert "not asked (the mapping file says so; scored without them): P3" in check.stdout
    scores = invoke(["score", str(survey), "--mapping", str(mapping)])
    assert scores.exit_code == 0, scores.stderr
    _first, _last, _email, answers = LEADERS[0]
    purpose = [answers[c] for c in ("P1", "P2", "P4")]
    assert f'"purpose": {round(sum((a - 1) / 4 * 100 for a in purpose) / 3, 1)}' in scores.stdout

    result = invoke(
        ["build", str(survey), "--mapping", str(mapping), "-o", str(out), "--jobs", "1", "--date", "2026-11-27"]
    )
    assert result.exit_code == 0, result.stderr
    pdf = next(out.glob("*.pdf"))
    text = pdf_text(pdf)
    assert "Spørgeskemaet stillede ikke udsagnet »" + TEXT["P3"]["da"] + "«" in text
    assert TEXT["P3"]["da"] not in text.replace("»" + TEXT["P3"]["da"] + "«", "")


@pytest.mark.parametrize(
    ("codec", "bom", "shown"),
    [
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 BE (byte-order mark)"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32 LE (byte-order mark)"),
        ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32 BE (byte-order mark)"),
        ("cp1252", b"", "Windows-1252 (not UTF-8; guessed from the letters)"),
        ("utf-8", b"", "UTF-8"),
    ],
)
def test_every_byte_order_mark_and_the_danish_code_page(tmp_path: Path, codec: str, bom: bytes, shown: str) -> None:
    header = ["Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES)]
    rows = [[f"{f} {la}", email, *(label(c, a[c]) for c in ITEM_CODES)] for f, la, email, a in LEADERS]
    path = tmp_path / "export.csv"
    path.write_bytes(bom + delimited([header, *rows], ";", "\r\n").encode(codec))
    assert_reference(path)
    assert read_survey(Settings(survey=path)).reading == f"text in {shown}, semicolon-separated, CRLF line ends"


# --- OpenDocument (.ods), read with python-calamine -----------------------------------------------


def test_an_ods_workbook_with_a_title_row_gives_the_reference_scores(tmp_path: Path) -> None:
    header = ["Navn", "E-mail", *(TEXT[c]["da"] for c in ITEM_CODES)]
    rows = [[f"{f} {la}", email, *(a[c] for c in ITEM_CODES)] for f, la, email, a in LEADERS]
    path = ods(tmp_path / "svar.ods", [["Lederens GPS – svar"], [], header, *rows])
    assert_reference(path)
    survey = read_survey(Settings(survey=path))
    assert survey.columns.header_rows[-1] == 3 and [o.source_row for o in survey.outcomes] == [4, 5, 6]


def test_previous_scores_leave_out_the_questions_this_export_did_not_ask(tmp_path: Path) -> None:
    survey = missing_p3(tmp_path)
    first, last, email, answers = LEADERS[0]
    earlier = write_xlsx(
        tmp_path / "earlier.xlsx",
        [["Navn", "E-mail", *ITEM_CODES], [f"{first} {last}", email, *(answers[c] for c in ITEM_CODES)]],
    )
    mapping = tmp_path / "mapping.toml"
    invoke(["check", str(survey), "--write-mapping", str(mapping)])
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("absent = []", 'absent = ["P3"]'), encoding="utf-8")
    result = invoke(["score", str(survey), "--mapping", str(mapping), "--previous", str(earlier)])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)[0]
    purpose = round(sum((answers[c] - 1) / 4 * 100 for c in ("P1", "P2", "P4")) / 3, 1)
    assert record["scores"]["purpose"] == record["previous_scores"]["purpose"] == purpose


@pytest.mark.parametrize(
    ("extra", "finished", "unfinished", "reason"),
    [
        (["ResponseId", "Finished"], ["R_1", "TRUE"], ["R_2", "FALSE"], 'Qualtrics (column Y "Finished": FALSE)'),
        (["ResponseId", "Progress"], ["R_1", "100"], ["R_2", "99"], 'Qualtrics (column Y "Progress": 99)'),
        (["respondentid", "statoverall_3"], ["1", "0"], ["2", "1"], 'SurveyXact (column Y "statoverall_3": 1)'),
        (["lfdn", "dispcode"], ["1", "32"], ["2", "22"], 'Questback EFS (Unipark) (column Y "dispcode": 22)'),
        (
            ["lfdn", "dispcode"],
            ["1", "Completed (31)"],
            ["2", "Suspended (22)"],
            'Questback EFS (Unipark) (column Y "dispcode": Suspended (22))',
        ),
        # EFS: finished only as 31 or 32, whatever else the code or label (helper-16's attack: 38, "Suspended").
        (["lfdn", "dispcode"], ["1", "31"], ["2", "38"], 'Questback EFS (Unipark) (column Y "dispcode": 38)'),
        (
            ["lfdn", "dispcode"],
            ["1", "Fullført (31)"],
            ["2", "Suspended"],
            'Questback EFS (Unipark) (column Y "dispcode": Suspended)',
        ),
        (
            ["lfdn", "dispcode"],
            ["1", "32.0"],
            ["2", "22 - Suspended"],
            'Questback EFS (Unipark) (column Y "dispcode": 22 - Suspended)',
        ),
        # A status written as a decimal in a CSV ("0.0") is the code 0.
        (["record_id", "ledergps_complete"], ["1", "2.0"], ["2", "0.0"], 'REDCap (column Y "ledergps_complete": 0.0)'),
        (["respondentid", "statoverall_4"], ["1", "1.0"], ["2", "0.0"], 'SurveyXact (column Y "statoverall_4": 0.0)'),
        # A preview from the survey editor is no leader's answer (text and numeric exports), nor an EFS tester's.
        (
            ["ResponseId", "Status"],
            ["R_1", "IP Address"],
            ["R_2", "Survey Preview"],
            'T:Qualtrics (column Y "Status": Survey Preview)',
        ),
        (["ResponseId", "Status"], ["R_1", "0"], ["R_2", "1"], 'T:Qualtrics (column Y "Status": 1)'),
        (["lfdn", "tester"], ["1", "0"], ["2", "1"], 'T:Questback EFS (Unipark) (column Y "tester": 1)'),
        (
            ["Recopilador", "Estado de respuesta"],
            ["Web", "COMPLETED"],
            ["Web", "PARTIAL"],
            'Zoho Survey (column Y "Estado de respuesta": PARTIAL)',
        ),
        (
            ["Network ID", "Response Type"],
            ["n", "completed"],
            ["n", "partial"],
            'Typeform (column Y "Response Type": partial)',
        ),
        (["Id", "Gennemført"], ["1", "Ja"], ["2", "Nej"], 'the export (column Y "Gennemført": Nej)'),
        # Another tool's column of that name means nothing: Qualtrics' Response Type is not Typeform's.
        (["ResponseId", "Response Type"], ["R_1", "IP Address"], ["R_2", "partial"], None),
    ],
)
def test_each_tools_unfinished_rule(
    tmp_path: Path, extra: list[str], finished: list[str], unfinished: list[str], reason: str | None
) -> None:
    header = ["Navn", "E-mail", *ITEM_CODES, *extra]
    rows = [["Ann Ask", "ann@example.dk", *[3] * 21, *finished], ["Bo Bak", "bo@example.dk", *[3] * 21, *unfinished]]
    survey = read_survey(Settings(survey=write_xlsx(tmp_path / "tool.xlsx", [header, *rows])))
    assert survey.outcomes[0].status == "ok"
    said = None if reason is None else f"not finished in {reason}"
    if reason is not None and reason.startswith("T:"):
        said = f"a test or preview response in {reason[2:]}"
    assert survey.outcomes[1].reason == said


def test_ambiguous_dates_decide_where_both_readings_agree(tmp_path: Path) -> None:
    # 3/10 and 4/11 are later than 2/10 read either way: nothing to ask.
    path = google_us(tmp_path, ["2/10/2026 10:00:00", "3/10/2026 9:15:00", "3/10/2026 9:16:00", "4/11/2026 9:00:00"])
    survey = read_survey(Settings(survey=path))
    duplicate = next(o for o in survey.outcomes if o.status == "duplicate")
    assert duplicate.source_row == 2 and duplicate.reason == "superseded by row 5 (same e-mail, later submission)"
    note = next(n for n in survey.columns.notes if "day-first or month-first" in n)
    assert "both readings give the same order, so that order decides" in note and "--date-order" not in note
