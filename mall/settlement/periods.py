"""Settlement periods: calendar months in UTC, named `YYYY-MM`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

PERIOD_PATTERN = re.compile(r"(\d{4})-(\d{2})")


class BadPeriod(ValueError):
    """Not a month the mall can settle; the message says why."""


def parse_period(text: str) -> date:
    """`2026-11` → 1 November 2026. Raises `BadPeriod` for anything else."""
    match = PERIOD_PATTERN.fullmatch(text.strip())
    if not match:
        raise BadPeriod(f"{text!r} is not a month written YYYY-MM")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 2000:
        raise BadPeriod(f"{text!r} is not a month written YYYY-MM")
    return date(year, month, 1)


def period_bounds(period: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month), in UTC."""
    start = datetime(period.year, period.month, 1, tzinfo=UTC)
    following = date(period.year + period.month // 12, period.month % 12 + 1, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=UTC)


def period_name(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def has_ended(period: date, now: datetime) -> bool:
    return period_bounds(period)[1] <= now


def last_ended_period(now: datetime) -> date:
    """The month before `now`'s: what a settlement run usually settles."""
    first = date(now.year, now.month, 1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
