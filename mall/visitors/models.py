"""The server-side half of a browser's visit, shared by all the mall's hosts.

`.post` is a public suffix: `stamps.uy.post` and `stamps.post` cannot share a cookie. Each
host's own session therefore holds only the id of a `Visitor`, and the visitor holds what
must be the same everywhere: who is signed in, the cart, the display currency."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.accounts.models import Buyer
from mall.columns import UTCDateTime, utcnow
from mall.extensions import db


class Visitor(db.Model):
    __tablename__ = "visitor"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The signed-in buyer, valid only while `buyer_session_version` matches theirs.
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyer.id"), index=True)
    buyer_session_version: Mapped[int | None]
    #: When the sign-in lapses: longer with "remember me". Kept here, not in a cookie, so
    #: that every host agrees.
    signed_in_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The display currency the visitor chose (ISO 4217), if any.
    currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a sign-out ended this visit. Every host linked to it forgets it at its next
    #: request (see `is_over`), so the next person at that browser starts afresh.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Buyer | None] = relationship()

    def is_over(self, now: datetime) -> bool:
        """Whether the browser must forget this visit: it was signed out, or it carried a
        sign-in that has since ended (signed out elsewhere, a new password, lapsed). What
        the visit holds — guest orders, a cart, a checkout — may be the last buyer's."""
        if self.ended_at is not None:
            return True
        return self.buyer_id is not None and self.signed_in_buyer(now) is None

    def signed_in_buyer(self, now: datetime) -> Buyer | None:
        """The buyer, unless they have since signed out, changed their password, or the
        sign-in has lapsed."""
        buyer = self.buyer
        if buyer is None or buyer.session_version != self.buyer_session_version:
            return None
        if self.signed_in_until is None or self.signed_in_until <= now:
            return None
        return buyer


class LinkToken(db.Model):
    """A single-use pass that joins one host's session to a visitor known at the portal."""

    __tablename__ = "link_token"

    #: The random token id (`jti`) inside the signed token.
    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    #: The only host allowed to redeem it (`stamps.uy.post:5000`).
    host: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
