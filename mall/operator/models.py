"""The operator's side: staff accounts (the mall operator's, and next the posts' back-office
staff), and the payments the operator recorded for orders paid without a card.

Staff are not buyers: another table, another sign-in, another key in the host session (see
`mall.operator.auth`). A buyer account never becomes a staff account by any link or
upgrade, so nothing a buyer can do — on any host — reaches the operator's desk."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, money_attribute, utcnow
from mall.extensions import db
from mall.orders.models import Order
from mall.posts.models import Post


class StaffRole(enum.Enum):
    #: The mall operator (the UPU side): payments, onboarding, settlement. No post.
    OPERATOR = "operator"
    #: A post's back office (`stamps.<cc>.post/manage`): everything of that one post.
    POST_MANAGER = "post_manager"
    #: A post's counter staff: that post's orders and shipments.
    POST_CLERK = "post_clerk"


class StaffMember(db.Model):
    __tablename__ = "staff_member"
    __table_args__ = (
        # Post roles belong to exactly one post; the operator belongs to none (tenancy,
        # invariant 3, starts here: a post role without a post would see no one's data or
        # everyone's).
        CheckConstraint(
            "(role = 'operator' AND post_id IS NULL)"
            " OR (role <> 'operator' AND post_id IS NOT NULL)",
            name="post_for_post_roles",
        ),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that sign-in is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: An argon2id hash in PHC format, made by `mall.accounts.passwords`.
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    #: The post a post role works for; None for the operator.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    #: A deactivated member keeps their name on what they recorded but cannot sign in.
    active: Mapped[bool] = mapped_column(default=True)
    #: Raised on sign-out and password change: every staff session carrying an older value
    #: ends at its next request.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post: Mapped[Post | None] = relationship()

    @property
    def is_operator(self) -> bool:
        return self.active and self.role is StaffRole.OPERATOR

    def __repr__(self) -> str:
        return f"<StaffMember {self.email} {self.role.value}>"


class PaymentChannel(enum.Enum):
    BANK_TRANSFER = "bank_transfer"
    COUNTER = "counter"


class ReceivedPayment(db.Model):
    """Money the operator saw arrive for an order (a bank statement line, a counter
    receipt), as it was recorded: the evidence behind the sale the ledger books. One per
    order: a second recording of the same money is refused (invariant 4); the posts paid are
    reachable through `order.post_orders`."""

    __tablename__ = "received_payment"
    __table_args__ = (CheckConstraint("amount_minor > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("buyer_order.id"), unique=True)
    #: What arrived, in minor units of `currency` (equal to the order's total: anything
    #: else is refused before a row is written).
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    channel: Mapped[PaymentChannel] = mapped_column(enum_column(PaymentChannel))
    #: The day the bank or the counter received the money, as the statement says.
    received_on: Mapped[date] = mapped_column(Date())
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship()
    recorded_by: Mapped[StaffMember] = relationship()

    amount = money_attribute("amount_minor")
