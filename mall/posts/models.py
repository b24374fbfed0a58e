"""A national post: the seller behind one storefront."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Connection, ForeignKey, Select, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from mall.columns import Translations, UTCDateTime, enum_column, translated, utcnow
from mall.extensions import db


class PostStatus(enum.Enum):
    """Onboarding, from the .POST registration process: application, authentication
    (verification by the operator), registration (live storefront)."""

    APPLIED = "applied"
    VERIFIED = "verified"
    LIVE = "live"
    SUSPENDED = "suspended"


class Post(db.Model):
    __tablename__ = "post"
    __table_args__ = (
        CheckConstraint("length(code) = 2", name="code_length"),
        CheckConstraint("length(currency) = 3", name="currency_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO 3166 alpha-2, lower case, as in the host name `stamps.<code>.post`.
    code: Mapped[str] = mapped_column(String(2), unique=True)
    #: The organisation's name, in English and in its own languages.
    name: Mapped[Translations] = mapped_column(translated())
    #: The storefront's title ("Tienda Filatélica").
    shop_name: Mapped[Translations] = mapped_column(translated())
    tagline: Mapped[Translations] = mapped_column(translated(), default=dict)
    country_name: Mapped[Translations] = mapped_column(translated())
    #: The storefront's default language; `locales` lists every language it publishes in.
    default_locale: Mapped[str] = mapped_column(String(8))
    locales: Mapped[list[str]] = mapped_column(JSON)
    #: ISO 4217 code of the prices in this storefront.
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PostStatus] = mapped_column(enum_column(PostStatus), default=PostStatus.APPLIED)
    #: The .POST Community ID issued by the operator at verification.
    community_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Commission in basis points; None means the operator's default.
    commission_bps: Mapped[int | None]
    primary_color: Mapped[str] = mapped_column(String(7), default="#1d3557")
    accent_color: Mapped[str] = mapped_column(String(7), default="#e9c46a")
    #: The post's own logo (see mall.media); without one, an emblem drawn in its colours.
    logo_key: Mapped[str | None] = mapped_column(String(32))
    #: Contact details shown on the storefront.
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def is_live(self) -> bool:
        return self.status is PostStatus.LIVE

    @classmethod
    def live_query(cls) -> Select[tuple[Post]]:
        return select(cls).where(cls.status == PostStatus.LIVE).order_by(cls.code)

    def __repr__(self) -> str:
        return f"<Post {self.code}>"


class PostHost(db.Model):
    """A host name a post's storefront answers on: `stamps.<cc>` under the mall's domain for
    every post, and extra names the operator registers for it later (`africaphilatelyshop.post`).
    The post of a request is found here, and only here (`mall.tenancy`)."""

    __tablename__ = "post_host"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    #: Lower case. Relative to MALL_DOMAIN ("stamps.uy" is `stamps.uy.post` in production,
    #: `stamps.uy.post.localhost` in development), or absolute when it ends with a dot
    #: ("africaphilatelyshop.post."), as in DNS zone files.
    name: Mapped[str] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<PostHost {self.name}>"


def storefront_host_name(code: str) -> str:
    """The host name every post has, relative to the mall's domain."""
    return f"stamps.{code.lower()}"


@event.listens_for(Post, "after_insert")
def _register_storefront_host(_mapper: object, connection: Connection, post: Post) -> None:
    """Every post answers on `stamps.<cc>` from the moment it exists (the storefront shows
    only once the post is live)."""
    connection.execute(
        PostHost.__table__.insert().values(
            post_id=post.id, name=storefront_host_name(post.code), created_at=utcnow()
        )
    )
