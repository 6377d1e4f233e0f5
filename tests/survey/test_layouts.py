"""One export per survey tool's layout, all holding the same answers: each must give the same scores.

Every workbook is written with openpyxl the way that tool lays it out; the scores are
compared with a plain reference computation of the spec, not with each other only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from reportgen.config import Settings
from reportgen.models import Survey
from reportgen.survey.load import read_survey

from ..conftest import INSTRUMENT, ITEM_CODES
from ..factory import write_book
from ..reference import reference_scores

STEP_CODES = {step.id: [item.code for item in step.items] for step in INSTRUMENT.steps}
IMPORTANCE = [step.importance.code for step in INSTRUMENT.steps if step.importance]
SCORED = [code for codes in STEP_CODES.values() for code in codes]
LABELS_DA = INSTRUMENT.scales["agreement"].labels["da"]
IMPORTANCE_DA = INSTRUMENT.scales["importance"].labels["da"]
TEXT = {item.code: item.text for item in INSTRUMENT.items}

# (first name, last name, e-mail, answers by item code); None is not answered.
LEADERS: list[tuple[str, str, str, dict[str, int | None]]] = [
    ("Søren", "Østergaard", "soren@example.dk", {c: (i % 5) + 1 for i, c in enumerate(ITEM_CODES)}),
    ("Åse", "Bræmer", "aase@example.dk", {c: 4 for c in ITEM_CODES} | {"F5": 2, "M3": None, "V2": None}),
    ("Lars", "Nielsen", "lars@example.dk", {c: 5 - (i % 3) for i, c in enumerate(ITEM_CODES)} | {"K4": None}),
]


def label(code: str, value: int | None) -> str | None:
    """The Danish label a tool that exports labels writes for an answer."""
    if value is None:
        return None
    return (IMPORTANCE_DA if code in IMPORTANCE else LABELS_DA)[value - 1]


def save(path: Path, sheets: dict[str, list[list[Any]]], merges: dict[str, list[str]] | None = None) -> Path:
    return write_book(path, sheets, merges)


def microsoft_forms_da(folder: Path) -> Path:
    """One header row, numbered Danish item texts, labels as answers, Danish fixed columns."""
    header = ["Id", "Starttidspunkt", "Færdiggørelsestidspunkt", "Mail", "Navn", "Tidspunkt for seneste ændring"]
    header += [f"{n}. {TEXT[c]['da']}" for n, c in enumerate(ITEM_CODES, start=1)]
    rows = [
        [n, "11/20/2026 9:00:00 AM", f"11/20/2026 9:{10 + n}:00 AM", email, f"{first} {last}", None]
        + [label(c, answers[c]) for c in ITEM_CODES]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    return save(folder / "forms.xlsx", {"Form1": [header, *rows]})


def typeform_en(folder: Path) -> Path:
    """One header row of English question texts, numbers as answers, Typeform's fixed columns."""
    header = ["#", "What is your name?", "Email", *(TEXT[c]["en"] for c in ITEM_CODES), "Submitted At", "Token"]
    rows = [
        [n, f"{first} {last}", email, *(answers[c] for c in ITEM_CODES), "2026-11-20 09:15:00", f"tok{n}"]
        for n, (first, last, email, answers) in enumerate(LEADERS, start=1)
    ]
    header[1] = "Name"
    return save(folder / "typeform.xlsx", {"responses": [header, *rows]})


def google_grid(folder: Path) -> Path:
    """Google Forms: grid questions as "Question [Statement]", numbers stored as text."""
    header = ["Tidsstempel", "Mailadresse", "Navn"]
    header += [f"Hvor enig er du? [{TEXT[c]['da']}]" for c in SCORED]
    header += [f"Vigtighed [{TEXT[c]['da']}]" for c in IMPORTANCE]
    rows = [
        ["20/11/2026 09:15:00", email, f"{first} {last}", *(_text(answers[c]) for c in SCORED + IMPORTANCE)]
        for first, last, email, answers in LEADERS
    ]
    return save(folder / "google.xlsx", {"Formularsvar 1": [header, *rows]})


