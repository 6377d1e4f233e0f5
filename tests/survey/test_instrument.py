"""The instrument as data: the bundled file, a second instrument, and broken files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.errors import InstrumentError
from reportgen.survey.instrument import load_instrument

from ..conftest import INSTRUMENT, invoke, pdf_text, report, write_xlsx

SECOND = """
[instrument]
id = "mini"
title = { da = "Mini", en = "Mini" }
min_answered_share = 0.5

[scales.yesno]
min = 0
max = 2
labels.da = ["Nej", "Måske", "Ja"]
labels.en = ["No", "Maybe", "Yes"]

[[bands]]
id = "low"
min = 0
max = 49
label = { da = "Lav", en = "Low" }

[[bands]]
id = "high"
min = 50
max = 100
label = { da = "Høj", en = "High" }

[identity.name]
required = true
headers = ["Deltager"]

[identity.email]
required = true
headers = ["Mailadresse"]

[[steps]]
id = "focus"
chapter = 1
title = { da = "Fokus", en = "Focus" }

[[steps.items]]
code = "A1"
scale = "yesno"
text = { da = "Jeg har fokus.", en = "I am focused." }

[[steps.items]]
code = "A2"
scale = "yesno"
reverse = true
text = { da = "Jeg bliver let distraheret.", en = "I get distracted easily." }

[[steps]]
id = "calm"
chapter = 2
title = { da = "Ro", en = "Calm" }

[[steps.items]]
code = "B1"
scale = "yesno"
text = { da = "Jeg er rolig.", en = "I am calm." }

[steps.importance]
code = "W2"
scale = "yesno"
text = { da = "Hvor vigtig er ro?", en = "How important is calm?" }
"""


# The report's texts for SECOND's steps (focus, calm) and levels (low, high), as a brand writes them.
MINI_TEXTS = """
[summary.strongest]
low = "Your highest score is on {step} ({score}), and it is low."
high = "Your highest score is on {step} ({score}), and it is high."
[summary.weakest]
low = "Your lowest score is on {step} ({score}), and it is low."
high = "Even your lowest score, on {step} ({score}), is high."
[summary.all_equal]
low = "All your steps have the same score ({score}), and it is low."
high = "All your steps have the same score ({score}), and it is high."
[order.important]
low = "You rated {step} as {importance}, and your score is {score}."
high = "You rated {step} as {importance} and already score {score}."
[order.less_important]
low = "You rated {step} as {importance} for now; your score is {score}."
high = "You score {score} on {step} and rated it {importance} for now."
[cohort.exercises]
focus = "Each leader names one thing that breaks their focus."
calm = "Pairs share what keeps them calm."

[steps.focus]
intro = "Focus is where this step starts."
[steps.focus.bands.low]
headline = "The step as a whole is at the low level."
meaning = "Taken together, your answers put focus at the low level."
read_now = "Read chapter 1."
[steps.focus.bands.high]
headline = "The step as a whole is at the high level."
meaning = "Taken together, your answers put focus at the high level."
read_now = "Read chapter 1 with others in mind."
[[steps.focus.actions]]
when = "A1 <= 1"
text = "Block one hour a day for focused work."

