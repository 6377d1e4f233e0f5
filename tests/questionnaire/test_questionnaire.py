"""reportgen questionnaire: each format from the instrument, and round trips through each tool's export.

A round trip generates the file, reads the survey back out of it as the tool would build it,
writes the export that tool writes (its documented header layout) with known answers, runs
`reportgen score` on it and compares with the reference calculation (tests/reference.py).
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from py_mini_racer import JSEvalException, MiniRacer
from pypdf import PdfReader

from reportgen.config import bundled_templates
from reportgen.errors import TemplateError
from reportgen.models import Instrument
from reportgen.questionnaire import FORMATS, default_name, write_questionnaire
from reportgen.survey.instrument import load_instrument

from ..conftest import invoke
from ..reference import printed_scores

INSTRUMENT = load_instrument()
CODES = [item.code for item in INSTRUMENT.items]
# Two leaders with different answers on every item, the second leaving one item out.
LEADERS: list[dict[str, Any]] = [
    {"name": "Søren Østergaard", "email": "soren@example.dk", "answers": {c: i % 5 + 1 for i, c in enumerate(CODES)}},
    {
        "name": "Anna Berg",
        "email": "anna@example.dk",
        "answers": {c: (5 - i % 5) if c != "F3" else None for i, c in enumerate(CODES)},
    },
]


# --- reference and helpers --------------------------------------------------------------------


def score(path: Path) -> list[dict[str, Any]]:
    """`reportgen score` on the file: the JSON records."""
    result = invoke(["score", str(path)])
    assert result.exit_code == 0, result.output
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


def assert_scores_match(path: Path) -> None:
    records = score(path)
    assert [(r["name"], r["email"], r["status"]) for r in records] == [
        (leader["name"], leader["email"], "ok") for leader in LEADERS
    ]
    for record, leader in zip(records, LEADERS, strict=True):
        assert record["scores"] == printed_scores(leader["answers"]), leader["name"]


def generate(tmp_path: Path, lang: str, fmt: str, instrument: Instrument = INSTRUMENT) -> Path:
    return write_questionnaire(instrument, lang, fmt, tmp_path / default_name(lang, fmt), None, force=True)


def label_of(value: int | None, labels: list[str]) -> str:
    return "" if value is None else labels[value - 1]


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def identity_value(field: str, leader: dict[str, Any]) -> str:
    return {"name": leader["name"], "email": leader["email"], "organisation": "Testby Kommune"}.get(field, "")


def field_of(label: str, lang: str) -> str:
    """The identity field a question label stands for, by the content file (a required one ends in " *")."""
    fields = tomllib.loads((bundled_templates() / "content" / f"questionnaire-{lang}.toml").read_text("utf-8"))
    return next(field for field, text in fields["fields"].items() if text == label.removesuffix(" *"))


# --- Google Forms ----------------------------------------------------------------------------------

_JS_STRING = r'("(?:[^"\\]|\\.)*")'


def google_form(script: str) -> list[tuple[str, str, list[str], list[str]]]:
    """The form's items as the script creates them: (kind, title, rows, columns), read from the script."""
    items: list[tuple[str, str, list[str], list[str]]] = []
    pattern = re.compile(
        r"add(TextItem|GridItem|ParagraphTextItem)\(\)\s*\.setTitle\(" + _JS_STRING + r"\)"
        r"(?:\s*\.setHelpText\(" + _JS_STRING + r"\)\s*\.setRows\((\[.*?\])\)\s*\.setColumns\((\[.*?\])\))?",
        re.DOTALL,
    )
    for match in pattern.finditer(script):
        kind, title, _, rows, columns = match.groups()
        items.append((kind, json.loads(title), json.loads(rows or "[]"), json.loads(columns or "[]")))
    return items


