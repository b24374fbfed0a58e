"""A cart priced for the buyer: pure arithmetic over lines already loaded.

Each line is converted into the display currency once, rounded half-up to that currency's
minor unit; every subtotal and the total are exact sums of those rounded lines. So what the
buyer reads always adds up, to the last cent, yen or fils."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    quantity: int
    #: The post's price for one, in the post's currency.
    unit_price: Money
    #: `unit_price × quantity`, in the post's currency: what the post is paid for.
    amount: Money
    #: `amount` in the display currency, rounded once; None when no rate is known for it.
    converted: Money | None

    @property
    def over_stock(self) -> bool:
        """The stock fell below the quantity since it was put in the cart."""
        return self.quantity > self.product.stock


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
    def approximate(self) -> bool:
        """Whether any amount was converted, so that the total is only an estimate until
        checkout locks a quote."""
        return any(line.amount.currency != self.currency for line in self.lines)


def summarise(
    items: Sequence[tuple[CartLine, Product, Post]],
    currency: str,
    table: RateTable,
    spread_bps: int = 0,
) -> CartSummary:
    """Group `items` by post (in the given order) and price them in `currency`."""
    amounts = [product.price * line.quantity for line, product, _post in items]
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
    for (line, product, post), amount, in_display in zip(items, amounts, converted, strict=True):
        by_post.setdefault(post.id, (post, []))[1].append(
            SummaryLine(
                line_id=line.id,
                product=product,
                quantity=line.quantity,
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
