"""The philatelic catalogue: issues (stamp releases), the products they are sold as, themes
and the collections a post arranges them in."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from mall.catalogue.wns import parse_wns
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
from mall.posts.models import Post


class ProductFormat(enum.Enum):
    SINGLE = "single"
    SET = "set"
    SOUVENIR_SHEET = "souvenir_sheet"
    SHEETLET = "sheetlet"
    FIRST_DAY_COVER = "first_day_cover"
    BOOKLET = "booklet"
    PRESENTATION_PACK = "presentation_pack"


class Condition(enum.Enum):
    MINT = "mint"
    USED = "used"
    CTO = "cto"  # cancelled to order


class HSCode(enum.Enum):
    """Customs tariff headings for what posts sell."""

    MINT_STAMPS = "4907"  # unused stamps of current or new issue
    COLLECTORS_PIECES = "9704"  # used stamps, first day covers, collectors' pieces


issue_theme = Table(
    "issue_theme",
    db.Model.metadata,
    Column("issue_id", ForeignKey("issue.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)

#: A collection's issues. `post_id` ties both to one post: the database refuses a collection
#: holding another post's issue (the relationship copies it from both sides).
collection_issue = Table(
    "collection_issue",
    db.Model.metadata,
    Column("collection_id", primary_key=True),
    Column("issue_id", primary_key=True),
    Column("post_id", nullable=False, index=True),
    *in_same_post("collection_issue", "collection_id", "collection", ondelete="CASCADE"),
    *in_same_post("collection_issue", "issue_id", "issue", ondelete="CASCADE"),
)


class Theme(db.Model):
    """A subject shared across posts (birds, football, carnival) for cross-post search."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[Translations] = mapped_column(translated())


class Issue(db.Model):
    """A stamp release, as announced by the post on its issue date."""

    __tablename__ = "issue"
    __table_args__ = (
        UniqueConstraint("post_id", "slug"),
        Index("ix_issue_post_date", "post_id", "issue_date"),
        Index("ix_issue_date", "issue_date"),
        # The target of composite foreign keys that keep products and collections in the
        # issue's post (tenancy, invariant 3).
        UniqueConstraint("id", "post_id", name="uq_issue_id_post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[Translations] = mapped_column(translated())
    description: Mapped[Translations] = mapped_column(translated(), default=dict)
    issue_date: Mapped[date]
    #: WNS numbers of the stamps in the issue, e.g. ["UY003.18", "UY004.18"].
    wns_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    designer: Mapped[str] = mapped_column(String(200), default="")
    printer: Mapped[str] = mapped_column(String(200), default="")
    process: Mapped[str] = mapped_column(String(80), default="")
    perforation: Mapped[str] = mapped_column(String(40), default="")
    print_run: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When the post put it on sale; None while it is a draft in the back office. Buyers,
    #: search and the cart see published issues only.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The picture the post uploaded (see mall.media), shown instead of the drawn artwork.
    image_key: Mapped[str | None] = mapped_column(String(32))

    post: Mapped[Post] = relationship(lazy="joined", innerjoin=True)
    themes: Mapped[list[Theme]] = relationship(secondary=issue_theme, order_by=Theme.slug)
    products: Mapped[list[Product]] = relationship(
        back_populates="issue", order_by="Product.position", cascade="all, delete-orphan"
    )

    @validates("wns_numbers")
    def _normalise_wns(self, _key: str, numbers: list[str]) -> list[str]:
        return [str(parse_wns(number)) for number in numbers]

    @property
    def year(self) -> int:
        return self.issue_date.year

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Product(db.Model):
    """What a buyer puts in the cart: one format of an issue, in one condition."""

    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("post_id", "sku"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("hs_code in ('4907', '9704')", name="hs_code_known"),
        # A product belongs to its issue's post: the database refuses anything else.
        *in_same_post("product", "issue_id", "issue", ondelete="CASCADE"),
        # The target of the composite key that keeps stock movements in the product's post.
        UniqueConstraint("id", "post_id", name="uq_product_id_post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Denormalised from the issue so tenancy checks and settlement need no join.
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    issue_id: Mapped[int] = mapped_column(index=True)
    sku: Mapped[str] = mapped_column(String(40))
    format: Mapped[ProductFormat] = mapped_column(enum_column(ProductFormat))
    condition: Mapped[Condition] = mapped_column(enum_column(Condition), default=Condition.MINT)
    #: Face value(s) as printed on the stamps ("$15", "2 × €0,91").
    face_value: Mapped[str] = mapped_column(String(80), default="")
    #: Price in minor units of `currency`, which is always the post's pricing currency.
    price_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    stock: Mapped[int] = mapped_column(default=0)
    weight_g: Mapped[int] = mapped_column(default=5)
    hs_code: Mapped[str] = mapped_column(String(4), default=HSCode.MINT_STAMPS.value)
    position: Mapped[int] = mapped_column(default=0)

    issue: Mapped[Issue] = relationship(back_populates="products")

    price = money_attribute("price_minor")



class Collection(db.Model):
    """A post's own arrangement of issues (fauna, national painters, the year's issues)."""

    __tablename__ = "collection"
    __table_args__ = (
        UniqueConstraint("post_id", "slug"),
        UniqueConstraint("id", "post_id", name="uq_collection_id_post_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120))
    name: Mapped[Translations] = mapped_column(translated())
    description: Mapped[Translations] = mapped_column(translated(), default=dict)
    position: Mapped[int] = mapped_column(default=0)

    issues: Mapped[list[Issue]] = relationship(
        secondary=collection_issue, order_by=Issue.issue_date.desc()
    )


@event.listens_for(Issue, "before_insert")
@event.listens_for(Issue, "before_update")
def _wns_belong_to_post(_mapper: object, _connection: object, issue: Issue) -> None:
    """A post registers WNS numbers only for its own country: checked once the issue's post
    is known, whatever order the attributes were set in."""
    country = issue.post.code if issue.post is not None else None
    for number in issue.wns_numbers or []:
        parse_wns(number, country)


class StockReason(enum.Enum):
    """Why a post changed a product's stock by hand (sales take and give back stock by
    themselves, through orders)."""

    RECEIVED = "received"
    DAMAGED = "damaged"
    CORRECTION = "correction"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class StockMovement(db.Model):
    """One change of a product's stock by the post's staff: the history a stocktake checks."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        *in_same_post("stock_movement", "product_id", "product", ondelete="CASCADE"),
        Index("ix_stock_movement_product_at", "product_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int]
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    delta: Mapped[int]
    #: The stock after this movement, as the conditional update left it.
    stock_after: Mapped[int]
    reason: Mapped[StockReason] = mapped_column(enum_column(StockReason))
    note: Mapped[str] = mapped_column(String(300), default="")
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
