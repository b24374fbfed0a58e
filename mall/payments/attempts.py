"""What the card flow keeps of card payments: one row per PaymentIntent made for an order.

A declined intent cannot always be confirmed again (localstripe refuses it; Stripe.js would
retry it, but a fresh intent is the same everywhere), so each new try is a new intent with
its own idempotency key (`order-<code>:intent-<attempt>`). The rows count the declines that
cancel an order, find the order behind any of its intents when a webhook arrives late, and
hold the failure message the buyer reads on their next page view."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db
from mall.orders.models import Order


class AttemptStatus(enum.Enum):
    #: Created, waiting for the buyer's card.
    OPEN = "open"
    SUCCEEDED = "succeeded"
    #: The card was refused: a next try needs a new intent.
    DECLINED = "declined"
    #: Abandoned (the order was cancelled).
    CANCELED = "canceled"


class PaymentAttempt(db.Model):
    """One PaymentIntent of an order; the order's `payment_id` is its latest."""

    __tablename__ = "payment_attempt"
    __table_args__ = (UniqueConstraint("order_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint on (order_id, attempt).
    order_id: Mapped[int] = mapped_column(ForeignKey("buyer_order.id", ondelete="CASCADE"))
    #: 1, 2, 3…: part of the idempotency key of every request about this intent.
    attempt: Mapped[int]
    #: The provider's id (`pi_…`).
    payment_id: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[AttemptStatus] = mapped_column(
        enum_column(AttemptStatus), default=AttemptStatus.OPEN
    )
    #: Why the card was refused, in the provider's words for buyers.
    failure_message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship()

    @property
    def idempotency_key(self) -> str:
        return attempt_key(self.order.code, self.attempt)


def attempt_key(order_code: str, attempt: int) -> str:
    """The idempotency key of the intent of `attempt`; requests about it add a suffix."""
    return f"order-{order_code}:intent-{attempt}"