def dash_and_dot_grid(folder: Path) -> Path:
    """Grid headers as "Question - Statement" and "Question.Statement", labels with numbers ("4 - Enig")."""
    header = ["Name", "E-mail"]
    header += [f"Hvor enig er du - i dag? - {TEXT[c]['da']}" for c in SCORED[:8]]
    header += [f"Udsagn.{TEXT[c]['da']}" for c in SCORED[8:] + IMPORTANCE]
    rows = [
        [f"{first} {last}", email]
        + [None if answers[c] is None else f"{answers[c]} - {label(c, answers[c])}" for c in SCORED + IMPORTANCE]
        for first, last, email, answers in LEADERS
    ]
    return save(folder / "grid.xlsx", {"Sheet1": [header, *rows]})


def surveymonkey(folder: Path) -> Path:
    """Two header rows: the question over merged cells, the statement or "Response" below."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
    meta += ["First Name", "Last Name", "Custom Data 1"]
    top = [*meta, "Navn", "E-mail", "Hvor enig er du i følgende udsagn?", *[None] * (len(SCORED) - 1)]
    top += ["Hvor vigtigt er det for dig lige nu?", *[None] * (len(IMPORTANCE) - 1)]
    second = [None] * len(meta) + ["Response", "Open-Ended Response"]
    second += [TEXT[c]["da"] for c in SCORED + IMPORTANCE]
    rows = [
        [
            1000 + n,
            42,
            "11/20/2026 09:00:00 AM",
            "11/20/2026 09:15:00 AM",
            "10.0.0.1",
            None,
            None,
            None,
            None,
            f"{first} {last}",
            email,
            *(label(c, answers[c]) for c in SCORED + IMPORTANCE),
        ]
        for n, (first, last, email, answers) in enumerate(LEADERS)
    ]
    first_grid = len(meta) + 2
    merges = [
        f"{_letter(first_grid)}1:{_letter(first_grid + len(SCORED) - 1)}1",
        f"{_letter(first_grid + len(SCORED))}1:{_letter(first_grid + len(SCORED) + len(IMPORTANCE) - 1)}1",
    ]
    return save(folder / "monkey.xlsx", {"Sheet": [top, second, *rows]}, {"Sheet": merges})


QUALTRICS_META = [
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
]


def qualtrics(folder: Path, unfinished: list[list[Any]] | None = None) -> Path:
    """Three header rows (codes, texts, ImportId), metadata columns, the name from first + last name."""
    codes = [code for code, _, _ in QUALTRICS_META]
    codes += [f"Q1_{n}" for n in range(1, len(SCORED) + 1)] + [f"Q2_{n}" for n in range(1, len(IMPORTANCE) + 1)]
    texts = [text for _, text, _ in QUALTRICS_META]
    texts += [f"Hvor enig er du i følgende udsagn? - {TEXT[c]['da']}" for c in SCORED]
    texts += [f"Hvor vigtigt er det for dig - lige nu? - {TEXT[c]['da']}" for c in IMPORTANCE]
    import_ids = [json.dumps({"ImportId": key}) for _, _, key in QUALTRICS_META]
    import_ids += [json.dumps({"ImportId": f"QID{n}"}) for n in range(len(SCORED) + len(IMPORTANCE))]
    rows = [
        ["2026-11-20 09:00:00", "2026-11-20 09:15:00", "IP Address", 100, 900, True, "2026-11-20 09:15:01"]
        + [f"R_{n}", last, first, email, None, "email", "DA"]
        + [answers[c] for c in SCORED + IMPORTANCE]
        for n, (first, last, email, answers) in enumerate(LEADERS)
    ]
    return save(folder / "qualtrics.xlsx", {"Sheet0": [codes, texts, import_ids, *rows, *(unfinished or [])]})


def codes_only(folder: Path) -> Path:
    """Headers that are only item codes."""
    header = ["Navn", "E-mail", *ITEM_CODES]
    rows = [[f"{first} {last}", email, *(answers[c] for c in ITEM_CODES)] for first, last, email, answers in LEADERS]
    return save(folder / "codes.xlsx", {"Data": [header, *rows]})


# SurveyXact codes its answers its own way: 1 is "Helt enig" here, and 9 is "Ved ikke".
XACT_AGREEMENT = {1: "Helt enig", 2: "Enig", 3: "Hverken enig eller uenig", 4: "Uenig", 5: "Helt uenig", 9: "Ved ikke"}
XACT_IMPORTANCE = dict(enumerate(IMPORTANCE_DA, start=1))


def surveyxact(folder: Path) -> Path:
    """Variable names as headers, numeric codes as values; Structure and Labels sheets map them."""
    variables = {c: f"s_2_{n}" for n, c in enumerate(SCORED, start=1)}
    variables |= {c: f"s_3_{n}" for n, c in enumerate(IMPORTANCE, start=1)}
    header = ["respondentid", "email", "s_1", *variables.values(), "statoverall_4"]
    code_of = {label: code for code, label in XACT_AGREEMENT.items()}
    rows = []
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        values = [
            (answers[c] if c in IMPORTANCE else code_of[LABELS_DA[answers[c] - 1]]) if answers[c] else None
            for c in variables
        ]
        rows.append([n, email, f"{first} {last}", *values, 1])
    rows[0][3] = 9  # "Ved ikke" for the first item: not answered
    structure = [["Variable", "Type", "Text"], ["respondentid", "id", "Respondent"], ["email", "background", "Email"]]
    structure.append(["s_1", "text", "Navn"])
    structure += [[v, "single", f"Hvor enig er du i følgende? - {TEXT[c]['da']}"] for c, v in variables.items()]
    labels: list[list[Any]] = [["Variable", "Value", "Label"]]
    for code, variable in variables.items():
        scale = XACT_IMPORTANCE if code in IMPORTANCE else XACT_AGREEMENT
        labels += [[variable if i == 0 else None, value, text] for i, (value, text) in enumerate(scale.items())]
    return save(folder / "xact.xlsx", {"Dataset": [header, *rows], "Structure": structure, "Labels": labels})


def cover_blank_rows_and_formatting(folder: Path) -> Path:
    """An info sheet first, a title row above the header, blank rows inside, formatted empty cells after."""
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = "Info"
    info.append(["Survey: Lederens GPS", "Exported 2026-11-20"])
    data = book.create_sheet("Svar")
    data.append(["Lederens GPS – svar"])
    data.append(["Navn", "E-mail", *ITEM_CODES])
    for first, last, email, answers in LEADERS:
        data.append([f"{first} {last}", email, *(answers[c] for c in ITEM_CODES)])
        data.append([])
    for row in range(20, 400):  # formatted but empty, as spreadsheets leave them
        data.cell(row=row, column=60).number_format = "0.00"
    path = folder / "cover.xlsx"
    book.save(path)
    return path


def csv_export(folder: Path, delimiter: str, encoding: str) -> Path:
    """A CSV file in the given dialect, Danish labels as answers."""
    path = folder / f"export-{encoding}-{ord(delimiter)}.csv"
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(["Navn", "Mail", *(TEXT[c]["da"] for c in ITEM_CODES)])
        for first, last, email, answers in LEADERS:
            writer.writerow([f"{first} {last}", email, *(label(c, answers[c]) or "" for c in ITEM_CODES)])
    return path


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _letter(index: int) -> str:
    from reportgen.survey.cells import column_letter

    return column_letter(index)


LAYOUTS: dict[str, Callable[[Path], Path]] = {
    "microsoft-forms-da": microsoft_forms_da,
    "typeform-en": typeform_en,
    "google-grid": google_grid,
    "dash-and-dot-grid": dash_and_dot_grid,
    "surveymonkey": surveymonkey,
    "qualtrics": qualtrics,
    "codes-only": codes_only,
    "surveyxact": surveyxact,
    "cover-blank-rows-formatting": cover_blank_rows_and_formatting,
    "csv-utf8-bom-comma": lambda folder: csv_export(folder, ",", "utf-8-sig"),
    "csv-cp1252-semicolon": lambda folder: csv_export(folder, ";", "cp1252"),
    "csv-utf8-tab": lambda folder: csv_export(folder, "\t", "utf-8"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_gives_the_reference_scores(tmp_path: Path, layout: str) -> None:
    survey = read_survey(Settings(survey=LAYOUTS[layout](tmp_path)))
    outcomes = {o.response.email: o for o in survey.outcomes}
    assert len(survey.outcomes) == len(LEADERS)
    for first, last, email, answers in LEADERS:
        outcome = outcomes[email]
        assert outcome.status == "ok", outcome.reason
        assert outcome.response.name == f"{first} {last}"
        if layout == "surveyxact" and email == LEADERS[0][2]:
            answers = answers | {SCORED[0]: None}  # its "Ved ikke"
        expected = reference_scores(answers)
        assert outcome.assessment is not None
        assert {s.step_id: s.score for s in outcome.assessment.steps} == expected, layout
        importance = {s.step_id: s.importance for s in outcome.assessment.steps}
        assert importance == {step.id: answers[step.importance.code] for step in INSTRUMENT.steps if step.importance}


def test_qualtrics_header_is_three_rows_and_the_data_starts_below(tmp_path: Path) -> None:
    survey = read_survey(Settings(survey=qualtrics(tmp_path)))
    assert survey.columns.header_rows == (1, 2, 3)
    assert [o.source_row for o in survey.outcomes] == [4, 5, 6]
    assert "language" in survey.columns.identity
    assert {(m.rule.tool, survey.columns.headers[m.column]) for m in survey.columns.markers} == {
        ("Qualtrics", "Finished"),
        ("Qualtrics", "Progress"),
        ("Qualtrics", "Status / Response Type"),  # a preview's mark: none of these rows is one
    }
    assert all(o.response.language == "da" for o in survey.outcomes)


def test_surveymonkey_header_is_two_rows_with_the_question_carried_over_merged_cells(tmp_path: Path) -> None:
    survey = read_survey(Settings(survey=surveymonkey(tmp_path)))
    assert survey.columns.header_rows == (1, 2)
    last_grid_column = survey.columns.items[SCORED[-1]]
    assert survey.columns.headers[last_grid_column].startswith("Hvor enig er du i følgende udsagn? / ")


def test_an_unfinished_response_is_invalid_whatever_its_answers(tmp_path: Path) -> None:
    # Issue 17 changed the rule: an unfinished response complete enough in every step was
    # scored with a warning before; now the tool's own "not finished" decides, always.
    meta = ["2026-11-20 09:00:00", "2026-11-20 09:05:00", "IP Address"]
    enough = {c: 3 for c in ITEM_CODES} | {"P1": None, "F1": None}
    too_few = {c: 3 for c in ITEM_CODES} | {c: None for c in STEP_CODES["customers"]}
    unfinished = [
        [*meta, 80, 300, False, "2026-11-21", "R_9", "Holm", "Mette", "mette@example.dk", None, "email", "DA"]
        + [enough[c] for c in SCORED + IMPORTANCE],
        [*meta, 45, 200, "False", "2026-11-21", "R_10", "Berg", "Jens", "jens@example.dk", None, "email", "EN"]
        + [too_few[c] for c in SCORED + IMPORTANCE],
        [*meta, 60, 200, True, "2026-11-21", "R_11", "Lund", "Ida", "ida@example.dk", None, "email", "EN"]
        + [4 for c in SCORED + IMPORTANCE],
    ]
    survey = read_survey(Settings(survey=qualtrics(tmp_path, unfinished)))
    by_email = {o.response.email: o for o in survey.outcomes}
    assert by_email["mette@example.dk"].reason == 'not finished in Qualtrics (column F "Finished": False)'
    assert by_email["jens@example.dk"].reason == 'not finished in Qualtrics (column F "Finished": False)'
    assert by_email["ida@example.dk"].reason == 'not finished in Qualtrics (column D "Progress": 60)'
    assert all(by_email[e].status == "invalid" for e in ("mette@example.dk", "jens@example.dk", "ida@example.dk"))
    assert [o.status for o in survey.outcomes[:3]] == ["ok"] * 3


def test_first_and_last_name_make_the_name_only_without_a_name_column(tmp_path: Path) -> None:
    header = ["Fornavn", "Efternavn", "Navn", "E-mail", *ITEM_CODES]
    path = save(tmp_path / "names.xlsx", {"S": [header, ["Mette", "Holm", "Mette F. Holm", "m@example.dk", *[3] * 21]]})
    assert read_survey(Settings(survey=path)).outcomes[0].response.name == "Mette F. Holm"
    header = ["Fornavn", "Efternavn", "E-mail", *ITEM_CODES]
    path = save(tmp_path / "parts.xlsx", {"S": [header, ["Mette", "Holm", "m@example.dk", *[3] * 21]]})
    assert read_survey(Settings(survey=path)).outcomes[0].response.name == "Mette Holm"


def documented_surveyxact() -> dict[str, list[list[Any]]]:
    """SurveyXact's three tables as its exports lay them out, with LEADERS' answers as SurveyXact's codes.

    The dataset with the API's 8-character names (responde, closetim, stato_1..5); Structure headed
    questionName … choiceText; Labels with no header row (variable, value, label).
    [V] berthott/laravel-sx tests/Feature/dataset.csv, structure_en.csv, labels_en.csv; sda030/readSX ex_survey2.
    """
    variables = {c: f"s_2_{n}" for n, c in enumerate(SCORED, start=1)}
    variables |= {c: f"s_3_{n}" for n, c in enumerate(IMPORTANCE, start=1)}
    header = ["responde", "email", "s_1", *variables.values(), "closetim", *(f"stato_{n}" for n in range(1, 6))]
    code_of = {label: code for code, label in XACT_AGREEMENT.items()}
    rows: list[list[Any]] = [header]
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        values = [
            (answers[c] if c in IMPORTANCE else code_of[LABELS_DA[answers[c] - 1]]) if answers[c] else None
            for c in variables
        ]
        rows.append([n, email, f"{first} {last}", *values, f"2026-11-20 09:1{n}:00", 0, 0, 0, 1, 0])
    structure: list[list[Any]] = [
        ["questionName", "variableName", "questionType", "subType", "questionText", "choiceValue", "choiceText"],
        ["s_1", "s_1", "Open", "String", "Navn", None, None],
    ]
    structure += [
        [v.rsplit("_", 1)[0], v, "Closed", "Single", f"Hvor enig er du i følgende? - {TEXT[c]['da']}", None, None]
        for c, v in variables.items()
    ]
    labels = [
        [variable, value, text]
        for code, variable in variables.items()
        for value, text in (XACT_IMPORTANCE if code in IMPORTANCE else XACT_AGREEMENT).items()
    ]
    return {"Dataset": rows, "Structure": structure, "Labels": labels}


def assert_leaders_scored(survey: Survey) -> None:
    for first, last, email, answers in LEADERS:
        outcome = next(o for o in survey.outcomes if o.response.email == email)
        assert outcome.status == "ok" and outcome.assessment is not None
        got = {s.step_id: None if s.score is None else float(s.score) for s in outcome.assessment.steps}
        assert got == pytest.approx(reference_scores(answers)), (first, last)


def test_surveyxacts_documented_structure_and_a_labels_sheet_without_a_header_row(tmp_path: Path) -> None:
    assert_leaders_scored(read_survey(Settings(survey=save(tmp_path / "xact.xlsx", documented_surveyxact()))))


def test_surveyxacts_three_text_files_dataset_structure_and_labels_read_together(tmp_path: Path) -> None:
    """The text export is dataset.csv, structure.csv and labels.csv side by side (UTF-16 LE, tab; readSX's examples)."""
    for name, table in documented_surveyxact().items():
        text = "".join("\t".join("" if v is None else str(v) for v in row) + "\r\n" for row in table)
        (tmp_path / f"{name.lower()}.csv").write_bytes(text.encode("utf-16"))
    survey = read_survey(Settings(survey=tmp_path / "dataset.csv"))
    assert "structure.csv and labels.csv beside the export give its variables' texts and codes' labels" in (
        survey.columns.notes
    )
    assert_leaders_scored(survey)


def test_surveyxact_codes_written_as_decimals_are_read_through_their_labels(tmp_path: Path) -> None:
    """Codes written "5.0" (a CSV saved from a spreadsheet) mean what "5" means: read through the labels."""
    tables = documented_surveyxact()
    header, *rows = tables["Dataset"]
    first_answer = header.index("s_2_1")
    decimals = [
        [*row[:first_answer], *(f"{v}.0" if isinstance(v, int) else v for v in row[first_answer:-6]), *row[-6:]]
        for row in rows
    ]
    for name, table in {**tables, "Dataset": [header, *decimals]}.items():
        text = "".join("\t".join("" if v is None else str(v) for v in row) + "\r\n" for row in table)
        (tmp_path / f"{name.lower()}.csv").write_bytes(text.encode("utf-16"))
    assert_leaders_scored(read_survey(Settings(survey=tmp_path / "dataset.csv")))
