"""Placing an order: lock the rates, take the stock, split the cart by post.

Stock is taken with one conditional update per line (`stock = stock - q WHERE stock >= q`),
in product order so that concurrent checkouts never deadlock, inside one savepoint with the
order's rows: either the whole order exists with its stock taken, or nothing happened. The
checkout form's one-time key makes a double submit find the first order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Protocol

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mall.cart.models import Cart, CartLine
from mall.catalogue.models import Issue, Product
from mall.money import Money, money_sum
from mall.orders.models import (
    Order,
    OrderLine,
    PaymentMethod,
    PostOrder,
    Quote,
)
from mall.orders.references import new_order_code, payment_reference
from mall.payments.stripe_units import card_total, is_supported
from mall.posts.models import Post, PostStatus
from mall.rates.conversion import RateTable
from mall.rates.records import BASE_CURRENCY
from mall.shipping.services import quote_option


class PlacementError(Exception):
    """The order cannot be placed; `str(error)` is not for buyers — views word it."""


class EmptyCart(PlacementError):
    pass


class QuoteExpired(PlacementError):
    pass


class CartChanged(PlacementError):
    """A reviewed line left the cart or shrank while the order was being placed."""


class PostNotSelling(PlacementError):
    def __init__(self, post: Post) -> None:
        super().__init__(f"post {post.code} is not live")
        self.post = post


class MissingShipping(PlacementError):
    def __init__(self, post: Post) -> None:
        super().__init__(f"no shipping method chosen for post {post.code}")
        self.post = post


@dataclass(frozen=True, slots=True)
class Shortage:
    product_id: int
    sku: str
    title: dict[str, str]
    wanted: int
    left: int


class OutOfStock(PlacementError):
    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__(", ".join(f"{s.sku}: {s.wanted} wanted, {s.left} left" for s in shortages))
        self.shortages = shortages


class LineToPlace(Protocol):
    """A product and how many of it: a cart line, or a standing order's pick of an issue."""

    @property
    def product(self) -> Product: ...
    @property
    def product_id(self) -> int: ...
    @property
    def post_id(self) -> int: ...
    @property
    def quantity(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    name: str
    line1: str
    city: str
    country: str
    line2: str = ""
    postal_code: str = ""
    region: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """Everything the buyer decided at checkout."""

    #: The visit that checked out; None for an order placed without one (a standing order).
    visitor_id: int | None
    buyer_id: int | None
    email: str
    locale: str
    address: ShippingAddress
    #: The shipping method chosen for each post in the cart: {post id: method id}.
    shipping: Mapping[int, int]
    payment_method: PaymentMethod
    #: The checkout form's one-time key.
    placement_key: str
    #: What the buyer reviewed: {cart line id: quantity}. Only these are placed, and only
    #: they leave the cart; None places the whole cart as it is.
    lines: Mapping[int, int] | None = None


def lock_quote(
    session: Session,
    visitor_id: int,
    currency: str,
    table: RateTable,
    currencies: set[str],
    spread_bps: int,
    now: datetime,
    minutes: int,
) -> Quote:
    """Fix the rates of `currencies` (and the presentment currency) for `minutes`."""
    quote = rates_now(table, currency, currencies, spread_bps, now)
    quote.visitor_id = visitor_id
    quote.expires_at = now + timedelta(minutes=minutes)
    session.add(quote)
    session.flush()
    return quote


def rates_now(
    table: RateTable, currency: str, currencies: set[str], spread_bps: int, now: datetime
) -> Quote:
    """Today's rates of `currencies` (and the presentment currency) as a quote that is not
    stored: what an order placed without a review (a standing order's) records as its rates.
    Raises `UnknownRate` for a currency without a rate."""
    needed = (currencies | {currency}) - {BASE_CURRENCY}
    return Quote(
        currency=currency,
        rates={code: str(table.per_eur(code)) for code in sorted(needed)},
        spread_bps=spread_bps,
        created_at=now,
        expires_at=now,
    )


def quote_table(quote: Quote) -> RateTable:
    """The rate table a quote locked, exactly as it was."""
    return RateTable.from_rates(quote.rates, quote.created_at.date())


def place_order(
    session: Session,
    cart: Cart,
    request: OrderRequest,
    quote: Quote,
    now: datetime,
    reserve_for: timedelta,
    default_commission_bps: int,
) -> Order:
    """Create the order and its post orders from the cart, taking the stock; the cart is
    emptied. Raises a `PlacementError` (and changes nothing) when it cannot."""
    existing = _order_by_key(session, request.placement_key)
    if existing is not None:
        return existing
    if quote.expires_at <= now:
        raise QuoteExpired(f"quote {quote.id} expired at {quote.expires_at}")
    lines = _cart_lines(session, cart)
    remaining: dict[int, int] = {}
    if request.lines is not None:
        lines, remaining = _reviewed(lines, request.lines)
    if not lines:
        raise EmptyCart("the cart is empty")
    for line in lines:
        if line.product.issue.post.status is not PostStatus.LIVE:
            raise PostNotSelling(line.product.issue.post)
    try:
        with session.begin_nested():
            _take_stock(session, lines)
            order = _build_order(session, lines, request, quote, now, reserve_for,
                                 default_commission_bps)
            _leave_cart(session, cart, lines, remaining)
            session.flush()
    except IntegrityError:
        # Another request placed the same checkout form first: that order is the answer.
        existing = _order_by_key(session, request.placement_key)
        if existing is None:
            raise
        return existing
    return order


def place_lines(
    session: Session,
    lines: Sequence[LineToPlace],
    request: OrderRequest,
    quote: Quote,
    now: datetime,
    reserve_for: timedelta,
    default_commission_bps: int,
) -> Order:
    """Create an order of `lines` (sorted by post and product) that no cart holds — a
    standing order's — taking the stock as `place_order` does, in one savepoint. Raises
    `OutOfStock` (and changes nothing) when a line's stock is short."""
    existing = _order_by_key(session, request.placement_key)
    if existing is not None:
        return existing
    with session.begin_nested():
        _take_stock(session, lines)
        order = _build_order(session, lines, request, quote, now, reserve_for,
                             default_commission_bps)
        session.flush()
    return order


def _order_by_key(session: Session, key: str) -> Order | None:
    return session.scalar(select(Order).where(Order.placement_key == key))


def _cart_lines(session: Session, cart: Cart) -> list[CartLine]:
    return list(
        session.scalars(
            select(CartLine)
            .where(CartLine.cart_id == cart.id)
            .options(
                selectinload(CartLine.product).selectinload(Product.issue).joinedload(Issue.post)
            )
            .order_by(CartLine.post_id, CartLine.product_id)
        )
    )


def _reviewed(
    lines: list[CartLine], reviewed: Mapping[int, int]
) -> tuple[list[CartLine], dict[int, int]]:
    """The cart lines the buyer reviewed, each set to the quantity reviewed (the ORM objects
    are changed in the session, then settled by `_leave_cart`), with what is left of each
    in the cart afterwards. A line added meanwhile is not among them; a reviewed line that
    vanished or shrank means the review no longer holds."""
    by_id = {line.id: line for line in lines}
    chosen, remaining = [], {}
    for line_id, quantity in reviewed.items():
        line = by_id.get(line_id)
        if line is None or line.quantity < quantity or quantity < 1:
            raise CartChanged(f"cart line {line_id} is not as reviewed")
        remaining[line.id] = line.quantity - quantity
        line.quantity = quantity
        chosen.append(line)
    chosen.sort(key=lambda line: (line.post_id, line.product_id))
    return chosen, remaining


def _leave_cart(
    session: Session, cart: Cart, placed: list[CartLine], remaining: dict[int, int]
) -> None:
    """Take what was placed out of the cart, and nothing else."""
    if not remaining:  # the whole cart was placed
        session.execute(delete(CartLine).where(CartLine.cart_id == cart.id))
        return
    for line in placed:
        left = remaining[line.id]
        if left:
            line.quantity = left
        else:
            session.delete(line)


def _take_stock(session: Session, lines: Sequence[LineToPlace]) -> None:
    shortages = []
    for line in sorted(lines, key=lambda line: line.product_id):
        taken = session.execute(
            update(Product)
            .where(Product.id == line.product_id, Product.stock >= line.quantity)
            .values(stock=Product.stock - line.quantity)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            left = session.scalar(select(Product.stock).where(Product.id == line.product_id))
            shortages.append(
                Shortage(line.product_id, line.product.sku, line.product.issue.title,
                         line.quantity, left or 0)
            )
    if shortages:
        raise OutOfStock(shortages)


def _build_order(
    session: Session,
    lines: Sequence[LineToPlace],
    request: OrderRequest,
    quote: Quote,
    now: datetime,
    reserve_for: timedelta,
    default_commission_bps: int,
) -> Order:
    table = quote_table(quote)
    currency = quote.currency
    code = new_order_code()
    while session.scalar(select(Order.id).where(Order.code == code)) is not None:
        code = new_order_code()
    address = request.address
    order = Order(
        code=code,
        payment_reference=payment_reference(code),
        visitor_id=request.visitor_id,
        buyer_id=request.buyer_id,
        email=request.email,
        locale=request.locale,
        currency=currency,
        rates=dict(quote.rates),
        spread_bps=quote.spread_bps,
        payment_method=request.payment_method,
        placement_key=request.placement_key,
        ship_name=address.name,
        ship_line1=address.line1,
        ship_line2=address.line2,
        ship_city=address.city,
        ship_postal_code=address.postal_code,
        ship_region=address.region,
        ship_country=address.country,
        ship_phone=address.phone,
        created_at=now,
        reserved_until=now + reserve_for,
    )
    for _post_id, group in groupby(lines, key=lambda line: line.post_id):
        post_lines = list(group)
        post = post_lines[0].product.issue.post
        order.post_orders.append(
            _post_order(session, post, post_lines, request, table, quote, default_commission_bps)
        )
    order.goods_minor = money_sum(
        [Money(po.goods_presentment_minor, currency) for po in order.post_orders], currency
    ).amount
    order.shipping_minor = money_sum(
        [Money(po.shipping_presentment_minor, currency) for po in order.post_orders], currency
    ).amount
    subtotal = Money(order.goods_minor + order.shipping_minor, currency)
    order.rounding_minor = (payable_total(subtotal, request.payment_method) - subtotal).amount
    order.total_minor = subtotal.amount + order.rounding_minor
    session.add(order)
    return order


def payable_total(subtotal: Money, method: PaymentMethod) -> Money:
    """What the buyer pays for goods and shipping of `subtotal` by `method`: a card pays the
    nearest amount Stripe can charge (`card_total`: 1.234 KWD → 1.230), any other way pays
    `subtotal` exactly. Checkout shows this before the buyer pays; the order is placed at it."""
    if method is PaymentMethod.CARD and is_supported(subtotal.currency):
        return card_total(subtotal)
    return subtotal


def _post_order(
    session: Session,
    post: Post,
    lines: list[LineToPlace],
    request: OrderRequest,
    table: RateTable,
    quote: Quote,
    default_commission_bps: int,
) -> PostOrder:
    method_id = request.shipping.get(post.id)
    if method_id is None:
        raise MissingShipping(post)
    goods = money_sum([line.product.price * line.quantity for line in lines], post.currency)
    weight = sum(line.product.weight_g * line.quantity for line in lines)
    option = quote_option(session, method_id, post.id, request.address.country, weight, goods)
    shipping = option.price
    order_lines = [
        OrderLine(
            post_id=post.id,
            product_id=line.product_id,
            sku=line.product.sku,
            title=dict(line.product.issue.title),
            format=line.product.format,
            condition=line.product.condition,
            hs_code=line.product.hs_code,
            weight_g=line.product.weight_g,
            quantity=line.quantity,
            unit_price_minor=line.product.price_minor,
            currency=line.product.currency,
            amount_presentment_minor=table.convert(
                line.product.price * line.quantity, quote.currency, quote.spread_bps
            ).amount,
        )
        for line in lines
    ]
    return PostOrder(
        post_id=post.id,
        currency=post.currency,
        goods_minor=goods.amount,
        shipping_minor=shipping.amount,
        goods_presentment_minor=sum(line.amount_presentment_minor for line in order_lines),
        shipping_presentment_minor=table.convert(
            shipping, quote.currency, quote.spread_bps
        ).amount,
        commission_bps=post.commission_bps
        if post.commission_bps is not None
        else default_commission_bps,
        shipping_method_id=method_id,
        shipping_method_name=dict(option.method.name),
        lines=order_lines,
    )