[steps.calm]
intro = "Calm is where this step starts."
[steps.calm.bands.low]
headline = "The step as a whole is at the low level."
meaning = "Taken together, your answers put calm at the low level."
read_now = "Read chapter 2."
[steps.calm.bands.high]
headline = "The step as a whole is at the high level."
meaning = "Taken together, your answers put calm at the high level."
read_now = "Read chapter 2 with others in mind."
"""


def test_bundled_instrument_holds_the_specification() -> None:
    assert [s.id for s in INSTRUMENT.steps] == ["purpose", "skills", "employees", "customers"]
    assert [s.chapter for s in INSTRUMENT.steps] == [1, 2, 3, 4]
    assert [len(s.items) for s in INSTRUMENT.steps] == [4, 5, 4, 4]
    assert [i.code for i in INSTRUMENT.items if i.reverse] == ["F5"]
    assert [s.importance.code for s in INSTRUMENT.steps if s.importance] == ["V1", "V2", "V3", "V4"]
    assert [i.code for i in INSTRUMENT.free_text] == ["T1"]
    assert INSTRUMENT.languages == ("da", "en")
    assert [(b.id, b.min, b.max) for b in INSTRUMENT.bands] == [
        ("getting_started", 0, 39),
        ("on_the_way", 40, 69),
        ("strong", 70, 100),
    ]
    assert INSTRUMENT.scales["importance"].labels["da"][-1] == "Afgørende"
    assert (
        INSTRUMENT.step("skills").items[4].text["en"]
        == "I feel unsure when I have to communicate on social media myself."
    )


def test_another_instrument_works_without_code_changes(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(SECOND, encoding="utf-8")
    survey = write_xlsx(
        tmp_path / "mini.xlsx",
        [
            ["Deltager", "Mailadresse", "I am focused.", "A2", "Jeg er rolig.", "W2"],
            ["Kim", "kim@example.dk", "Ja", "Nej", "Måske", 2],
            ["Lea", "lea@example.dk", "No", "Yes", None, None],
        ],
    )
    result = invoke(["score", str(survey), "--instrument", str(path)])
    assert result.exit_code == 0, result.output
    kim, lea = json.loads(result.stdout)
    # A1 = 2 → 100, A2 = 0 reversed → 2 → 100; B1 = 1 → 50 on the 0–2 scale.
    assert kim["scores"] == {"focus": 100.0, "calm": 50.0}
    # Priority: calm 2 × (100 − 50) = 100; focus has no importance item: 3 × 0 = 0.
    assert kim["priority"] == ["calm", "focus"]
    assert kim["bands"] == {"focus": "high", "calm": "high"}
    assert lea["scores"] == {"focus": 0.0, "calm": None}
    # build stops: the bundled texts have nothing on these steps and levels, so every report would leave them out.
    out = tmp_path / "out"
    result = invoke(["build", str(survey), "--instrument", str(path), "-o", str(out), "--quiet"])
    assert result.exit_code == 2 and not out.exists()
    for key in ("steps.focus", "steps.calm", "summary.strongest.low", "order.important.high", "cohort.exercises.calm"):
        assert key in result.output, key
    assert "content/en.toml" in result.output and "Traceback" not in result.output
    # A brand that writes them builds, and each report holds the brand's texts for its steps.
    brand = tmp_path / "brand"
    assert invoke(["brand", "init", str(brand)]).exit_code == 0
    (brand / "templates" / "content").mkdir(parents=True)
    for lang in ("da", "en"):
        (brand / "templates" / "content" / f"{lang}.toml").write_text(MINI_TEXTS, encoding="utf-8")
    assert invoke(["brand", "check", str(brand), "--instrument", str(path)]).exit_code == 0
    result = invoke(["build", str(survey), "--instrument", str(path), "--brand", str(brand), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output + result.stderr
    kim = pdf_text(report(out, "kim"))
    assert "Focus is where this step starts." in kim and "Calm is where this step starts." in kim
    assert "Block one hour a day" not in kim  # Kim answered A1 = Ja: the action's condition does not hold
    assert "Block one hour a day" in pdf_text(report(out, "lea"))  # Lea answered No


def test_a_brand_may_add_only_the_instruments_own_steps_and_levels_in_the_bundled_shape(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(SECOND, encoding="utf-8")
    brand = tmp_path / "brand"
    assert invoke(["brand", "init", str(brand)]).exit_code == 0
    (brand / "templates" / "content").mkdir(parents=True)
    wrong = MINI_TEXTS.replace("[steps.calm]\n", '[steps.calmness]\nintro = "x"\n[steps.calm]\n')
    wrong = wrong.replace('read_now = "Read chapter 2."', "read_now = 2")
    for lang in ("da", "en"):
        (brand / "templates" / "content" / f"{lang}.toml").write_text(wrong, encoding="utf-8")
    result = invoke(["brand", "check", str(brand), "--instrument", str(path)])
    assert result.exit_code == 2
    assert "steps.calmness is not a key of the bundled file" in result.output
    assert "steps.calm.bands.low.read_now must be a text" in result.output


def test_broken_instrument_lists_every_problem(tmp_path: Path) -> None:
    broken = SECOND.replace('labels.en = ["No", "Maybe", "Yes"]', 'labels.en = ["No", "Yes"]')
    broken = broken.replace("min = 50\n", "min = 60\n").replace('scale = "yesno"\nreverse', 'scale = "nope"\nreverse')
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InstrumentError) as caught:
        load_instrument(path)
    message = caught.value.message
    assert "broken.toml" in message
    assert "needs 3 en labels" in message
    assert "'high' should start at 50" in message
    assert "unknown scale 'nope'" in message


def test_missing_or_unparsable_instrument(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="does not exist"):
        load_instrument(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[instrument\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="cannot be read as TOML"):
        load_instrument(bad)


# --- validated whole at load (issue 23) ------------------------------------------------------------

BUNDLED = (Path(__file__).parents[2] / "reportgen" / "data" / "instrument.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda t: t.replace("version = 1", 'version = "abc"'), "instrument.version: must be a whole number"),
        (lambda t: t.replace('id = "purpose"', 'id = "purpose\\u0007"'), "steps[0].id: holds a control character"),
        (
            lambda t: t.replace("[scales.agreement]\nmin = 1\nmax = 5", "[scales.agreement]\nmin = 1\nmax = 1"),
            "scales.agreement: 'max' (1) must be above 'min' (1)",
        ),
        (lambda t: t.replace("[priority_matrix]", "[priority_matrx]"), "priority_matrx: is not a key of an"),
        (lambda t: t.replace('code = "P1"', 'code = "T1"'), "item code (scored, importance and free-text"),
        (
            lambda t: t.replace('id = "purpose"', 'id = "formaal"'),
            "steps[0].id: 'formaal' is the bundled step 'purpose'",
        ),
        (lambda t: "x = " + "[" * 100_000 + "]" * 100_000, "is nested too deeply to be read"),
    ],
)
def test_a_broken_instrument_is_one_message_by_key_never_an_internal_error(
    tmp_path: Path, edit: Any, said: str
) -> None:
    path = tmp_path / "instrument.toml"
    path.write_text(edit(BUNDLED), encoding="utf-8")
    with pytest.raises(InstrumentError) as raised:
        load_instrument(path)
    assert said in str(raised.value)
    survey = write_xlsx(tmp_path / "s.xlsx", [["Navn", "E-mail"], ["Ann", "ann@example.dk"]])
    result = invoke(["check", str(survey), "--instrument", str(path)])
    assert result.exit_code == 2 and "Internal error" not in result.stderr and "Traceback" not in result.stderr


def test_steps_of_the_wrong_kind_are_listed_together(tmp_path: Path) -> None:
    path = tmp_path / "instrument.toml"
    text = BUNDLED.replace("version = 1", 'version = "abc"')
    start = text.index("[[steps]]")
    end = text.index("[[free_text]]")
    path.write_text(text[:start] + text[end:] + "\n", encoding="utf-8")
    data = path.read_text(encoding="utf-8").replace("[instrument]", "steps = [1]\n\n[instrument]", 1)
    path.write_text(data, encoding="utf-8")
    with pytest.raises(InstrumentError) as raised:
        load_instrument(path)
    message = str(raised.value)
    assert "instrument.version: must be a whole number" in message and "steps[0]: must be a table" in message
