"""Cart operations. Each takes a session and plain values, validates everything before its
first write, `flush()`es and never commits: the request (or a CLI command) commits once.

Quantities are capped by the product's stock when they are put in the cart, so the buyer
learns early how many there are; the stock itself is only taken at checkout."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from mall.accounts.models import Buyer
from mall.cart.models import AppliedCartForm, Cart, CartLine
from mall.cart.summary import CartSummary, summarise
from mall.catalogue.models import Issue, Product
from mall.columns import utcnow
from mall.database import insert_new
from mall.orders.models import Order
from mall.posts.models import Post, PostStatus
from mall.rates.conversion import RateTable
from mall.visitors.models import Visitor

#: How long the key of an applied add-to-cart form is remembered: far longer than anyone
#: takes to press the button twice or to reload a page.
FORM_KEY_LIFETIME = timedelta(days=1)

_T = TypeVar("_T")


class CartError(Exception):
    """Something the buyer asked of the cart that cannot be done; nothing was changed."""


class ProductUnavailable(CartError):
    """No such product, or its post is not (or no longer) selling."""


class SoldOut(CartError):
    """The product has no stock left."""

    def __init__(self, product: Product) -> None:
        super().__init__(f"product {product.id} is sold out")
        self.product = product


class LineNotFound(CartError):
    """No such line in this cart (it was removed, or it is someone else's)."""


@dataclass(frozen=True, slots=True)
class CartChange:
    """What a change did, for the message the buyer reads."""

    product: Product
    #: How many of the product the cart holds now.
    quantity: int
    #: How many the buyer asked the cart to hold (before the stock cap).
    requested: int
    #: The same form had already been applied: nothing changed this time.
    replayed: bool = False

    @property
    def capped(self) -> bool:
        return self.quantity < self.requested


# --- finding the cart ---------------------------------------------------------------------


def _owned_by(visitor: Visitor, buyer: Buyer | None) -> ColumnElement[bool]:
    """A signed-in buyer's cart is theirs on every browser; otherwise the visitor's."""
    return Cart.buyer_id == buyer.id if buyer is not None else Cart.visitor_id == visitor.id


def find_cart(
    session: Session, visitor: Visitor, buyer: Buyer | None, *, holding_lines: bool = False
) -> Cart | None:
    """The cart of the buyer (if signed in) or of the visitor, if there is one yet; with
    `holding_lines`, only if it holds a line (checkout's question, in the same query)."""
    statement = select(Cart).where(_owned_by(visitor, buyer))
    if holding_lines:
        statement = statement.where(select(CartLine.id).where(CartLine.cart_id == Cart.id).exists())
    return session.scalar(statement)


def cart_for(session: Session, visitor: Visitor, buyer: Buyer | None) -> Cart:
    """The buyer's (if signed in) or the visitor's cart, created when first needed."""
    cart = find_cart(session, visitor, buyer)
    if cart is not None:
        return cart
    owner = {"buyer_id": buyer.id} if buyer is not None else {"visitor_id": visitor.id}
    cart, _made = _insert_or_get(session, Cart, owner, select(Cart).filter_by(**owner))
    return cart


def cart_item_count(session: Session, visitor: Visitor, buyer: Buyer | None) -> int:
    """How many items (not lines) the cart holds, in one query; 0 without a cart."""
    total = session.scalar(
        select(func.coalesce(func.sum(CartLine.quantity), 0))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(_owned_by(visitor, buyer))
    )
    return int(total or 0)


# --- changing it --------------------------------------------------------------------------


def sellable_product(session: Session, product_id: int, post_id: int | None = None) -> Product:
    """The product with its issue and post (one query), if its issue is published and its
    post live; with `post_id`,
    only that post's products count (a storefront sells its own)."""
    query = (
        select(Product)
        .join(Product.issue)
        .join(Issue.post)
        .where(
            Product.id == product_id,
            Post.status == PostStatus.LIVE,
            Issue.published_at.is_not(None),
        )
        .options(contains_eager(Product.issue).contains_eager(Issue.post))
    )
    if post_id is not None:
        query = query.where(Product.post_id == post_id)
    product = session.scalar(query)
    if product is None:
        raise ProductUnavailable(f"product {product_id} is not for sale")
    return product


def add_to_cart(
    session: Session,
    cart: Cart,
    product_id: int,
    quantity: int,
    *,
    key: str | None = None,
    post_id: int | None = None,
) -> CartChange:
    """Add `quantity` of a product, capped at its stock. With the `key` of the form that
    asked, a second post of the same form changes nothing (`replayed`).

    The line is read locked (PostgreSQL; SQLite's writers take turns anyway): two adds of
    one product at once, from two tabs, each add to what the other left, instead of both
    writing what they read before the other's add."""
    _check_quantity(quantity)
    product = sellable_product(session, product_id, post_id)
    held_line = (
        select(CartLine)
        .where(CartLine.cart_id == cart.id, CartLine.product_id == product.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    line = session.scalar(held_line)
    held = line.quantity if line is not None else 0
    if product.stock <= 0:
        raise SoldOut(product)
    if key is not None and not _claim_form_key(session, cart, key):
        return CartChange(product, held, held, replayed=True)
    requested = held + quantity
    if line is None:
        line, made = _insert_or_get(
            session, CartLine,
            {"cart_id": cart.id, "product_id": product.id, "post_id": product.post_id,
             "quantity": min(requested, product.stock)},
            held_line,
        )
        if not made:  # the same product, added by a concurrent request
            requested = line.quantity + quantity
    new_quantity = min(requested, product.stock)
    line.quantity = new_quantity
    cart.updated_at = utcnow()
    session.flush()
    return CartChange(product, new_quantity, requested)


def set_quantity(session: Session, cart: Cart, line_id: int, quantity: int) -> CartChange:
    """Make the line hold `quantity` (at most the stock). Setting, not adding: posting the
    same form twice leaves the same cart."""
    _check_quantity(quantity)
    line = _line(session, cart, line_id)
    product = line.product
    if not product.issue.post.is_live:
        raise ProductUnavailable(f"product {product.id} is no longer for sale")
    if product.stock <= 0:
        raise SoldOut(product)
    line.quantity = min(quantity, product.stock)
    cart.updated_at = utcnow()
    session.flush()
    return CartChange(product, line.quantity, quantity)


def remove_line(session: Session, cart: Cart, line_id: int) -> Product:
    """Take a line out of the cart; returns its product, for the message."""
    line = _line(session, cart, line_id)
    product = line.product
    session.delete(line)
    cart.updated_at = utcnow()
    session.flush()
    return product


def merge_on_sign_in(session: Session, visitor: Visitor, buyer: Buyer) -> Cart | None:
    """Called by sign-in: what the visitor put in the cart anonymously joins the buyer's
    cart (quantities added, capped by stock), and from then on this visitor uses the buyer's
    cart on every host. Without a buyer's cart yet, the visitor's becomes it.

    Also keeps the currency the visitor chose on the account, if the account has none.

    The buyer's cart is read locked: the same buyer signing in on two browsers at once
    merges one after the other (PostgreSQL), each adding to what the other left; and when
    both would hand their cart over, the second finds the first's and merges into it."""
    if visitor.currency and not buyer.preferred_currency:
        buyer.preferred_currency = visitor.currency
    anonymous = find_cart(session, visitor, None)
    if anonymous is None:
        return find_cart(session, visitor, buyer)
    locked = _buyer_cart(buyer)
    target = session.scalar(locked)
    if target is None:
        try:
            with session.begin_nested():
                anonymous.visitor_id = None
                anonymous.buyer_id = buyer.id
                anonymous.updated_at = utcnow()
            return anonymous
        except IntegrityError:  # handed over elsewhere at this moment: merge into that one
            target = session.scalars(locked).one()
    lines = session.scalars(
        select(CartLine)
        .where(CartLine.cart_id.in_([anonymous.id, target.id]))
        .options(contains_eager(CartLine.product))
        .join(CartLine.product)
    ).all()
    kept = {line.product_id: line for line in lines if line.cart_id == target.id}
    for line in lines:
        if line.cart_id != anonymous.id:
            continue
        stock = line.product.stock
        existing = kept.get(line.product_id)
        if stock <= 0:
            continue  # sold out meanwhile: the buyer's own line, if any, stays as it was
        if existing is not None:
            existing.quantity = min(existing.quantity + line.quantity, stock)
        else:
            session.add(
                CartLine(
                    cart_id=target.id, product_id=line.product_id, post_id=line.post_id,
                    quantity=min(line.quantity, stock), added_at=line.added_at,
                )
            )
    session.execute(
        update(AppliedCartForm)
        .where(AppliedCartForm.cart_id == anonymous.id)
        .values(cart_id=target.id)
    )
    session.delete(anonymous)
    target.updated_at = utcnow()
    session.flush()
    return target


def _buyer_cart(buyer: Buyer) -> Select[tuple[Cart]]:
    """The buyer's cart, read locked (and afresh, should the session hold it already)."""
    return (
        select(Cart).where(Cart.buyer_id == buyer.id)
        .with_for_update().execution_options(populate_existing=True)
    )


# --- reading it ---------------------------------------------------------------------------


def cart_summary(
    session: Session,
    cart: Cart | None,
    display_currency: str,
    rate_table: RateTable,
    spread_bps: int = 0,
) -> CartSummary:
    """The cart priced for the buyer, grouped by post (see `summarise`), in one query
    whatever the number of lines and posts."""
    if cart is None:
        return summarise([], display_currency, rate_table, spread_bps)
    rows = session.execute(
        select(CartLine, Product)
        .join(Product, Product.id == CartLine.product_id)
        .join(Product.issue)
        .join(Issue.post)
        .where(CartLine.cart_id == cart.id)
        .options(contains_eager(Product.issue).contains_eager(Issue.post))
        .order_by(Post.code, CartLine.id)
    ).all()
    return summarise(
        [(line, product, product.issue.post) for line, product in rows],
        display_currency,
        rate_table,
        spread_bps,
    )


# --- helpers ------------------------------------------------------------------------------


def _check_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"a quantity is a whole number of at least 1, not {quantity!r}")


def _line(session: Session, cart: Cart, line_id: int) -> CartLine:
    line = session.scalar(
        select(CartLine)
        .join(CartLine.product)
        .join(Product.issue)
        .join(Issue.post)
        .where(CartLine.id == line_id, CartLine.cart_id == cart.id)
        .options(contains_eager(CartLine.product, Product.issue, Issue.post))
    )
    if line is None:
        raise LineNotFound(f"line {line_id} is not in cart {cart.id}")
    return line


def _claim_form_key(session: Session, cart: Cart, key: str) -> bool:
    """Record that the form with `key` was applied; False if it already was."""
    now = utcnow()
    session.execute(
        delete(AppliedCartForm).where(
            AppliedCartForm.cart_id == cart.id,
            AppliedCartForm.applied_at < now - FORM_KEY_LIFETIME,
        )
    )
    # A key taken already (the same form, posted before or at this moment by another
    # request) inserts nothing.
    claimed = session.scalar(
        insert_new(session, AppliedCartForm)
        .values(key=key, cart_id=cart.id, applied_at=now)
        .returning(AppliedCartForm.key)
    )
    return claimed is not None


def _insert_or_get(
    session: Session, model: type[_T], values: dict[str, object], existing: Select[tuple[_T]],
) -> tuple[_T, bool]:
    """The row of `model` with `values`, inserted, and True; or, when a concurrent request
    inserted the row with the same unique key first, theirs (`existing`) and False. One
    statement when the row is new (`insert_new`), and the transaction goes on either way."""
    made = session.scalar(insert_new(session, model).values(**values).returning(model))
    if made is not None:
        return made, True
    return session.scalars(existing).one(), False


def restore_cart(session: Session, order: Order, visitor: Visitor, buyer: Buyer | None) -> int:
    """Put a cancelled order's items back into the buyer's cart (as far as they are still
    for sale and in stock), so that choosing another way to pay costs no re-typing.
    Returns how many lines came back."""
    cart = cart_for(session, visitor, buyer)
    restored = 0
    for post_order in order.post_orders:
        for line in post_order.lines:
            if line.product_id is None:
                continue
            with contextlib.suppress(CartError):
                add_to_cart(session, cart, line.product_id, line.quantity)
                restored += 1
    return restored
