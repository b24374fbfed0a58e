"""Orders: what the buyer paid for once (`Order`), split into what each post ships and is
paid for (`PostOrder`), line by line (`OrderLine`).

Every amount is stored twice where it matters: in the post's currency (what it is paid,
before commission) and in the presentment currency the buyer paid in, converted with the
rates the order locked (`rates`), rounded once per line. Lines copy name, SKU and price, so
a later change to the catalogue never rewrites a past order."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.catalogue.models import Condition, ProductFormat
from mall.columns import (
    Translations,
    UTCDateTime,
    enum_column,
    in_same_post,
    money_attribute,
    translated,
    utcnow,
)
from mall.extensions import db
from mall.money import Money
from mall.posts.models import Post

if TYPE_CHECKING:
    from mall.shipping.models import ShippingMethod


class OrderStatus(enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    #: Not paid in time, or the payment failed: the stock went back on sale.
    CANCELLED = "cancelled"


class CancelReason(enum.Enum):
    """Why an unpaid order was cancelled: stored as a code, shown in the reader's language."""

    EXPIRED = "expired"
    BUYER = "buyer"
    CARD_DECLINED = "card_declined"


class PaymentMethod(enum.Enum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    COUNTER = "counter"


class PostOrderStatus(enum.Enum):
    AWAITING_PAYMENT = "awaiting_payment"
    #: Paid: the post can pack and ship.
    TO_SHIP = "to_ship"
    #: Picked and packed at the philatelic bureau, waiting for the carrier.
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Quote(db.Model):
    """Exchange rates locked for a buyer for a short time: the total they confirm is the
    total they pay, even if the rates move while they type their card number."""

    __tablename__ = "quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitor.id", ondelete="CASCADE"))
    #: ISO 4217 code the buyer pays in.
    currency: Mapped[str] = mapped_column(String(3))
    #: Units per euro, as decimal strings: {"UYU": "46.2", "EUR": "1"}.
    rates: Mapped[dict[str, str]] = mapped_column(JSON)
    spread_bps: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Order(db.Model):
    __tablename__ = "buyer_order"
    __table_args__ = (
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
        Index("ix_order_status_reserved", "status", "reserved_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random code shown to the buyer (`K7MPQ2ZA`); the Stripe transfer group.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    #: ISO 11649 reference for paying without a card (`RF13…`).
    payment_reference: Mapped[str] = mapped_column(String(25), unique=True)
    visitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("visitor.id", ondelete="SET NULL"), index=True
    )
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyer.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    #: The presentment currency: what the buyer pays in.
    currency: Mapped[str] = mapped_column(String(3))
    goods_minor: Mapped[int]
    shipping_minor: Mapped[int]
    #: Added to goods and shipping so that a card can pay the total: Stripe takes
    #: three-decimal currencies in steps of 10 (`mall.payments.stripe_units.card_total`), so
    #: 1.234 KWD is charged as 1.230 (rounding -4). Zero for other currencies and for payment
    #: without a card. No post's share: it is the operator's FX difference, so that
    #: total = Σ post orders' presentment totals + rounding, exactly.
    rounding_minor: Mapped[int] = mapped_column(default=0, server_default="0")
    #: goods + shipping + rounding: what the buyer pays, as shown before paying.
    total_minor: Mapped[int]
    #: The rates the order was priced with (copied from its quote), units per euro.
    rates: Mapped[dict[str, str]] = mapped_column(JSON)
    spread_bps: Mapped[int] = mapped_column(default=0)
    payment_method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod))
    status: Mapped[OrderStatus] = mapped_column(
        enum_column(OrderStatus), default=OrderStatus.PENDING_PAYMENT
    )
    #: The checkout form's one-time key: a double submit finds this order, not a new one.
    placement_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: The provider's payment id (a Stripe PaymentIntent) for card payments.
    payment_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    ship_name: Mapped[str] = mapped_column(String(120))
    ship_line1: Mapped[str] = mapped_column(String(200))
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_city: Mapped[str] = mapped_column(String(120))
    ship_postal_code: Mapped[str] = mapped_column(String(20), default="")
    ship_region: Mapped[str] = mapped_column(String(120), default="")
    ship_country: Mapped[str] = mapped_column(String(2))
    ship_phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Unpaid orders give their stock back after this moment.
    reserved_until: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[CancelReason | None] = mapped_column(enum_column(CancelReason))

    post_orders: Mapped[list[PostOrder]] = relationship(
        back_populates="order", order_by="PostOrder.id", cascade="all, delete-orphan"
    )

    total = money_attribute("total_minor")

    goods = money_attribute("goods_minor")

    shipping = money_attribute("shipping_minor")

    rounding = money_attribute("rounding_minor")


