"""Checkout's glue between the cart, shipping, the quote and placement.

The buyer decides three things at the portal — where to (the country drives everything
after), how each post ships, how to pay — and confirms one total. That total is computed
here with the quote's locked rates exactly as `place_order` computes the order (each line
and each post's shipping converted once, half-up; the total is their sum), so the amount on
the review page is the amount charged. A fingerprint of everything that priced it travels
with the review form: if the cart, a price or a shipping rate changed meanwhile, the buyer
sees the new total and confirms again rather than paying something they did not read.

Functions take a session and values, `flush()` and never commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.cart.models import Cart
from mall.cart.services import cart_summary
from mall.cart.summary import CartSummary, PostGroup, SummaryLine
from mall.money import Money, money_sum
from mall.orders.models import PaymentMethod, Quote
from mall.orders.placement import (
    EmptyCart,
    OrderRequest,
    PostNotSelling,
    ShippingAddress,
    lock_quote,
    payable_total,
    quote_table,
)
from mall.posts.models import Post
from mall.rates.conversion import RateTable
from mall.rates.records import BASE_CURRENCY
from mall.shipping.services import Consignment, ShippingOption, options_for_posts
from mall.visitors.models import Visitor

#: The fields of a shipping address, as kept in the checkout state and copied to orders.
ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "region", "country", "phone")


class ShippingNeeded(Exception):
    """Some post of the cart has no valid shipping choice (none made, or the method no
    longer ships this cart to this country): the buyer goes back to the shipping step."""

    def __init__(self, posts: list[Post]) -> None:
        super().__init__(", ".join(post.code for post in posts))
        self.posts = posts


# --- the buyer's choices ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckoutState:
    """What the buyer chose so far, kept in the portal's session between the steps. The
    session is signed, so the values are ours; ids in it are still checked against the
    visitor and the cart before they are used."""

    email: str
    address: ShippingAddress
    #: {post id: shipping method id}
    shipping: Mapping[int, int]
    quote_id: int | None = None

    @classmethod
    def load(cls, data: object) -> CheckoutState | None:
        """From the session's dict; None when missing or not in the expected shape."""
        if not isinstance(data, dict):
            return None
        address, email = data.get("address"), data.get("email")
        if not isinstance(address, dict) or not isinstance(email, str):
            return None
        if not all(isinstance(address.get(name, ""), str) for name in ADDRESS_FIELDS):
            return None
        shipping_data = data.get("shipping") or {}
        quote_id = data.get("quote_id")
        if not isinstance(shipping_data, dict) or not (
            quote_id is None or isinstance(quote_id, int)
        ):
            return None
        shipping = {
            int(post_id): method_id
            for post_id, method_id in shipping_data.items()
            if str(post_id).isdigit() and isinstance(method_id, int)
        }
        fields = {name: address.get(name, "") for name in ADDRESS_FIELDS}
        return cls(email, ShippingAddress(**fields), shipping, quote_id)

    def dump(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "address": {name: getattr(self.address, name) for name in ADDRESS_FIELDS},
            "shipping": {str(post_id): method for post_id, method in self.shipping.items()},
            "quote_id": self.quote_id,
        }


def address_from(values: Mapping[str, Any]) -> ShippingAddress:
    """A shipping address from form data or a saved address (anything with the fields)."""
    return ShippingAddress(
        **{name: (values.get(name) or "").strip() for name in ADDRESS_FIELDS}
    )


# --- shipping -----------------------------------------------------------------------------


def consignments(summary: CartSummary) -> list[Consignment]:
    """Each post's part of the cart as shipping weighs and prices it."""
    return [
        Consignment(
            group.post,
            sum(line.product.weight_g * line.quantity for line in group.lines),
            group.subtotal,
        )
        for group in summary.groups
    ]


def shipping_options(
    session: Session, summary: CartSummary, country: str,
    chosen: Mapping[int, int] | None = None,
) -> dict[int, list[ShippingOption]]:
    """Every post's options for the cart (or only the `chosen` ones, `options_for_posts`),
    in one query. Raises `UnknownCountry`."""
    return options_for_posts(session, consignments(summary), country, chosen)


def chosen_options(
    summary: CartSummary, options: Mapping[int, list[ShippingOption]], shipping: Mapping[int, int]
) -> dict[int, ShippingOption]:
    """The option the buyer chose for each post; `ShippingNeeded` names the posts whose
    choice is missing or not (any more) offered for this cart and country."""
    chosen: dict[int, ShippingOption] = {}
    missing: list[Post] = []
    for group in summary.groups:
        by_id = {option.method_id: option for option in options.get(group.post.id, [])}
        option = by_id.get(shipping.get(group.post.id, 0))
        if option is None:
            missing.append(group.post)
        else:
            chosen[group.post.id] = option
    if missing:
        raise ShippingNeeded(missing)
    return chosen


# --- the quote ----------------------------------------------------------------------------


def quote_covers(quote: Quote, currency: str, currencies: set[str]) -> bool:
    """Whether the quote prices `currencies` into `currency`."""
    needed = (currencies | {currency}) - {BASE_CURRENCY}
    return quote.currency == currency and needed <= set(quote.rates)


def usable_quote(
    session: Session,
    quote_id: int | None,
    visitor: Visitor,
    currency: str,
    currencies: set[str],
    now: datetime,
) -> Quote | None:
    """The quote of the checkout state, if it is this visitor's, still valid and prices this
    cart in this currency."""
    if quote_id is None:
        return None
    quote = session.get(Quote, quote_id)
    if quote is None or quote.visitor_id != visitor.id or quote.expires_at <= now:
        return None
    return quote if quote_covers(quote, currency, currencies) else None


