"""Money to Stripe's integer amounts and back: exact, or refused, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.money import Money, known_currencies, precision
from mall.payments.stripe_units import (
    MAX_STRIPE_AMOUNT,
    PRESENTMENT_CURRENCIES,
    THREE_DECIMAL,
    WHOLE_UNITS_ONLY,
    ZERO_DECIMAL,
    AmountNotRepresentable,
    UnsupportedCurrency,
    card_step,
    card_total,
    from_stripe,
    is_supported,
    stripe_exponent,
    to_stripe,
)

SUPPORTED = sorted(c for c in PRESENTMENT_CURRENCIES if is_supported(c))


def test_every_stripe_currency_is_known_to_money() -> None:
    """A code CLDR does not know could not be a `Money` at all, so it would be dead weight."""
    assert set(SUPPORTED) == PRESENTMENT_CURRENCIES
    assert ZERO_DECIMAL | THREE_DECIMAL | WHOLE_UNITS_ONLY <= PRESENTMENT_CURRENCIES


@st.composite
def chargeable(draw: st.DrawFn) -> Money:
    """An amount Stripe can take: three-decimal amounts end in 0 (in thousandths)."""
    currency = draw(st.sampled_from(SUPPORTED))
    amount = draw(st.integers(min_value=0, max_value=10**9))
    if currency in THREE_DECIMAL:
        amount -= amount % 10
    return Money(amount, currency)


@given(chargeable())
def test_round_trip_is_exact_for_every_supported_currency(money: Money) -> None:
    amount, currency = to_stripe(money)
    assert currency == money.currency.lower()
    assert from_stripe(amount, currency) == money


@given(chargeable())
def test_stripe_amount_is_the_same_value_in_stripes_unit(money: Money) -> None:
    amount, _ = to_stripe(money)
    assert Decimal(amount).scaleb(-stripe_exponent(money.currency)) == money.to_decimal()


@pytest.mark.parametrize(
    ("money", "expected"),
    [
        (Money(500, "JPY"), (500, "jpy")),
        (Money.from_decimal("12.34", "EUR"), (1234, "eur")),
        (Money.from_decimal("1.230", "KWD"), (1230, "kwd")),
        (Money(15000, "UYU"), (15000, "uyu")),
        (Money(1500, "KRW"), (1500, "krw")),
        # CLDR has no decimals for these, Stripe's API keeps two ("Special cases").
        (Money(5, "ISK"), (500, "isk")),
        (Money(5000, "UGX"), (500000, "ugx")),
        (Money(175, "HUF"), (17500, "huf")),
        # TWD is two-decimal for charges (its special case is about payouts).
        (Money.from_decimal("800.45", "TWD"), (80045, "twd")),
        (Money(0, "EUR"), (0, "eur")),
    ],
)
def test_examples_from_stripes_documentation(money: Money, expected: tuple[int, str]) -> None:
    assert to_stripe(money) == expected
    assert from_stripe(*expected) == money


@given(
    st.sampled_from(sorted(THREE_DECIMAL)),
    st.integers(min_value=0, max_value=10**9).filter(lambda n: n % 10),
)
def test_three_decimal_amounts_must_end_in_zero(currency: str, amount: int) -> None:
    """1.234 KWD cannot be charged: Stripe's card partners need the last digit to be 0, and
    rounding it here would charge something other than the order says."""
    with pytest.raises(AmountNotRepresentable, match="multiple of 10"):
        to_stripe(Money(amount, currency))


@given(
    st.sampled_from(sorted(WHOLE_UNITS_ONLY)),
    st.integers(min_value=1, max_value=10**9).filter(lambda n: n % 100),
)
def test_fractions_of_isk_and_ugx_from_stripe_are_refused(currency: str, amount: int) -> None:
    """ISK 1050 would be 10.50 króna, which `Money` (CLDR: no decimals) cannot hold."""
    with pytest.raises(AmountNotRepresentable):
        from_stripe(amount, currency.lower())


@pytest.mark.parametrize("currency", ["IQD", "XAU", "VES", "CUP"])
def test_currencies_stripe_does_not_take_are_refused(currency: str) -> None:
    assert currency in known_currencies()
    assert not is_supported(currency)
    with pytest.raises(UnsupportedCurrency):
        to_stripe(Money(1000, currency))
    with pytest.raises(UnsupportedCurrency):
        from_stripe(1000, currency.lower())


def test_negative_and_oversized_amounts_are_refused() -> None:
    with pytest.raises(AmountNotRepresentable, match="negative"):
        to_stripe(Money(-1, "EUR"))
    with pytest.raises(AmountNotRepresentable, match="limit"):
        to_stripe(Money(MAX_STRIPE_AMOUNT + 1, "EUR"))
    assert to_stripe(Money(MAX_STRIPE_AMOUNT, "EUR"))[0] == MAX_STRIPE_AMOUNT


@pytest.mark.parametrize("amount", [12.34, "1234", True, None])
def test_from_stripe_takes_integers_only(amount: object) -> None:
    with pytest.raises(TypeError):
        from_stripe(amount, "eur")  # type: ignore[arg-type]


def test_exponent_differs_from_cldr_only_upwards() -> None:
    """Every supported currency converts to Stripe by multiplying: none has more CLDR decimals
    than Stripe takes, so only the three-decimal rule can refuse an outgoing amount."""
    assert all(stripe_exponent(c) >= precision(c) for c in SUPPORTED)


# --- rounding a checkout total for a card payment --------------------------------------------

#: Every currency Stripe treats specially: zero-decimal, three-decimal, whole units only, and
#: those whose exponent in Stripe's API differs from CLDR's (ISK, HUF, IDR…).
SPECIAL = sorted(
    ZERO_DECIMAL
    | THREE_DECIMAL
    | WHOLE_UNITS_ONLY
    | {c for c in SUPPORTED if stripe_exponent(c) != precision(c)}
)


def test_the_special_currencies_include_the_ones_stripe_names() -> None:
    assert {"KWD", "BHD", "JOD", "OMR", "TND", "ISK", "UGX", "JPY", "HUF"} <= set(SPECIAL)
    assert {card_step(c) for c in THREE_DECIMAL} == {10}
    assert {card_step(c) for c in SUPPORTED if c not in THREE_DECIMAL} == {1}


@given(
    st.sampled_from(SPECIAL + ["KWD"] * 10 + ["EUR", "USD"]),
    st.integers(min_value=1, max_value=MAX_STRIPE_AMOUNT // 1000),
)
def test_a_card_total_is_chargeable_and_what_the_buyer_is_shown(currency: str, amount: int) -> None:
    """Whatever the total, the card total is within half a step of it, Stripe takes it, and
    Stripe's amount stands for exactly the card total (what the review page shows)."""
    total = Money(amount, currency)
    card = card_total(total)
    step = card_step(currency)
    assert card.currency == currency
    assert 2 * abs(card.amount - total.amount) <= step
    assert card.amount % step == 0
    if card.amount == 0:  # 0.004 KWD rounds to nothing: no card payment, never a 500
        return
    units, code = to_stripe(card)
    assert from_stripe(units, code) == card
    if amount % step == 0:
        assert card == total  # already chargeable: not touched


@pytest.mark.parametrize(
    ("total", "card"),
    [
        (Money(1234, "KWD"), Money(1230, "KWD")),
        (Money(1235, "KWD"), Money(1240, "KWD")),  # half-up, like every rounding in the mall
        (Money(5124, "KWD"), Money(5120, "KWD")),  # Stripe's own example: 5.124 KWD → 5120
        (Money(10545, "TND"), Money(10550, "TND")),
        (Money(999, "BHD"), Money(1000, "BHD")),
        (Money(1230, "KWD"), Money(1230, "KWD")),
        (Money(500, "JPY"), Money(500, "JPY")),
        (Money(7, "ISK"), Money(7, "ISK")),
        (Money(1999, "EUR"), Money(1999, "EUR")),
    ],
)
def test_card_total_examples(total: Money, card: Money) -> None:
    assert card_total(total) == card


def test_card_total_refuses_what_stripe_does_not_take() -> None:
    with pytest.raises(UnsupportedCurrency):
        card_total(Money(1000, "IQD"))
    with pytest.raises(AmountNotRepresentable):
        card_total(Money(-4, "KWD"))