@pytest.mark.parametrize("lang", ["da", "en"])
def test_google_forms_round_trip(tmp_path: Path, lang: str) -> None:
    items = google_form(generate(tmp_path, lang, "google").read_text("utf-8"))
    assert [kind for kind, *_ in items].count("GridItem") == 5
    header = ["Timestamp", "Email Address"]  # setCollectEmail(true) adds the second
    for kind, title, rows, _ in items:
        header += [f"{title} [{row}]" for row in rows] if kind == "GridItem" else [title]
    data = [header]
    codes = {item.text[lang]: item.code for item in INSTRUMENT.items}
    for leader in LEADERS:
        row = ["27/11/2026 10:15:00", leader["email"]]
        for kind, title, rows, columns in items:
            if kind == "GridItem":
                row += [label_of(leader["answers"][codes[r]], columns) for r in rows]
            elif kind == "TextItem":
                row.append(identity_value(field_of(title, lang), leader))
            else:
                row.append("Mit formål er at blive set.")
        data.append(row)
    assert_scores_match(write_csv(tmp_path / "Google Forms (svar).csv", data))


def javascript_syntax_error(source: str) -> str | None:
    """What V8 (Apps Script's engine, embedded by mini-racer) says of the script's syntax; None when it parses.

    new Function() parses the script as a function's body and runs nothing of it, as `node --check` does.
    """
    try:
        MiniRacer().eval(f"new Function({json.dumps(source)})")
    except JSEvalException as error:  # new Function() reports a SyntaxError as it runs
        return str(error)
    return None


def test_the_syntax_check_finds_a_broken_script() -> None:
    assert javascript_syntax_error("function f() { return `a${1}`; }") is None
    assert "SyntaxError" in (javascript_syntax_error('function f() { form.setTitle("x); }') or "")


def test_google_script_parses_in_v8(tmp_path: Path) -> None:
    script = generate(tmp_path, "da", "google")
    assert javascript_syntax_error(script.read_text("utf-8")) is None
    assert "form.setCollectEmail(true);" in script.read_text("utf-8")


def test_google_script_escapes_texts(tmp_path: Path) -> None:
    """A quote, a backslash, a line break or </script> in a text cannot end the JS string."""
    source = INSTRUMENT.source.read_text("utf-8").replace(
        "Jeg har fokus på kundernes digitale behov.", 'Jeg \\"siger\\" \\\\ ting\\n</script> og ${x}.'
    )
    instrument = load_instrument(_write(tmp_path / "instrument.toml", source))
    script = generate(tmp_path, "da", "google", instrument)
    assert javascript_syntax_error(script.read_text("utf-8")) is None
    rows = [rows for kind, _, rows, _ in google_form(script.read_text("utf-8")) if kind == "GridItem"]
    assert 'Jeg "siger" \\ ting\n</script> og ${x}.' in rows[3]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


# --- Qualtrics -------------------------------------------------------------------------------------


def qualtrics_survey(text: str) -> list[dict[str, Any]]:
    """The questions of an Advanced Format file: type, ID, text, choices and answers by number."""
    questions: list[dict[str, Any]] = []
    section = ""
    for line in text.splitlines():
        if match := re.fullmatch(r"\[\[Question:([^\]]+)\]\]", line):
            questions.append({"type": match.group(1), "id": "", "text": "", "choices": {}, "answers": {}})
            section = "text"
        elif match := re.fullmatch(r"\[\[ID:([^\]]+)\]\]", line):
            questions[-1]["id"] = match.group(1)
        elif line in ("[[AdvancedChoices]]", "[[AdvancedAnswers]]"):
            section = "choices" if "Choices" in line else "answers"
        elif match := re.fullmatch(r"\[\[(?:Choice|Answer):(\d+)\]\]", line):
            number = int(match.group(1))
        elif line.startswith("[["):
            section = ""
        elif line and section == "text":
            questions[-1]["text"] = html.unescape(line)
        elif line and section in ("choices", "answers"):
            questions[-1][section][number] = html.unescape(line)
    return questions


