"""The attacker: a colleague who knows their own answers and subtracts shown figures from each other.

Every mean that cohort.pdf and the personal reports show is a sum over a set of leaders. Each
scenario writes a real workbook, makes the cohort view and the personal reports' group means as a
build does, checks that each shown figure is the mean of the set this test attributes to it (so
the equations are the true ones), and then solves: no leader's score may follow from the shown
sums and a reader's own score, by any combination of them (exact linear algebra over fractions).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

from reportgen.config import Settings
from reportgen.models import Outcome
from reportgen.report import cohort
from reportgen.scoring.group import (
    MINIMUM,
    counted,
    counted_leaders,
    group_means,
    hidden_cells,
    hides_difference,
    shows_personal_mean,
    withheld_sections,
)
from reportgen.survey.load import read_survey

from ..conftest import INSTRUMENT, ITEM_CODES, invoke, pdf_text, write_xlsx

HEADER = ["Navn", "Mail", "Afdeling", *ITEM_CODES]
STEPS = [step.id for step in INSTRUMENT.steps]
Vector = dict[str, Fraction]  # leader key ("now:l3", "before:l3") → coefficient


@dataclass
class Leader:
    email: str
    unit: str
    answers: dict[str, int | None]


def leaders(units: dict[str, int], seed: int, blank: dict[str, Sequence[str]] | None = None) -> list[Leader]:
    """Leaders with random answers per unit; `blank` leaves a leader's (by e-mail) items unanswered."""
    rng = random.Random(seed)
    found = []
    for unit, size in units.items():
        for _ in range(size):
            email = f"l{len(found)}@example.dk"
            answers: dict[str, int | None] = {code: rng.randint(1, 5) for code in ITEM_CODES}
            for code in (blank or {}).get(email, ()):
                answers[code] = None
            found.append(Leader(email, unit, answers))
    return found


def director(email: str = "boss@example.dk") -> Leader:
    """The department of one: everybody knows who it is, and their answers are all 1s."""
    return Leader(email, "Direktion", dict.fromkeys(ITEM_CODES, 1))


def workbook(path: Path, people: Sequence[Leader]) -> Path:
    rows = [[f"Leder {n}", p.email, p.unit, *(p.answers[c] for c in ITEM_CODES)] for n, p in enumerate(people)]
    return write_xlsx(path, [HEADER, *rows])


def _header() -> cohort.Cover:
    return cohort.Cover(title="", instrument_title="", organisation_brand="", logo=None, date="", workshop="")


@dataclass
class Published:
    """What readers see: every shown figure as (step, the set it sums over, n × its mean), and the scores."""

    sums: list[tuple[str, Vector, Fraction]]
    scores: dict[str, dict[str, Fraction]]  # leader key → step → exact score


def _scores(outcomes: Sequence[Outcome], prefix: str) -> dict[str, dict[str, Fraction]]:
    found: dict[str, dict[str, Fraction]] = {}
    for o in outcomes:
        if o.status == "ok" and o.assessment:
            steps = {s: score for s in STEPS if (score := o.assessment.step(s).score) is not None}
            found[f"{prefix}:{o.response.email_key}"] = steps
    return found


def _sum(
    step: str, keys: Sequence[str], scores: dict[str, dict[str, Fraction]], mean: Fraction
) -> tuple[str, Vector, Fraction]:
    """One shown mean as an equation; the mean must be the true mean of the attributed set."""
    members = [k for k in keys if step in scores[k]]
    assert members and mean == sum((scores[k][step] for k in members), Fraction(0)) / len(members), (step, keys)
    return step, dict.fromkeys(members, Fraction(1)), mean * len(members)


