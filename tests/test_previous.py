"""--previous: leaders matched by e-mail see their progress; `score` adds earlier scores and changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from reportgen.config import Settings
from reportgen.pipeline.build import build

from .conftest import ITEM_CODES, invoke, pdf_text, write_xlsx

HEADER = ["Navn", "Mail", *ITEM_CODES]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("previous")
    before = write_xlsx(
        folder / "before.xlsx",
        [HEADER, ["Søren Østergaard", "soren@example.dk", *[2] * 21], ["Gone Away", "gone@example.dk", *[3] * 21]],
    )
    now = write_xlsx(
        folder / "now.xlsx",
        [HEADER, ["Søren Østergaard", " SOREN@Example.DK", *[4] * 21], ["New Leader", "new@example.dk", *[3] * 21]],
    )
    return before, now


def test_score_adds_the_earlier_scores_and_the_changes(exports: tuple[Path, Path]) -> None:
    before, now = exports
    result = invoke(["score", str(now), "--previous", str(before)])
    assert result.exit_code == 0, result.output
    soren, new = json.loads(result.stdout)
    # All 2s: 25 on every step (F5 reversed: 4 → 75, mean of 25,25,25,25,75 = 35 for skills).
    assert soren["previous_scores"] == {"purpose": 25.0, "skills": 35.0, "employees": 25.0, "customers": 25.0}
    assert soren["scores"] == {"purpose": 75.0, "skills": 65.0, "employees": 75.0, "customers": 75.0}
    assert soren["changes"] == {"purpose": 50.0, "skills": 30.0, "employees": 50.0, "customers": 50.0}
    assert new["previous_scores"] == dict.fromkeys(soren["scores"]) and new["changes"] == dict.fromkeys(soren["scores"])
    csv = invoke(["score", str(now), "--previous", str(before), "--format", "csv"]).stdout
    header, first = csv.splitlines()[:2]
    assert "previous_purpose" in header and "change_customers" in header and ",25.0," in first and ",50.0," in first
    plain = json.loads(invoke(["score", str(now)]).stdout)
    assert "previous_scores" not in plain[0]  # the form without --previous is unchanged


def test_only_matched_leaders_get_the_since_last_time_part(exports: tuple[Path, Path]) -> None:
    before, now = exports
    out = now.parent / "out"
    result = build(Settings(survey=now, output_dir=out, report_date=date(2026, 11, 27), previous=before, jobs=1))
    assert result.counts["rendered"] == 2
    soren, new = (pdf_text(out / o.pdf) for o in result.outcomes if o.pdf)
    assert "Siden sidst" in soren and "Formål er gået op fra 25 til 75 – fra Begynder til Stærk." in soren
    assert "+50" in soren
    assert "Siden sidst" not in new and "Dine scorer sidst" not in new
