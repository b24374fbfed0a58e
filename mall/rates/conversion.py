"""Converting prices between currencies, through the euro, with exact decimals.

A `RateTable` is an immutable snapshot of the current rate per currency, loaded once (one
query) and then used for every price on a page or every line of a cart, so that all of them
agree. Checkout records the per-euro rates it used (`RateTable.entry`), not derived cross
rates, so any conversion can be replayed exactly later.

Rounding: `convert` computes the exact value `amount × target_per_eur / source_per_eur`
(× the spread) and rounds it half-up to the target's minor unit once. A cart is converted
line by line (`convert_lines`) and its total is *defined* as the sum of the rounded lines,
so the total a buyer sees is exactly what the lines add up to; it differs from converting
the unrounded sum by at most half a minor unit per line.

FX spread: `spread_bps` (operator setting `FX_SPREAD_BPS`, default 0) raises the converted
amount by that many basis points: the buyer pays a little more than the mid rate. Pass it
only when converting what a buyer pays (post prices into the buyer's currency); posts are
paid their own prices in their own currency, and the difference is the operator's FX
income. Converting a currency into itself never applies the spread: no exchange happens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, localcontext
from types import MappingProxyType
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mall.money import Money, known_currencies, money_sum
from mall.rates.models import ExchangeRate, RateSource
from mall.rates.records import BASE_CURRENCY

#: Operator settings (Flask config keys, also settable as MALL_FX_SPREAD_BPS and
#: MALL_RATES_MAX_AGE_DAYS) and their defaults.
SPREAD_SETTING = "FX_SPREAD_BPS"
MAX_AGE_SETTING = "RATES_MAX_AGE_DAYS"
DEFAULT_SPREAD_BPS = 0
#: A Friday's ECB rates are 4 days old on Tuesday morning, before the day's publication.
DEFAULT_MAX_AGE_DAYS = 4
BASIS_POINTS = 10_000
#: Working precision for the one division: far beyond what could move a half-up decision
#: for any amount and any rate with at most 10 decimals.
_WORKING_DIGITS = 60


class UnknownRate(LookupError):
    """No rate is known for `currency`: it cannot be offered to buyers, and a post pricing
    in it cannot go live."""

    def __init__(self, currency: str) -> None:
        super().__init__(f"no exchange rate for {currency}")
        self.currency = currency


@dataclass(frozen=True, slots=True)
class RateEntry:
    """The current rate of one currency: `per_eur` units for one euro on `rate_date`."""

    currency: str
    per_eur: Decimal
    rate_date: date
    source: RateSource


@dataclass(frozen=True, slots=True)
class ConvertedLines:
    """A cart's lines in the buyer's currency, each rounded once, and their exact sum."""

    lines: tuple[Money, ...]
    #: Defined as the sum of the rounded lines, never a separately rounded conversion.
    total: Money


@dataclass(frozen=True, eq=False)
class RateTable:
    """Current rates per euro, as an immutable snapshot. EUR itself is always present."""

    entries: Mapping[str, RateEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for currency, entry in self.entries.items():
            if currency != entry.currency or currency == BASE_CURRENCY:
                raise ValueError(f"bad rate table entry for {currency}")
            rate = entry.per_eur
            if not isinstance(rate, Decimal) or not (rate.is_finite() and rate > 0):
                raise ValueError(f"{currency}: a rate is a positive Decimal, not {rate!r}")
        object.__setattr__(self, "entries", MappingProxyType(dict(self.entries)))

    @classmethod
    def from_entries(cls, entries: Iterable[RateEntry]) -> RateTable:
        return cls({entry.currency: entry for entry in entries})

    @classmethod
    def from_rates(
        cls,
        rates: Mapping[str, Decimal | str],
        rate_date: date,
        source: RateSource = RateSource.ECB,
    ) -> RateTable:
        """A table from literal rates, for quotes replayed from an order and for tests."""
        if any(isinstance(rate, float) for rate in rates.values()):
            raise TypeError("rates are Decimal or decimal text, never floats")
        return cls.from_entries(
            RateEntry(currency, Decimal(rate), rate_date, source)
            for currency, rate in rates.items()
        )

    @property
    def currencies(self) -> frozenset[str]:
        """Every currency a price can be shown in, the euro included."""
        return frozenset(self.entries) | {BASE_CURRENCY}

    @property
    def as_of(self) -> date | None:
        """The newest rate date in the table (None when it holds no rates)."""
        return max((entry.rate_date for entry in self.entries.values()), default=None)

    @property
    def oldest(self) -> date | None:
        """The oldest current rate: what the stale warning looks at."""
        return min((entry.rate_date for entry in self.entries.values()), default=None)

    def has(self, currency: str) -> bool:
        return currency == BASE_CURRENCY or currency in self.entries

    def entry(self, currency: str) -> RateEntry:
        try:
            return self.entries[currency]
        except KeyError:
            raise UnknownRate(currency) from None

    def per_eur(self, currency: str) -> Decimal:
        """Units of `currency` for one euro; 1 for the euro itself."""
        if currency == BASE_CURRENCY:
            return Decimal(1)
        return self.entry(currency).per_eur

    def rate(self, source: str, target: str) -> Decimal:
        """Units of `target` for one unit of `source` (28 significant digits), for display.
        Conversions do not go through this rounded cross rate; see `convert`."""
        if source == target:
            return Decimal(1)
        target_per_eur, source_per_eur = self.per_eur(target), self.per_eur(source)
        with localcontext() as context:
            context.prec = 28
            return target_per_eur / source_per_eur

    def convert(self, money: Money, target: str, spread_bps: int = 0) -> Money:
        """`money` in `target`, through the euro, rounded half-up once to the target's minor
        unit. `spread_bps` raises the result in the buyer's disfavour (see module doc)."""
        _check_spread(spread_bps)
        if money.currency == target:
            return money
        target_per_eur, source_per_eur = self.per_eur(target), self.per_eur(money.currency)
        with localcontext() as context:
            context.prec = _WORKING_DIGITS + len(str(abs(money.amount)))
            numerator = money.to_decimal() * target_per_eur * (BASIS_POINTS + spread_bps)
            exact = numerator / (source_per_eur * BASIS_POINTS)
            return Money.from_decimal(exact, target)

    def convert_lines(
        self, amounts: Sequence[Money], target: str, spread_bps: int = 0
    ) -> ConvertedLines:
        """Convert each line once; the total is the exact sum of the converted lines."""
        lines = tuple(self.convert(amount, target, spread_bps) for amount in amounts)
        return ConvertedLines(lines=lines, total=money_sum(lines, target))

    def age_days(self, currency: str, now: datetime | date) -> int:
        """Whole days between the currency's rate date and `now` (UTC)."""
        if currency == BASE_CURRENCY:
            return 0
        return (_utc_date(now) - self.entry(currency).rate_date).days

    def stale_currencies(self, now: datetime | date, max_age_days: int) -> list[str]:
        """Currencies whose current rate is more than `max_age_days` old, by code."""
        return sorted(
            currency for currency in self.entries if self.age_days(currency, now) > max_age_days
        )

    def is_stale(self, now: datetime | date, max_age_days: int) -> bool:
        """True when any rate is older than `max_age_days`, or when there are no rates."""
        oldest = self.oldest
        return oldest is None or (_utc_date(now) - oldest).days > max_age_days