def publish(survey: Path, by_group: bool, previous: Path | None = None) -> tuple[Published, cohort.CohortView | None]:
    """The figures of one build: cohort.pdf's means, its groups' means, its changes, the radars' means."""
    read = read_survey(Settings(survey=survey, previous=previous, group_by="Afdeling" if by_group else None))
    entries = cohort.group_entries(read.outcomes)
    view = cohort.cohort_view(
        entries, INSTRUMENT, {}, "da", MINIMUM, _header(), by_group=by_group, earlier=read.earlier
    )
    scores = _scores(read.outcomes, "now") | _scores(read.earlier, "before")
    ok = [o for o in read.outcomes if o.status == "ok" and o.assessment]
    # The attacker's model, made here, not by the code under test: with --group-by, the whole group is
    # the leaders of the departments of at least five, and the rest when together they are five.
    sizes = Counter(o.response.group for o in ok)
    rest = sum(size for size in sizes.values() if size < MINIMUM) >= MINIMUM
    whole = [f"now:{o.response.email_key}" for o in ok if not by_group or rest or sizes[o.response.group] >= MINIMUM]
    sums: list[tuple[str, Vector, Fraction]] = []
    radar = group_means(counted_leaders(read.outcomes, by_group, MINIMUM), STEPS, MINIMUM)
    for step, mean in radar.items():  # the group mean on every personal report
        step_sum = _sum(step, whole, scores, Fraction(mean).limit_denominator(10**6))
        sums.append(step_sum)
    if view is None:
        return Published(sums, scores), None
    for figures in view.steps:
        if figures.mean is not None:
            sums.append(_sum(figures.id, whole, scores, figures.mean))
        if figures.since is not None and figures.since.shown and figures.since.change is not None:
            both = [k for k in whole if figures.id in scores[k] and figures.id in scores.get(f"before:{k[4:]}", {})]
            vector = {k: Fraction(1) for k in both} | {f"before:{k[4:]}": Fraction(-1) for k in both}
            sums.append((figures.id, vector, figures.since.change * len(both)))
    for section in view.groups:
        small = [name for name, size in sizes.items() if size < MINIMUM]
        names = small if section.merged else [section.name]
        members = [f"now:{o.response.email_key}" for o in ok if o.response.group in names]
        for figures in section.steps:
            if figures.mean is not None:
                sums.append(_sum(figures.id, members, scores, figures.mean))
    return Published(sums, scores), view


def recoverable(published: Sequence[Published], readers: Sequence[str]) -> list[tuple[str, str]]:
    """(step, leader) pairs whose score follows from the shown sums and the readers' own scores."""
    found = []
    keys = sorted({k for p in published for k in p.scores})
    for step in STEPS:
        rows = [dict(vector) for p in published for s, vector, _ in p.sums if s == step]
        for reader in readers:  # a reader knows their own score, now and before
            rows += [{reader: Fraction(1)}, {f"before:{reader[4:]}": Fraction(1)}]
        basis = _echelon(rows)
        known = {reader.split(":", 1)[1] for reader in readers}
        for key in keys:
            if key.split(":", 1)[1] in known or not any(step in p.scores.get(key, {}) for p in published):
                continue
            if _in_span({key: Fraction(1)}, basis):
                found.append((step, key))
    return found


def _echelon(rows: list[Vector]) -> list[tuple[str, Vector]]:
    """A basis of the rows' span, each with its pivot, reduced against the earlier ones."""
    basis: list[tuple[str, Vector]] = []
    for row in rows:
        reduced = _reduce(row, basis)
        if reduced:
            pivot = min(reduced)
            basis.append((pivot, {k: v / reduced[pivot] for k, v in reduced.items()}))
    return basis


def _reduce(row: Vector, basis: list[tuple[str, Vector]]) -> Vector:
    row = {k: v for k, v in row.items() if v}
    for pivot, vector in basis:
        if row.get(pivot):
            factor = row[pivot]
            for k, v in vector.items():
                row[k] = row.get(k, Fraction(0)) - factor * v
            row = {k: v for k, v in row.items() if v}
    return row


def _in_span(target: Vector, basis: list[tuple[str, Vector]]) -> bool:
    return not _reduce(target, basis)


