"""The payment reference's check catches the typos a person makes copying it by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.orders.references import (
    ALPHABET,
    CODE_LENGTH,
    InvalidReference,
    format_reference,
    parse_payment_reference,
    payment_reference,
)

codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
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
