"""A post's shipping methods and their rates, by destination zone and weight band."""

from __future__ import annotations

import enum

from flask_babel.speaklater import LazyString
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import Translations, enum_column, in_same_post, translated
from mall.extensions import db
from mall.i18n import lazy_translate as _l
from mall.money import Money
from mall.shipping.zones import Zone


class ShippingKind(enum.Enum):
    """The UPU's families of postal items: what the post does with the envelope, and
    whether it carries an S10 tracking number (R…, C…, E…) once shipped."""

    LETTER = "letter"
    REGISTERED_LETTER = "registered_letter"
    PARCEL = "parcel"
    EMS = "ems"

    @property
    def tracked(self) -> bool:
        return self is not ShippingKind.LETTER

    @property
    def label(self) -> LazyString:
        return KIND_LABELS[self]


KIND_LABELS = {
    ShippingKind.LETTER: _l("Ordinary letter"),
    ShippingKind.REGISTERED_LETTER: _l("Registered letter"),
    ShippingKind.PARCEL: _l("Parcel"),
    ShippingKind.EMS: _l("EMS (express)"),
}


#: What the envelope or box weighs when a method does not say: a C5 envelope with a card
#: stiffener for letters, a small corrugated box for parcels, EMS's padded bag. Rates are
#: chosen on goods plus packaging, because that is what the counter weighs.
DEFAULT_PACKAGING_G: dict[ShippingKind, int] = {
    ShippingKind.LETTER: 20,
    ShippingKind.REGISTERED_LETTER: 20,
    ShippingKind.PARCEL: 150,
    ShippingKind.EMS: 100,
}


class ShippingMethod(db.Model):
    """One way a post sends its part of an order ("Registered letter", "EMS")."""

    __tablename__ = "shipping_method"
    __table_args__ = (
        UniqueConstraint("post_id", "slug"),
        # The target of the rates' (method, post) foreign key, which keeps every rate in
        # the same post as its method.
        UniqueConstraint("id", "post_id", name="uq_shipping_method_id_post_id"),
        CheckConstraint("length(currency) = 3", name="currency_length"),
        CheckConstraint(
            "free_over_minor IS NULL OR free_over_minor >= 0", name="free_over_not_negative"
        ),
        CheckConstraint("packaging_g IS NULL OR packaging_g >= 0", name="packaging_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint on (post_id, slug).
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    #: Stable key within the post ("registered", "ems"), for upserts and URLs.
    slug: Mapped[str] = mapped_column(String(40))
    kind: Mapped[ShippingKind] = mapped_column(enum_column(ShippingKind))
    #: What the buyer reads, per locale: {"es": "Carta certificada", "en": "Registered letter"}.
    name: Mapped[Translations] = mapped_column(translated())
    #: A line under the name ("Signed for on delivery"), per locale.
    description: Mapped[Translations] = mapped_column(translated(), default=dict)
    #: Carries an S10 tracking number; follows the kind unless the post says otherwise.
    tracked: Mapped[bool]
    #: The post's pricing currency, in which the rates and the threshold below are written.
    currency: Mapped[str] = mapped_column(String(3))
    #: Free when the post order's goods subtotal reaches this (minor units); None: never.
    free_over_minor: Mapped[int | None]
    #: Envelope or box weight added to the goods; None means DEFAULT_PACKAGING_G[kind].
    packaging_g: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    rates: Mapped[list[ShippingRate]] = relationship(
        back_populates="method",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: [ShippingRate.zone, ShippingRate.max_weight_g],
    )

    def __init__(self, **values: object) -> None:
        kind = values.get("kind")
        if "tracked" not in values and isinstance(kind, ShippingKind):
            values["tracked"] = kind.tracked
        super().__init__(**values)

    @property
    def free_over(self) -> Money | None:
        if self.free_over_minor is None:
            return None
        return Money(self.free_over_minor, self.currency)

    @property
    def packaging_weight_g(self) -> int:
        return DEFAULT_PACKAGING_G[self.kind] if self.packaging_g is None else self.packaging_g

    def __repr__(self) -> str:
        return f"<ShippingMethod {self.slug} of post {self.post_id}>"


class ShippingRate(db.Model):
    """The price of one method to one zone for items up to `max_weight_g` (a weight band:
    the band that applies is the cheapest one the item fits in)."""

    __tablename__ = "shipping_rate"
    __table_args__ = (
        UniqueConstraint("method_id", "zone", "max_weight_g"),
        *in_same_post("shipping_rate", "method_id", "shipping_method", ondelete="CASCADE"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("max_weight_g > 0", name="weight_positive"),
        CheckConstraint(
            "(min_days IS NULL AND max_days IS NULL) OR (min_days IS NOT NULL"
            " AND max_days IS NOT NULL AND min_days >= 0 AND max_days >= min_days)",
            name="days_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique constraint on (method_id, zone, max_weight_g).
    method_id: Mapped[int]
    #: Copied from the method (and held to it by the foreign key): tenancy checks need no join.
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    zone: Mapped[Zone] = mapped_column(enum_column(Zone))
    max_weight_g: Mapped[int]
    #: In minor units of the method's currency (the post's).
    price_minor: Mapped[int]
    #: Working days from dispatch to delivery, as the post announces them; None: unknown.
    min_days: Mapped[int | None]
    max_days: Mapped[int | None]

    method: Mapped[ShippingMethod] = relationship(back_populates="rates")

    def __repr__(self) -> str:
        return f"<ShippingRate {self.zone.value} ≤{self.max_weight_g} g {self.price_minor}>"
