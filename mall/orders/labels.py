"""Names buyers and the operator read for order states, translatable."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString

from mall.i18n import lazy_translate as _l
from mall.orders.models import CancelReason, OrderStatus, PaymentMethod, PostOrderStatus

CANCEL_REASONS: dict[CancelReason, LazyString] = {
    CancelReason.EXPIRED: _l("not paid before its reservation ran out"),
    CancelReason.BUYER: _l("cancelled by the buyer"),
    CancelReason.CARD_DECLINED: _l("the card was declined too many times"),
}


def cancel_reason_label(reason: CancelReason | None) -> str:
    return str(CANCEL_REASONS[reason]) if reason is not None else str(_l("no reason given"))

STATUS_LABELS: dict[enum.Enum, LazyString] = {
    OrderStatus.PENDING_PAYMENT: _l("Awaiting payment"),
    OrderStatus.PAID: _l("Paid"),
    OrderStatus.CANCELLED: _l("Cancelled"),
    PostOrderStatus.AWAITING_PAYMENT: _l("Awaiting payment"),
    PostOrderStatus.TO_SHIP: _l("Paid — being packed"),
    PostOrderStatus.PACKED: _l("Packed — ready to ship"),
    PostOrderStatus.SHIPPED: _l("Shipped"),
    PostOrderStatus.DELIVERED: _l("Delivered"),
    PostOrderStatus.CANCELLED: _l("Cancelled"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer"),
    PaymentMethod.COUNTER: _l("At a post office counter"),
}


def order_label(member: enum.Enum) -> str:
    """What a buyer reads for an order's, a post order's or a payment method's value."""
    return str(STATUS_LABELS[member])
