"""S10 identifiers: published examples, every way a number can be wrong, and a property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.fulfilment.s10 import (
    InvalidTrackingNumber,
    TrackingNumber,
    check_digit,
    parse,
    validate_for,
)
from mall.shipping.models import ShippingKind


@pytest.mark.parametrize(
    "number",
    ["RA473124829UY", "EE123456785NL", "CP000000005KH", "RR000000005US", " ra473124829uy "],
)
def test_valid_numbers_parse(number: str) -> None:
    assert str(parse(number)) == number.strip().upper()


@pytest.mark.parametrize(
    ("serial", "digit"),
    [(47312482, 9), (12345678, 5), (0, 5), (1, 4), (10, 2), (8, 0)],
)
def test_check_digit_with_the_s10_weights(serial: int, digit: int) -> None:
    assert check_digit(serial) == digit


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("RA473124828UY", "check digit"),
        ("RA47312482UY", "format"),
        ("R4473124829UY", "format"),
        ("RA473124829U", "format"),
        ("RA4731248290UY", "format"),
        ("", "format"),
        ("RA47312482\x009UY", "format"),
    ],
)
def test_invalid_numbers_say_why(number: str, reason: str) -> None:
    with pytest.raises(InvalidTrackingNumber) as refused:
        parse(number)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("number", "country", "kind", "reason"),
    [
        ("RA473124829UY", "nl", ShippingKind.REGISTERED_LETTER, "country"),
        ("RA473124829UY", "uy", ShippingKind.EMS, "service"),
        ("RA473124829UY", "uy", ShippingKind.PARCEL, "service"),
        ("EE123456785NL", "nl", ShippingKind.LETTER, "service"),
    ],
)
def test_a_number_must_fit_the_post_and_the_service(
    number: str, country: str, kind: ShippingKind, reason: str
) -> None:
    with pytest.raises(InvalidTrackingNumber) as refused:
        validate_for(number, country, kind)
    assert refused.value.reason == reason


def test_a_fitting_number_is_accepted() -> None:
    assert str(validate_for("ra473124829uy", "uy", ShippingKind.REGISTERED_LETTER)) == (
        "RA473124829UY"
    )


@given(
    service=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    serial=st.integers(0, 99_999_999),
    country=st.sampled_from(["UY", "NL", "KH", "UG"]),
    position=st.integers(2, 9),
    change=st.integers(1, 9),
)
def test_built_numbers_validate_and_any_changed_digit_breaks_them(
    service: str, serial: int, country: str, position: int, change: int
) -> None:
    text = str(TrackingNumber(service, serial, country))
    assert parse(text) == TrackingNumber(service, serial, country)
    digit = (int(text[position]) + change) % 10
    typo = text[:position] + str(digit) + text[position + 1 :]
    if {_weighted(text), _weighted(typo)} == {0, 6}:
        return  # S10's one blind spot: both sums give check digit 5 (11 → 5 and 11 − 6)
    with pytest.raises(InvalidTrackingNumber):
        parse(typo)


def _weighted(text: str) -> int:
    return sum(int(d) * w for d, w in zip(text[2:10], (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
