"""Shipments and the tracking numbers a post issues for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, in_same_post, utcnow
from mall.extensions import db
from mall.orders.models import PostOrder
from mall.shipping.models import ShippingKind


class Shipment(db.Model):
    """How one post order left the post: the service, its S10 number (untracked letters
    have none), when, and who handed it over."""

    __tablename__ = "shipment"
    __table_args__ = (
        # A shipment stays in its post order's post: the database refuses anything else.
        *in_same_post("shipment", "post_order_id", "post_order", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_order_id: Mapped[int] = mapped_column(unique=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    kind: Mapped[ShippingKind] = mapped_column(enum_column(ShippingKind))
    #: The UPU S10 identifier, e.g. RA473124829UY.
    tracking_number: Mapped[str | None] = mapped_column(String(13), unique=True)
    shipped_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    shipped_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), index=True
    )
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    post_order: Mapped[PostOrder] = relationship(
        backref=db.backref("shipment", uselist=False, passive_deletes=True)
    )


class TrackingRange(db.Model):
    """A block of S10 serials the post was allotted for one service indicator ("RA"): numbers
    are issued from it in order, each once."""

    __tablename__ = "tracking_range"
    __table_args__ = (
        UniqueConstraint("post_id", "service"),
        CheckConstraint("next_serial >= 0 AND last_serial <= 99999999", name="serial_bounds"),
        CheckConstraint("length(service) = 2", name="service_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    service: Mapped[str] = mapped_column(String(2))
    #: The next serial to issue; the range is used up once it passes `last_serial`.
    next_serial: Mapped[int]
    last_serial: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def remaining(self) -> int:
        return max(0, self.last_serial - self.next_serial + 1)
