"""File names, atomic writes and the manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reportgen.output import manifest, writer


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Søren Østergaard", "soren-ostergaard"),
        ("Åse Bræmer", "aase-braemer"),
        ("José  Núñez-Álvarez", "jose-nunez-alvarez"),
        ('<img src="x"> / ..\\CON', "img-src-x-con"),
        ("", "leader"),
        ("山田", "leader"),
    ],
)
def test_slug_is_safe_and_readable(name: str, slug: str) -> None:
    assert writer.slugify(name) == slug


def test_long_names_are_cut() -> None:
    assert len(writer.slugify("a" * 300)) <= 60


def test_report_names_come_from_the_leader_not_the_row() -> None:
    assert writer.report_name("Søren Østergaard", "3f9a2c0b") == "soren-ostergaard-3f9a2c.pdf"
    assert writer.report_name("Anna", "aaaaaa01") != writer.report_name("Anna", "bbbbbb01")


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    writer.write_atomic(target, b"%PDF-1.7 ok")
    assert target.read_bytes() == b"%PDF-1.7 ok"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.pdf"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        writer.write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_manifest_lists_every_outcome(shared_build) -> None:  # type: ignore[no-untyped-def]
    with shared_build.manifest.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    assert list(rows[0]) == list(manifest.MANIFEST_COLUMNS)
    assert [int(r["source_row"]) for r in rows] == [o.source_row for o in shared_build.outcomes]


def test_scores_workbook_without_any_scored_leader_has_empty_group_figures(tmp_path: Path) -> None:
    # Found by the property tests: with no valid row, the group's mean of nothing crashed the build.
    from openpyxl import load_workbook

    from reportgen.config import Settings
    from reportgen.pipeline.build import build

    from ..conftest import ITEM_CODES, write_xlsx

    survey = write_xlsx(tmp_path / "s.xlsx", [["Navn", "Mail", *ITEM_CODES], [None, "a@example.dk", 3]])
    result = build(Settings(survey=survey, output_dir=tmp_path / "out", jobs=1))
    assert [o.status for o in result.outcomes] == ["invalid"]
    assert result.scores is not None
    group = load_workbook(result.scores)["Gruppen"]
    empty = [
        0,
        None,
        None,
        None,
        None,
        None,
        0,
        0,
        0,
        None,
        None,
        0,
    ]  # scored, figures, bands, importance, priority, first
    assert [[c.value for c in row][1:] for row in group.iter_rows(min_row=2)] == [empty] * 4
