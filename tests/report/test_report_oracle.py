"""The truth oracle: every sentence the personal report shows is true of that leader's own answers.

Thousands of generated leaders (random answers and the hard families: one statement against
the rest of its step, the reverse-keyed F5 against the rest, straight-liners, ties, empty steps
rated important, no importance, importance that reorders) are turned into views (no PDF), and
every sentence shown is checked here, independently of the code that chose it:
- its declared condition, with an evaluator of this file's own;
- a reader's lexicon: a phrase that claims something of one statement ("du er tryg ved selv
  at bruge dem" is F5 answered low) may be said only when that statement's answer bears it out,
  whatever the sentence's declared condition says — so a band text that speaks of one statement
  fails here;
- counts and names: "de N udsagn" is N, every statement tied for the lowest answer is named;
- one "most to gain" step across all pages, the first of the reading order; ties in priority
  said as ties; a straight-liner gets no narrative; an empty step rated important leads the order.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reportgen.brand import default_brand_dir, load_brand
from reportgen.config import bundled_templates
from reportgen.models import Response
from reportgen.report.content import load_content
from reportgen.report.model import ReportView, RunInfo
from reportgen.report.view import build_view
from reportgen.scoring.scorer import assess

from ..conftest import INSTRUMENT, ITEM_CODES

BUNDLED = bundled_templates()
BRAND = load_brand(default_brand_dir(BUNDLED), BUNDLED)
CONTENTS = load_content([BUNDLED], INSTRUMENT.languages)
RUN = RunInfo(brand=BRAND, report_date=date(2026, 11, 27), workshop="", cohort={})
STEPS = {step.id: [item.code for item in step.items] for step in INSTRUMENT.steps}
IMPORTANCE = {step.id: step.importance.code for step in INSTRUMENT.steps if step.importance}
REVERSE = {item.code for step in INSTRUMENT.steps for item in step.items if item.reverse}
SCORED = [code for codes in STEPS.values() for code in codes]

# A reader's lexicon: (language, phrase, statement, what the answer must be). A phrase that
# claims the statement holds needs agreement (4–5); one that claims it does not, disagreement.
AGREE, DISAGREE, NOT_AGREE = (4, 5), (1, 2), (1, 2, 3)
CLAIMS: list[tuple[str, str, str, tuple[int, ...]]] = [
    ("da", "forstår, hvordan sociale medier fungerer", "F1", AGREE),
    ("da", "kender de sociale medier", "F1", AGREE),
    ("da", "kan det grundlæggende", "F1", AGREE),
    ("da", "tryg ved selv at bruge", "F5", DISAGREE),
    ("da", "usikker", "F5", AGREE),
    ("da", "øje for kundernes", "K1", AGREE),
    ("da", "blik for kundernes", "K1", AGREE),
    ("da", "fokus på kundernes digitale behov", "K1", AGREE),
    ("da", "øje for dine medarbejderes", "M1", AGREE),
    ("da", "øje for medarbejdernes", "M1", AGREE),
    ("da", "blik for dine medarbejderes", "M1", AGREE),
    ("da", "fokus på medarbejdernes digitale samarbejde, og", "M1", AGREE),
    ("da", "godt i gang med at bruge digitale kanaler", "M3", AGREE),
    ("da", "ved, hvordan I møder dem", "K3", AGREE),
    ("da", "tiden er givet godt ud", "P4", AGREE),
    ("da", "klart formål", "P1", AGREE),
    ("en", "understand how social media work", "F1", AGREE),
    ("en", "know social media", "F1", AGREE),
    ("en", "have the basics", "F1", AGREE),
    ("en", "at ease using", "F5", DISAGREE),
    ("en", "unsure", "F5", AGREE),
    ("en", "attention to your customers", "K1", AGREE),
    ("en", "eye on your customers", "K1", AGREE),
    ("en", "focus on your customers’ digital needs", "K1", AGREE),
    ("en", "attention to your employees", "M1", AGREE),
    ("en", "eye on your employees", "M1", AGREE),
    ("en", "focus on your employees’ digital collaboration and", "M1", AGREE),
    ("en", "well under way in using digital channels", "M3", AGREE),
    ("en", "know how to meet them", "K3", AGREE),
    ("en", "time is well spent", "P4", AGREE),
    ("en", "clear purpose", "P1", AGREE),
]
# Actions that a leader who agrees with the statement already does.
ACTIONS: list[tuple[str, str, str, tuple[int, ...]]] = [
    ("da", "budskab ned til én sætning", "P3", NOT_AGREE),
    ("da", "Formulér dit formål i én sætning", "P3", NOT_AGREE),
    ("en", "message down to one sentence", "P3", NOT_AGREE),
    ("en", "Put your purpose into one sentence", "P3", NOT_AGREE),
]
MOST_TO_GAIN = {"da": ("mest at vinde", "mest at hente"), "en": ("most to gain", "most room to grow")}
NUMBER_WORDS = {
    "da": ["nul", "ét", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
}


def sentences(view: ReportView) -> Iterator[tuple[str, str | None, str, str]]:
    """Every sentence about the leader the view shows: (kind, step id, text, declared condition)."""
    for line in (view.strongest_line, view.weakest_line, view.order_intro):
        if line:
            yield "describe", None, line, ""
    for said in view.three:
        yield "three", said.step, said.text, said.when
    for step in view.steps:
        if step.answers_line:
            yield "answers", step.id, step.answers_line, ""
        if step.band_text:
            yield "describe", step.id, str(step.band_text["headline"]), f"band = {step.band_id}"
            yield "describe", step.id, str(step.band_text["read_now"]), f"band = {step.band_id}"
        if step.meaning:
            yield "narrative", step.id, step.meaning, f"band = {step.band_id}"
        for said in step.notes:
            yield "describe", step.id, said.text, said.when
        for said in step.actions:
            yield "action", step.id, said.text, said.when
    for step in view.reading_order:
        yield "describe", step.id, step.reason, ""
    for action in view.plan.actions:
        yield "action", view.plan.first.id if view.plan.first else None, action, ""
    if view.plan.tie:
        yield "describe", None, view.plan.tie, "tie"


def extremes(codes: list[str], answers: dict[str, int | None], pick: Any) -> set[str]:
    """The statements among `codes` whose answer, turned where reverse-keyed, is the max or min."""
    given = {c: turned(c, answers[c]) for c in codes if answers.get(c) is not None}  # type: ignore[arg-type]
    best = pick(given.values())
    return {c for c, v in given.items() if v == best}


def compared(clause: str, answers: dict[str, int | None], view: ReportView, step: Any) -> bool | None:
    """A comparison the view declares, checked here; None when the clause is not one.

    "lowest CODES" (in the step), "strongest/weakest CODES" (in the whole instrument),
    "straight V", "first in order", "tie", "no answers".
    """
    word, _, rest = clause.removesuffix(" marked").partition(" ")
    codes = set(rest.split(",")) if rest else set()
    if word == "lowest":
        return codes == extremes(STEPS[step.id], answers, min)
    if word in ("strongest", "weakest"):
        return codes == extremes(SCORED, answers, max if word == "strongest" else min)
    if word == "straight":
        return {answers[c] for c in SCORED if answers.get(c) is not None} == {int(rest)}
    if clause == "first in order":
        return bool(view.reading_order) and step is not None and step.id == view.reading_order[0].id
    if clause == "tie":
        return len(view.tied) > 1
    if clause == "no answers":
        return all(answers.get(c) is None for c in SCORED)
    return None


def holds(condition: str, answers: dict[str, int | None], step: Any, view: ReportView | None = None) -> bool:
    """Whether a condition holds, read by this file on its own (see the content files' header)."""
    for clause in filter(None, (c.strip() for c in condition.split(" and "))):
        if view is not None and (result := compared(clause, answers, view, step)) is not None:
            ok = result
        elif match := re.fullmatch(r"([A-Z]+\d+) *(<=|>=|<|>|=) *(\d+)", clause):
            value, limit = answers.get(match[1]), int(match[3])
            ok = value is not None and {
                "<=": value <= limit, ">=": value >= limit, "<": value < limit, ">": value > limit, "=": value == limit
            }[match[2]]  # fmt: skip
        elif match := re.fullmatch(r"band *= *([a-z_|]+)", clause):
            ok = step is not None and step.band_id in match[1].split("|")
        elif clause == "importance given":
            ok = step is not None and step.importance is not None
        elif match := re.fullmatch(r"importance *(<=|>=) *(\d+)", clause):
            imp, limit = (step.importance if step else None), int(match[2])
            ok = imp is not None and (imp <= limit if match[1] == "<=" else imp >= limit)
        else:
            raise AssertionError(f"the oracle cannot read the clause {clause!r}")
        if not ok:
            return False
    return True


def turned(code: str, answer: int) -> int:
    return 6 - answer if code in REVERSE else answer


def exact(step_id: str, answers: dict[str, int | None]) -> Fraction:
    """The step's score from the answers, exactly: the mean of (turned answer − 1) / 4 × 100."""
    values = [Fraction(turned(c, a) - 1, 4) * 100 for c in STEPS[step_id] if (a := answers.get(c)) is not None]
    return sum(values, Fraction(0)) / len(values)


def problems(view: ReportView, answers: dict[str, int | None]) -> list[str]:
    """What is untrue in the view, one line each; [] when every sentence holds."""
    found: list[str] = []
    lang = view.lang
    by_id = {step.id: step for step in view.steps}
    straight = len({answers[c] for c in SCORED if answers.get(c) is not None}) == 1
    first = view.reading_order[0] if view.reading_order else None
    for kind, step_id, text, condition in sentences(view):
        step = by_id.get(step_id or "")
        if step is None and step_id:
            step = next(s for s in view.reading_order if s.id == step_id)
        if not holds(condition, answers, step, view):
            found.append(f"condition {condition!r} does not hold: {text}")
        bare = re.sub(r"[»“][^«”]*[«”]", "", text)  # a quoted statement or answer is not a claim
        for language, phrase, code, allowed in ACTIONS if kind == "action" else CLAIMS:
            if language == lang and phrase in bare and answers.get(code) not in allowed:
                found.append(f"{code}={answers.get(code)} contradicts {phrase!r}: {text}")
        if any(phrase in text for phrase in MOST_TO_GAIN[lang]) and (first is None or first.title not in text):
            found.append(f"'most to gain' said of another step than the first in the order: {text}")
        if kind == "narrative" and straight:
            found.append(f"a narrative for a leader who gave the same answer to everything: {text}")
        if kind == "answers" and step is not None:
            found += answers_problems(text, step, answers, view)
    found += order_problems(view, answers) + action_problems(view, answers) + comparison_problems(view, answers)
    if straight and not any(said.when.startswith("straight") for said in view.three):
        found.append("a leader who gave the same answer to everything is not told so")
    return found


def comparison_problems(view: ReportView, answers: dict[str, int | None]) -> list[str]:
    """The highest and lowest score lines name exactly the steps that share that score, from the answers."""
    scored = {s.id: exact(s.id, answers) for s in view.steps if s.score is not None}
    titles = {s.id: s.title for s in view.steps}
    found = []
    if len(scored) < 2:
        return [f"a comparison with one step scored: {view.weakest_line}"] if view.weakest_line else []
    for line, pick in ((view.strongest_line, max), (view.weakest_line, min)):
        top = pick(scored.values())
        named = {step_id for step_id, title in titles.items() if title in line}
        expected = set() if len(set(scored.values())) == 1 else {i for i, score in scored.items() if score == top}
        if named != expected:
            found.append(f"names {sorted(named)}, but {sorted(expected) or 'no step (all equal)'} is meant: {line}")
    return found


def action_problems(view: ReportView, answers: dict[str, int | None]) -> list[str]:
    """Where a step's lowest statement is not agreed with, one of its next steps is about it."""
    found = []
    for step in view.steps:
        if step.score is None:
            continue
        lowest = extremes(STEPS[step.id], answers, min)
        if min(turned(c, answers[c]) for c in lowest) <= 3:  # type: ignore[arg-type]
            about = {code for said in step.actions for code in re.findall(r"[A-Z]+\d+", said.when)}
            if not about & lowest:
                found.append(f"no next step on {step.id} is about its lowest statements {sorted(lowest)}")
    return found


def answers_problems(text: str, step: Any, answers: dict[str, int | None], view: ReportView) -> list[str]:
    """The sentence about a step's answers names every statement tied for the lowest, and counts right."""
    given = {i.code: turned(i.code, answers[i.code]) for i in step.items if answers.get(i.code) is not None}
    if not given or step.score is None:
        return []
    low = min(given.values())
    tied = [i for i in step.items if given.get(i.code) == low]
    found = []
    named = [i for i in step.items if i.text.rstrip(".") in text]
    if named and {i.code for i in named} != {i.code for i in tied}:
        found.append(f"names {[i.code for i in named]} but the lowest are {[i.code for i in tied]}: {text}")
    marks = {i.code for i in step.items if i.lowest}
    if (str(view.t["labels"]["lowest_mark"]) in text) != bool(marks) or (marks and marks != {i.code for i in tied}):
        found.append(f"marks {sorted(marks)} in the table but the lowest are {[i.code for i in tied]}: {text}")
    for number in re.findall(r"\b(\d+|" + "|".join(NUMBER_WORDS[view.lang]) + r") (?:udsagn|statements?)\b", text):
        value = int(number) if number.isdigit() else NUMBER_WORDS[view.lang].index(number)
        if value not in (len(tied), len(given)):
            found.append(f"counts {value}, but {len(tied)} are lowest of {len(given)} answered: {text}")
    return found


def order_problems(view: ReportView, answers: dict[str, int | None]) -> list[str]:
    """An empty step rated important leads the order and the plan; ties at the top are shown as ties."""
    found = []
    empty = [s for s in view.steps if s.score is None and s.importance is not None and s.importance >= 4]
    if empty and (not view.reading_order or view.reading_order[0].score is not None):
        found.append("an empty step rated important does not lead the reading order")
    if view.reading_order and view.plan.first is not view.reading_order[0]:
        found.append("the plan page does not start with the first step of the order")
    leading = view.tied or view.reading_order[:1]
    if view.plan.first is not None and view.plan.first.score is not None:
        offered = {said.text for step in leading for said in step.actions}
        if not set(view.plan.actions) <= offered:
            found.append("the plan page offers a next step of a step that is not first in the order")
        left_out = [s.title for s in leading if s.actions and not {a.text for a in s.actions} & set(view.plan.actions)]
        if left_out:
            found.append(f"the plan page offers nothing from {left_out}, level at the top of the order")
    scored = [s for s in view.reading_order if s.score is not None and s.importance is not None]
    if len(scored) > 1 and not empty:
        priority = {s.id: s.importance * (100 - exact(s.id, answers)) for s in scored}
        top = [s for s in scored if priority[s.id] == max(priority.values())]
        marked = [row.label for row in view.priority.rows if row.first]
        if sorted(marked) != sorted(s.title for s in top) and (len(top) > 1 or marked != [top[0].title]):
            found.append(f"'Start her' on {marked}, but {[s.title for s in top]} tie at the top")
        for before, after in itertools.pairwise(scored):
            if (priority[before.id] == priority[after.id]) != (before.rank == after.rank):
                found.append(
                    f"places {before.rank} and {after.rank} for priorities {priority[before.id]} and "
                    f"{priority[after.id]} ({before.title}, {after.title})"
                )
    return found


# --- generated leaders ---------------------------------------------------------------------

ANSWER = st.integers(1, 5)
MAYBE = st.one_of(st.none(), ANSWER)


@st.composite
def leaders(draw: st.DrawFn) -> dict[str, int | None]:
    """A leader's answers: random, or one of the hard families."""
    family = draw(st.sampled_from(["random", "straight", "one_vs_rest", "f5_vs_rest", "ties", "empty", "no_imp"]))
    answers: dict[str, int | None] = {code: draw(ANSWER) for code in SCORED}
    importance: dict[str, int | None] = {code: draw(MAYBE) for code in IMPORTANCE.values()}
    if family == "random":
        answers = {code: draw(st.one_of(ANSWER, ANSWER, ANSWER, st.none())) for code in SCORED}
    elif family == "straight":
        value = draw(st.sampled_from([1, 3, 5]))
        answers = dict.fromkeys(SCORED, value)
    elif family == "one_vs_rest":
        step = draw(st.sampled_from(list(STEPS)))
        rest, one = draw(ANSWER), draw(ANSWER)
        answers |= dict.fromkeys(STEPS[step], rest) | {draw(st.sampled_from(STEPS[step])): one}
    elif family == "f5_vs_rest":
        answers |= dict.fromkeys(STEPS["skills"], draw(ANSWER)) | {"F5": draw(ANSWER)}
    elif family == "ties":
        same = [draw(ANSWER) for _ in range(4)]
        for codes in STEPS.values():
            answers |= dict(zip(codes[:4], same, strict=True))
        answers["F5"] = 6 - same[0]
        importance = dict.fromkeys(IMPORTANCE.values(), draw(st.one_of(st.none(), ANSWER)))
    elif family == "empty":
        step = draw(st.sampled_from(list(STEPS)))
        answers |= dict.fromkeys(STEPS[step], None)
        importance[IMPORTANCE[step]] = draw(st.sampled_from([4, 5]))
    elif family == "no_imp":
        importance = dict.fromkeys(IMPORTANCE.values())
    return answers | importance


def view_for(answers: dict[str, int | None], lang: str, audience: str = "") -> ReportView:
    full = {code: answers.get(code) for code in ITEM_CODES}
    leader = Response(2, "Kim Ærø", "kim@example.dk", "Org", "", None, None, full, {}, audience=audience)
    return build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, CONTENTS[lang], lang, RUN)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(leaders())
