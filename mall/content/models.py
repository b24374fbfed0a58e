"""A storefront's editorial content: pages, news, and the messages visitors send."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import Translations, UTCDateTime, enum_column, translated, utcnow
from mall.extensions import db


class PageKind(enum.Enum):
    """The fixed pages every postal shop has."""

    HISTORY = "history"
    ABOUT = "about"
    FAQ = "faq"


class Page(db.Model):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("post_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    kind: Mapped[PageKind] = mapped_column(enum_column(PageKind))
    title: Mapped[Translations] = mapped_column(translated())
    #: Plain text per locale: paragraphs separated by blank lines, "## " starts a heading.
    body: Mapped[Translations] = mapped_column(translated())


class NewsItem(db.Model):
    __tablename__ = "news_item"
    __table_args__ = (
        UniqueConstraint("post_id", "slug"),
        Index("ix_news_item_post_published", "post_id", "published_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    slug: Mapped[str] = mapped_column(String(120))
    published_on: Mapped[date]
    title: Mapped[Translations] = mapped_column(translated())
    body: Mapped[Translations] = mapped_column(translated())


class ContactMessage(db.Model):
    """A visitor's message to a post, kept for the post's staff to answer."""

    __tablename__ = "contact_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a member of the post's staff first opened it; None: unread.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    replies: Mapped[list[ContactReply]] = relationship(
        order_by="ContactReply.id", passive_deletes=True
    )


class ContactReply(db.Model):
    """What the post's staff answered to a message, by mail, kept with the message so the
    next person at the bureau sees the whole exchange."""

    __tablename__ = "contact_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("contact_message.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_member.id", ondelete="SET NULL"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
