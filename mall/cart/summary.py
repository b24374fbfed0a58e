"""A cart priced for the buyer: pure arithmetic over lines already loaded.

Each line is converted into the display currency once, rounded half-up to that currency's
minor unit; every subtotal and the total are exact sums of those rounded lines. So what the
buyer reads always adds up, to the last cent, yen or fils.

A line counts for what can be bought now: a sold-out stamp, one whose issue left sale or
whose post stopped selling counts nothing (and is shown as such); a line wanting 3 of the
last 1 counts 1. Checkout prices `buyable()`, the cart without what cannot be bought."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from mall.cart.models import CartLine
from mall.catalogue.models import Product
from mall.money import Money, money_sum
from mall.posts.models import Post
from mall.rates.conversion import RateTable


@dataclass(frozen=True, slots=True)
class SummaryLine:
    line_id: int
    product: Product
    #: What the buyer put in the cart.
    quantity: int
    #: How many of them can be bought now (0 to `quantity`).
    available: int
    #: The post's price for one, in the post's currency.
    unit_price: Money
    #: `unit_price × available`, in the post's currency: what the post is paid for.
    amount: Money
    #: `amount` in the display currency, rounded once; None when no rate is known for it.
    converted: Money | None

    @property
    def over_stock(self) -> bool:
        """The stock fell below the quantity since it was put in the cart."""
        return self.quantity > self.product.stock

    @property
    def unavailable(self) -> bool:
        """Nothing of this line can be bought: sold out, off sale, or its post not selling."""
        return self.available == 0

    @property
    def short(self) -> bool:
        """Part of this line can be bought, not all of it."""
        return 0 < self.available < self.quantity


@dataclass(frozen=True, slots=True)
class PostGroup:
    post: Post
    lines: tuple[SummaryLine, ...]
    #: In the post's own currency.
    subtotal: Money
    #: In the display currency: the exact sum of the group's converted lines.
    converted_subtotal: Money | None

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


def available_quantity(quantity: int, product: Product, post: Post) -> int:
    """How many of `quantity` can be bought now."""
    if not post.is_live or product.issue.published_at is None:
        return 0
    return max(0, min(quantity, product.stock))


@dataclass(frozen=True, slots=True)
class CartSummary:
    currency: str
    groups: tuple[PostGroup, ...]
    #: The exact sum of every converted line; None if some line could not be converted.
    total: Money | None
    #: The date of the newest rate in the table the amounts were converted with.
    rates_as_of: date | None
    #: Currencies in the cart that have no rate (their lines show no converted amount).
    unconverted: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[SummaryLine, ...]:
        return tuple(line for group in self.groups for line in group.lines)

    @property
    def item_count(self) -> int:
        return sum(group.item_count for group in self.groups)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def unavailable_lines(self) -> tuple[SummaryLine, ...]:
        return tuple(line for line in self.lines if line.available < line.quantity)

    def buyable(self) -> CartSummary:
        """The cart as checkout takes it: only what can be bought, in the quantities that
        can; a post none of whose lines can be bought leaves the order."""
        groups = []
        for group in self.groups:
            lines = tuple(
                replace(line, quantity=line.available) for line in group.lines if line.available
            )
            if lines:
                groups.append(replace(group, lines=lines))
        return replace(self, groups=tuple(groups))

    @property
    def approximate(self) -> bool:
        """Whether any amount was converted, so that the total is only an estimate until
        checkout locks a quote."""
        return any(
            line.amount.currency != self.currency for line in self.lines if line.available
        )


def summarise(
    items: Sequence[tuple[CartLine, Product, Post]],
    currency: str,
    table: RateTable,
    spread_bps: int = 0,
) -> CartSummary:
    """Group `items` by post (in the given order) and price them in `currency`."""
    available = [available_quantity(line.quantity, product, post)
                 for line, product, post in items]
    amounts = [product.price * n for (_line, product, _post), n in zip(items, available,
                                                                        strict=True)]
    convertible = [
        amount.currency == currency or (table.has(amount.currency) and table.has(currency))
        for amount in amounts
    ]
    converted_lines = iter(
        table.convert_lines(
            [amount for amount, ok in zip(amounts, convertible, strict=True) if ok],
            currency,
            spread_bps,
        ).lines
    )
    converted = [next(converted_lines) if ok else None for ok in convertible]

    by_post: dict[int, tuple[Post, list[SummaryLine]]] = {}
    for (line, product, post), n, amount, in_display in zip(
        items, available, amounts, converted, strict=True
    ):
        by_post.setdefault(post.id, (post, []))[1].append(
            SummaryLine(
                line_id=line.id,
                product=product,
                quantity=line.quantity,
                available=n,
                unit_price=product.price,
                amount=amount,
                converted=in_display,
            )
        )
    groups = tuple(
        PostGroup(
            post=post,
            lines=tuple(lines),
            subtotal=money_sum((line.amount for line in lines), post.currency),
            converted_subtotal=_sum_or_none([line.converted for line in lines], currency),
        )
        for post, lines in by_post.values()
    )
    return CartSummary(
        currency=currency,
        groups=groups,
        total=_sum_or_none(converted, currency),
        rates_as_of=table.as_of,
        unconverted=tuple(
            sorted({a.currency for a, ok in zip(amounts, convertible, strict=True) if not ok})
        ),
    )


def _sum_or_none(amounts: Sequence[Money | None], currency: str) -> Money | None:
    if any(amount is None for amount in amounts):
        return None
    return money_sum((amount for amount in amounts if amount is not None), currency)
