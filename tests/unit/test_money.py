"""The Money value type: exact minor units, one currency, CLDR precision, Babel formatting."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from babel.numbers import get_currency_precision
from hypothesis import assume, given
from hypothesis import strategies as st

from mall.money import (
    CurrencyMismatch,
    Money,
    currency_sign,
    format_face_value,
    format_money,
    known_currencies,
    money_sum,
    precision,
)

#: Currencies the mall meets, covering every precision CLDR uses (0, 2 and 3 digits).
CURRENCIES = ["EUR", "USD", "UYU", "KHR", "JPY", "KWD", "UGX", "BWP", "TZS", "KRW", "GBP"]

currencies = st.sampled_from(CURRENCIES)
amounts = st.integers(min_value=-(10**15), max_value=10**15)
monies = st.builds(Money, amounts, currencies)


def half_up(value: Fraction) -> int:
    """Reference rounding: to the nearest integer, ties away from zero (what ROUND_HALF_UP
    means for Decimal, and what a shop calls rounding half up)."""
    magnitude = abs(value)
    rounded = int(magnitude + Fraction(1, 2))  # floor, since magnitude >= 0
    return rounded if value >= 0 else -rounded


# --- construction -------------------------------------------------------------------------


@given(st.floats(allow_nan=True, allow_infinity=True), currencies)
def test_refuses_float_amounts(amount: float, currency: str) -> None:
    with pytest.raises(TypeError):
        Money(amount, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.from_decimal(amount, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("flag", [True, False])
def test_refuses_bools(flag: bool) -> None:
    with pytest.raises(TypeError):
        Money(flag, "EUR")
    with pytest.raises(TypeError):
        Money.from_decimal(flag, "EUR")
    with pytest.raises(TypeError):
        Money(100, "EUR") * flag


@pytest.mark.parametrize("amount", [Decimal("1.5"), "150", Fraction(3, 2), None])
def test_amount_must_be_int_minor_units(amount: object) -> None:
    with pytest.raises(TypeError):
        Money(amount, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["eur", "EURO", "XYZ", "", "€"])
def test_refuses_unknown_currencies(currency: str) -> None:
    with pytest.raises(ValueError, match="Unknown currency"):
        Money(100, currency)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", "-Infinity", "1,50", ""])
def test_from_decimal_refuses_what_is_not_a_finite_number(value: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        Money.from_decimal(value, "EUR")


def test_is_immutable() -> None:
    money = Money(100, "EUR")
    with pytest.raises(AttributeError):
        money.amount = 200  # type: ignore[misc]


# --- currencies do not mix ----------------------------------------------------------------


@given(amounts, amounts, currencies, currencies)
def test_refuses_mixing_currencies(a: int, b: int, first: str, second: str) -> None:
    assume(first != second)
    left, right = Money(a, first), Money(b, second)
    for operation in (
        lambda: left + right,
        lambda: left - right,
        lambda: left < right,
        lambda: left <= right,
        lambda: money_sum([left, right], first),
    ):
        with pytest.raises(CurrencyMismatch):
            operation()


@given(monies)
def test_money_never_equals_a_bare_number(money: Money) -> None:
    assert money != money.amount
    with pytest.raises(TypeError):
        money + money.amount  # type: ignore[operator]


# --- exact arithmetic ---------------------------------------------------------------------


@given(st.lists(amounts, max_size=50), currencies)
def test_sums_are_exact(values: list[int], currency: str) -> None:
    lines = [Money(value, currency) for value in values]
    assert money_sum(lines, currency) == Money(sum(values), currency)
    assert money_sum(iter(lines), currency) == Money(sum(values), currency)
    assert money_sum(reversed(lines), currency) == money_sum(lines, currency)


def test_empty_sum_is_zero_in_the_named_currency() -> None:
    assert money_sum([], "JPY") == Money(0, "JPY")
    assert not money_sum([], "JPY")


@given(monies, st.integers(min_value=0, max_value=10_000))
def test_multiplying_by_a_quantity_is_repeated_addition(money: Money, quantity: int) -> None:
    assert money * quantity == Money(money.amount * quantity, money.currency)
    assert quantity * money == money * quantity


@given(monies, monies)
def test_subtraction_undoes_addition(first: Money, second: Money) -> None:
    second = Money(second.amount, first.currency)
    assert first + second - second == first
    assert first + -first == Money.zero(first.currency)


# --- precision and rounding ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "digits"),
    [("JPY", 0), ("UGX", 0), ("KRW", 0), ("EUR", 2), ("UYU", 2), ("KHR", 2), ("KWD", 3)],
)
def test_precision_comes_from_cldr(currency: str, digits: int) -> None:
    assert precision(currency) == digits == get_currency_precision(currency)


@given(monies)
def test_decimal_round_trip_is_exact(money: Money) -> None:
    assert Money.from_decimal(money.to_decimal(), money.currency) == money
    assert Money.from_decimal(str(money.to_decimal()), money.currency) == money


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, allow_infinity=False),
    currencies,
)
def test_from_decimal_rounds_half_up_once(value: Decimal, currency: str) -> None:
    """Rounding the exact value once, at the currency's minor unit, ties away from zero."""
    expected = half_up(Fraction(value) * 10 ** precision(currency))
    assert Money.from_decimal(value, currency) == Money(expected, currency)


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        ("0.005", "EUR", 1),  # a tie goes up
        ("-0.005", "EUR", -1),  # … and away from zero for credits
        ("0.0049", "EUR", 0),  # once: rounding to 0.005 first would give 0.01
        ("0.00449", "KWD", 4),
        ("0.0045", "KWD", 5),
        ("2.5", "JPY", 3),
        ("1.4999", "JPY", 1),
        ("15.995", "UYU", 1600),
        ("4652.125", "KHR", 465213),
        ("1e3", "EUR", 100000),
        (12, "JPY", 12),
    ],
)
def test_from_decimal_examples(value: str | int, currency: str, minor: int) -> None:
    assert Money.from_decimal(value, currency) == Money(minor, currency)


