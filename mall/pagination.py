"""Page numbers as visitors send them, made safe for the database; and pages that never count
a whole listing to show one of its pages."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from flask import request
from sqlalchemy import Select, func, literal_column, select

#: No listing has that many pages; beyond some value a database offset overflows (a 500).
MAX_PAGE = 10_000

#: Rows counted past the current page: enough for "Page 3 of 12" on a short listing, and
#: "more than" on a long one, without ever counting all of a big catalogue.
COUNT_CAP = 1_000


def requested_page() -> int:
    """`?page=` clamped to 1..MAX_PAGE; anything that is not a number is page 1."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


@dataclass
class CappedPage:
    """One page of a listing whose total is counted only up to a cap. Its attributes carry
    the names of Flask-SQLAlchemy's `Pagination`, so one pagination macro serves listings and
    search; `more` says the listing goes on past `total` (shown as "more than").

    `following` is whether a row exists after this page, as read with the page itself (one
    row more than shown); without it, it is worked out from the total."""

    items: list[Any]
    total: int
    page: int
    per_page: int
    more: bool = False
    following: bool | None = None

    @property
    def pages(self) -> int:
        counted = ceil(self.total / self.per_page) if self.total else 0
        if not self.more:
            return counted
        return max(counted, self.page + (1 if self.has_next else 0))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        if self.following is not None:
            return self.following
        counted = ceil(self.total / self.per_page) if self.total else 0
        return self.page < counted

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def capped_count(statement: Select[Any], limit: int) -> Select[tuple[int]]:
    """How many rows `statement` gives, counting no further than `limit`: one row, one
    column (`total`), to read along with a page's rows."""
    rows = (
        statement.with_only_columns(literal_column("1"), maintain_column_froms=True)
        .order_by(None)
        .limit(limit)
    )
    return select(func.count().label("total")).select_from(rows.subquery())