class PostOrder(db.Model):
    """One post's part of an order: it ships these lines and is paid for them."""

    __tablename__ = "post_order"
    #: The target of the composite key that keeps each line in its post order's post.
    __table_args__ = (UniqueConstraint("id", "post_id", name="uq_post_order_id_post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("buyer_order.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    #: The post's pricing currency; the amounts below without `presentment` are in it.
    currency: Mapped[str] = mapped_column(String(3))
    goods_minor: Mapped[int]
    shipping_minor: Mapped[int]
    #: The same amounts in the order's presentment currency, each converted once.
    goods_presentment_minor: Mapped[int]
    shipping_presentment_minor: Mapped[int]
    #: The operator's commission in basis points, frozen when the order was placed.
    commission_bps: Mapped[int]
    shipping_method_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipping_method.id", ondelete="SET NULL")
    )
    shipping_method_name: Mapped[Translations] = mapped_column(translated())
    status: Mapped[PostOrderStatus] = mapped_column(
        enum_column(PostOrderStatus), default=PostOrderStatus.AWAITING_PAYMENT
    )
    #: Set once, by one conditional update, when the shipping charge is refunded.
    shipping_refunded: Mapped[bool] = mapped_column(default=False, server_default="0")

    order: Mapped[Order] = relationship(back_populates="post_orders")
    post: Mapped[Post] = relationship()
    #: The method as the post defines it today (None once deleted): its kind and tracking.
    shipping_method: Mapped[ShippingMethod | None] = relationship()
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="post_order", order_by="OrderLine.id", cascade="all, delete-orphan"
    )

    goods = money_attribute("goods_minor")

    shipping = money_attribute("shipping_minor")

    @property
    def total(self) -> Money:
        return self.goods + self.shipping

    @property
    def presentment_total(self) -> Money:
        return Money(
            self.goods_presentment_minor + self.shipping_presentment_minor, self.order.currency
        )


class OrderLine(db.Model):
    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "refunded_quantity >= 0 AND refunded_quantity <= quantity",
            name="refunded_within_quantity",
        ),
        # A line belongs to its post order's post: the database refuses anything else.
        *in_same_post("order_line", "post_order_id", "post_order", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_order_id: Mapped[int] = mapped_column(index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(40))
    title: Mapped[Translations] = mapped_column(translated())
    format: Mapped[ProductFormat] = mapped_column(enum_column(ProductFormat))
    condition: Mapped[Condition] = mapped_column(enum_column(Condition))
    hs_code: Mapped[str] = mapped_column(String(4))
    weight_g: Mapped[int]
    quantity: Mapped[int]
    #: How many of `quantity` were refunded: raised by one conditional update per refund,
    #: which the database keeps within the quantity bought (no refund twice).
    refunded_quantity: Mapped[int] = mapped_column(default=0, server_default="0")
    unit_price_minor: Mapped[int]
    #: The post's currency.
    currency: Mapped[str] = mapped_column(String(3))
    #: `unit price × quantity` converted into the presentment currency, rounded once.
    amount_presentment_minor: Mapped[int]

    post_order: Mapped[PostOrder] = relationship(back_populates="lines")

    unit_price = money_attribute("unit_price_minor")

    @property
    def amount(self) -> Money:
        return self.unit_price * self.quantity