@given(st.integers(min_value=0, max_value=10**12), currencies)
def test_exact_ties_round_up(units: int, currency: str) -> None:
    tie = (Decimal(units) + Decimal("0.5")).scaleb(-precision(currency))
    assert Money.from_decimal(tie, currency).amount == units + 1
    assert Money.from_decimal(-tie, currency).amount == -(units + 1)


def test_from_decimal_keeps_large_amounts_exact() -> None:
    value = Decimal("12345678901234567890123456789.995")
    assert Money.from_decimal(value, "EUR").amount == 1234567890123456789012345679000


def test_every_babel_currency_is_known() -> None:
    assert {"EUR", "UYU", "KHR", "UGX", "BWP", "TZS", "KWD", "JPY"} <= known_currencies()


# --- formatting ---------------------------------------------------------------------------

NBSP, NNBSP = "\xa0", "\u202f"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (123456, "UYU", "en", f"UYU{NBSP}1,234.56"),
        (123456, "UYU", "en_US", f"UYU{NBSP}1,234.56"),
        (123456, "UYU", "es", f"1.234,56{NBSP}UYU"),
        (123456, "UYU", "es_UY", f"${NBSP}1.234,56"),
        (123456, "UYU", "fr", f"1{NNBSP}234,56{NBSP}$UY"),
        (123456, "UYU", "nl", f"UYU{NBSP}1.234,56"),
        (123456, "EUR", "en", "€1,234.56"),
        (123456, "EUR", "en_US", "€1,234.56"),
        (123456, "EUR", "es", f"1.234,56{NBSP}€"),
        (123456, "EUR", "es_UY", f"EUR{NBSP}1.234,56"),
        (123456, "EUR", "fr", f"1{NNBSP}234,56{NBSP}€"),
        (123456, "EUR", "nl", f"€{NBSP}1.234,56"),
        (46520000, "KHR", "en", f"KHR{NBSP}465,200.00"),
        (46520000, "KHR", "en_US", f"KHR{NBSP}465,200.00"),
        (46520000, "KHR", "es", f"465.200,00{NBSP}KHR"),
        (46520000, "KHR", "es_UY", f"KHR{NBSP}465.200,00"),
        (46520000, "KHR", "fr", f"465{NNBSP}200,00{NBSP}KHR"),
        (46520000, "KHR", "nl", f"KHR{NBSP}465.200,00"),
        # ¥ also means the yuan to many readers: the code is shown unless the locale says JP¥.
        (1500, "JPY", "en", f"JPY{NBSP}1,500"),
        (1500, "JPY", "en_US", f"JPY{NBSP}1,500"),
        (1500, "JPY", "es", f"1.500{NBSP}JPY"),
        (1500, "JPY", "es_UY", f"JPY{NBSP}1.500"),
        (1500, "JPY", "fr", f"1{NNBSP}500{NBSP}JPY"),
        (1500, "JPY", "nl", f"JP¥{NBSP}1.500"),
        (1500, "KWD", "en_US", f"KWD{NBSP}1.500"),
        (1500, "KWD", "es_UY", f"KWD{NBSP}1,500"),
        (1500, "KWD", "fr", f"1,500{NBSP}KWD"),
        (-1500, "UYU", "en_US", f"-UYU{NBSP}15.00"),
        (-1500, "UYU", "es_UY", f"-${NBSP}15,00"),
        (-1500, "UYU", "fr", f"-15,00{NBSP}$UY"),
        (5000, "UGX", "en_US", f"UGX{NBSP}5,000"),
        (5, "EUR", "en_US", "€0.05"),
        (5, "EUR", "fr", f"0,05{NBSP}€"),
    ],
)
def test_format_money(amount: int, currency: str, locale: str, expected: str) -> None:
    money = Money(amount, currency)
    assert format_money(money, locale) == expected
    assert money.format(locale) == expected