@pytest.mark.parametrize("lang", ["da", "en"])
def test_qualtrics_round_trip(tmp_path: Path, lang: str) -> None:
    text = generate(tmp_path, lang, "qualtrics").read_text("utf-8")
    assert text.startswith("[[AdvancedFormat]]\n")
    questions = qualtrics_survey(text)
    meta = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished", "RecordedDate",
            "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "UserLanguage"]  # fmt: skip
    tags, texts, imports = list(meta), [m.replace("Date", " Date") for m in meta], []
    imports = [json.dumps({"ImportId": m[0].lower() + m[1:]}) for m in meta]
    codes = {item.text[lang]: item.code for item in INSTRUMENT.items}
    for qid, question in enumerate(questions, start=1):
        if question["type"].startswith("TE"):
            tags.append(question["id"])
            texts.append(question["text"])
            imports.append(json.dumps({"ImportId": f"QID{qid}_TEXT"}))
        elif question["type"] == "Matrix":
            for number, statement in question["choices"].items():
                tags.append(f"{question['id']}_{number}")
                texts.append(f"{question['text']} - {statement}")
                imports.append(json.dumps({"ImportId": f"QID{qid}_{number}"}))
    rows = [tags, texts, imports]
    for leader in LEADERS:
        row = ["2026-11-27 10:00:00", "2026-11-27 10:09:00", "IP Address", "100", "540", "True",
               "2026-11-27 10:09:01", "R_1", "", "", "", lang.upper()]  # fmt: skip
        for question in questions:
            if question["type"].startswith("TE"):
                field = question["id"] if question["id"] in INSTRUMENT.identity else ""
                row.append(identity_value(field, leader) if field else "Med mine egne ord.")
            elif question["type"] == "Matrix":
                for statement in question["choices"].values():
                    value = leader["answers"][codes[statement]]
                    row.append("" if value is None else question["answers"][value])
        rows.append(row)
    assert_scores_match(write_csv(tmp_path / "qualtrics.csv", rows))


def test_qualtrics_ids_and_numbered_answers(tmp_path: Path) -> None:
    questions = qualtrics_survey(generate(tmp_path, "da", "qualtrics").read_text("utf-8"))
    matrices = [q for q in questions if q["type"] == "Matrix"]
    assert [q["id"] for q in matrices] == [step.id for step in INSTRUMENT.steps] + ["importance"]
    agreement = INSTRUMENT.scales["agreement"]
    assert matrices[0]["answers"] == dict(enumerate(agreement.labels["da"], start=agreement.min))
    assert list(matrices[1]["choices"].values()) == [item.text["da"] for item in INSTRUMENT.steps[1].items]


# --- LimeSurvey ----------------------------------------------------------------------------------


def limesurvey_export(structure: Path, lang: str, headings: str) -> list[list[str]]:
    """The response export of a survey imported from the TSV: 'code' or 'full' headings, codes or labels."""
    with structure.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    assert {row["class"] for row in rows} == {"S", "SL", "G", "Q", "SQ", "A"}
    questions: list[dict[str, Any]] = []
    for row in rows:
        if row["class"] == "Q":
            questions.append({**row, "sub": [], "answers": {}})
        elif row["class"] == "SQ":
            questions[-1]["sub"].append(row)
        elif row["class"] == "A":
            questions[-1]["answers"][int(row["name"])] = (row["name"], html.unescape(row["text"]))
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed"]
    if headings == "full":
        header = ["Response ID", "Date submitted", "Last page", "Start language", "Seed"]
    codes = {item.text[lang]: item.code for item in INSTRUMENT.items}
    for q in questions:
        text = html.unescape(q["text"])
        if q["type/scale"] == "F":
            header += [f"{q['name']}[{sq['name']}]" if headings == "code" else f"{text} [{html.unescape(sq['text'])}]"
                       for sq in q["sub"]]  # fmt: skip
        else:
            header.append(q["name"] if headings == "code" else text)
    data = [header]
    for number, leader in enumerate(LEADERS, start=1):
        row = [str(number), "2026-11-27 10:09:01", "6", lang, "123"]
        for q in questions:
            if q["type/scale"] == "F":
                for sq in q["sub"]:
                    value = leader["answers"][codes[html.unescape(sq["text"])]]
                    row.append("" if value is None else q["answers"][value][0 if headings == "code" else 1])
            elif q["type/scale"] == "S":
                row.append(identity_value(field_of(html.unescape(q["text"]), lang), leader))
            else:
                row.append("Med mine egne ord.")
        data.append(row)
    return data


