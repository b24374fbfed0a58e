"""What happens to a placed order: paid once, or cancelled once with its stock given back.

Each transition is one conditional update on the order's status, so a webhook delivered
three times, two operators clicking at once, or a cron run racing a buyer's page view all
change the order exactly once (invariant 4)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mall.catalogue.models import Product
from mall.catalogue.publishing import announce_restock
from mall.fulfilment.notifications import notify_posts_of_payment
from mall.ledger.bookings import book_sale
from mall.money import Money
from mall.orders.models import (
    CancelReason,
    Order,
    OrderLine,
    OrderStatus,
    PostOrder,
    PostOrderStatus,
)


class PaymentRefused(ValueError):
    """A recorded payment that does not settle the order; the reason is for the operator."""


class PaymentOutcome(enum.Enum):
    PAID = "paid"
    #: The same payment was recorded before: nothing changed.
    ALREADY_PAID = "already_paid"


def record_payment(session: Session, order: Order, amount: Money, now: datetime) -> PaymentOutcome:
    """Mark the order paid if `amount` settles it exactly, in its currency, and book the
    sale in the ledger in the same transaction."""
    if amount.currency != order.currency:
        raise PaymentRefused(
            f"paid in {amount.currency}, but order {order.code} is in {order.currency}"
        )
    if amount.amount != order.total_minor:
        raise PaymentRefused(
            f"paid {amount.to_decimal()} {amount.currency}, order {order.code} totals "
            f"{order.total.to_decimal()} {order.currency}"
        )
    changed = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.PENDING_PAYMENT)
        .values(status=OrderStatus.PAID, paid_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(order)
    if changed != 1:
        if order.status is OrderStatus.PAID:
            return PaymentOutcome.ALREADY_PAID
        reason = order.cancel_reason.value if order.cancel_reason else "no reason"
        raise PaymentRefused(f"order {order.code} was cancelled ({reason})")
    session.execute(
        update(PostOrder)
        .where(PostOrder.order_id == order.id)
        .values(status=PostOrderStatus.TO_SHIP)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(order, ["post_orders"])
    book_sale(session, order, now)
    notify_posts_of_payment(session, order)
    return PaymentOutcome.PAID


def cancel_order(session: Session, order: Order, reason: CancelReason, now: datetime) -> bool:
    """Cancel an unpaid order and put its stock back on sale; False if it was not unpaid."""
    changed = session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == OrderStatus.PENDING_PAYMENT)
        .values(status=OrderStatus.CANCELLED, cancelled_at=now, cancel_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return False
    lines = session.execute(
        select(OrderLine.product_id, OrderLine.quantity)
        .join(PostOrder, OrderLine.post_order_id == PostOrder.id)
        .where(PostOrder.order_id == order.id, OrderLine.product_id.is_not(None))
        .order_by(OrderLine.product_id)
    ).all()
    for product_id, quantity in lines:
        session.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock=Product.stock + quantity)
            .execution_options(synchronize_session=False)
        )
    announce_restock(session, [product_id for product_id, _quantity in lines])
    session.execute(
        update(PostOrder)
        .where(PostOrder.order_id == order.id)
        .values(status=PostOrderStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(order)
    return True