def test_the_attack_finds_a_score_where_one_is_given_away() -> None:
    # The solver itself: a mean of two with one reader gives the other away; of six, it does not.
    scores = {f"now:{n}": {"purpose": Fraction(n * 10)} for n in range(6)}
    two = Published([("purpose", {"now:0": Fraction(1), "now:1": Fraction(1)}, Fraction(10))], scores)
    assert recoverable([two], ["now:0"]) == [("purpose", "now:1")]
    six = Published([("purpose", dict.fromkeys(scores, Fraction(1)), Fraction(150))], scores)
    assert recoverable([six], ["now:0"]) == []
    # A whole and a shown part that differ by one leader: the "11 × the mean minus the groups".
    part = Published([*six.sums, ("purpose", {f"now:{n}": Fraction(1) for n in range(5)}, Fraction(100))], scores)
    assert recoverable([part], []) == [("purpose", "now:5")]


def test_a_department_of_one_and_of_two_count_in_no_figure(tmp_path: Path) -> None:
    # HR's fifth leader leaves the customers step blank: HR has four scores there, so Salg's customers
    # figure is withheld too (else the whole minus Salg gives HR's four).
    people = leaders({"Salg": 6, "HR": 5, "Ledelse": 2}, seed=1, blank={"l10@example.dk": ["K1", "K2", "K3", "K4"]})
    people.append(director())
    survey = workbook(tmp_path / "units.xlsx", people)
    published, view = publish(survey, by_group=True)
    assert view is not None and view.leaders == 11 and view.leaders_left_out == 3 and view.groups_left_out == 2
    assert [(g.name, g.leaders) for g in view.groups] == [("HR", 5), ("Salg", 6)]
    customers = {g.name: g.steps[-1] for g in view.groups}
    assert customers["HR"].too_few and customers["Salg"].too_few and view.steps[-1].mean is not None
    readers = [k for k in published.scores if k.startswith("now:")]
    for reader in [None, *readers]:
        assert recoverable([published], [reader] if reader else []) == [], reader


def test_the_cohort_pdf_of_departments_gives_nobody_away(tmp_path: Path) -> None:
    people = [*leaders({"Salg": 6, "HR": 5}, seed=2), director()]
    survey = workbook(tmp_path / "units.xlsx", people)
    result = invoke(["build", str(survey), "-o", str(tmp_path / "out"), "--group-by", "Afdeling", "-j", "1"])
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "out" / "cohort.pdf")
    assert "11 ledere indgår" in text and "Direktion" not in text
    assert "< 3 ledere i 1 grupper med færre end 5 ledere tæller ikke med i nogen figur" in text
    # No dots, no median, no low–high: the figures per step are the mean and the spread only.
    assert "Spredning" in text and "Median" not in text and "Laveste–højeste" not in text
    published, view = publish(survey, by_group=True)
    assert view is not None and not view.dot_plot
    for step in view.steps:
        assert step.median is None and step.middle is None and step.dots == ()
    readers = [k for k in published.scores if k.startswith("now:")]
    assert all(recoverable([published], [r]) == [] for r in readers)


def test_two_leaders_get_no_group_figure_anywhere(tmp_path: Path) -> None:
    survey = workbook(tmp_path / "two.xlsx", leaders({"Salg": 2}, seed=3))
    published, view = publish(survey, by_group=False)
    assert view is None and published.sums == []
    refused = invoke(["build", str(survey), "-o", str(tmp_path / "o"), "--cohort-min", "2"])
    assert refused.exit_code == 2 and "--cohort-min" in refused.output and "Traceback" not in refused.output


@pytest.mark.parametrize("size", [5, 6, 8])
def test_a_small_group_shows_the_radar_mean_only_with_five_besides_the_reader(tmp_path: Path, size: int) -> None:
    survey = workbook(tmp_path / f"g{size}.xlsx", leaders({"": size}, seed=size))
    published, view = publish(survey, by_group=False)
    assert view is not None and view.leaders == size
    radar = group_means(counted_leaders(read_survey(Settings(survey=survey)).outcomes, False, MINIMUM), STEPS, 5)
    assert bool(radar) == (size >= 6)
    readers = [k for k in published.scores if k.startswith("now:")]
    assert all(recoverable([published], [r]) == [] for r in readers)


