"""Money as a value type: an integer amount in minor units and an ISO 4217 code.

Floats never enter: they cannot hold 0.10 exactly, and a mall that settles to the minor
unit cannot afford "almost". Precision comes from CLDR (via Babel): JPY 0, UYU 2, KWD 3."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import cache, lru_cache

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    parse_decimal,
)
from babel.numbers import list_currencies as _list_currencies


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined."""


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(_list_currencies())


@cache
def precision(currency: str) -> int:
    """Digits after the decimal point for `currency`, as CLDR defines them."""
    return get_currency_precision(currency)


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount: `Money(1500, "UYU")` is 15.00 Uruguayan pesos."""

    #: Amount in the currency's minor unit (cents, centimos; yen have none).
    amount: int
    #: ISO 4217 code, upper case.
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Money amount must be an int of minor units, not {self.amount!r}")
        if self.currency not in known_currencies():
            raise ValueError(f"Unknown currency {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str | int, currency: str) -> Money:
        """Round half-up to the currency's minor unit (once: callers never round twice).

        Floats and bools are refused like in the constructor; text that is not a finite
        number ("abc", "NaN", "Infinity") is a ValueError rather than a bare decimal signal."""
        if isinstance(value, float | bool):
            raise TypeError(f"Money refuses {type(value).__name__}s: {value!r}")
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"Not a decimal amount: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"Not a finite amount: {value!r}")
        exponent = Decimal(1).scaleb(-precision(currency))
        with localcontext() as context:
            # Enough digits that quantize never refuses a large but legitimate amount.
            context.prec = max(context.prec, number.adjusted() + precision(currency) + 2)
            quantized = number.quantize(exponent, rounding=ROUND_HALF_UP)
            return cls(int(quantized.scaleb(precision(currency))), currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount).scaleb(-precision(self.currency))

    def _same(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise TypeError("Money can only be multiplied by a whole quantity")
        return Money(self.amount * quantity, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def format(self, locale: Locale | str) -> str:
        return format_money(self, locale)


def money_sum(amounts: Iterable[Money], currency: str) -> Money:
    """Sum exactly; an empty sum is zero in `currency` (which is why it must be named)."""
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total


@cache
def _ambiguous_symbols(locale: Locale) -> frozenset[str]:
    """Symbols that stand for more than one currency in this locale (`$`, `kr`, `£`…)."""
    seen: dict[str, int] = {}
    for code in known_currencies():
        symbol = locale.currency_symbols.get(code)
        if symbol and symbol != code:
            seen[symbol] = seen.get(symbol, 0) + 1
    generic = {"$", "kr", "£", "¥", "Rs", "₨", "Fr.", "R"}
    return frozenset(symbol for symbol, count in seen.items() if count > 1) | generic


def format_money(money: Money, locale: Locale | str) -> str:
    """Format for a reader in `locale`; where the symbol could mean another currency to that
    reader (`$` for UYU to an American), the ISO code is shown instead."""
    return _formatted(money, str(locale))


@lru_cache(maxsize=16_384)
def _formatted(money: Money, locale_name: str) -> str:
    """Babel parses the locale's pattern on every call; a page shows the same prices in the
    same few locales over and over, so each text is made once per process."""
    locale = Locale.parse(locale_name)
    pattern = None
    if currency_sign(money.currency, locale_name) == money.currency:
        pattern = _code_pattern(locale)
    text = format_currency(
        money.to_decimal(), money.currency, locale=locale, format=pattern, currency_digits=True
    )
    # CLDR's currency spacing: a letter code never touches the digits ("UYU 15.00").
    return _CODE_BEFORE_DIGIT.sub("\\1\xa0", _CODE_AFTER_DIGIT.sub("\xa0\\1", text))


@cache
def currency_sign(currency: str, locale_name: str) -> str:
    """The sign prices in `currency` carry for a reader in `locale_name`: the locale's symbol,
    or the ISO code where that symbol could mean another currency to the reader."""
    locale = Locale.parse(locale_name)
    symbol = get_currency_symbol(currency, locale)
    if symbol in _ambiguous_symbols(locale) and currency != _territory_currency(locale):
        return currency
    return symbol


def format_face_value(text: str, currency: str, territory: str, locale: Locale | str,
                      written_in: str) -> str:
    """A face value as the post wrote it in its language `written_in` ("$ 15 + $ 25",
    printed on the stamps of a post in `territory` whose money is `currency`), with the
    post's own sign for that money replaced by the sign the reader's prices carry — a French
    reader sees "$UY 15" beside "40,00 $UY", never a bare "$" that could be dollars — and
    its numbers written as the reader writes them ("UGX 1,700" is "UGX 1 700" in French).
    Other text on the face value stays as written."""
    sign = currency_sign(currency, str(locale))
    pattern = _home_sign_pattern(currency, territory, sign)
    signed = pattern.sub(sign, text) if pattern is not None else text
    return _renumbered(signed, _home_locale(written_in, territory), Locale.parse(locale))


#: A number as a post may write one: groups of three after any separator, then decimals.
_NUMBER = re.compile(r"\d{1,3}(?:[,.\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def _renumbered(text: str, home: Locale, reader: Locale) -> str:
    if home.number_symbols == reader.number_symbols:
        return text

    def rewritten(match: re.Match[str]) -> str:
        written = match.group(0)
        try:
            value = parse_decimal(written, locale=home, strict=True)
        except NumberFormatError:
            return written  # not a number the post's language writes: left alone
        decimals = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=reader)

    return _NUMBER.sub(rewritten, text)


@cache
def _home_locale(language: str, territory: str) -> Locale:
    try:
        return Locale(language.split("_")[0], territory.upper())
    except UnknownLocaleError:
        return Locale.parse(language)


@cache
def _home_sign_pattern(currency: str, territory: str, sign: str) -> re.Pattern[str] | None:
    """The signs for `currency` in the territory's official languages (other than `sign`),
    standing alone: between spaces, digits, "+", "×" or the ends of the text."""
    homes: set[str] = set()
    for language in get_official_languages(territory.upper()):
        try:
            homes.add(get_currency_symbol(currency, Locale(language, territory.upper())))
        except UnknownLocaleError:
            continue
    homes.discard(sign)
    homes.discard(currency)
    if not homes:
        return None
    alternatives = "|".join(map(re.escape, sorted(homes, key=len, reverse=True)))
    return re.compile(rf"(?<![^\s\d+×(])(?:{alternatives})(?![^\s\d)])")


_CODE_BEFORE_DIGIT = re.compile(r"([A-Z]{3})(?=[\d-])")
_CODE_AFTER_DIGIT = re.compile(r"(?<=\d)([A-Z]{3})")


@cache
def _territory_currency(locale: Locale) -> str | None:
    from babel.numbers import get_territory_currencies

    if not locale.territory:
        return None
    currencies = get_territory_currencies(locale.territory)
    return currencies[0] if currencies else None


@cache
def _code_pattern(locale: Locale) -> str:
    """The locale's currency pattern with the symbol placeholder replaced by the ISO code."""
    pattern = locale.currency_formats["standard"].pattern
    return pattern.replace("¤", "¤¤") if "¤¤" not in pattern else pattern
