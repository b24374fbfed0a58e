"""What every importer produces: validated, plain rate rows, before anything is stored.

Parsing and validating a whole file into these rows *first* is what makes an import
all-or-nothing: a bad line raises `RatesFormatError` before the database is touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from mall.money import known_currencies

#: The base of every stored rate; it never appears as a rate itself.
BASE_CURRENCY = "EUR"

#: Rates are stored with at most this many digits after the point, and below this bound:
#: wider than any real rate per euro (IDR ~ 18 000, VND ~ 28 000, IRR ~ 45 000 000).
MAX_DECIMALS = 10
MAX_RATE = Decimal(10) ** 12


class RatesFormatError(ValueError):
    """A rates file could not be used; `reason` says why, for the operator. Nothing was
    imported from it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RateRecord:
    """One rate as read from a file: `per_eur` units of `currency` for one euro on
    `rate_date`."""

    currency: str
    rate_date: date
    per_eur: Decimal


def parse_currency(text: str, where: str) -> str:
    """An ISO 4217 code Babel knows (so that `Money` accepts it), never the euro itself."""
    code = text.strip()
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise RatesFormatError(f"{where}: {text!r} is not an ISO 4217 currency code")
    if code == BASE_CURRENCY:
        raise RatesFormatError(f"{where}: EUR is the base of every rate, not a rate")
    if code not in known_currencies():
        raise RatesFormatError(f"{where}: unknown currency {code}")
    return code


def parse_rate(text: str, where: str) -> Decimal:
    """A positive, finite decimal in plain notation that can be stored exactly."""
    cleaned = text.strip()
    if not cleaned or any(char not in "0123456789." for char in cleaned.lstrip("+-")):
        raise RatesFormatError(f"{where}: rate {text!r} is not a decimal number")
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise RatesFormatError(f"{where}: rate {text!r} is not a decimal number") from None
    if rate <= 0:
        raise RatesFormatError(f"{where}: rate {text!r} must be positive")
    if rate >= MAX_RATE:
        raise RatesFormatError(f"{where}: rate {text!r} is implausibly large")
    exponent = rate.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        raise RatesFormatError(f"{where}: rate {text!r} has more than {MAX_DECIMALS} decimals")
    return rate


def parse_date(text: str, where: str) -> date:
    """An ISO 8601 calendar date, `YYYY-MM-DD`, as both the ECB and the CSV write it."""
    cleaned = text.strip()
    try:
        if len(cleaned) != 10:
            raise ValueError(cleaned)
        return date.fromisoformat(cleaned)
    except ValueError:
        raise RatesFormatError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from None
