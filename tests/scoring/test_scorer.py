"""Scoring against values computed by hand from instrument.md's rules."""

from __future__ import annotations

from fractions import Fraction

from reportgen.models import Response
from reportgen.scoring.scorer import assess, band_for

from ..conftest import INSTRUMENT, ITEM_CODES


def response(answers: dict[str, int | None]) -> Response:
    full = {code: answers.get(code) for code in ITEM_CODES}
    return Response(2, "A", "a@example.dk", "", "", None, None, full, {})


def test_reverse_key_and_scale_to_100() -> None:
    # Skills: F1..F4 = 4, F5 = 2 reversed to 4: mean 4 → (4 − 1) / 4 × 100 = 75.
    result = assess(response({"F1": 4, "F2": 4, "F3": 4, "F4": 4, "F5": 2}), INSTRUMENT)
    assert result.step("skills").score == 75
    # F5 = 5 ("I feel unsure", fully agreed) turns into 1: mean (4·4 + 1) / 5 = 3.4 → 60.
    result = assess(response({"F1": 4, "F2": 4, "F3": 4, "F4": 4, "F5": 5}), INSTRUMENT)
    assert result.step("skills").score == 60


def test_mean_of_answered_items_only() -> None:
    # Purpose: 5, 4, 2 answered, P4 missing: mean 11/3 → (11/3 − 1) / 4 × 100 = 66.67.
    result = assess(response({"P1": 5, "P2": 4, "P3": 2}), INSTRUMENT)
    purpose = result.step("purpose")
    assert purpose.score == Fraction(200, 3)
    assert purpose.rounded == 66.7
    assert purpose.whole == 67
    assert (purpose.answered, purpose.total) == (3, 4)


def test_fewer_than_half_answered_gives_no_score() -> None:
    # Customers: 1 of 4 answered (< half): no score. 2 of 4 is half: scored.
    result = assess(response({"K1": 5, "M1": 3, "M2": 3}), INSTRUMENT)
    assert result.step("customers").score is None
    assert result.step("customers").band_id is None
    assert result.step("employees").score == 50
    # Skills has 5 items: 2 answered is fewer than half (2.5).
    assert assess(response({"F1": 5, "F2": 5}), INSTRUMENT).step("skills").score is None
    assert assess(response({"F1": 5, "F2": 5, "F3": 5}), INSTRUMENT).step("skills").score == 100


def test_bands_on_the_score_as_shown_to_one_decimal() -> None:
    bands = INSTRUMENT.bands
    assert band_for(Fraction(39), bands).id == "getting_started"
    assert band_for(Fraction(3995, 100), bands).id == "on_the_way"  # 39.95 shows as 40
    assert band_for(Fraction(40), bands).id == "on_the_way"
    assert band_for(Fraction(6875, 100), bands).id == "on_the_way"  # 68.75 shows as 68.8
    assert band_for(Fraction(695, 10), bands).id == "on_the_way"  # 69.5 shows as 69.5, below 70
    assert band_for(Fraction(6996, 100), bands).id == "strong"  # 69.96 shows as 70
    assert band_for(Fraction(100), bands).id == "strong"
    assert band_for(Fraction(0), bands).id == "getting_started"


def test_priority_is_importance_times_room_to_grow() -> None:
    answers = {c: 3 for c in ITEM_CODES if c[0] in "PFMK"} | {"F5": 3}
    # All steps score 50; importance decides: V3=5 → 250, V1=4 → 200, V4=2 → 100, V2=1 → 50.
    result = assess(response(answers | {"V1": 4, "V2": 1, "V3": 5, "V4": 2}), INSTRUMENT)
    assert result.reading_order == ("employees", "purpose", "customers", "skills")
    assert result.step("employees").priority == 250


def test_priority_ties_follow_chapter_order() -> None:
    answers = {c: 3 for c in ITEM_CODES if c[0] in "PFMK"} | {"V1": 2, "V2": 2, "V3": 2, "V4": 2}
    assert assess(response(answers), INSTRUMENT).reading_order == (
        "purpose",
        "skills",
        "employees",
        "customers",
    )


def test_unscored_step_left_out_of_reading_order_and_steps_without_importance_come_last() -> None:
    # Purpose 0 with importance missing; skills 100 rated 5 (→ 0); employees/customers unscored.
    # Skills has the leader's own importance, so it comes first although purpose has more room.
    answers = {"P1": 1, "P2": 1, "P3": 1, "P4": 1, "F1": 5, "F2": 5, "F3": 5, "F4": 5, "F5": 1, "V2": 5}
    result = assess(response(answers), INSTRUMENT)
    assert result.reading_order == ("skills", "purpose")
    assert result.step("purpose").importance is None


def test_steps_without_importance_are_ordered_by_score() -> None:
    answers = {"P1": 4, "P2": 4, "P3": 4, "P4": 4, "F1": 2, "F2": 2, "F3": 2, "F4": 2, "F5": 4}
    answers |= {"M1": 3, "M2": 3, "M3": 3, "M4": 3, "K1": 5, "K2": 5, "K3": 5, "K4": 5, "V4": 1}
    assert assess(response(answers), INSTRUMENT).reading_order == ("customers", "skills", "employees", "purpose")
