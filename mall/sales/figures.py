"""A post's sales figures: per year with growth, by buyer country, by issue.

Counted from paid orders only — an order whose payment arrived (`Order.status` PAID) and
whose post order was not cancelled — in the post's own currency, from the amounts the post
order froze when it was placed (what the post is paid before commission, never re-priced
with today's rates). "Sales" are the goods: shipping pays the post for carrying, not for
stamps sold, and is left out. A sale belongs to the year its payment arrived, in UTC.

Four queries whatever the number of orders (one per figure, one for the best-selling
issues' titles): the back office page and the CSV export cost the same in year one and year
ten. Functions take a session and values and never write."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from mall.catalogue.models import Issue, Product
from mall.columns import Translations
from mall.money import Money
from mall.orders.models import Order, OrderLine, OrderStatus, PostOrder, PostOrderStatus
from mall.posts.models import Post

#: Growth and shares are kept to a hundredth of a percent.
RATIO_PLACES = Decimal("0.0001")
#: How many countries and issues the figures name before "the rest".
TOP_COUNTRIES = 8
TOP_ISSUES = 10


@dataclass(frozen=True, slots=True)
class YearSales:
    year: int
    #: Paid post orders of the year.
    orders: int
    amount: Money
    #: Change on the year before as a fraction (0.125 is +12.5 %); None for the first year
    #: and after a year without sales, where no ratio exists.
    growth: Decimal | None


@dataclass(frozen=True, slots=True)
class CountrySales:
    #: ISO 3166 code of the shipping address; None for the row that sums the rest.
    country: str | None
    orders: int
    amount: Money
    #: Fraction of all sales (0.25 is 25 %).
    share: Decimal
    #: Countries the row stands for: 1, or how many "the rest" holds.
    countries: int = 1

    @property
    def is_rest(self) -> bool:
        return self.country is None


@dataclass(frozen=True, slots=True)
class IssueSales:
    #: None for lines whose product has since been deleted from the catalogue.
    issue_id: int | None
    slug: str | None
    title: Translations
    #: Items sold (stamps, sheets, covers…).
    quantity: int
    amount: Money


@dataclass(frozen=True, slots=True)
class SalesFigures:
    """Everything the sales page, its charts and its CSV show, in `currency`."""

    currency: str
    #: Every year from the first sale to the last, years without sales included (at zero),
    #: so a chart's gaps are real.
    years: tuple[YearSales, ...]
    #: The main countries by amount, then one row for the rest (if any).
    countries: tuple[CountrySales, ...]
    #: The best-selling issues by items sold.
    issues: tuple[IssueSales, ...]
    total: Money
    orders: int

    @property
    def is_empty(self) -> bool:
        return self.orders == 0


class utc_year(FunctionElement[int]):  # noqa: N801 - a SQL function, named like one
    """The calendar year of a UTC timestamp column, the same on every database (PostgreSQL's
    EXTRACT would use the connection's time zone)."""

    type = Integer()
    inherit_cache = True


@compiles(utc_year)
def _utc_year_default(element: utc_year, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"CAST(STRFTIME('%Y', {compiler.process(column, **kw)}) AS INTEGER)"


@compiles(utc_year, "postgresql")
def _utc_year_postgresql(element: utc_year, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    utc = f"({compiler.process(column, **kw)} AT TIME ZONE 'UTC')"
    return f"CAST(EXTRACT(YEAR FROM {utc}) AS INTEGER)"


class utc_month(FunctionElement[str]):  # noqa: N801 - a SQL function, named like one
    """`YYYY-MM` of a UTC timestamp column, the same on every database."""

    type = String()
    inherit_cache = True


@compiles(utc_month)
def _utc_month_default(element: utc_month, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"STRFTIME('%Y-%m', {compiler.process(column, **kw)})"


@compiles(utc_month, "postgresql")
def _utc_month_postgresql(element: utc_month, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return f"TO_CHAR({compiler.process(column, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM')"


def _paid(post: Post) -> list[Any]:
    """The conditions of a sale of `post` (see the module docstring)."""
    return [
        PostOrder.post_id == post.id,
        Order.status == OrderStatus.PAID,
        Order.paid_at.is_not(None),
        PostOrder.status != PostOrderStatus.CANCELLED,
    ]


def sales_figures(
    session: Session,
    post: Post,
    *,
    top_countries: int = TOP_COUNTRIES,
    top_issues: int = TOP_ISSUES,
) -> SalesFigures:
    """The post's sales per year, by country (the `top_countries` largest and the rest) and
    its `top_issues` best-selling issues."""
    currency = post.currency
    years = sales_per_year(session, post)
    countries = sales_by_country(session, post, top=top_countries)
    return SalesFigures(
        currency=currency,
        years=years,
        countries=countries,
        issues=best_selling_issues(session, post, top=top_issues),
        total=Money(sum(y.amount.amount for y in years), currency),
        orders=sum(y.orders for y in years),
    )


def sales_per_year(session: Session, post: Post) -> tuple[YearSales, ...]:
    """Goods sold per year (one query), gaps filled with zero years, each with its growth."""
    year = utc_year(Order.paid_at)
    rows = session.execute(
        select(year, func.count(PostOrder.id), func.sum(PostOrder.goods_minor))
        .join(Order, Order.id == PostOrder.order_id)
        .where(*_paid(post))
        .group_by(year)
        .order_by(year)
    ).all()
    found = {int(y): (int(n), int(amount or 0)) for y, n, amount in rows}
    if not found:
        return ()
    result: list[YearSales] = []
    previous: int | None = None
    for y in range(min(found), max(found) + 1):
        orders, amount = found.get(y, (0, 0))
        result.append(YearSales(y, orders, Money(amount, post.currency), growth(previous, amount)))
        previous = amount
    return tuple(result)


def growth(previous: int | None, current: int) -> Decimal | None:
    """(current − previous) / previous, to a hundredth of a percent; None without a base."""
    if not previous:
        return None
    return (Decimal(current - previous) / Decimal(previous)).quantize(
        RATIO_PLACES, ROUND_HALF_UP
    )


def _share(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def sales_by_country(session: Session, post: Post, *, top: int) -> tuple[CountrySales, ...]:
    """The `top` countries by amount (ties: more orders first, then by code, so the split is
    stable), then one row summing every other country. One query."""
    rows = session.execute(
        select(Order.ship_country, func.count(PostOrder.id), func.sum(PostOrder.goods_minor))
        .join(Order, Order.id == PostOrder.order_id)
        .where(*_paid(post))
        .group_by(Order.ship_country)
    ).all()
    ranked = sorted(
        ((code, int(n), int(amount or 0)) for code, n, amount in rows),
        key=lambda row: (-row[2], -row[1], row[0]),
    )
    whole = sum(amount for _code, _n, amount in ranked)
    main = [
        CountrySales(code, n, Money(amount, post.currency), _share(amount, whole))
        for code, n, amount in ranked[: max(top, 0)]
    ]
    rest = ranked[max(top, 0) :]
    if rest:
        amount = sum(row[2] for row in rest)
        main.append(
            CountrySales(
                None,
                sum(row[1] for row in rest),
                Money(amount, post.currency),
                _share(amount, whole),
                countries=len(rest),
            )
        )
    return tuple(main)


def best_selling_issues(session: Session, post: Post, *, top: int) -> tuple[IssueSales, ...]:
    """The `top` issues by items sold (ties: the higher amount, then the lower issue id).
    Two queries: the ranking, then the titles of the issues it names."""
    quantity = func.sum(OrderLine.quantity)
    amount = func.sum(OrderLine.unit_price_minor * OrderLine.quantity)
    rows = session.execute(
        select(Product.issue_id, quantity, amount)
        .select_from(OrderLine)
        .join(PostOrder, PostOrder.id == OrderLine.post_order_id)
        .join(Order, Order.id == PostOrder.order_id)
        .outerjoin(Product, Product.id == OrderLine.product_id)
        .where(*_paid(post))
        .group_by(Product.issue_id)
        .order_by(quantity.desc(), amount.desc(), Product.issue_id.asc().nulls_last())
        .limit(max(top, 0))
    ).all()
    ids = [issue_id for issue_id, _q, _a in rows if issue_id is not None]
    issues = (
        {i.id: i for i in session.scalars(select(Issue).where(Issue.id.in_(ids)))} if ids else {}
    )
    result = []
    for issue_id, sold, total in rows:
        issue = issues.get(issue_id) if issue_id is not None else None
        result.append(
            IssueSales(
                issue_id=issue_id,
                slug=issue.slug if issue is not None else None,
                title=dict(issue.title) if issue is not None else {},
                quantity=int(sold or 0),
                amount=Money(int(total or 0), post.currency),
            )
        )
    return tuple(result)