@pytest.mark.parametrize("locale", ["en", "en_US", "en_GB", "en_AU", "es_AR", "ja"])
def test_uyu_is_never_a_bare_dollar_abroad(locale: str) -> None:
    text = format_money(Money(1500, "UYU"), locale)
    assert "UYU" in text
    assert "$" not in text


def test_a_readers_own_dollar_keeps_its_symbol() -> None:
    assert format_money(Money(1500, "USD"), "en_US") == "$15.00"
    assert format_money(Money(1500, "UYU"), "es_UY") == f"${NBSP}15,00"


@given(monies, st.sampled_from(["en", "en_US", "es", "es_UY", "fr", "nl", "km"]))
def test_formatting_shows_every_minor_digit(money: Money, locale: str) -> None:
    digits = "".join(char for char in format_money(money, locale) if char.isdigit())
    assert int(digits) == abs(money.amount)


@pytest.mark.parametrize(
    ("text", "currency", "territory", "written_in", "locale", "expected"),
    [
        ("$ 15 + $ 25", "UYU", "uy", "es", "fr", "$UY 15 + $UY 25"),  # beside "40,00 $UY"
        ("6 × $ 15", "UYU", "uy", "es", "en_US", "6 × UYU 15"),  # "$" is the reader's dollar
        ("$ 45", "UYU", "uy", "es", "es_UY", "$ 45"),  # the reader's own pesos, as prices are
        ("P 5.00", "BWP", "bw", "en", "fr", "BWP 5,00"),  # numbers as the reader writes them
        ("€ 1,21", "EUR", "nl", "nl", "fr", "€ 1,21"),
        ("€ 0,85", "EUR", "nl", "nl", "en", "€ 0.85"),
        ("UGX 1,000", "UGX", "ug", "en", "en", "UGX 1,000"),  # already unambiguous
        ("UGX 1,700 + UGX 2,500", "UGX", "ug", "en", "fr", "UGX 1\u202f700 + UGX 2\u202f500"),
        ("$ 1.500", "UYU", "uy", "es", "en", "UYU 1,500"),
        ("$U 15 (US$ 1)", "UYU", "uy", "es", "fr", "$U 15 (US$ 1)"),  # only a standalone sign
        ("1,2,3", "UGX", "ug", "en", "fr", "1,2,3"),  # not a number: left as written
    ],
)
def test_a_face_value_carries_the_sign_and_numbers_of_the_readers_prices(
    text: str, currency: str, territory: str, written_in: str, locale: str, expected: str
) -> None:
    assert format_face_value(text, currency, territory, locale, written_in=written_in) == expected
    sign = currency_sign(currency, locale)
    assert sign in format_money(Money(4000, currency), locale)


def test_no_sign_of_a_price_stands_for_two_currencies_in_one_locale() -> None:
    for locale in ("en", "en_US", "es", "es_UY", "fr", "nl", "km", "sw", "pt", "en_GB"):
        signs = {code: currency_sign(code, locale) for code in ("UYU", "USD", "EUR", "KHR",
                                                                 "UGX", "TZS", "BWP", "GBP")}
        assert len(set(signs.values())) == len(signs), (locale, signs)