@pytest.mark.parametrize(("lang", "headings"), [("da", "code"), ("da", "full"), ("en", "code"), ("en", "full")])
def test_limesurvey_round_trip(tmp_path: Path, lang: str, headings: str) -> None:
    data = limesurvey_export(generate(tmp_path, lang, "limesurvey"), lang, headings)
    if headings == "code":
        assert "purpose[P1]" in data[0] and "importance[V4]" in data[0]
    assert_scores_match(write_csv(tmp_path / f"results-survey123456-{headings}.csv", data))


def test_limesurvey_structure_columns(tmp_path: Path) -> None:
    """The columns TSVImportSurvey() reads; question rows leave the rest empty (it would make them attributes)."""
    with generate(tmp_path, "da", "limesurvey").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="\t"))
    assert list(rows[0])[:9] == ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
                                 "language"]  # fmt: skip
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", row["name"]) for row in rows if row["class"] in ("Q", "SQ"))
    arrays = [row for row in rows if row["class"] == "Q" and row["type/scale"] == "F"]
    assert len(arrays) == 5
    assert [row["name"] for row in rows if row["class"] == "A"][:5] == ["1", "2", "3", "4", "5"]
    assert {row["language"] for row in rows if row["class"] != "S"} == {"da"}


# --- Microsoft Forms -------------------------------------------------------------------------------


def forms_questions(path: Path) -> list[tuple[str, list[str]]]:
    """What Quick import makes of the document: each numbered paragraph a question, the list below it its options."""
    questions: list[tuple[str, list[str]]] = []
    for paragraph in Document(str(path)).paragraphs:
        if match := re.fullmatch(r"\d+\. (.+)", paragraph.text):
            questions.append((match.group(1), []))
        elif paragraph.style is not None and paragraph.style.name == "List Bullet":
            questions[-1][1].append(paragraph.text)
    return questions


def forms_export(tmp_path: Path, lang: str, signed_in: bool) -> Path:
    """Forms' Excel export: ID, times, the respondent's Email and Name (anonymous forms: none), then the questions."""
    questions = forms_questions(generate(tmp_path, lang, "docx"))
    header = ["ID", "Start time", "Completion time", "Email", "Name", *(title for title, _ in questions)]
    rows: list[list[Any]] = [header]
    codes = {item.text[lang]: item.code for item in INSTRUMENT.items}
    for number, leader in enumerate(LEADERS, start=1):
        who = [leader["email"], leader["name"]] if signed_in else ["anonymous", ""]
        row: list[Any] = [number, "11/27/2026 10:00:00 AM", "11/27/2026 10:09:00 AM", *who]
        for title, options in questions:
            if options:
                row.append(label_of(leader["answers"][codes[title]], options))
            elif title in codes or title in {item.text[lang] for item in INSTRUMENT.free_text}:
                row.append("Med mine egne ord.")
            else:
                row.append(identity_value(field_of(title, lang), leader))
        rows.append(row)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "Lederens GPS(1-2).xlsx")
    return tmp_path / "Lederens GPS(1-2).xlsx"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_microsoft_forms_round_trip(tmp_path: Path, lang: str) -> None:
    """A form that asks respondents to sign in: Forms' own Email and Name columns hold the leader's."""
    assert_scores_match(forms_export(tmp_path, lang, signed_in=True))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_microsoft_forms_anyone_can_answer_round_trip(tmp_path: Path, lang: str) -> None:
    """A form anyone can answer: Forms writes "anonymous" in its own Email and Name columns, before the questions.

    Those headers equal the form's own e-mail and name questions; the values tell them apart.
    """
    records = score(forms_export(tmp_path, lang, signed_in=False))
    assert [(r["email"], r["status"]) for r in records] == [(leader["email"], "ok") for leader in LEADERS]
    for record, leader in zip(records, LEADERS, strict=True):
        assert record["name"] == leader["name"]
        assert record["scores"] == printed_scores(leader["answers"]), leader["name"]


