"""The cart and its lines, on the server: `.post` hosts share no cookie, so the one thing
every host can agree on is a row that the visitor (or, once signed in, the buyer) owns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.catalogue.models import Product
from mall.columns import UTCDateTime, utcnow
from mall.extensions import db


class Cart(db.Model):
    """Belongs to a visitor while anonymous and to a buyer once signed in (never both):
    a buyer has one cart, whatever the number of browsers and hosts they use."""

    __tablename__ = "cart"
    __table_args__ = (
        UniqueConstraint("visitor_id"),
        UniqueConstraint("buyer_id"),
        CheckConstraint(
            "(visitor_id IS NULL AND buyer_id IS NOT NULL)"
            " OR (visitor_id IS NOT NULL AND buyer_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The anonymous owner; cleared when the cart passes to a buyer at sign-in.
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CartLine.id",
    )


class CartLine(db.Model):
    """A product and how many of it; at most one line per product in a cart."""

    __tablename__ = "cart_line"
    __table_args__ = (
        UniqueConstraint("cart_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint on (cart_id, product_id).
    cart_id: Mapped[int] = mapped_column(ForeignKey("cart.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the product: lines are grouped, and later settled, per post.
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    quantity: Mapped[int]
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class AppliedCartForm(db.Model):
    """An add-to-cart form post already applied to a cart, by the random key the form
    carried: posting the same form again (double click, reload, back-and-resubmit) changes
    nothing the second time. Keys older than a day are pruned as new ones arrive."""

    __tablename__ = "applied_cart_form"
    __table_args__ = (Index("ix_applied_cart_form_cart_applied", "cart_id", "applied_at"),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("cart.id", ondelete="CASCADE"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
