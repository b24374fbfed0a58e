"""A collector's standing orders, what each did for each issue, and their stored card."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.accounts.models import Address, Buyer
from mall.catalogue.models import Condition, Issue, Theme
from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db
from mall.money import Money
from mall.orders.models import Order, PaymentMethod
from mall.posts.models import Post


class StandingStatus(enum.Enum):
    ACTIVE = "active"
    #: Kept, but new issues pass it by until it is resumed.
    PAUSED = "paused"
    #: Ended by the collector; kept for the orders it placed.
    CANCELLED = "cancelled"


class PlacementOutcome(enum.Enum):
    """What a standing order did for an issue (one row each: the unique key)."""

    PLACED = "placed"
    #: Nothing of the issue in the chosen formats and condition: no mail.
    NOTHING_MATCHING = "nothing_matching"
    SOLD_OUT = "sold_out"
    OVER_BUDGET = "over_budget"
    #: The saved address was deleted, or the post does not ship there.
    NO_DELIVERY = "no_delivery"
    #: Paid by card, but no card is stored any more.
    NO_CARD = "no_card"


class StandingOrder(db.Model):
    __tablename__ = "standing_order"
    __table_args__ = (
        CheckConstraint("(post_id IS NULL) <> (theme_id IS NULL)", name="one_scope"),
        CheckConstraint("quantity BETWEEN 1 AND 20", name="quantity_range"),
        CheckConstraint(
            "max_per_issue_minor IS NOT NULL OR max_per_month_minor IS NOT NULL",
            name="has_budget",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"), index=True)
    #: Every new issue of this post… (exactly one of post and theme)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    #: …or every new issue with this theme, whichever post publishes it.
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )
    #: How many of each matching product.
    quantity: Mapped[int]
    #: `ProductFormat` values collected, e.g. ["single", "first_day_cover"].
    formats: Mapped[list[str]] = mapped_column(JSON)
    condition: Mapped[Condition] = mapped_column(enum_column(Condition))
    #: The collector's currency: the orders are placed and the budget is kept in it.
    currency: Mapped[str] = mapped_column(String(3))
    #: The most one issue's order may cost, shipping included (minor units), if set.
    max_per_issue_minor: Mapped[int | None]
    #: The most this standing order may spend in one calendar month (UTC), if set.
    max_per_month_minor: Mapped[int | None]
    #: CARD (the stored card, off-session) or BANK_TRANSFER (by reference).
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    #: Where the stamps go; None once the collector deleted that address.
    address_id: Mapped[int | None] = mapped_column(
        ForeignKey("address.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[StandingStatus] = mapped_column(
        enum_column(StandingStatus), default=StandingStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The "new standing order" form's one-time key: the same form posted twice makes one.
    creation_key: Mapped[str] = mapped_column(String(64), unique=True)

    buyer: Mapped[Buyer] = relationship()
    post: Mapped[Post | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    address: Mapped[Address | None] = relationship()

    @property
    def max_per_issue(self) -> Money | None:
        if self.max_per_issue_minor is None:
            return None
        return Money(self.max_per_issue_minor, self.currency)

    @property
    def max_per_month(self) -> Money | None:
        if self.max_per_month_minor is None:
            return None
        return Money(self.max_per_month_minor, self.currency)


class StandingPlacement(db.Model):
    """What one standing order did for one issue. The unique key is what makes an issue
    announced twice, or a task run twice, place one order."""

    __tablename__ = "standing_placement"
    __table_args__ = (UniqueConstraint("standing_order_id", "issue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(
        ForeignKey("standing_order.id", ondelete="CASCADE")
    )
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[PlacementOutcome] = mapped_column(enum_column(PlacementOutcome))
    #: The order placed (PLACED only); kept when the standing order goes.
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyer_order.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    standing_order: Mapped[StandingOrder] = relationship()
    issue: Mapped[Issue] = relationship()
    order: Mapped[Order | None] = relationship()


class StoredCard(db.Model):
    """The card a collector saved for standing orders: Stripe holds it (a PaymentMethod
    attached to a Customer); the mall keeps only the ids and what the page shows."""

    __tablename__ = "stored_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("buyer.id", ondelete="CASCADE"), unique=True
    )
    customer_id: Mapped[str] = mapped_column(String(255))
    payment_method_id: Mapped[str] = mapped_column(String(255))
    brand: Mapped[str] = mapped_column(String(20), default="")
    last4: Mapped[str] = mapped_column(String(4), default="")
    exp_month: Mapped[int] = mapped_column(default=0)
    exp_year: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
