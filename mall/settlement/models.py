"""What settlement keeps beside the ledger: how each post is paid, its statements, the
payouts made against them, refunds, and money at the desk that matched no order."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, in_same_post, money_attribute, utcnow
from mall.extensions import db
from mall.money import Money
from mall.operator.models import StaffMember
from mall.orders.models import Order, OrderLine, PostOrder
from mall.posts.models import Post


class PayoutMethod(enum.Enum):
    #: A Stripe Transfer to the post's connected account, where Stripe Connect serves it.
    STRIPE = "stripe"
    BANK_TRANSFER = "bank_transfer"
    #: Through the UPU's clearing between designated operators.
    UPU_CLEARING = "upu_clearing"


class PayoutAccount(db.Model):
    """How one post is paid. Bank details are the post's to keep up to date; the
    operator connects its Stripe account."""

    __tablename__ = "payout_account"

    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), primary_key=True)
    method: Mapped[PayoutMethod] = mapped_column(
        enum_column(PayoutMethod), default=PayoutMethod.UPU_CLEARING
    )
    stripe_account_id: Mapped[str | None] = mapped_column(String(64))
    account_holder: Mapped[str] = mapped_column(String(140), default="")
    #: The IBAN where the post's country has them, else the bank's account number; compact
    #: and upper case ("NL91ABNA0417164300"), validated with schwifty (`mall.settlement.bank`).
    account_number: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    post: Mapped[Post] = relationship()


class StatementStatus(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    PAID = "paid"


class Statement(db.Model):
    """What the operator owes one post for one month, read off the post's payable.

    Amounts are in the post's currency, positive as a person reads them: net = gross −
    refunds − commission + adjustments."""

    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("post_id", "period", name="uq_statement_post_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    #: The first day of the month settled.
    period: Mapped[date] = mapped_column(Date())
    currency: Mapped[str] = mapped_column(String(3))
    orders: Mapped[int] = mapped_column(default=0)
    gross_minor: Mapped[int] = mapped_column(default=0)
    refunds_minor: Mapped[int] = mapped_column(default=0)
    #: Commission charged less commission given back on refunds.
    commission_minor: Mapped[int] = mapped_column(default=0)
    adjustments_minor: Mapped[int] = mapped_column(default=0)
    net_minor: Mapped[int] = mapped_column(default=0)
    status: Mapped[StatementStatus] = mapped_column(
        enum_column(StatementStatus), default=StatementStatus.DRAFT
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post: Mapped[Post] = relationship()
    approved_by: Mapped[StaffMember | None] = relationship()
    payouts: Mapped[list[Payout]] = relationship(
        back_populates="statement", order_by="Payout.id"
    )

    gross = money_attribute("gross_minor")
    refunds = money_attribute("refunds_minor")
    commission = money_attribute("commission_minor")
    adjustments = money_attribute("adjustments_minor")
    net = money_attribute("net_minor")


class PayoutStatus(enum.Enum):
    #: Asked of Stripe, answer not yet in.
    PENDING = "pending"
    SENT = "sent"
    #: Did not go: the money stays owed; `failure` says why.
    FAILED = "failed"


class Payout(db.Model):
    """Money sent to a post against a statement: one bank transfer or clearing entry for
    the statement, or one Stripe Transfer per post order (tied to the order's charge)."""

    __tablename__ = "payout"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="payout_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    post_order_id: Mapped[int | None] = mapped_column(ForeignKey("post_order.id"), index=True)
    method: Mapped[PayoutMethod] = mapped_column(enum_column(PayoutMethod))
    #: Unique: the Stripe idempotency key ("transfer:post-order:42"), or the statement's.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PayoutStatus] = mapped_column(
        enum_column(PayoutStatus), default=PayoutStatus.PENDING
    )
    #: The Stripe transfer id, the bank's reference, or the UPU clearing reference.
    reference: Mapped[str] = mapped_column(String(120), default="")
    #: For bank transfers, the account paid, as it was that day.
    account_number: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    amount_reversed_minor: Mapped[int] = mapped_column(default=0)
    failure: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    statement: Mapped[Statement] = relationship(back_populates="payouts")
    post_order: Mapped[PostOrder | None] = relationship()
    created_by: Mapped[StaffMember | None] = relationship()

    amount = money_attribute("amount_minor")


