"""The cohort report's rules match their words: split or spread, the resource, the plan without a focus."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from reportgen.config import bundled_templates
from reportgen.report import cohort
from reportgen.report.cohort_charts import Entry
from reportgen.report.cohort_rules import load_rules, spread_kind, stands_out_strong
from reportgen.report.cohort_steps import item_figures
from reportgen.scoring.group import middle_half, shows_single_scores

from ..conftest import INSTRUMENT
from .test_cohort import ALL, STEP_ITEMS, _step, answers, view_of

RULES = load_rules()


@pytest.mark.parametrize(
    ("counts", "kind"),
    [
        ((7, 9, 7), "spread"),  # the sample's Kunder: the middle band is the largest
        ((8, 8, 7), "spread"),
        ((3, 0, 3), "split"),
        ((4, 2, 4), "split"),  # the middle at most half the smaller end
        ((4, 3, 4), "spread"),
        ((2, 10, 8), ""),  # an end band under 30 %
    ],
)
def test_split_only_when_the_middle_band_is_clearly_smaller(counts: tuple[int, int, int], kind: str) -> None:
    assert spread_kind(counts, RULES) == kind


def test_the_resource_stands_out_by_the_rule_of_a_shared_strength() -> None:
    assert stands_out_strong(Fraction(75), Fraction(0), 1, 5, RULES)  # a mean answer of 4.0
    assert stands_out_strong(Fraction(60), Fraction(3, 4), 1, 5, RULES)  # three in four at Stærk
    assert not stands_out_strong(Fraction(58), Fraction(9, 23), 1, 5, RULES)  # the sample: a 3-point lead


def test_no_resource_on_a_three_point_lead(tmp_path: Path) -> None:
    rows = [answers(ALL | {"purpose": 4}, ALL)] * 2 + [answers(ALL, ALL)] * 4
    view = view_of(tmp_path, rows)
    purpose = view.steps[0]
    assert purpose.mean is not None and purpose.mean == max(s.mean or 0 for s in view.steps) and purpose.mean < 75
    assert view.brief.resource is None


def test_without_a_focus_page_one_is_teams_by_first_chapter_and_the_lowest_statements(tmp_path: Path) -> None:
    # Everyone alike but for the step that comes first (all 3s: the first chapter); no step or statement
    # stands out, so page 1 gives three teams of two and the three lowest statements.
    rows = [
        *[answers(ALL, ALL) | _step("customers", 2, 3)] * 2,
        *[answers(ALL, ALL) | _step("skills", 2, 3)] * 2,
        answers(ALL, ALL) | _step("purpose", 2, 3),
        answers(ALL, ALL),
    ]
    view = view_of(tmp_path, rows)
    assert view.brief.focus == ()
    assert view.blind_spots == () and view.strengths == ()
    assert [(t.step.id, t.leaders) for t in view.brief.teams] == [("purpose", 2), ("skills", 2), ("customers", 2)]
    assert sum(t.leaders for t in view.brief.teams) == view.leaders
    lowest = view.brief.lowest
    assert len(lowest) == 3 and [i.favourable for i in lowest] == sorted(i.favourable or 0 for i in lowest)
    assert max(i.favourable or 0 for i in lowest) <= min(i.favourable or 0 for i in view.items if i not in lowest)
    assert view.cell(1) == "< 3" and view.cell(2) == "< 3" and view.cell(0) == "0" and view.cell(3) == "3"
    # Teams of 2, 2, 2 and 0 of six: each team of 1–2 is printed "< 3".
    assert [view.first(s) for s in view.steps] == ["< 3", "< 3", "0", "< 3"]


def test_a_reverse_keyed_statement_is_printed_the_way_it_is_counted(tmp_path: Path) -> None:
    rows = [answers(ALL, ALL) | {"F5": 1}] * 5  # everyone disagrees that they feel unsure
    view = view_of(tmp_path, rows)
    f5 = next(i for i in view.items if i.code == "F5")
    assert f5.turned and "tryg" in f5.text and f5.agree == 1 and f5.mean == 5 and f5.mark == "strength"
    # An instrument without a turned text: the statement as asked, with the answers as given.
    item = replace(next(item for item in INSTRUMENT.items if item.code == "F5"), turned=None)
    raw = item_figures(item, _entries(tmp_path, rows), INSTRUMENT, "da", 5, RULES)
    assert not raw.turned and "usikker" in raw.text and raw.disagree == 1 and raw.mean == 1
    assert raw.mark == "strength"  # judged on the turned answers all the same


def _entries(tmp_path: Path, rows: list[dict[str, int]]) -> list[Entry]:
    from reportgen.config import Settings
    from reportgen.survey.load import read_survey

    from ..conftest import ITEM_CODES, write_xlsx

    table = [[f"L{n}", f"x{n}@example.dk", *(row.get(c) for c in ITEM_CODES)] for n, row in enumerate(rows)]
    survey = write_xlsx(tmp_path / "raw.xlsx", [["Navn", "Mail", *ITEM_CODES], *table])
    return cohort.group_entries(read_survey(Settings(survey=survey)).outcomes)


def test_single_scores_only_from_twenty_leaders_and_quartiles_from_five_per_quarter() -> None:
    assert not shows_single_scores(19) and shows_single_scores(20)
    values = [Fraction(n) for n in range(19)]
    assert middle_half(values, 5) is None
    assert middle_half([*values, Fraction(19)], 5) == (Fraction(19, 4), Fraction(57, 4))


def test_each_exercise_is_about_its_steps_statements() -> None:
    # Reviewed against the four statements of each step; Medarbejdere (M1–M4) is internal digital
    # collaboration, knowledge sharing and the employees' tools, not employees as ambassadors.
    themes = {
        "purpose": ("formål", "purpose"),
        "skills": ("opslag", "post"),
        "employees": ("videndeling", "knowledge sharing"),
        "customers": ("kunde", "customer"),
    }
    for n, lang in enumerate(("da", "en")):
        exercises = tomllib.loads((bundled_templates() / "content" / f"{lang}.toml").read_text("utf-8"))["cohort"][
            "exercises"
        ]
        assert set(exercises) == set(STEP_ITEMS)
        for step_id, words in themes.items():
            assert words[n] in exercises[step_id].casefold(), (lang, step_id)
        assert "ambassad" not in exercises["employees"]
