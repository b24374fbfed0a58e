"""What the payments feature stores: the webhook events already handled.

A provider delivers each event at least once, and again whenever our answer was lost or slow;
recording the event id with a unique constraint lets exactly one delivery act (invariant 4).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mall.columns import UTCDateTime, utcnow
from mall.extensions import db


class ProcessedEvent(db.Model):
    """One provider event (a Stripe `evt_…`) that the mall has acted on."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The provider's `PaymentProvider.name` ("stripe"): event ids are unique per provider.
    provider: Mapped[str] = mapped_column(String(32))
    #: The provider's event id.
    event_id: Mapped[str] = mapped_column(String(255))
    #: The event type (`payment_intent.succeeded`), for the operator's audit view.
    type: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