@pytest.mark.parametrize(
    ("before", "now", "shown"),
    [
        (range(6), range(7), False),  # one newcomer: the means now and then and the change give them away
        (range(7), range(6), False),  # one leader left: the earlier report's mean gives them away
        (range(6), range(11), True),  # five newcomers: their sum rests on five
        (range(6), range(6), True),  # the same six
    ],
)
def test_previous_with_a_changed_group_gives_nobody_away(
    tmp_path: Path, before: range, now: range, shown: bool
) -> None:
    people = leaders({"": 11}, seed=4)
    earlier_people = leaders({"": 11}, seed=5)  # the same e-mails, other answers
    then = workbook(tmp_path / "then.xlsx", [earlier_people[n] for n in before])
    current = workbook(tmp_path / "now.xlsx", [people[n] for n in now])
    earlier_report, _ = publish(then, by_group=False)
    earlier_report = Published(
        [(s, {f"before:{k[4:]}": v for k, v in vector.items()}, total) for s, vector, total in earlier_report.sums],
        {f"before:{k[4:]}": v for k, v in earlier_report.scores.items()},
    )
    published, view = publish(current, by_group=False, previous=then)
    assert view is not None and view.since
    assert all(step.since is not None and step.since.shown == shown for step in view.steps)
    readers = [k for k in published.scores if k.startswith("now:")]
    for reader in [None, *readers]:
        assert recoverable([earlier_report, published], [reader] if reader else []) == [], reader


def test_small_groups_are_merged_when_together_they_reach_the_minimum(tmp_path: Path) -> None:
    # Salg of six and five departments of one: the five are one section; everyone counts.
    people = leaders({"Salg": 6, "A": 1, "B": 1, "C": 1, "D": 1, "E": 1}, seed=6)
    published, view = publish(workbook(tmp_path / "merged.xlsx", people), by_group=True)
    assert view is not None and view.leaders == 11 and view.leaders_left_out == 0
    assert [(g.leaders, g.merged) for g in view.groups] == [(6, False), (5, True)]
    assert all(recoverable([published], [r]) == [] for r in [k for k in published.scores if k.startswith("now:")])
    # Every leader in an organisation of their own (the sample's Organisation): one merged group, no sections.
    alone = leaders({f"Org{n}": 1 for n in range(7)}, seed=7)
    _, view = publish(workbook(tmp_path / "alone.xlsx", alone), by_group=True)
    assert view is not None and view.leaders == 7 and view.groups == ()


def test_the_rules_themselves() -> None:
    assert counted(["A"] * 5 + ["B"] + ["C"] * 2, 5) == [True] * 5 + [False] * 3
    assert counted(["A"] * 5 + ["B", "C", "D", "E", ""], 5) == [True] * 10  # the small ones merged: five
    assert counted(["A"] * 5, 2) == [True] * 5 and counted(["A"] * 5, 6) == [False] * 5  # never below 5
    assert withheld_sections([6, 5], 5) == [False, False]
    assert withheld_sections([6, 4], 5) == [True, True]  # Salg too, else the whole minus Salg gives HR's four
    assert withheld_sections([9, 7, 3], 5) == [False, True, True]  # the smallest shown one joins the hidden
    assert withheld_sections([9, 2, 3], 5) == [False, True, True]  # hidden together: five
    assert [shows_personal_mean(n, 5) for n in (5, 6)] == [False, True]
    assert [hides_difference(n, 5) for n in (0, 1, 4, 5)] == [True, False, False, True]
    # A row whose total is shown: a lone cell of 1–2 takes the smallest other cell with it.
    assert hidden_cells([3, 0, 2]) == [False, True, True]
    assert hidden_cells([4, 3, 1]) == [False, True, True]
    assert hidden_cells([1, 2, 5]) == [True, True, False] and hidden_cells([3, 4, 5]) == [False] * 3
