"""The cohort report: the group's figures, checked against `reportgen score`, and nobody named."""

from __future__ import annotations

import json
import statistics
from datetime import date
from pathlib import Path

import pytest

from reportgen.config import Settings
from reportgen.models import BuildResult
from reportgen.pipeline import build, read_survey
from reportgen.report import cohort

from .conftest import INSTRUMENT, ITEM_CODES, invoke, pdf_text, write_xlsx

NAMES = ["Søren Østergaard", "Åse Bræmer", "Lars Nielsen", "Mette Holm", "Jens Berg", "Ida Mørch"]
CUSTOMERS = [item.code for item in INSTRUMENT.step("customers").items]


def group_rows() -> list[list[object]]:
    """Six leaders with varied answers and free text; only three of them answer the customers step."""
    rows = []
    for n, name in enumerate(NAMES):
        answers = {code: 1 + (n + i) % 5 for i, code in enumerate(ITEM_CODES)}
        if n >= 3:
            answers |= {code: None for code in CUSTOMERS}
        email = f"leader{n}@example.dk"
        rows.append([name, email, *(answers[c] for c in ITEM_CODES), f"Mit hemmelige formål nr. {n}"])
    return rows


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort")
    header = ["Navn", "Mail", *ITEM_CODES, "T1"]
    return write_xlsx(folder / "group.xlsx", [header, *group_rows()])


@pytest.fixture(scope="module")
def built(survey: Path) -> BuildResult:
    # --only one leader: one personal report is rendered, the cohort report of all six is too.
    # (An --only that names nobody in the input is refused, so it cannot leave out every report.)
    settings = Settings(
        survey=survey, output_dir=survey.parent / "out", report_date=date(2026, 11, 27), only=("leader0@example.dk",)
    )
    return build(settings)


def test_cohort_figures_equal_a_reference_computation_over_score(survey: Path) -> None:
    records = json.loads(invoke(["score", str(survey)]).stdout)
    read = read_survey(Settings(survey=survey))
    group = [(o.response, o.assessment, None) for o in read.outcomes if o.assessment]
    view = cohort.cohort_view(group, INSTRUMENT, {}, "da", 5, _header())
    assert view is not None and view.leaders == len(records) == 6
    for step in view.steps:
        scores = [r["scores"][step.id] for r in records if r["scores"][step.id] is not None]
        if len(scores) < 5:
            assert step.too_few and step.mean is None and not step.dots
            continue
        assert step.mean == pytest.approx(statistics.fmean(scores), abs=0.05)
        assert step.median == pytest.approx(statistics.median(scores), abs=0.05)
        assert step.spread == pytest.approx(statistics.pstdev(scores), abs=0.1)
        bands = [r["bands"][step.id] for r in records if r["bands"][step.id]]
        assert {band_id: count for band_id, _, count in step.bands} == {
            band.id: bands.count(band.id) for band in INSTRUMENT.bands
        }
        assert step.first_in_order == sum(r["priority"][0] == step.id for r in records)
    ranked = sorted((i for i in view.items if i.value is not None), key=lambda i: (-(i.value or 0), i.code))
    assert [i.code for i in view.strengths] == sorted([i.code for i in ranked[:3]], key=ITEM_CODES.index)


def test_the_cohort_report_names_nobody_and_withholds_small_figures(built: BuildResult) -> None:
    assert built.cohort is not None and built.cohort.name == "cohort.pdf"
    assert [p.name for p in built.cohort.parent.glob("0*.pdf")] == ["02-soren-ostergaard.pdf"]  # the one asked for
    text = pdf_text(built.cohort)
    assert "6 ledere med scorer" in text
    for n, name in enumerate(NAMES):
        for part in name.split():
            assert part not in text
        assert f"leader{n}@example.dk" not in text and "hemmelige" not in text
    assert "For få svar" in text  # the customers step has three answers


def test_a_group_of_four_gets_no_cohort_report(shared_build: BuildResult) -> None:
    assert shared_build.counts["rendered"] == 4
    assert shared_build.cohort is None and "fewer than the 5 needed" in shared_build.cohort_note
    assert not (shared_build.manifest.parent / "cohort.pdf").exists()


def _header() -> cohort.Cover:
    return cohort.Cover(title="", instrument_title="", organisation_brand="", logo=None, date="", workshop="")


def test_the_groups_change_is_the_mean_change_of_matched_leaders(survey: Path) -> None:
    earlier = [
        [row[0], str(row[1]).upper(), *[1 + (i % 3) for i in range(len(ITEM_CODES))], ""] for row in group_rows()
    ]
    previous = write_xlsx(survey.parent / "earlier.xlsx", [["Navn", "Mail", *ITEM_CODES, "T1"], *earlier[:5]])
    records = json.loads(invoke(["score", str(survey), "--previous", str(previous)]).stdout)
    read = read_survey(Settings(survey=survey, previous=previous))
    group = [(o.response, o.assessment, o.previous) for o in read.outcomes if o.assessment]
    view = cohort.cohort_view(group, INSTRUMENT, {}, "da", 5, _header())
    assert view is not None and view.since
    for step in view.steps:
        changes = [r["changes"][step.id] for r in records if r["changes"][step.id] is not None]
        assert step.matched == len(changes)
        if len(changes) < 5:
            assert step.change is None  # customers: three leaders answered it, too few
        else:
            assert step.change == pytest.approx(statistics.fmean(changes), abs=0.05)


def test_group_by_adds_a_section_per_group_of_the_minimum_size(tmp_path: Path) -> None:
    sizes = {"Salg": 6, "HR": 5, "IT": 2}
    rows = [["Navn", "Mail", "Afdeling", *ITEM_CODES]]
    for n, unit in enumerate(unit for unit, size in sizes.items() for _ in range(size)):
        rows.append([f"Leder {n}", f"l{n}@example.dk", unit, *[1 + (n + i) % 5 for i in range(len(ITEM_CODES))]])
    path = write_xlsx(tmp_path / "units.xlsx", rows)
    read = read_survey(Settings(survey=path, group_by="afdeling"))
    group = [(o.response, o.assessment, None) for o in read.outcomes if o.assessment]
    view = cohort.cohort_view(group, INSTRUMENT, {}, "da", 5, _header(), by_group=True)
    assert view is not None and [(g.name, g.leaders) for g in view.groups] == [("HR", 5), ("Salg", 6)]
    assert view.groups_left_out == 1
    records = json.loads(invoke(["score", str(path)]).stdout)
    salg = [r for r, row in zip(records, rows[1:], strict=True) if row[2] == "Salg"]
    for step in view.groups[1].steps:
        assert step.mean == pytest.approx(statistics.fmean(r["scores"][step.id] for r in salg), abs=0.05)
    wrong = invoke(["build", str(path), "--group-by", "Region", "-o", str(tmp_path / "o")])
    assert wrong.exit_code == 2 and 'No column is named "Region"' in wrong.output