def load_rate_table(session: Session) -> RateTable:
    """The current rate of every currency, in one query.

    Rule: per currency, the rate with the latest `rate_date` wins; on the same date an ECB
    rate wins over an operator rate. So the operator's table fills the currencies the ECB
    does not publish, and can bridge a stale ECB rate only with a *newer* dated rate, which
    the ECB's next publication supersedes again."""
    preference = case((ExchangeRate.source == RateSource.ECB, 0), else_=1)
    ranked = select(
        ExchangeRate.currency,
        ExchangeRate.per_eur,
        ExchangeRate.rate_date,
        ExchangeRate.source,
        func.row_number()
        .over(
            partition_by=ExchangeRate.currency,
            order_by=(ExchangeRate.rate_date.desc(), preference),
        )
        .label("rank"),
    ).subquery()
    rows = session.execute(
        select(ranked.c.currency, ranked.c.per_eur, ranked.c.rate_date, ranked.c.source).where(
            ranked.c.rank == 1
        )
    )
    return RateTable.from_entries(
        RateEntry(currency=currency, per_eur=per_eur, rate_date=rate_date, source=source)
        for currency, per_eur, rate_date, source in rows
    )


#: Units of account with a rate that no one pays in: the SDR values customs declarations.
UNITS_OF_ACCOUNT = frozenset({"XDR"})


def available_currencies(table: RateTable) -> list[str]:
    """Currencies a buyer may choose and a post may price in: those with a rate (and known
    to CLDR, so they can be formatted), sorted by code; never a unit of account."""
    return sorted(
        currency for currency in table.currencies
        if currency in known_currencies() and currency not in UNITS_OF_ACCOUNT
    )


def configured_spread_bps(config: Mapping[str, Any]) -> int:
    """The operator's FX spread from the app config, validated."""
    spread = config.get(SPREAD_SETTING, DEFAULT_SPREAD_BPS)
    _check_spread(spread)
    return int(spread)


def configured_max_age_days(config: Mapping[str, Any]) -> int:
    """How old a rate may be before the operator is warned, from the app config."""
    days = config.get(MAX_AGE_SETTING, DEFAULT_MAX_AGE_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"{MAX_AGE_SETTING} must be a whole number of days, not {days!r}")
    return days


def _check_spread(spread_bps: object) -> None:
    if isinstance(spread_bps, bool) or not isinstance(spread_bps, int):
        raise TypeError(f"the FX spread is whole basis points, not {spread_bps!r}")
    if not 0 <= spread_bps < BASIS_POINTS:
        raise ValueError(f"the FX spread must be 0 to 9999 basis points, not {spread_bps}")


def _utc_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime; use mall.columns.utcnow()")
        return moment.astimezone(UTC).date()
    return moment
