"""The payment reference's check catches the typos a person makes copying it by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.orders.references import (
    ALPHABET,
    CODE_LENGTH,
    InvalidReference,
    format_reference,
    order_code_in,
    parse_payment_reference,
    payment_reference,
)

codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
#: Codes that begin as a reference does (RF, then digits, too: 2 to 9 are code characters).
rf_codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH - 2, max_size=CODE_LENGTH - 2).map(
    lambda rest: "RF" + rest)
DIGITS = "0123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(codes)
def test_a_reference_read_back_gives_its_order_code(code):
    reference = payment_reference(code)
    assert parse_payment_reference(format_reference(reference).lower()) == code


@given(codes, st.data())
def test_one_character_mistyped_as_another_of_its_kind_is_always_caught(code, data):
    reference = payment_reference(code)
    position = data.draw(st.integers(min_value=2, max_value=len(reference) - 1))
    kind = DIGITS if reference[position].isdigit() else LETTERS
    typed = data.draw(st.sampled_from(kind).filter(lambda char: char != reference[position]))
    with pytest.raises(InvalidReference, match="check digits do not match"):
        parse_payment_reference(reference[:position] + typed + reference[position + 1:])


@given(st.one_of(codes, rf_codes), st.sampled_from(["code", "reference", "typed"]))
def test_a_code_or_a_reference_typed_gives_the_order_code(code, typed_as):
    """Whatever its first letters, a code is found as itself, and a reference as its code."""
    typed = {
        "code": code.lower(),
        "reference": payment_reference(code),
        "typed": " " + format_reference(payment_reference(code)).lower() + " ",
    }[typed_as]
    assert order_code_in(typed) == code


@pytest.mark.parametrize("typed", ["RF00K7MPQ2ZA", "RF18 K7MP Q2", "RFXX K7MP Q2ZA"])
def test_a_reference_that_is_not_one_is_refused_not_read_as_a_code(typed):
    with pytest.raises(InvalidReference):
        order_code_in(typed)
