"""Follows and the alerts they have caused."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.catalogue.models import Product
from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db


class FollowKind(enum.Enum):
    POST = "post"
    THEME = "theme"
    COLLECTION = "collection"


class Frequency(enum.Enum):
    IMMEDIATELY = "immediately"
    DAILY = "daily"


class Follow(db.Model):
    """A collector's wish to hear of new issues of one post, theme or collection.

    The target is a kind and an id rather than three foreign keys: one unique constraint
    then keeps a double click from following twice. A theme or collection deleted later
    leaves a follow that matches nothing and is not listed."""

    __tablename__ = "follow"
    __table_args__ = (UniqueConstraint("buyer_id", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FollowKind] = mapped_column(enum_column(FollowKind))
    target_id: Mapped[int]
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency),
                                                 default=Frequency.IMMEDIATELY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertDelivery(db.Model):
    """One collector told (or to be told, in the next digest) of one issue: the unique
    constraint is what makes an issue announced twice, or a task retried, mail once."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("buyer_id", "issue_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issue.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: None while it waits for the daily digest.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class WantedProduct(db.Model):
    """A product on a collector's want list, mailed about once when it is back in stock;
    asking again ("Tell me when it is back" on a product sold out once more) re-arms it."""

    __tablename__ = "wanted_product"
    __table_args__ = (UniqueConstraint("buyer_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the back-in-stock mail went; None while the collector waits.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    product: Mapped[Product] = relationship()