def test_every_sentence_shown_is_true_of_the_leader(answers: dict[str, int | None]) -> None:
    for lang, audience in (("da", ""), ("en", ""), ("da", "borgere")):
        view = view_for(answers, lang, audience)
        assert problems(view, answers) == [], (lang, audience, answers)


SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "survey.xlsx"


def sample_leaders() -> list[tuple[dict[str, int | None], str]]:
    """The bundled sample's answers, read here from the workbook's labels (the columns follow the instrument)."""
    agree = [label.lower() for label in INSTRUMENT.scales[INSTRUMENT.steps[0].items[0].scale_id].labels["da"]]
    weight = [label.lower() for label in INSTRUMENT.scales["importance"].labels["da"]]
    book = load_workbook(SAMPLE, read_only=True)
    rows = list(book["Form1"].iter_rows(values_only=True))
    book.close()
    codes = SCORED + list(IMPORTANCE.values())
    leaders = []
    for row in rows[1:]:
        cells = [str(value or "").strip().lower() for value in row[6 : 6 + len(codes)]]
        scale = [agree] * len(SCORED) + [weight] * len(IMPORTANCE)
        answers = {code: s.index(c) + 1 if c in s else None for code, c, s in zip(codes, cells, scale, strict=True)}
        leaders.append((answers, str(row[rows[0].index("Målgruppe")] or "")))
    return leaders


