"""Who a row is: one address with two people is a conflict, addresses compared as mail systems compare them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reportgen.models import email_key
from reportgen.survey.settle import same_person

from ..conftest import ITEM_CODES, invoke, write_xlsx

HEADER = ["Navn", "Mail", *ITEM_CODES]


def _records(path: Path, *options: str) -> list[dict[str, object]]:
    result = invoke(["score", str(path), *options])
    assert result.exit_code == 0, result.output
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


def test_two_people_on_one_address_are_a_conflict_and_neither_is_rendered(tmp_path: Path) -> None:
    rows = [
        ["Anne Hansen", "team@example.dk", *[2] * 21],
        ["Bo Jensen", "Team@Example.dk", *[4] * 21],  # the assistant answered for two
        ["Lars Nielsen", "lars@example.dk", *[3] * 21],
    ]
    anne, bo, lars = _records(write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows]))
    assert anne["status"] == bo["status"] == "invalid" and lars["status"] == "ok"
    assert 'row 3 "Bo Jensen"' in str(anne["reason"]) and 'row 2 "Anne Hansen"' in str(bo["reason"])
    assert "neither report is made" in str(bo["reason"]) and "Correct the e-mail" in str(bo["reason"])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Anne Hansen", "anne  HANSEN"),
        ("Søren Østergaard", "Soren Ostergaard"),
        ("Anne Hansen", "Anne Hanssen"),
        ("Anne Hansen", "Anne Sofie Hansen"),
        ("Mette Frederiksen", "Mette Fredriksen"),
    ],
)
def test_the_same_person_typed_twice_is_a_resubmission(first: str, second: str, tmp_path: Path) -> None:
    assert same_person(first, second)
    rows = [[first, "anne@example.dk", *[2] * 21], [second, "anne@example.dk", *[4] * 21]]
    earlier, later = _records(write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows]))
    assert earlier["status"] == "duplicate" and later["status"] == "ok"


@pytest.mark.parametrize(
    ("first", "second"),
    [("Anne Hansen", "Bo Jensen"), ("Bo Berg", "Bo Borg"), ("王伟", "王芳"), ("Anne Hansen", "Hanne Jensen")],
)
def test_names_that_are_not_one_person(first: str, second: str) -> None:
    assert not same_person(first, second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("strauss@example.de", "straußs@example.de"),
        ("masse@example.dk", "maße@example.dk"),
        ("σοφία@example.gr", "ςοφία@example.gr"),
        ("bo@straße.de", "bo@strasse.de"),
    ],
)
def test_addresses_that_casefold_would_merge_are_two_mailboxes(first: str, second: str, tmp_path: Path) -> None:
    assert email_key(first) != email_key(second)
    rows = [["Anne Hansen", first, *[2] * 21], ["Anne Hansen", second, *[4] * 21]]
    records = _records(write_xlsx(tmp_path / "s.xlsx", [HEADER, *rows]))
    assert [r["status"] for r in records] == ["ok", "ok"]  # neither dropped as a duplicate


def test_addresses_compare_as_mail_systems_do() -> None:
    assert email_key(" Anne@Example.DK") == email_key("anne@example.dk")
    assert email_key("bo@BØGER.dk") == email_key("bo@xn--bger-gra.dk")  # the domain in IDNA, lower case
    assert email_key("ÆBLE@x.dk") != email_key("æble@x.dk")  # beyond ASCII the local part is left as it is


def test_previous_matches_the_same_way_and_never_another_persons_scores(tmp_path: Path) -> None:
    before = write_xlsx(
        tmp_path / "before.xlsx",
        [HEADER, ["Maße Jensen", "maße@example.dk", *[2] * 21], ["Anne Hansen", "anne@example.dk", *[2] * 21]],
    )
    now = write_xlsx(
        tmp_path / "now.xlsx",
        [
            HEADER,
            ["Masse Berg", "masse@example.dk", *[4] * 21],
            ["Bo Jensen", "anne@example.dk", *[4] * 21],
            ["Maße Jensen", "MAßE@example.dk", *[4] * 21],
        ],
    )
    masse, bo, maase = _records(now, "--previous", str(before))
    assert masse["previous_scores"] == {step: None for step in masse["scores"]}  # type: ignore[attr-defined]
    assert bo["previous_scores"] == {step: None for step in bo["scores"]}  # type: ignore[attr-defined]
    assert maase["previous_scores"] == {"purpose": 25.0, "skills": 35.0, "employees": 25.0, "customers": 25.0}


@pytest.mark.parametrize("written", ["Åse.Bræmer@Example.com", "  ÅSE.BRÆMER@example.COM "])
def test_an_address_is_lowered_as_mail_systems_compare_it(written: str) -> None:
    """The export's address and the invited list's are one leader: only A–Z lowered before the @ (issue 24's rule)."""
    from reportgen.survey.mapper import normalize_email

    assert email_key(normalize_email(written)) == email_key(written)
    assert normalize_email("Åse.Bræmer@Example.com") == "Åse.bræmer@example.com"


@pytest.mark.parametrize("written", ["mailto:ann@example.dk", "ann\u200b@example.dk", "MAILTO:Ann@Example.dk"])
def test_a_link_prefix_or_an_invisible_character_is_no_part_of_an_address(written: str, tmp_path: Path) -> None:
    """The same leader answering twice, once with a pasted link or a zero-width space: a resubmission, not two."""
    header = ["Navn", "E-mail", *ITEM_CODES]
    rows = [["Ann Ask", "ann@example.dk", *[3] * len(ITEM_CODES)], ["Ann Ask", written, *[4] * len(ITEM_CODES)]]
    result = invoke(["score", str(write_xlsx(tmp_path / "s.xlsx", [header, *rows]))])
    records = json.loads(result.stdout)
    assert [r["status"] for r in records] == ["duplicate", "ok"] and records[1]["email"] == "ann@example.dk"
