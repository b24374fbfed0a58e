"""A buyer's orders, for the privacy package (`mall.privacy`).

Orders are kept after an erasure: accounting law keeps sales records for years (ten in
the Netherlands and France, six in the UK), and the ledger's entries point at them. What
is kept is what the books need — amounts, currencies, rates, lines, dates, the destination
country (it decides tax and customs) — and nothing that names the buyer: their name,
address, phone and email are replaced, and the order no longer belongs to an account or
a visit. An order still to be paid or shipped needs its address, so an account holding
one cannot be erased until it is shipped (or cancelled)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, selectinload

from mall.accounts.models import Buyer
from mall.orders.models import Order, OrderStatus, PostOrder, PostOrderStatus
from mall.privacy.registry import ErasureRefused, PersonalData, Tables, row

#: What an erased order says instead of the buyer's email (`.invalid` is never delivered).
ERASED_EMAIL = "erased@erased.invalid"
#: What it says instead of the buyer's name.
ERASED_NAME = "—"

ORDER_FIELDS = (
    "code", "created_at", "status", "payment_method", "payment_reference", "currency",
    "goods_minor", "shipping_minor", "rounding_minor", "total_minor", "email", "locale",
    "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_postal_code", "ship_region",
    "ship_country", "ship_phone", "paid_at", "cancelled_at", "cancel_reason",
)
LINE_FIELDS = (
    "sku", "title", "format", "condition", "quantity", "refunded_quantity",
    "unit_price_minor", "currency", "amount_presentment_minor",
)
#: A post order in one of these still needs the address on its envelope.
TO_BE_SHIPPED = (PostOrderStatus.AWAITING_PAYMENT, PostOrderStatus.TO_SHIP, PostOrderStatus.PACKED)


def export_orders(session: Session, buyer: Buyer) -> Tables:
    orders = session.scalars(
        select(Order)
        .where(Order.buyer_id == buyer.id)
        .options(selectinload(Order.post_orders).selectinload(PostOrder.lines),
                 selectinload(Order.post_orders).joinedload(PostOrder.post))
        .order_by(Order.created_at, Order.id)
    ).all()
    lines = [
        row(line, LINE_FIELDS, order=order.code, post=post_order.post.code,
            post_order_status=post_order.status, shipping_method=post_order.shipping_method_name)
        for order in orders
        for post_order in order.post_orders
        for line in post_order.lines
    ]
    return {"orders": [row(order, ORDER_FIELDS) for order in orders], "order_lines": lines}


def erase_orders(session: Session, buyer: Buyer, now: datetime) -> None:
    """Anonymise the buyer's orders; refuse (before changing anything) while one is still
    to be paid or shipped."""
    open_orders = session.scalars(
        select(Order.code)
        .where(
            Order.buyer_id == buyer.id,
            (Order.status == OrderStatus.PENDING_PAYMENT)
            | exists().where(
                PostOrder.order_id == Order.id, PostOrder.status.in_(TO_BE_SHIPPED)
            ),
        )
        .order_by(Order.id)
    ).all()
    if open_orders:
        raise ErasureRefused(_(
            "Your orders %(codes)s are not shipped yet, and the posts need your address for "
            "them. Please wait until they are shipped (or cancel an unpaid one), then try "
            "again.", codes=", ".join(open_orders)))
    session.execute(
        update(Order)
        .where(Order.buyer_id == buyer.id)
        .values(
            buyer_id=None, visitor_id=None, email=ERASED_EMAIL, ship_name=ERASED_NAME,
            ship_line1="", ship_line2="", ship_city="", ship_postal_code="", ship_region="",
            ship_phone="",
        )
        .execution_options(synchronize_session="fetch")
    )


ORDERS = PersonalData(
    name="orders", tables=("buyer_order", "post_order", "order_line"), export=export_orders,
    erase=erase_orders,
)
