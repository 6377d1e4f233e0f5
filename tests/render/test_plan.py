"""render/plan.plan_reports on its own: what a build renders, reuses or skips, without rendering anything."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from reportgen.brand import brand_or_bundled
from reportgen.config import Settings, bundled_templates
from reportgen.models import Outcome
from reportgen.render.plan import Plan, PlanInputs, plan_reports
from reportgen.report.content import load_content
from reportgen.report.model import RunInfo
from reportgen.survey.load import read_survey

from ..conftest import IDENTITY, INSTRUMENT, item_headers, leader_row, write_xlsx


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Outcome, ...]:
    """Three scored leaders and one invalid row, read as build reads them."""
    folder = tmp_path_factory.mktemp("plan")
    leaders = [
        leader_row("Ane Ask", "ane@example.dk", 2),
        leader_row("Bo Bæk", "bo@example.dk", 4),
        leader_row("Cai Cox", "cai@example.dk", 5),
        leader_row("No Mail", "", 3),
    ]
    survey = write_xlsx(folder / "s.xlsx", [IDENTITY + item_headers(), *leaders])
    return read_survey(Settings(survey=survey)).outcomes


def inputs(**changes: object) -> PlanInputs:
    contents = load_content([bundled_templates()], INSTRUMENT.languages)
    run = RunInfo(brand_or_bundled(None), date(2026, 11, 27), "", {})
    given = PlanInputs(
        instrument=INSTRUMENT,
        contents=contents,
        run=run,
        language="da",
        fingerprint="run-1",
        output_format="pdf",
        force=False,
        only=frozenset(),
        earlier={},
        existing=frozenset(),
    )
    return replace(given, **changes)  # type: ignore[arg-type]


def done(plan: Plan) -> tuple[dict[str, str], frozenset[str]]:
    """The manifest and folder a build of `plan` leaves: each report file and its fingerprint."""
    earlier = {o.pdf: o.fingerprint for o in plan.outcomes.values() if o.pdf and o.fingerprint}
    return earlier, frozenset(earlier)


def test_a_new_folder_renders_every_scored_leader_and_passes_the_invalid_row_on(rows: tuple[Outcome, ...]) -> None:
    plan = plan_reports(rows, inputs(), Path("out"))
    assert len(plan.tasks) == 3 and {t.source_row for t in plan.tasks} == {o.source_row for o in rows[:3]}
    invalid = plan.outcomes[rows[3].source_row]
    assert invalid.status == "invalid" and invalid.pdf is None
    assert len({t.path for t in plan.tasks}) == 3 and all(t.path.parent == Path("out") for t in plan.tasks)


def test_an_unchanged_run_reuses_every_report_and_renders_none(rows: tuple[Outcome, ...]) -> None:
    earlier, existing = done(plan_reports(rows, inputs(), Path("out")))
    again = plan_reports(rows, inputs(earlier=earlier, existing=existing), Path("out"))
    assert again.tasks == () and all(again.outcomes[o.source_row].reused for o in rows[:3])


def test_force_a_deleted_file_and_a_changed_run_each_render_again(rows: tuple[Outcome, ...]) -> None:
    earlier, existing = done(plan_reports(rows, inputs(), Path("out")))
    assert len(plan_reports(rows, inputs(earlier=earlier, existing=existing, force=True), Path("out")).tasks) == 3
    one_gone = existing - {next(iter(existing))}
    assert len(plan_reports(rows, inputs(earlier=earlier, existing=one_gone), Path("out")).tasks) == 1
    other_run = inputs(earlier=earlier, existing=existing, fingerprint="run-2")  # e.g. another date or brand
    assert len(plan_reports(rows, other_run, Path("out")).tasks) == 3


def test_only_renders_the_one_leader_and_keeps_the_rest_as_they_were(rows: tuple[Outcome, ...]) -> None:
    earlier, existing = done(plan_reports(rows, inputs(), Path("out")))
    chosen = rows[1].response.email_key
    plan = plan_reports(rows, inputs(earlier=earlier, existing=existing, force=True, only={chosen}), Path("out"))
    assert [t.source_row for t in plan.tasks] == [rows[1].source_row]
    assert plan.outcomes[rows[0].source_row].reused and plan.outcomes[rows[2].source_row].reused
    fresh = plan_reports(rows, inputs(only={chosen}), Path("out"))  # nothing earlier: the others are skipped
    assert plan.outcomes[rows[1].source_row].reused is False
    assert fresh.outcomes[rows[0].source_row].status == "skipped"


def test_a_changed_answer_renders_that_leader_only(rows: tuple[Outcome, ...]) -> None:
    earlier, existing = done(plan_reports(rows, inputs(), Path("out")))
    changed = replace(rows[0].response, answers={**rows[0].response.answers, "P1": 1})
    edited = (replace(rows[0], response=changed), *rows[1:])
    plan = plan_reports(edited, inputs(earlier=earlier, existing=existing), Path("out"))
    assert [t.source_row for t in plan.tasks] == [rows[0].source_row]