def test_docx_has_every_statement_and_label(tmp_path: Path) -> None:
    for lang in ("da", "en"):
        text = "\n".join(p.text for p in Document(str(generate(tmp_path, lang, "docx"))).paragraphs)
        for item in (*INSTRUMENT.items, *INSTRUMENT.free_text):
            assert item.text[lang] in text
        for scale in INSTRUMENT.scales.values():
            for label in scale.labels[lang]:
                assert f"\n{label}\n" in text
        questions = forms_questions(tmp_path / default_name(lang, "docx"))
        assert len(questions) == 4 + len(INSTRUMENT.items) + len(INSTRUMENT.free_text)


# --- the answer sheet ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_answer_sheet_round_trip(tmp_path: Path, lang: str) -> None:
    path = generate(tmp_path, lang, "xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    codes = {item.text[lang]: item.code for item in (*INSTRUMENT.items, *INSTRUMENT.free_text)}
    assert [codes[h] for h in headers if h in codes] == [*CODES, "T1"]
    # Each item's column has a drop-down whose list is the scale's labels.
    choices: dict[str, list[str]] = {}
    for validation in sheet.data_validations.dataValidation:
        sheet_name, cells = validation.formula1.split("!")
        lists = book[sheet_name.strip("'")]
        labels = [str(cell.value) for row in lists[cells.replace("$", "")] for cell in row]
        for cell_range in validation.sqref.ranges:
            for column in range(cell_range.min_col, cell_range.max_col + 1):
                choices[str(headers[column - 1])] = labels
    for item in INSTRUMENT.items:
        assert choices[item.text[lang]] == list(INSTRUMENT.scales[item.scale_id].labels[lang])
    for row, leader in enumerate(LEADERS, start=2):
        for column, header in enumerate(headers, start=1):
            code = codes.get(str(header))
            if code in leader["answers"]:
                value = label_of(leader["answers"][code], choices[str(header)]) or None
            elif code is None:
                value = identity_value(field_of(str(header), lang), leader) or None
            else:
                value = "Mit formål er at dele viden."
            sheet.cell(row=row, column=column, value=value)
    book.save(path)
    assert_scores_match(path)


# --- the printed questionnaire ---------------------------------------------------------------------


def test_pdf_has_every_statement(tmp_path: Path) -> None:
    for lang in ("da", "en"):
        reader = PdfReader(generate(tmp_path, lang, "pdf"))
        text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
        for item in (*INSTRUMENT.items, *INSTRUMENT.free_text):
            assert item.text[lang] in text, item.code
        for scale in INSTRUMENT.scales.values():
            for label in scale.labels[lang]:
                assert label in text
        assert len(reader.pages) <= 3


# --- wording, a second instrument, layout -----------------------------------------------------------


def test_danish_and_english_wording_have_the_same_keys() -> None:
    def keys(table: dict[str, Any], prefix: str = "") -> set[str]:
        found = set()
        for key, value in table.items():
            found.add(prefix + key)
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{key}.")
        return found

    content = bundled_templates() / "content"
    da, en = (tomllib.loads((content / f"questionnaire-{lang}.toml").read_text("utf-8")) for lang in ("da", "en"))
    assert keys(da) == keys(en)
    assert len(da["sheet_guide_text"]) == len(en["sheet_guide_text"])


def test_a_field_label_the_instrument_does_not_know_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(bundled_templates(), templates)
    wording = templates / "content" / "questionnaire-da.toml"
    wording.write_text(wording.read_text("utf-8").replace('name = "Navn"', 'name = "Dit fulde navn"'), "utf-8")
    with pytest.raises(TemplateError, match="Dit fulde navn"):
        write_questionnaire(INSTRUMENT, "da", "xlsx", tmp_path / "q.xlsx", None, templates=templates)


SMALL_INSTRUMENT = """
[instrument]
id = "mini"
title = { da = "Mini", en = "Mini" }
[scales.freq]
min = 1
max = 4
labels.da = ["Aldrig", "Sjældent", "Ofte, men ikke altid", "Altid"]
labels.en = ["Never", "Rarely", "Often, not always", "Always"]
[[bands]]
id = "all"
min = 0
max = 100
label = { da = "Alle", en = "All" }
[identity.name]
required = true
headers = ["Navn", "Name"]
[identity.email]
required = true
headers = ["E-mail", "Email"]
[identity.organisation]
headers = ["Organisation"]
[identity.role]
headers = ["Rolle", "Role"]
[[steps]]
id = "alpha"
chapter = 1
title = { da = "Alfa", en = "Alpha" }
[[steps.items]]
code = "A1"
scale = "freq"
text = { da = "Jeg skriver «ofte» & <gerne>.", en = "I write often & <gladly>." }
[[steps.items]]
code = "A2"
scale = "freq"
reverse = true
text = { da = "Jeg tøver.", en = "I hesitate." }
"""


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_second_instrument_works_the_same(tmp_path: Path, fmt: str) -> None:
    instrument = load_instrument(_write(tmp_path / "mini.toml", SMALL_INSTRUMENT))
    path = generate(tmp_path, "da", fmt, instrument)
    if fmt == "pdf":
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())
    elif fmt == "docx":
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    elif fmt == "xlsx":
        book = load_workbook(path)
        text = "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    else:
        text = html.unescape(path.read_text("utf-8"))
    needles = ["Jeg skriver «ofte» & <gerne>.", "Jeg tøver.", "Ofte, men ikke altid"]
    for needle in needles + ([] if fmt == "xlsx" else ["Trin 1 · Alfa"]):  # the answer sheet has no step titles
        assert needle in text, (fmt, needle)
    for absent in ("Helt enig", "Formål", "P1"):
        assert absent not in text, (fmt, absent)


