"""Chart geometry: labels inside the picture, every value where it belongs, nothing moved or hidden."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest

from reportgen.report.charts import priority_chart, radar_chart
from reportgen.report.model import StepView

from ..conftest import INSTRUMENT

ASCENT, DESCENT = 12, 4  # of the 12-unit bold name and the 11-unit score line (charts.html)


def step(number: int, score: float | None = 100, importance: int | None = None) -> StepView:
    return StepView(
        id=f"s{number}", chapter=number, title=f"Step {number}", score=score,
        score_text="–" if score is None else f"{score:g}", band_id=None, band_label=None,
        answered=1, total=1, importance=importance, importance_label=None if importance is None else str(importance),
        items=(), text=None, band_text=None,
    )  # fmt: skip


def placed(order: tuple[StepView, ...], ranks: list[int] | None = None) -> tuple[StepView, ...]:
    """The steps of a reading order with their places (1, 2, 3 … unless given), as sentences.ordered gives them."""
    return tuple(replace(s, rank=r) for s, r in zip(order, ranks or range(1, len(order) + 1), strict=True))


@pytest.mark.parametrize("count", range(3, 9))
def test_radar_labels_fit_inside_the_chart(count: int) -> None:
    chart = radar_chart(tuple(step(n) for n in range(1, count + 1)), cohort={})
    for axis in chart.axes:
        assert axis.label_at.y - ASCENT >= 0, axis
        assert axis.label_at.y < axis.score_at.y, axis
        assert axis.score_at.y + DESCENT <= chart.height, axis


CASES = {
    "all_1": lambda n: [0.0] * n,
    "all_5": lambda n: [100.0] * n,
    "equal": lambda n: [50.0] * n,
    "mixed": lambda n: [round(100 * i / n, 1) for i in range(n)],
    "one_missing": lambda n: [None, *[60.0] * (n - 1)],
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("count", range(3, 9))
def test_radar_points_sit_at_their_scores_and_gaps_are_never_joined(case: str, count: int) -> None:
    scores = CASES[case](count)
    steps = tuple(step(n + 1, score) for n, score in enumerate(scores))
    chart = radar_chart(steps, cohort={})
    for axis, score in zip(chart.axes, scores, strict=True):
        if score is None:
            assert axis.point is None
            continue
        assert axis.point is not None
        distance = math.dist((axis.point.x, axis.point.y), (chart.center.x, chart.center.y))
        assert distance == pytest.approx(chart.radius * score / 100, abs=0.02)
    if None in scores:
        assert chart.polygon == ""
        # One run joining the scored neighbours, not closed through the gap.
        assert len(chart.lines) == 1 and len(chart.lines[0].split()) == count - 1
    else:
        assert len(chart.polygon.split()) == count and chart.lines == ()


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("count", range(3, 9))
def test_priority_chart_shows_every_step_at_its_true_value(case: str, count: int) -> None:
    scores = CASES[case](count)
    steps = tuple(step(n + 1, score, importance=(n % 5) + 1) for n, score in enumerate(scores))
    order = placed(tuple(sorted((s for s in steps if s.score is not None), key=lambda s: s.score or 0)))
    chart = priority_chart(steps, order, (), INSTRUMENT, "da")
    assert len(chart.rows) == count  # none hidden
    ys = [row.y for row in chart.rows]
    assert len(set(ys)) == count and all(b - a >= chart.row_height for a, b in itertools.pairwise(ys))
    assert chart.rows[-1].y + chart.row_height <= chart.height
    by_label = {row.label: row for row in chart.rows}
    for s in steps:
        row = by_label[s.title]
        if s.score is None:
            assert row.bar_end is None and row.rank is None
        else:
            assert row.bar_end == pytest.approx(chart.left + chart.plot_width * s.score / 100)  # never moved
    # "Start here" holds the reading order's first chapter, and only it.
    assert [row.first for row in chart.rows] == [i == 0 for i in range(count)]
    assert chart.rows[0].label == order[0].title and chart.rows[0].rank == 1
    # Each row carries what the order ranks: importance × (100 − score), rounded half up.
    for s in steps:
        row = by_label[s.title]
        expected = (
            None if s.score is None else int(Decimal(str(s.importance * (100 - s.score))).quantize(1, ROUND_HALF_UP))
        )  # type: ignore[operator]
        assert row.priority == expected


def test_steps_level_at_the_top_all_say_start_here_and_share_the_first_place() -> None:
    steps = placed((step(1, 50.0, 4), step(2, 50.0, 4), step(3, 75.0, 4)), [1, 1, 3])
    chart = priority_chart(steps, steps, steps[:2], INSTRUMENT, "da")
    assert [row.first for row in chart.rows] == [True, True, False]
    assert [row.rank for row in chart.rows] == [1, 1, 3] and [row.priority for row in chart.rows] == [200, 200, 100]
    # The band limits come from the instrument.
    assert [mark.x for mark in chart.bands] == [chart.x(band.min) for band in INSTRUMENT.bands]
    assert (chart.bands[1].label, chart.bands[1].limits) == ("På vej", "40–69")


def test_priority_chart_keeps_an_unscored_step_in_the_order_without_a_bar() -> None:
    steps = (step(1, 20.0, 2), step(2, None, 5), step(3, 90.0, 4))
    order = placed((steps[0], steps[2], steps[1]))
    chart = priority_chart(steps, order, (), INSTRUMENT, "en")
    assert [row.rank for row in chart.rows] == [1, 2, 3]
    assert chart.rows[2].bar_end is None and not chart.rows[2].first and chart.rows[2].priority is None
    # A step outside the order is listed after it, unranked.
    chart = priority_chart(steps, order[:2], (), INSTRUMENT, "en")
    assert [row.rank for row in chart.rows] == [1, 2, None]


def test_cohort_line_is_broken_where_the_group_has_no_figure() -> None:
    steps = tuple(step(n, 50.0) for n in range(1, 5))
    chart = radar_chart(steps, cohort={"s1": 40.0, "s2": 60.0, "s4": 50.0})
    assert chart.cohort_polygon == "" and [len(line.split()) for line in chart.cohort_lines] == [3]
    steps = tuple(replace(s, previous=30.0) for s in steps)
    assert len(radar_chart(steps, cohort={}).previous_polygon.split()) == 4
