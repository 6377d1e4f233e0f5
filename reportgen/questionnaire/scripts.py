"""Text formats that survey tools import: a Google Apps Script, Qualtrics' Advanced TXT, LimeSurvey's TSV.

Each survey is built so that its export is read by `build` as it is: grids are titled so that
the export's header ends in the statement's exact text ("Title [Statement]", "Title - Statement"),
and question codes are the instrument's item codes (LimeSurvey's "purpose[P1]").
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable

from ..errors import InstrumentError
from .view import Grid, Questionnaire

# --- Google Forms: an Apps Script that creates the form ------------------------------------------


def _js(text: str) -> str:
    """A JavaScript string literal: JSON's, with the two line separators JSON allows raw escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _js_list(texts: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_js(text) for text in texts) + "]"


def google_script(view: Questionnaire) -> str:
    """An Apps Script that, run once in script.google.com, creates the Google Form and logs its links."""
    t = view.t
    lines = [
        f"// {view.title}: run createForm() once at script.google.com to create the Google Form.",
        "// Written by reportgen questionnaire; the form's export is read by reportgen build as it is.",
        "function createForm() {",
        f"  var form = FormApp.create({_js(view.title)});",
        f"  form.setDescription({_js(t['intro'] + ' ' + t['required_note'])});",
        "  form.setCollectEmail(true);",
        "  form.setProgressBar(true);",
        f"  form.setConfirmationMessage({_js(t['thanks'])});",
        f"  form.addSectionHeaderItem().setTitle({_js(t['about_you'])});",
    ]
    for field in view.fields:
        lines.append(
            f"  var {_js_name(field.id)} = form.addTextItem().setTitle({_js(field.label)})"
            f".setRequired({json.dumps(field.required)});"
        )
        if field.id == "email":
            lines.append(
                f"  {_js_name(field.id)}.setValidation(FormApp.createTextValidation()"
                f".setHelpText({_js(t['email_help'])}).requireTextIsEmail().build());"
            )
    for grid in view.grids:
        lines += [
            "  form.addPageBreakItem();",
            "  form.addGridItem()",
            f"    .setTitle({_js(grid.title)})",
            f"    .setHelpText({_js(grid.help)})",
            f"    .setRows({_js_list([q.text for q in grid.questions])})",
            f"    .setColumns({_js_list(grid.labels)})",
            "    .setRequired(true);",
        ]
    if view.free_text:
        lines.append(f"  form.addPageBreakItem().setTitle({_js(t['free_text_title'])});")
    for question in view.free_text:
        lines.append(
            f"  form.addParagraphTextItem().setTitle({_js(question.text)}).setHelpText({_js(t['free_text_help'])});"
        )
    lines += [
        "  // Forms made by a script start unpublished (since mid-2026): publish it and open it for answers.",
        '  if (typeof form.setPublished === "function") {',
        "    form.setPublished(true);",
        "  }",
        "  form.setAcceptingResponses(true);",
        '  var published = typeof form.isPublished === "function" ? form.isPublished() : true;',
        '  Logger.log("Published: " + published + "; accepts answers: " + form.isAcceptingResponses());',
        '  Logger.log("Edit the form: " + form.getEditUrl());',
        '  Logger.log("Send this link to the leaders: " + form.getPublishedUrl());',
        "}",
        "",
    ]
    return "\n".join(lines)


def _js_name(field_id: str) -> str:
    return "field_" + re.sub(r"\W", "_", field_id)


# --- Qualtrics: the Advanced Format TXT import file --------------------------------------------------


def _qualtrics_text(text: str) -> str:
    """One line of question text: Qualtrics reads a line break or "[[" as the end of the text or a tag.

    Every "[" followed by another is split from it, so no run of brackets ("[[[Question:MC]]") leaves a tag.
    """
    return html.escape(re.sub(r"\[(?=\[)", "[ ", " ".join(text.split())), quote=False)


