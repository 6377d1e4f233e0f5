"""Chart geometry: every label of the radar chart inside the picture, whatever the number of steps."""

from __future__ import annotations

import pytest

from reportgen.report.charts import radar_chart
from reportgen.report.view import StepView

ASCENT, DESCENT = 12, 4  # of the 12-unit bold name and the 11-unit score line (charts.html)


def step(number: int) -> StepView:
    return StepView(
        id=f"s{number}", chapter=number, title=f"Step {number}", score=100, band_id=None, band_label=None,
        answered=1, total=1, importance=None, importance_label=None, items=(), text=None, band_text=None,
        quadrant=None,
    )  # fmt: skip


@pytest.mark.parametrize("count", range(3, 9))
def test_radar_labels_fit_inside_the_chart(count: int) -> None:
    chart = radar_chart(tuple(step(n) for n in range(1, count + 1)), cohort={})
    for axis in chart.axes:
        assert axis.label_at.y - ASCENT >= 0, axis
        assert axis.label_at.y < axis.score_at.y, axis
        assert axis.score_at.y + DESCENT <= chart.height, axis