# --- issue 26: the files read right, required questions marked, the Google form published ----------


def test_required_questions_are_marked_in_the_word_and_qualtrics_files(tmp_path: Path) -> None:
    required = {field.id: field.required for field in INSTRUMENT.identity.values()}
    assert any(required.values()) and not all(required.values())
    document = Document(str(generate(tmp_path, "da", "docx")))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert any("Felter med * skal udfyldes." in text for text in paragraphs)
    qualtrics = generate(tmp_path, "da", "qualtrics").read_text("utf-8")
    labels = tomllib.loads((bundled_templates() / "content" / "questionnaire-da.toml").read_text("utf-8"))["fields"]
    for field, label in labels.items():
        if field not in required:
            continue
        marked = f"{label} *"
        numbered = [text.split(". ", 1)[1] for text in paragraphs if text.split(". ", 1)[-1] in (label, marked)]
        assert numbered == [marked if required[field] else label], field
        assert (marked if required[field] else label) in qualtrics.splitlines(), field


def test_qualtrics_and_limesurvey_texts_read_as_sentences(tmp_path: Path) -> None:
    for lang in ("da", "en"):
        for fmt in ("qualtrics", "limesurvey"):
            text = generate(tmp_path, lang, fmt).read_text("utf-8")
            assert not re.search(r"[?!:.]\.(\s|$)", text), (lang, fmt)
    qualtrics = generate(tmp_path, "da", "qualtrics").read_text("utf-8")
    assert "Hvor vigtigt er hvert trin for dig lige nu? Sæt ét kryds pr. spørgsmål." in qualtrics


def test_the_google_script_publishes_the_form_and_logs_whether_it_takes_answers(tmp_path: Path) -> None:
    script = generate(tmp_path, "da", "google").read_text("utf-8")
    body = script.split("function createForm() {")[1]
    assert 'if (typeof form.setPublished === "function") {\n    form.setPublished(true);' in body
    assert "form.setAcceptingResponses(true);" in body
    assert '"Published: " + published + "; accepts answers: " + form.isAcceptingResponses()' in body
    assert body.index("setPublished(true)") < body.index("getPublishedUrl()")