def _distinct(codes: Iterable[tuple[str, str]], tool: str) -> None:
    """InstrumentError when the tool's rules make two codes one (P1, P_1 and P.1 are all P1 in LimeSurvey)."""
    seen: dict[str, str] = {}
    clashes = []
    for code, made in codes:  # one pair per question: the same code twice is a clash too
        if made.lower() in seen:
            clashes.append(f"{seen[made.lower()]} and {code} (both {made})")
        seen.setdefault(made.lower(), code)
    if clashes:
        raise InstrumentError(
            f"In {tool}, questions would get the same code: {'; '.join(clashes)}. Its export could not tell "
            "their answers apart, so the file is not written.",
            fix="Give those items codes that differ in their letters or digits in the instrument file, then write "
            "the questionnaire again.",
        )


def qualtrics_id(code: str) -> str:
    """A question's [[ID:...]], which becomes its export tag ("purpose" → columns purpose_1, purpose_2 …)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", code)


def qualtrics_txt(view: Questionnaire) -> str:
    """The survey in Qualtrics' Advanced Format: a block per page, a matrix per grid.

    Choices and answers are numbered explicitly ([[Choice:1]], [[Answer:1]]): the export tags
    are then <ID>_<statement number>, and a numeric export holds the scale's own values.
    """
    t = view.t
    codes = [f.id for f in view.fields] + [g.key for g in view.grids] + [q.code for q in view.free_text]
    _distinct(((code, qualtrics_id(code)) for code in codes), "Qualtrics")
    out = ["[[AdvancedFormat]]", "", f"[[Block:{_block_name(t['about_you'])}]]", ""]
    out += ["[[Question:DB]]", "[[ID:intro]]", _qualtrics_text(f"{t['intro']} {t['required_note']}"), ""]
    for field in view.fields:
        # The format has no tag for a required question: it is marked as the note says, and the guide says to
        # turn on "Force response".
        label = f"{field.label} {t['required_mark']}" if field.required else field.label
        out += ["[[Question:TE:SingleLine]]", f"[[ID:{qualtrics_id(field.id)}]]", _qualtrics_text(label), ""]
    for grid in view.grids:
        out += [f"[[Block:{_block_name(grid.title)}]]", ""]
        matrix_text = _qualtrics_text(sentences(grid.title, grid.help))
        out += ["[[Question:Matrix]]", f"[[ID:{qualtrics_id(grid.key)}]]", matrix_text]
        out += ["", "[[AdvancedChoices]]"]
        for number, question in enumerate(grid.questions, start=1):
            out += [f"[[Choice:{number}]]", _qualtrics_text(question.text)]
        out += ["", "[[AdvancedAnswers]]"]
        for value, label in zip(grid.values, grid.labels, strict=True):
            out += [f"[[Answer:{value}]]", _qualtrics_text(label)]
        out.append("")
    if view.free_text:
        out += [f"[[Block:{_block_name(t['free_text_title'])}]]", ""]
    for question in view.free_text:
        out += ["[[Question:TE:Essay]]", f"[[ID:{qualtrics_id(question.code)}]]", _qualtrics_text(question.text), ""]
    return "\n".join(out)


def sentences(first: str, second: str) -> str:
    """Two texts as one: a full stop after the first only when it ends without one ("… lige nu? Sæt …")."""
    first = first.rstrip()
    return f"{first} {second}" if first.endswith((".", "?", "!", ":")) else f"{first}. {second}"


def _block_name(text: str) -> str:
    return re.sub(r"[\[\]:]", " ", " ".join(text.split())).strip()


# --- LimeSurvey: the tab-separated survey structure ---------------------------------------------------

# The columns LimeSurvey's TSV export writes and TSVImportSurvey() reads (import_helper.php). On a
# question row any further non-empty column becomes a question attribute, so these stay empty there.
LIMESURVEY_COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "encrypted",
    "other",
    "default",
    "same_default",
)
EMAIL_PATTERN = r"/^[^@\s]+@[^@\s]+\.[^@\s]+$/"


def limesurvey_code(text: str, prefix: str = "q") -> str:
    """A LimeSurvey question code: letters and digits only, starting with a letter."""
    code = re.sub(r"[^A-Za-z0-9]", "", text)
    return code if code[:1].isalpha() else prefix + code


def _lime_text(text: str) -> str:
    """Text as LimeSurvey shows it: HTML, and braces as entities, which its Expression Manager leaves alone."""
    return html.escape(" ".join(text.split()), quote=False).replace("{", "&#123;").replace("}", "&#125;")


def limesurvey_tsv(view: Questionnaire) -> str:
    """The survey as LimeSurvey's tab-separated structure file, one language.

    Question codes: an identity question's code is its label's letters ("E-mail" → Email), which
    `build` recognises as that field; an array's subquestions are coded by item code (P1 …),
    so that the code-headed export ("purpose[P1]") is read as well as the full-text one.
    """
    t, lang = view.t, view.lang
    codes = [(f.label, limesurvey_code(f.label)) for f in view.fields]
    codes += [(g.key, limesurvey_code(g.key)) for g in view.grids]
    codes += [(q.code, limesurvey_code(q.code, "sq")) for g in view.grids for q in g.questions]
    _distinct([*codes, *((q.code, limesurvey_code(q.code)) for q in view.free_text)], "LimeSurvey")
    rows = _lime_settings(view)
    groups = [(t["about_you"], t["required_note"], _lime_fields(view))]
    groups += [(grid.title, "", _lime_grid(grid, lang)) for grid in view.grids]
    if view.free_text:
        free = [_lime_question("T", limesurvey_code(q.code), q.text, lang, mandatory=False) for q in view.free_text]
        groups.append((t["free_text_title"], t["free_text_help"], free))
    for number, (name, text, questions) in enumerate(groups, start=1):
        rows.append(
            {"class": "G", "type/scale": f"G{number}", "name": _lime_text(name), "text": _lime_text(text)}
            | {"language": lang, "relevance": "1"}
        )
        rows += questions
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, LIMESURVEY_COLUMNS, delimiter="\t", lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _lime_settings(view: Questionnaire) -> list[dict[str, str]]:
    """The survey's own rows: its language, one group per page, the progress bar, its texts."""
    t, lang = view.t, view.lang
    texts = [("surveyls_title", view.title), ("surveyls_description", t["intro"])]
    texts += [("surveyls_welcometext", t["intro"]), ("surveyls_endtext", t["thanks"])]
    rows = [{"class": "S", "name": name, "text": text} for name, text in (("language", lang), ("format", "G"))]
    rows.append({"class": "S", "name": "showprogress", "text": "Y"})
    return rows + [{"class": "SL", "name": name, "text": _lime_text(text), "language": lang} for name, text in texts]


