"""Choices numbered from 0 (issue 23): found from the values, never read one choice too low.

SPSS-style and code exports of several tools number a 1–5 scale's choices 0–4 when the
survey was set up that way. The export stops with one paragraph until the facilitator's
mapping file says how the choices are numbered; then every leader scores as the reference says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.config import Settings
from reportgen.survey.cells import column_letter
from reportgen.survey.coding import ChoicesFromZero
from reportgen.survey.load import read_survey

from ..conftest import ITEM_CODES, invoke
from .test_exports import assert_reference, delimited
from .test_layouts import LEADERS


def numbered_export(folder: Path, shift: int = -1, extra: dict[str, Any] | None = None) -> Path:
    """A code-headed CSV with numeric answers, each moved by `shift` (-1: the tool counts from 0)."""
    header = ["ResponseId", "Navn", "E-mail", *ITEM_CODES]
    rows: list[list[Any]] = []
    for n, (first, last, email, answers) in enumerate(LEADERS, start=1):
        values = [None if (value := answers[c]) is None else value + shift for c in ITEM_CODES]
        rows.append([f"R_{n}", f"{first} {last}", email, *values])
    for code, value in (extra or {}).items():
        rows[0][3 + ITEM_CODES.index(code)] = value
    path = folder / "numbered.csv"
    path.write_text(delimited([header, *rows]), encoding="utf-8")
    return path


def test_answers_numbered_from_0_stop_with_one_paragraph_naming_the_columns(tmp_path: Path) -> None:
    path = numbered_export(tmp_path)
    with pytest.raises(ChoicesFromZero) as raised:
        read_survey(Settings(survey=path))
    last = column_letter(3 + len(ITEM_CODES) - 1)
    assert f"(D–{last})" in raised.value.message and "numbers from 0 to 4" in raised.value.message
    result = invoke(["check", str(path)])
    assert result.exit_code == 2
    assert "numbered the choices from 0" in result.output
    assert "--write-mapping mapping.toml" in result.output and "first_code = 1" in result.output


def test_the_written_mapping_says_first_code_0_and_then_every_leader_scores_right(tmp_path: Path) -> None:
    path = numbered_export(tmp_path)
    mapping = tmp_path / "mapping.toml"
    written = invoke(["check", str(path), "--write-mapping", str(mapping)])
    assert "\nfirst_code = 0\n" in mapping.read_text(encoding="utf-8")
    # check then lists the export as the new mapping reads it, not the advice just followed.
    assert written.exit_code == 0 and "read from 0 (first_code = 0" in written.output, written.output
    assert_reference(path, mapping=mapping)
    listing = invoke(["check", str(path), "--mapping", str(mapping)]).output
    assert "read from 0 (first_code = 0 in the mapping file)" in listing
    assert "outside the scale" not in listing


def test_first_code_1_reads_the_numbers_as_they_stand(tmp_path: Path) -> None:
    """Where 0 means "not answered" in an export, the facilitator says first_code = 1: a 0 is no answer."""
    path = numbered_export(tmp_path, shift=0, extra={"P1": 0})
    mapping = tmp_path / "mapping.toml"
    columns = "".join(f'{column_letter(3 + i)} = "{code}"\n' for i, code in enumerate(ITEM_CODES))
    mapping.write_text(f'first_code = 1\n[columns]\nB = "name"\nC = "email"\n{columns}', encoding="utf-8")
    survey = read_survey(Settings(survey=path, mapping=mapping))
    first = next(o for o in survey.outcomes if o.response.email == LEADERS[0][2])
    assert first.response.answers["P1"] is None
    assert any("0 is outside the scale" in w.message for w in first.warnings)


def test_a_0_beside_the_scales_top_value_is_an_answer_off_the_scale_not_a_numbering(tmp_path: Path) -> None:
    path = numbered_export(tmp_path, shift=0, extra={"P1": 0})
    survey = read_survey(Settings(survey=path))
    assert survey.columns.code_shift == 0
    first = next(o for o in survey.outcomes if o.response.email == LEADERS[0][2])
    assert first.response.answers["P1"] is None
    assert [o.response.answers["K1"] for o in survey.outcomes] == [answers["K1"] for *_, answers in LEADERS]


def test_the_tools_missing_value_codes_do_not_hide_a_numbering_from_0(tmp_path: Path) -> None:
    path = numbered_export(tmp_path, extra={"P2": -9, "F1": 99})
    with pytest.raises(ChoicesFromZero):
        read_survey(Settings(survey=path))


@pytest.mark.parametrize("written", ['"0"', "2", "true"])
def test_a_first_code_other_than_0_or_1_is_a_problem_of_the_mapping_file(tmp_path: Path, written: str) -> None:
    path = numbered_export(tmp_path)
    mapping = tmp_path / "mapping.toml"
    assert invoke(["check", str(path), "--write-mapping", str(mapping)]).exit_code == 0
    text = mapping.read_text(encoding="utf-8").replace("first_code = 0", f"first_code = {written}")
    mapping.write_text(text, encoding="utf-8")
    result = invoke(["check", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 2
    assert '"first_code" must be 0' in result.output


def test_a_mapping_written_anew_keeps_its_first_code(tmp_path: Path) -> None:
    path = numbered_export(tmp_path)
    first, again = tmp_path / "first.toml", tmp_path / "again.toml"
    invoke(["check", str(path), "--write-mapping", str(first)])
    assert invoke(["check", str(path), "--mapping", str(first), "--write-mapping", str(again)]).exit_code == 0
    assert "\nfirst_code = 0\n" in again.read_text(encoding="utf-8")


def test_an_earlier_export_numbered_from_0_is_read_as_this_one_is(tmp_path: Path) -> None:
    """--previous: the earlier export of the same tool is numbered as the facilitator said this one is."""
    now, before = tmp_path / "now", tmp_path / "before"
    now.mkdir(), before.mkdir()
    path, earlier = numbered_export(now), numbered_export(before)
    mapping = tmp_path / "mapping.toml"
    invoke(["check", str(path), "--write-mapping", str(mapping)])
    survey = read_survey(Settings(survey=path, mapping=mapping, previous=earlier))
    for outcome in survey.outcomes:
        assert outcome.previous is not None and outcome.assessment is not None
        assert [s.score for s in outcome.previous.steps] == [s.score for s in outcome.assessment.steps]
    with pytest.raises(ChoicesFromZero):  # without the facilitator's word on this export, neither is guessed
        read_survey(Settings(survey=path, previous=earlier))


def test_a_misspelt_key_of_the_mapping_file_is_named(tmp_path: Path) -> None:
    path = numbered_export(tmp_path)
    mapping = tmp_path / "mapping.toml"
    invoke(["check", str(path), "--write-mapping", str(mapping)])
    text = mapping.read_text(encoding="utf-8").replace("first_code = 0", "frist_code = 0")
    mapping.write_text(text, encoding="utf-8")
    result = invoke(["check", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 2 and '"frist_code" is not a key of a mapping file' in result.output