class RefundStatus(enum.Enum):
    #: Decided and booked; the money has not left yet.
    PENDING = "pending"
    DONE = "done"
    #: Stripe refused: the buyer is still owed the money, `failure` says why.
    FAILED = "failed"


class Refund(db.Model):
    """Money given back for part or all of one post order."""

    __tablename__ = "refund"
    __table_args__ = (
        *in_same_post("refund", "post_order_id", "post_order"),
        CheckConstraint("gross_minor > 0", name="refund_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The form's one-time key: a replayed form finds this refund instead of making another.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("buyer_order.id"), index=True)
    post_order_id: Mapped[int] = mapped_column(index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    #: In the post's currency: what the post gives back, and the commission it gets back.
    currency: Mapped[str] = mapped_column(String(3))
    gross_minor: Mapped[int]
    commission_minor: Mapped[int]
    shipping_minor: Mapped[int] = mapped_column(default=0)
    #: What the buyer is owed, in the order's currency, and what their card got back (card
    #: refunds step in 10 fils in three-decimal currencies).
    presentment_currency: Mapped[str] = mapped_column(String(3))
    presentment_minor: Mapped[int]
    paid_minor: Mapped[int] = mapped_column(default=0)
    restock: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[RefundStatus] = mapped_column(
        enum_column(RefundStatus), default=RefundStatus.PENDING
    )
    #: The Stripe refund id, or the bank transfer's reference.
    reference: Mapped[str] = mapped_column(String(120), default="")
    failure: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    order: Mapped[Order] = relationship()
    post_order: Mapped[PostOrder] = relationship()
    created_by: Mapped[StaffMember] = relationship()
    lines: Mapped[list[RefundLine]] = relationship(
        back_populates="refund", order_by="RefundLine.id", cascade="all, delete-orphan"
    )

    gross = money_attribute("gross_minor")
    commission = money_attribute("commission_minor")

    @property
    def presentment(self) -> Money:
        return Money(self.presentment_minor, self.presentment_currency)

    @property
    def paid(self) -> Money:
        return Money(self.paid_minor, self.presentment_currency)


class RefundLine(db.Model):
    __tablename__ = "refund_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="refund_quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refund.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    quantity: Mapped[int]
    amount_minor: Mapped[int]
    presentment_minor: Mapped[int]

    refund: Mapped[Refund] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class DeskReason(enum.Enum):
    SHORT = "short"
    OVER = "over"
    OTHER_CURRENCY = "other_currency"


class DeskItemStatus(enum.Enum):
    OPEN = "open"
    #: The buyer was asked for the rest; their next payment joins this one.
    AWAITING_REST = "awaiting_rest"
    RESOLVED = "resolved"


class DeskResolution(enum.Enum):
    #: A shortfall accepted as bank charges: the order is paid, the operator bears it.
    ACCEPTED_SHORT = "accepted_short"
    #: The rest arrived: the order is paid in full.
    COMPLETED = "completed"
    #: The order is paid and the excess went back to the buyer.
    EXCESS_REFUNDED = "excess_refunded"
    #: Everything went back to whoever paid it.
    RETURNED = "returned"


class SuspenseItem(db.Model):
    """Money that arrived for an order and does not settle it: held in the ledger's
    suspense account until the operator decides."""

    __tablename__ = "suspense_item"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="suspense_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("buyer_order.id"), index=True)
    #: Everything received so far for this item (several payments when the rest came).
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[DeskReason] = mapped_column(enum_column(DeskReason))
    status: Mapped[DeskItemStatus] = mapped_column(
        enum_column(DeskItemStatus), default=DeskItemStatus.OPEN
    )
    resolution: Mapped[DeskResolution | None] = mapped_column(enum_column(DeskResolution))
    note: Mapped[str] = mapped_column(String(500), default="")
    received_on: Mapped[date] = mapped_column(Date())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))

    order: Mapped[Order] = relationship()
    recorded_by: Mapped[StaffMember] = relationship(foreign_keys=[recorded_by_id])

    amount = money_attribute("amount_minor")
