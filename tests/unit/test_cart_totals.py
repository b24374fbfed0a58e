"""A priced cart always adds up: each line converted once, half-up at the display
currency's minor unit; every subtotal and the total exact sums of those rounded lines.

Properties over random carts (currencies with 0, 2 and 3 decimals, rates in the ranges real
currencies have, spreads the operator may set), against a reference computed here with
`Decimal` alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from mall.cart.models import CartLine
from mall.cart.summary import summarise
from mall.catalogue.models import Issue, Product
from mall.money import Money, precision
from mall.posts.models import Post, PostStatus
from mall.rates.conversion import RateTable

CURRENCIES = ["JPY", "KWD", "UYU", "KHR", "EUR", "USD"]
#: Units per euro, in the ranges these currencies have had (KWD ~0.33, KHR ~4 500).
RATE_RANGES = {
    "JPY": (Decimal("100"), Decimal("200")),
    "KWD": (Decimal("0.28"), Decimal("0.40")),
    "UYU": (Decimal("30"), Decimal("60")),
    "KHR": (Decimal("3800"), Decimal("5200")),
    "USD": (Decimal("0.85"), Decimal("1.60")),
}
RATES_DAY = date(2026, 11, 27)


@st.composite
def rate_tables(draw: st.DrawFn) -> RateTable:
    return RateTable.from_rates(
        {
            code: draw(st.decimals(min_value=low, max_value=high, places=4))
            for code, (low, high) in RATE_RANGES.items()
        },
        RATES_DAY,
    )


@st.composite
def carts(draw: st.DrawFn) -> list[tuple[CartLine, Product, Post]]:
    """Up to 25 lines from up to 6 posts, each post pricing in one currency."""
    posts = [
        Post(id=n, code=f"p{n}", currency=draw(st.sampled_from(CURRENCIES)),
             status=PostStatus.LIVE)
        for n in range(1, draw(st.integers(1, 6)) + 1)
    ]
    items = []
    for n in range(draw(st.integers(0, 25))):
        post = draw(st.sampled_from(posts))
        product = Product(
            id=n + 1,
            post_id=post.id,
            price_minor=draw(st.integers(0, 10_000_000)),
            currency=post.currency,
            stock=draw(st.integers(0, 120)),
            issue=Issue(post_id=post.id, published_at=datetime(2026, 1, 1, tzinfo=UTC)),
        )
        line = CartLine(id=n + 1, post_id=post.id, product_id=product.id,
                        quantity=draw(st.integers(1, 99)))
        items.append((line, product, post))
    return items


def reference(amount: Money, target: str, table: RateTable, spread: int) -> int:
    """The converted line in minor units: exact value, rounded half-up once."""
    if amount.currency == target:
        return amount.amount
    with localcontext() as context:
        context.prec = 80
        exact = (
            amount.to_decimal() * table.per_eur(target) * (10_000 + spread)
            / (table.per_eur(amount.currency) * 10_000)
        )
        step = Decimal(1).scaleb(-precision(target))
        return int(exact.quantize(step, rounding=ROUND_HALF_UP).scaleb(precision(target)))


@given(carts(), rate_tables(), st.sampled_from(CURRENCIES), st.integers(0, 500))
def test_lines_add_up_to_the_total_exactly(items, table, display, spread):
    summary = summarise(items, display, table, spread)
    converted = [line.converted for line in summary.lines]
    assert all(amount is not None and amount.currency == display for amount in converted)
    assert summary.total == Money(sum(amount.amount for amount in converted), display)
    assert summary.total.amount == sum(
        group.converted_subtotal.amount for group in summary.groups
    )
    for line in summary.lines:  # what cannot be bought counts nothing; a short line, its part
        assert line.available == min(line.quantity, line.product.stock)
        assert line.amount == line.unit_price * line.available
    buyable = summary.buyable()
    assert all(line.quantity >= 1 for line in buyable.lines)
    assert sum(line.converted.amount for line in buyable.lines) == summary.total.amount


@given(carts(), rate_tables(), st.sampled_from(CURRENCIES), st.integers(0, 500))
def test_each_line_is_converted_once_and_rounded_half_up(items, table, display, spread):
    summary = summarise(items, display, table, spread)
    by_line = {line.line_id: line for line in summary.lines}
    assert len(by_line) == len(items)
    for cart_line, product, _post in items:
        line = by_line[cart_line.id]
        bought = min(cart_line.quantity, product.stock)
        assert line.amount == Money(product.price_minor * bought, product.currency)
        assert line.converted.amount == reference(line.amount, display, table, spread)


@given(carts(), rate_tables(), st.sampled_from(CURRENCIES))
def test_lines_are_grouped_by_post_with_subtotals_in_the_posts_currency(items, table, display):
    summary = summarise(items, display, table)
    assert len({group.post.id for group in summary.groups}) == len(summary.groups)
    assert sum(len(group.lines) for group in summary.groups) == len(items)
    for group in summary.groups:
        assert group.subtotal.currency == group.post.currency
        assert group.subtotal.amount == sum(line.amount.amount for line in group.lines)
        assert {line.product.post_id for line in group.lines} == {group.post.id}
    assert summary.item_count == sum(line.quantity for line, _p, _post in items)
    assert summary.approximate == any(
        post.currency != display for _l, product, post in items if product.stock
    )


@given(carts(), st.sampled_from(CURRENCIES))
def test_without_a_rate_there_is_no_total_rather_than_a_wrong_one(items, display):
    table = RateTable.from_rates({}, RATES_DAY)  # only the euro
    summary = summarise(items, display, table)
    convertible = all(post.currency == display for _line, _product, post in items)
    if convertible:
        assert summary.total is not None
    else:
        assert summary.total is None
        assert summary.unconverted
    for line in summary.lines:
        if line.converted is None:
            assert line.amount.currency in summary.unconverted
