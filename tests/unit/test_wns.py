"""WNS numbers: the parser, its normalisation, and the rule that a post registers numbers of
its own country only, enforced when an issue is written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mall.catalogue.models import Issue
from mall.catalogue.wns import FIRST_YEAR, InvalidWNS, WNSNumber, parse_wns
from mall.extensions import db
from mall.posts.models import Post


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UY003.18", WNSNumber("UY", 3, 2018)),
        ("NL999.02", WNSNumber("NL", 999, 2002)),
        ("KH001.26", WNSNumber("KH", 1, 2026)),
        (" tz012.24\n", WNSNumber("TZ", 12, 2024)),
    ],
)
def test_valid_numbers_parse(text: str, expected: WNSNumber) -> None:
    assert parse_wns(text) == expected


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("uy003.18", "UY003.18"), ("  Bw007.16 ", "BW007.16"), ("ug100.20", "UG100.20")],
)
def test_numbers_are_normalised_to_upper_case_without_spaces(text: str, normalised: str) -> None:
    assert str(parse_wns(text)) == normalised


def test_the_number_within_the_year_is_zero_padded() -> None:
    assert str(WNSNumber("KH", 5, 2024)) == "KH005.24"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "UY3.18",  # the number has three digits
        "UY0003.18",
        "UY003.2018",  # the year has two
        "UY003-18",
        "UY003.1",
        "U1003.18",
        "UYY03.18",
        "UY 003.18",
        "UY003.18X",
    ],
)
def test_malformed_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidWNS, match="not a WNS number"):
        parse_wns(text)


def test_number_zero_does_not_exist() -> None:
    with pytest.raises(InvalidWNS, match="starts at 001"):
        parse_wns("UY000.18")


@pytest.mark.parametrize("text", ["UY001.01", "NL050.00"])
def test_years_before_2002_are_refused(text: str) -> None:
    assert FIRST_YEAR == 2002
    with pytest.raises(InvalidWNS, match="start with the stamps of 2002"):
        parse_wns(text)


def test_another_countrys_number_is_refused() -> None:
    with pytest.raises(InvalidWNS, match="belongs to NL, not UY"):
        parse_wns("NL012.24", "uy")


def test_the_country_is_compared_case_insensitively() -> None:
    assert parse_wns("uy003.18", "UY") == parse_wns("UY003.18", "uy")


def test_invalid_wns_is_a_value_error() -> None:
    """Forms and APIs that catch ValueError turn it into a clear message, not a 500."""
    assert issubclass(InvalidWNS, ValueError)


# -- On the model -------------------------------------------------------------------------


def test_an_issue_normalises_its_numbers_on_assignment() -> None:
    issue = Issue(wns_numbers=[" uy003.18", "UY004.18 "])
    assert issue.wns_numbers == ["UY003.18", "UY004.18"]


def test_an_issue_refuses_a_malformed_number_on_assignment() -> None:
    with pytest.raises(InvalidWNS):
        Issue(wns_numbers=["UY3.18"])


def _issue(post: Post, numbers: list[str], slug: str = "wetlands") -> Issue:
    return Issue(
        post=post,
        slug=slug,
        title={"es": "Humedales", "en": "Wetlands"},
        issue_date=date(2018, 6, 4),
        wns_numbers=numbers,
    )


def test_an_issue_with_its_own_countrys_numbers_is_stored(make_post: Callable[..., Post]) -> None:
    post = make_post("uy")
    db.session.add(_issue(post, ["uy005.18", "UY006.18"]))
    db.session.commit()

    stored = db.session.scalars(db.select(Issue)).one()
    assert stored.wns_numbers == ["UY005.18", "UY006.18"]


def test_an_issue_with_a_foreign_number_fails_to_insert(make_post: Callable[..., Post]) -> None:
    post = make_post("uy")
    db.session.add(_issue(post, ["UY005.18", "NL006.18"]))

    with pytest.raises(InvalidWNS, match="belongs to NL, not UY"):
        db.session.flush()
    db.session.rollback()

    assert db.session.scalars(db.select(Issue)).all() == []


def test_the_check_holds_whatever_order_the_attributes_were_set_in(
    make_post: Callable[..., Post],
) -> None:
    """Numbers set before the post is known are still checked against it at insert."""
    post = make_post("kh")
    issue = Issue(
        slug="angkor-wat",
        title={"en": "Angkor Wat"},
        issue_date=date(2018, 1, 1),
        wns_numbers=["UY001.18"],
    )
    issue.post = post
    db.session.add(issue)

    with pytest.raises(InvalidWNS, match="belongs to UY, not KH"):
        db.session.flush()
    db.session.rollback()


def test_an_update_to_a_foreign_number_fails(make_post: Callable[..., Post]) -> None:
    post = make_post("nl")
    db.session.add(_issue(post, ["NL001.18"]))
    db.session.commit()

    issue = db.session.scalars(db.select(Issue)).one()
    issue.wns_numbers = ["UY001.18"]
    with pytest.raises(InvalidWNS):
        db.session.flush()
    db.session.rollback()

    assert db.session.scalars(db.select(Issue)).one().wns_numbers == ["NL001.18"]