def _lime_question(kind: str, code: str, text: str, lang: str, mandatory: bool) -> dict[str, str]:
    """One question row: its type, code and text, required or not."""
    return {
        "class": "Q",
        "type/scale": kind,
        "name": code,
        "relevance": "1",
        "text": _lime_text(text),
        "language": lang,
        "mandatory": "Y" if mandatory else "N",
        "other": "N",
        "same_default": "0",
    }


def _lime_fields(view: Questionnaire) -> list[dict[str, str]]:
    """The identity questions (name, e-mail …); the e-mail checked as an address."""
    rows = []
    for field in view.fields:
        question = _lime_question("S", limesurvey_code(field.label), field.label, view.lang, field.required)
        if field.id == "email":
            question |= {"validation": EMAIL_PATTERN, "help": _lime_text(view.t["email_help"])}
        rows.append(question)
    return rows


def _lime_grid(grid: Grid, lang: str) -> list[dict[str, str]]:
    """One step's array: the question, its statements as subquestions, the scale's answers."""
    question = _lime_question("F", limesurvey_code(grid.key), grid.title, lang, mandatory=True)
    rows = [question | {"help": _lime_text(grid.help)}]
    rows += [
        {"class": "SQ", "type/scale": "0", "name": limesurvey_code(q.code, "sq"), "relevance": "1"}
        | {"text": _lime_text(q.text), "language": lang}
        for q in grid.questions
    ]
    rows += [
        {"class": "A", "type/scale": "0", "name": str(value), "text": _lime_text(label), "language": lang}
        for value, label in zip(grid.values, grid.labels, strict=True)
    ]
    return rows
