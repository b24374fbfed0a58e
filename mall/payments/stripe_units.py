"""Money in Stripe's units: the integer `amount` Stripe reads, and back.

Stripe's "smallest currency unit" is not always the minor unit CLDR gives `Money`
(https://docs.stripe.com/currencies, "Specify amounts in API requests" and "Special cases"):

* Most currencies are two-decimal in the API, even where CLDR says 0 (ISK, HUF, LAK…):
  5 ISK is sent as ``500``.
* Zero-decimal currencies (BIF, CLP, DJF, GNF, JPY, KMF, KRW, MGA, PYG, RWF, VND, VUV, XAF,
  XOF, XPF) are sent as they are: 500 JPY is ``500``.
* UGX stands in Stripe's zero-decimal list, but the "Special cases" table overrides it: it
  "transitioned to a zero-decimal currency, but backwards compatibility requires you to
  represent it as a two-decimal value, where the decimal amount is always 00". So 5 UGX is
  ``500``, like ISK. (HUF and TWD are special only for payouts, which this module does not
  make; as charge currencies they are ordinary two-decimal ones.)
* Three-decimal currencies (BHD, JOD, KWD, OMR, TND) are sent in thousandths, but Stripe's
  payment partners need the last digit to be 0: 1.230 KWD is ``1230``; 1.234 KWD cannot be
  charged at all.

`to_stripe` never rounds: an amount that has no exact Stripe representation is refused with
`AmountNotRepresentable` (a silent rounding there would charge a buyer something other than
the order says). Stripe asks the integration to round three-decimal amounts "to the nearest
ten" (5.124 KWD is 5120 or 5130); `card_total` does that — half-up to the nearest amount Stripe
takes — when checkout prices an order to be paid by card, so the buyer sees the rounded total,
and the difference (`Order.rounding`), before paying.
"""

from __future__ import annotations

from math import gcd

from mall.money import Money, known_currencies, precision


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Stripe's presentment currencies (docs.stripe.com/currencies, for a card account; which
#: ones a given account may use depends on its country). A currency outside this list is
#: refused rather than guessed at: its exponent in Stripe's API would be a guess.
PRESENTMENT_CURRENCIES = _codes(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR ISK JMD JOD JPY KES KGS KHR KMF KRW KWD
    KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MUR MVR MWK MXN MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD
    SHP SLE SLL SOS SRD STD SZL THB TJS TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VND VUV
    WST XAF XCD XCG XOF XPF YER ZAR ZMW
    """
)

#: Sent without multiplying (UGX is left out on purpose: see the module docstring).
ZERO_DECIMAL = _codes("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF")
#: Sent in thousandths, whose last digit must be 0.
THREE_DECIMAL = _codes("BHD JOD KWD OMR TND")
#: Two-decimal in the API but whole units only: the two last digits must be 0.
WHOLE_UNITS_ONLY = frozenset({"ISK", "UGX"})

#: The largest `amount` a card payment takes: "12 digits for most card payments".
MAX_STRIPE_AMOUNT = 999_999_999_999


class StripeUnitError(ValueError):
    """An amount cannot be given to (or taken from) Stripe exactly."""


class UnsupportedCurrency(StripeUnitError):
    """Stripe does not take payments in this currency."""


class AmountNotRepresentable(StripeUnitError):
    """The amount has no exact Stripe representation; it is refused, never rounded."""


def is_supported(currency: str) -> bool:
    """Whether checkout may offer `currency` for a card payment through Stripe."""
    return currency in PRESENTMENT_CURRENCIES and currency in known_currencies()


def stripe_exponent(currency: str) -> int:
    """Digits after the decimal point in Stripe's `amount` for `currency` (0, 2 or 3)."""
    if not is_supported(currency):
        raise UnsupportedCurrency(f"Stripe does not take payments in {currency!r}")
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def _granularity(currency: str) -> int:
    """Stripe's amount must be a multiple of this (10 for KWD, 100 for ISK, else 1)."""
    if currency in THREE_DECIMAL:
        return 10
    if currency in WHOLE_UNITS_ONLY:
        return 100
    return 1


def card_step(currency: str) -> int:
    """The smallest positive amount, in `Money` minor units of `currency`, whose multiples
    (and only those) Stripe can charge: 10 for KWD (10 fils), 1 for EUR, JPY or ISK."""
    shift = stripe_exponent(currency) - precision(currency)
    step = _granularity(currency)
    if shift >= 0:
        return step // gcd(step, 10**shift)
    return step * 10**-shift


def card_total(total: Money) -> Money:
    """`total` rounded half-up to the nearest amount a card payment through Stripe can take:
    1.234 KWD is 1.230, 1.235 KWD is 1.240; an amount already chargeable is unchanged.
    Raises `UnsupportedCurrency`. (Whether the result can be charged at all — above zero,
    under Stripe's limit — is `to_stripe`'s to say.)"""
    step = card_step(total.currency)
    if total.amount < 0:
        raise AmountNotRepresentable(f"Stripe amounts cannot be negative: {total!r}")
    units, rest = divmod(total.amount, step)
    if 2 * rest >= step:
        units += 1
    return Money(units * step, total.currency)


def to_stripe(money: Money) -> tuple[int, str]:
    """`(amount, currency)` as a Stripe request takes them: `Money(1234, "EUR")` is
    `(1234, "eur")`, `Money(500, "JPY")` is `(500, "jpy")`, `Money(5, "ISK")` is
    `(500, "isk")`. Negative amounts are refused: Stripe amounts are never negative."""
    currency = money.currency
    shift = stripe_exponent(currency) - precision(currency)
    if money.amount < 0:
        raise AmountNotRepresentable(f"Stripe amounts cannot be negative: {money!r}")
    if shift >= 0:
        amount = money.amount * 10**shift
    else:
        amount, rest = divmod(money.amount, 10**-shift)
        if rest:
            raise AmountNotRepresentable(
                f"{money.to_decimal()} {currency} has more decimals than Stripe takes"
            )
    step = _granularity(currency)
    if amount % step:
        raise AmountNotRepresentable(
            f"{money.to_decimal()} {currency} cannot be charged through Stripe: its amount "
            f"must be a multiple of {step} ({_granularity_reason(currency)})"
        )
    if amount > MAX_STRIPE_AMOUNT:
        raise AmountNotRepresentable(f"{money.to_decimal()} {currency} is above Stripe's limit")
    return amount, currency.lower()


def from_stripe(amount: int, currency: str) -> Money:
    """The `Money` a Stripe object's `amount` and `currency` stand for: `(1230, "kwd")` is
    1.230 KWD. An amount that `Money` cannot hold exactly (ISK 1050, i.e. 10.50 króna, which
    CLDR's ISK has no cents for) is refused rather than rounded."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Stripe amounts are integers, not {amount!r}")
    code = currency.upper()
    exponent = stripe_exponent(code)  # refuses a currency Stripe does not take
    shift = precision(code) - exponent
    if shift >= 0:
        return Money(amount * 10**shift, code)
    minor, rest = divmod(amount, 10**-shift)
    if rest:
        raise AmountNotRepresentable(
            f"Stripe amount {amount} {code} is a fraction of the currency's smallest unit"
        )
    return Money(minor, code)


def _granularity_reason(currency: str) -> str:
    if currency in THREE_DECIMAL:
        return "three-decimal currencies must end in 0 for Stripe's card partners"
    return f"{currency} is charged in whole units only"