def fresh_quote(
    session: Session,
    visitor: Visitor,
    currency: str,
    table: RateTable,
    currencies: set[str],
    spread_bps: int,
    now: datetime,
) -> Quote:
    """Lock today's rates for `QUOTE_MINUTES`. Raises `UnknownRate` for a currency
    without a rate."""
    minutes = int(current_app.config["QUOTE_MINUTES"])
    return lock_quote(session, visitor.id, currency, table, currencies, spread_bps, now, minutes)


# --- pricing the order to be ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PricedPost:
    """One post's part of the order as the buyer confirms it."""

    group: PostGroup
    option: ShippingOption
    #: The goods, the exact sum of the lines converted once each with the quote.
    goods_converted: Money
    shipping_converted: Money

    @property
    def post(self) -> Post:
        return self.group.post

    @property
    def subtotal(self) -> Money:
        """Goods and shipping in the post's currency: what the post is paid (before
        commission)."""
        return self.group.subtotal + self.option.price

    @property
    def subtotal_converted(self) -> Money:
        return self.goods_converted + self.shipping_converted


@dataclass(frozen=True, slots=True)
class CheckoutPricing:
    """The order to be placed, priced with a quote: every amount the review page shows."""

    quote: Quote
    summary: CartSummary
    posts: tuple[PricedPost, ...]
    goods: Money
    shipping: Money
    total: Money
    #: Changes whenever anything that priced the order changes (see module docstring).
    fingerprint: str
    #: Cart lines (or parts of lines) that cannot be bought now, left out of the order.
    left_out: tuple[SummaryLine, ...] = ()

    @property
    def currency(self) -> str:
        return self.quote.currency

    def total_for(self, method: PaymentMethod) -> Money:
        """The total the buyer pays by `method`, as `place_order` will place it: a card pays
        the total rounded to what Stripe can charge (1.234 KWD → 1.230), other ways the
        exact total."""
        return payable_total(self.total, method)

    @property
    def card_rounding(self) -> Money:
        """The card total's difference from the exact total (zero almost everywhere;
        -0.004 KWD for 1.234 KWD), shown on the review page before the buyer chooses."""
        return self.total_for(PaymentMethod.CARD) - self.total


def price_checkout(
    session: Session, cart: Cart | None, country: str, shipping: Mapping[int, int], quote: Quote
) -> CheckoutPricing:
    """Price the cart for `country` with the chosen shipping and the quote's rates, as
    `place_order` will. Raises `EmptyCart`, `PostNotSelling`, `ShippingNeeded` and
    `UnknownCountry`."""
    table = quote_table(quote)
    whole = cart_summary(session, cart, quote.currency, table, quote.spread_bps)
    summary = whole.buyable()
    if summary.is_empty:
        raise EmptyCart("nothing in the cart can be bought")
    for group in summary.groups:
        if not group.post.is_live:
            raise PostNotSelling(group.post)
    chosen = chosen_options(summary, shipping_options(session, summary, country, shipping),
                            shipping)
    posts = []
    for group in summary.groups:
        option = chosen[group.post.id]
        goods = money_sum(
            [table.convert(line.amount, quote.currency, quote.spread_bps) for line in group.lines],
            quote.currency,
        )
        posts.append(
            PricedPost(
                group=group,
                option=option,
                goods_converted=goods,
                shipping_converted=table.convert(option.price, quote.currency, quote.spread_bps),
            )
        )
    goods = money_sum((post.goods_converted for post in posts), quote.currency)
    shipping_total = money_sum((post.shipping_converted for post in posts), quote.currency)
    return CheckoutPricing(
        quote=quote,
        summary=summary,
        posts=tuple(posts),
        goods=goods,
        shipping=shipping_total,
        total=goods + shipping_total,
        fingerprint=_fingerprint(quote, country, posts),
        left_out=whole.unavailable_lines,
    )


def _fingerprint(quote: Quote, country: str, posts: list[PricedPost]) -> str:
    facts = [
        quote.id,
        quote.currency,
        country,
        [
            [
                post.post.id,
                post.option.method_id,
                post.option.price.amount,
                post.shipping_converted.amount,
                [
                    [line.product.id, line.quantity, line.amount.amount, line.amount.currency]
                    for line in post.group.lines
                ],
            ]
            for post in posts
        ],
    ]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


# --- placing --------------------------------------------------------------------------------


def order_request(
    state: CheckoutState,
    visitor: Visitor,
    buyer: Buyer | None,
    locale: str,
    method: PaymentMethod,
    placement_key: str,
    pricing: CheckoutPricing,
) -> OrderRequest:
    """The order as the buyer confirmed it: exactly the lines (and quantities) of `pricing`,
    whatever was added to the cart since."""
    return OrderRequest(
        visitor_id=visitor.id,
        buyer_id=buyer.id if buyer is not None else None,
        email=buyer.email if buyer is not None and not state.email else state.email,
        locale=locale,
        address=state.address,
        shipping=dict(state.shipping),
        payment_method=method,
        placement_key=placement_key,
        lines={line.line_id: line.quantity for line in pricing.summary.lines},
        priced_shipping={post.post.id: post.option for post in pricing.posts},
    )


def reservation(method: PaymentMethod) -> timedelta:
    """How long an unpaid order of this method holds its stock."""
    config = current_app.config
    if method is PaymentMethod.CARD:
        return timedelta(minutes=int(config["RESERVE_CARD_MINUTES"]))
    return timedelta(days=int(config["RESERVE_OFFLINE_DAYS"]))