def test_every_sentence_in_the_sample_leaders_reports_is_true() -> None:
    leaders = sample_leaders()
    assert len(leaders) == 25 and sum(a["V1"] is not None for a, _ in leaders) > 20
    assert sum(audience == "borgere" for _, audience in leaders) >= 10  # the sample's public-sector leaders
    for answers, audience in leaders:
        for lang in ("da", "en"):
            view = view_for(answers, lang, audience)
            assert problems(view, answers) == [], (lang, answers)
            citizens = "borger" in view.steps[3].meaning or "citizen" in view.steps[3].meaning
            assert citizens == (audience == "borgere") or view.steps[3].score is None


def planted(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    """The Danish content with one entry replaced, as a brand's content file could."""
    content = copy.deepcopy(dict(CONTENTS["da"]))
    table = content
    for key in path[:-1]:
        table = table[key]
    table[path[-1]] = value
    return content


def test_the_oracle_fails_a_band_text_that_speaks_of_one_statement() -> None:
    # Skills strong (F1–F4 = 5, F5 = 2) but F1 answered "Uenig": the old band text claims F1.
    answers = dict.fromkeys(SCORED, 4) | {"F1": 2, "F2": 5, "F3": 5, "F4": 5, "F5": 1}
    old = "Dine svar viser samlet set, at du forstår, hvordan sociale medier fungerer."
    content = planted(("steps", "skills", "bands", "strong", "meaning"), old)
    full = {code: answers.get(code) for code in ITEM_CODES}
    leader = Response(2, "Kim Ærø", "kim@example.dk", "Org", "", None, None, full, {})
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, content, "da", RUN)
    assert view.steps[1].band_id == "strong"
    assert any("F1=2 contradicts" in line for line in problems(view, answers))
    assert problems(view_for(answers, "da"), answers) == []  # the bundled text speaks of the step as a whole


def test_the_oracle_fails_an_action_the_leader_already_takes() -> None:
    answers = dict.fromkeys(SCORED, 2) | {"P3": 5}
    actions = [{"when": "P1 <= 3", "text": "Skær dit budskab ned til én sætning på højst 20 ord."}]
    content = planted(("steps", "purpose", "actions"), actions)
    full = {code: answers.get(code) for code in ITEM_CODES}
    leader = Response(2, "Kim Ærø", "kim@example.dk", "Org", "", None, None, full, {})
    view = build_view(leader, assess(leader, INSTRUMENT), INSTRUMENT, content, "da", RUN)
    assert any("P3=5 contradicts" in line for line in problems(view, answers))
