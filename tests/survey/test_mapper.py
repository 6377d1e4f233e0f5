"""Header matching, answer parsing, identity checks and duplicates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from reportgen.survey.cells import column_letter, normalize_header
from reportgen.survey.headers import map_headers
from reportgen.survey.mapper import map_row, parse_answer, parse_timestamp
from reportgen.survey.settle import resolve_duplicates

from ..conftest import IDENTITY, INSTRUMENT, item_headers

P3_DA = "Jeg kan formulere mit budskab og det, jeg har på hjerte, i én sætning."
P3_EN = "I can put my message and what I care about into one sentence."
AGREEMENT = INSTRUMENT.scales["agreement"]
IMPORTANCE = INSTRUMENT.scales["importance"]


@pytest.mark.parametrize(
    "header",
    [
        P3_DA,
        P3_EN,
        f"3. {P3_DA}",
        f"3) {P3_DA}",
        f"Q3 {P3_EN}",
        f"q3: {P3_EN}",
        f"  {P3_DA.upper()}  ",
        P3_DA.replace(",", "").replace(".", ""),
        P3_DA.replace(" ", "\u00a0"),
        "P3",
        "p3",
        P3_DA.replace("hjerte", "hjertet"),  # a small edit still finds the one item it resembles
    ],
)
def test_header_variants_match_the_item(header: str) -> None:
    columns = map_headers("S", [(1, ["Navn", "E-mail", header])], INSTRUMENT)
    assert columns.items == {"P3": 2}


def test_unrelated_headers_are_ignored_not_guessed() -> None:
    headers = ["Navn", "E-mail", "ID", "Start time", "Hvad synes du om kaffen i kantinen?"]
    columns = map_headers("S", [(1, headers)], INSTRUMENT)
    assert columns.items == {}
    assert columns.ignored == (2, 3, 4)


def test_identity_headers_in_both_languages() -> None:
    columns = map_headers(
        "S", [(1, ["E-mail-adresse", "Fulde navn", "Organization", "Completion time", "Sprog"])], INSTRUMENT
    )
    assert columns.identity == {"email": 0, "name": 1, "organisation": 2, "submitted": 3, "language": 4}


def test_numbering_prefix_is_stripped_only_before_text() -> None:
    assert normalize_header("3. Navn") == "navn"
    assert normalize_header("Q12") == "q12"
    assert normalize_header("P1") == "p1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, 4),
        (4.0, 4),
        ("4", 4),
        (" 4 ", 4),
        ("4,0", 4),
        ("Enig", 4),
        ("  helt   ENIG ", 5),
        ("Strongly disagree", 1),
        ("neither agree nor disagree", 3),
        ("4 - Enig", 4),
        ("5 = Strongly agree", 5),
    ],
)
def test_answers_that_count(value: object, expected: int) -> None:
    assert parse_answer(value, AGREEMENT) == (expected, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["ved ikke", 7, 0, 4.5, "6", True, "4 - Uenig", datetime(2026, 1, 1)])
def test_answers_that_are_junk_are_missing_with_a_reason(value: object) -> None:
    number, problem = parse_answer(value, AGREEMENT)  # type: ignore[arg-type]
    assert number is None
    assert problem is not None and "scale" in problem


def test_importance_labels_are_their_own_scale() -> None:
    assert parse_answer("Afgørende", IMPORTANCE) == (5, None)
    assert parse_answer("Slightly important", IMPORTANCE) == (2, None)
    assert parse_answer("Enig", IMPORTANCE)[0] is None


def test_blank_answer_is_missing_without_complaint() -> None:
    assert parse_answer(None, AGREEMENT) == (None, None)
    assert parse_answer("  ", AGREEMENT) == (None, None)


def _columns():  # type: ignore[no-untyped-def]
    return map_headers("Form1", [(1, IDENTITY + item_headers())], INSTRUMENT)


def test_map_row_reports_junk_with_row_and_column() -> None:
    values = [None, "a@example.dk", "Anna", "Org"] + ["ved ikke"] + [3] * (len(INSTRUMENT.items) - 1)
    response = map_row(7, values, _columns(), INSTRUMENT)
    assert response is not None
    assert response.answers["P1"] is None and response.answers["P2"] == 3
    (problem,) = response.problems
    assert (problem.row, problem.column) == (7, "E")
    assert '"ved ikke"' in problem.message


@pytest.mark.parametrize(
    ("name", "email", "reason"),
    [("", "a@example.dk", "no name"), ("Anna", "", "no e-mail"), ("Anna", "anonymous", "not an e-mail")],
)
def test_rows_without_name_or_valid_email_are_invalid(name: str, email: str, reason: str) -> None:
    response = map_row(5, [None, email, name, ""] + [3] * len(INSTRUMENT.items), _columns(), INSTRUMENT)
    assert response is not None and response.invalid_reason is not None
    assert reason in response.invalid_reason
    assert "column" in response.invalid_reason


def test_blank_row_is_no_response() -> None:
    assert map_row(9, [None, " ", None], _columns(), INSTRUMENT) is None


def _resp(row: int, email: str, submitted: datetime | None):  # type: ignore[no-untyped-def]
    response = map_row(row, [submitted, email, "Anna", ""] + [3] * len(INSTRUMENT.items), _columns(), INSTRUMENT)
    assert response is not None
    return response


def test_duplicates_latest_timestamp_wins_case_and_spaces_ignored() -> None:
    early, late = datetime(2026, 11, 1, 9), datetime(2026, 11, 2, 9)
    responses = [
        _resp(2, "anna@example.dk", late),
        _resp(3, " ANNA@example.dk", early),
        _resp(4, "b@example.dk", early),
    ]
    assert resolve_duplicates(responses) == {3: 2}


def test_duplicates_without_timestamps_the_later_row_wins() -> None:
    responses = [
        _resp(2, "anna@example.dk", None),
        _resp(5, "Anna@Example.dk", None),
        _resp(3, "anna@example.dk", None),
    ]
    assert resolve_duplicates(responses) == {2: 5, 3: 5}


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-09 10:15:00",
        "09-11-2026 10:15:00",
        "09.11.2026 10:15",
        "11/9/2026 10:15:00 AM",
        "2026-11-09T09:15:00+00:00",
    ],
)
def test_timestamps_in_common_export_formats(text: str) -> None:
    parsed, problem = parse_timestamp(text)
    assert problem is None and parsed is not None
    assert (parsed.year, parsed.month, parsed.day) == (2026, 11, 9)


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


@pytest.mark.parametrize(
    "header",
    [
        f"Hvor enig er du i følgende? [{P3_DA}]",
        f"How much do you agree? [{P3_EN}]",
        f"Hvor enig er du i følgende? - {P3_DA}",
        f"How much do you agree?.{P3_EN}",
    ],
)
def test_grid_headers_match_by_their_statement(header: str) -> None:
    columns = map_headers("S", [(1, ["Navn", "E-mail", header])], INSTRUMENT)
    assert columns.items == {"P3": 2}


def test_grid_header_with_an_unknown_statement_is_ignored() -> None:
    columns = map_headers("S", [(1, ["Navn", "E-mail", "Hvor enig er du? [Jeg kan lide kaffe]"])], INSTRUMENT)
    assert columns.items == {} and columns.ignored == (2,)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e999", float("inf"), float("nan")])
def test_infinite_and_nan_answers_are_not_answers(value: object) -> None:
    # Found by the property tests: "inf" read as a number crashed the scale check.
    answer, problem = parse_answer(value, INSTRUMENT.scales["agreement"])  # type: ignore[arg-type]
    assert answer is None and problem is not None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("abr. 16, 2026 05:54:43 p. m.", datetime(2026, 4, 16, 17, 54, 43)),  # Zoho Survey, Spanish
        ("Nov 16, 2026 5:54 PM", datetime(2026, 11, 16, 17, 54)),
        ("16. nov. 2026 17:54", datetime(2026, 11, 16, 17, 54)),
        ("3 maj 2026", datetime(2026, 5, 3)),
        ("sept. 3, 2026 12:00:01 a. m.", datetime(2026, 9, 3, 0, 0, 1)),
        ("0000-00-00 00:00:00", None),  # Questback EFS: no date
        ("Dec 32, 2026 09:00", None),  # no such day
        ("Smarch 3, 2026", None),  # no such month
        ("nov. 3, 2026 half past nine", None),  # a clock that is none
    ],
)
def test_a_time_with_the_months_name_is_read_in_any_of_the_tools_languages(
    written: str, expected: datetime | None
) -> None:
    parsed, problem = parse_timestamp(written)
    assert parsed == expected
    assert (problem is None) == (expected is not None or written.startswith("0000"))


def test_a_row_without_enough_answers_names_its_cells_and_1_percent_is_no_missing_code(tmp_path: Path) -> None:
    """Answers written "4%" leave no step with a score: each cell is named; "1%" is not the code -1."""
    from reportgen.config import Settings
    from reportgen.survey.load import read_survey

    from ..conftest import IDENTITY, leader_row, write_xlsx

    row = leader_row("Ann Ask", "ann@example.dk", 3)
    row[len(IDENTITY) :] = [f"{n % 5 + 1}%" for n in range(len(row) - len(IDENTITY))]
    path = write_xlsx(tmp_path / "s.xlsx", [IDENTITY + item_headers(), row, leader_row("Bo Bak", "bo@example.dk", 4)])
    ann = read_survey(Settings(survey=path)).outcomes[0]
    assert ann.status == "invalid" and ann.reason == "no step has enough answers for a score"
    said = [str(w) for w in ann.warnings]
    assert any('column E: "1%" is not an answer on the scale' in w for w in said), said
    assert not any("code for a missing answer" in w for w in said)


@pytest.mark.parametrize(
    ("written", "expected"), [("English", "en"), ("engelsk", "en"), ("Dansk", "da"), ("en-GB", "en")]
)
def test_a_language_column_may_name_the_language(written: str, expected: str) -> None:
    from reportgen.survey.mapper import parse_language

    assert parse_language(written, INSTRUMENT.languages) == expected


def test_a_language_the_instrument_lacks_is_said_not_dropped(tmp_path: Path) -> None:
    from reportgen.config import Settings
    from reportgen.survey.load import read_survey

    from ..conftest import IDENTITY, leader_row, write_xlsx

    header = [*IDENTITY, "Sprog", *item_headers()]
    rows = [[*leader_row("Ann Ask", "ann@example.dk", 3)[: len(IDENTITY)], "Klingon", *[3] * len(INSTRUMENT.items)]]
    ann = read_survey(Settings(survey=write_xlsx(tmp_path / "s.xlsx", [header, *rows]))).outcomes[0]
    assert ann.response.language is None
    assert any('"Klingon" is none of the languages (da, en)' in str(w) for w in ann.warnings)
