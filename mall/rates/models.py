"""Stored exchange rates: how many units of a currency one euro buys, on a date, by source.

History is kept (orders record the rates they used; an import never deletes). Which stored
rate is *current* is decided by `mall.rates.conversion.load_rate_table`: per currency the
latest `rate_date` wins, and on the same date the ECB's rate wins over the operator's."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db


class RateSource(enum.Enum):
    """Where a rate came from. The ECB is preferred; the operator fills the gaps (UYU, KHR,
    UGX…) and may bridge a stale ECB rate with a newer dated one."""

    ECB = "ecb"
    OPERATOR = "operator"


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as its canonical text.

    `Numeric` is exact on PostgreSQL but goes through a binary float on SQLite (and warns),
    so rates are kept as text on both: what was imported is what is read back, digit for
    digit. Only finite positive values are accepted."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
            raise ValueError(f"a rate must be a positive finite Decimal, not {value!r}")
        text = format(value, "f")  # plain digits, never exponent notation
        if len(text) > 32:
            raise ValueError(f"a rate has too many digits to store: {text}")
        return text

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValueError(f"stored rate is not a decimal: {value!r}") from None


class ExchangeRate(db.Model):
    """One published rate: `per_eur` units of `currency` for one euro on `rate_date`."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        UniqueConstraint("source", "currency", "rate_date"),
        CheckConstraint("length(currency) = 3", name="currency_length"),
        CheckConstraint("currency <> 'EUR'", name="currency_not_base"),
        Index("ix_exchange_rate_currency_date", "currency", "rate_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who published the rate: the ECB feed or the mall operator.
    source: Mapped[RateSource] = mapped_column(enum_column(RateSource))
    #: ISO 4217 code, upper case; never EUR, the base of every rate.
    currency: Mapped[str] = mapped_column(String(3))
    #: The day the rate is valid for (the ECB's `time` attribute), not the import time.
    rate_date: Mapped[date]
    #: Units of `currency` per euro, exact (e.g. Decimal("1.0547") for USD).
    per_eur: Mapped[Decimal] = mapped_column(DecimalText())
    #: When this row was last written by an import (a re-import may correct a rate).
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ExchangeRate {self.source.value} {self.currency} {self.rate_date} {self.per_eur}>"
