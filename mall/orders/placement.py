"""Placing an order: lock the rates, take the stock, split the cart by post.

Stock is taken by locking the products' rows in product order (so that concurrent checkouts
queue rather than deadlock), then one conditional update for all of them (`stock = stock - q
WHERE stock >= q`), inside one savepoint with the order's rows: either the whole order exists
with its stock taken, or nothing happened. The checkout form's one-time key makes a double
submit find the first order. Placing is the busiest write of a release day, so the number
of statements it sends does not grow with the cart's lines or posts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Protocol

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

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
from mall.shipping.services import Consignment, ShippingOption, quote_options


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
    #: The options checkout priced from the database in this same transaction, {post id:
    #: option}: placed as they are when they fit the lines, rather than read again.
    priced_shipping: Mapping[int, ShippingOption] | None = None


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
    existing, code = _replay_or_code(session, request.placement_key)
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
                                 default_commission_bps, code)
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
    existing, code = _replay_or_code(session, request.placement_key)
    if existing is not None:
        return existing
    with session.begin_nested():
        _take_stock(session, lines)
        order = _build_order(session, lines, request, quote, now, reserve_for,
                             default_commission_bps, code)
        session.flush()
    return order


def _order_by_key(session: Session, key: str) -> Order | None:
    return session.scalar(select(Order).where(Order.placement_key == key))


def _replay_or_code(session: Session, key: str) -> tuple[Order | None, str]:
    """The order this key already placed (a replay), or else a code no order has yet: one
    look-up answers both."""
    while True:
        code = new_order_code()
        found = session.scalars(
            select(Order).where(or_(Order.placement_key == key, Order.code == code))
        ).all()
        replay = next((order for order in found if order.placement_key == key), None)
        if replay is not None or not found:
            return replay, code


def _cart_lines(session: Session, cart: Cart) -> list[CartLine]:
    """The cart's lines with their products, issues and posts, in one query."""
    return list(
        session.scalars(
            select(CartLine)
            .join(CartLine.product)
            .join(Product.issue)
            .join(Issue.post)
            .where(CartLine.cart_id == cart.id)
            .options(contains_eager(CartLine.product).contains_eager(Product.issue)
                     .contains_eager(Issue.post))
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
    """Lock the products' rows in id order (PostgreSQL: `FOR UPDATE`, so that two checkouts
    sharing products queue instead of deadlocking), check every line against the stock read,
    then take it all in one update that is still conditional: where rows are not locked
    (SQLite), a write in between makes it take less, and the shortage is reported."""
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.product_id] = wanted.get(line.product_id, 0) + line.quantity
    ids = sorted(wanted)
    left = dict(
        session.execute(
            select(Product.id, Product.stock)
            .where(Product.id.in_(ids))
            .order_by(Product.id)
            .with_for_update()
        ).all()
    )
    short = {product_id for product_id in ids if left.get(product_id, 0) < wanted[product_id]}
    if not short:
        quantity = case(wanted, value=Product.id)
        taken = set(
            session.scalars(
                update(Product)
                .where(Product.id.in_(ids), Product.stock >= quantity)
                .values(stock=Product.stock - quantity)
                .returning(Product.id)
                .execution_options(synchronize_session=False)
            )
        )
        if len(taken) == len(ids):
            return
        short = set(ids) - taken
        left = dict(
            session.execute(
                select(Product.id, Product.stock).where(Product.id.in_(short))
            ).all()
        )
    shortages, seen = [], set()
    for line in sorted(lines, key=lambda line: line.product_id):
        if line.product_id in short and line.product_id not in seen:
            seen.add(line.product_id)
            shortages.append(
                Shortage(line.product_id, line.product.sku, line.product.issue.title,
                         wanted[line.product_id], left.get(line.product_id) or 0)
            )
    raise OutOfStock(shortages)


def _build_order(
    session: Session,
    lines: Sequence[LineToPlace],
    request: OrderRequest,
    quote: Quote,
    now: datetime,
    reserve_for: timedelta,
    default_commission_bps: int,
    code: str,
) -> Order:
    table = quote_table(quote)
    currency = quote.currency
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
    by_post = [list(group) for _post_id, group in groupby(lines, key=lambda line: line.post_id)]
    options = _shipping(session, by_post, request)
    for post_lines in by_post:
        post = post_lines[0].product.issue.post
        order.post_orders.append(
            _post_order(post, post_lines, options[post.id], table, quote, default_commission_bps)
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


def _goods(post: Post, lines: Sequence[LineToPlace]) -> Money:
    return money_sum([line.product.price * line.quantity for line in lines], post.currency)


def _shipping(
    session: Session, by_post: list[list[LineToPlace]], request: OrderRequest
) -> dict[int, ShippingOption]:
    """Each post's chosen shipping: as checkout priced it in this transaction where that
    fits, the others priced again from the database, all at once. Raises
    `MissingShipping` for a post without a choice, `ShippingUnavailable` for a choice that
    does not ship this parcel there."""
    choices = []
    for post_lines in by_post:
        post = post_lines[0].product.issue.post
        method_id = request.shipping.get(post.id)
        if method_id is None:
            raise MissingShipping(post)
        weight = sum(line.product.weight_g * line.quantity for line in post_lines)
        choices.append((Consignment(post, weight, _goods(post, post_lines)), method_id))
    priced = request.priced_shipping or {}
    options = {part.post.id: priced[part.post.id] for part, method_id in choices
               if _fits(priced.get(part.post.id), part, method_id)}
    unpriced = [(part, method_id) for part, method_id in choices if part.post.id not in options]
    if unpriced:
        options.update(quote_options(session, unpriced, request.address.country))
    return options


def _fits(option: ShippingOption | None, part: Consignment, method_id: int) -> bool:
    """Whether checkout's option is the one `quote_options` would give for this part: the
    chosen method of this post, priced for this weight and (free shipping) subtotal."""
    return (
        option is not None
        and option.method_id == method_id
        and option.method.post_id == part.post.id
        and option.shipped_weight_g == part.weight_g + option.method.packaging_weight_g
        and option.free == (option.free_over is not None
                            and option.free_over <= part.goods_subtotal)
    )


def _post_order(
    post: Post,
    lines: list[LineToPlace],
    option: ShippingOption,
    table: RateTable,
    quote: Quote,
    default_commission_bps: int,
) -> PostOrder:
    goods = _goods(post, lines)
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
        shipping_method_id=option.method_id,
        shipping_method_name=dict(option.method.name),
        lines=order_lines,
    )
