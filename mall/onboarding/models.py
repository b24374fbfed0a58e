"""An application to sell on the mall, its documents, and the thread between the applicant
and the operator (questions, answers, decisions)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db
from mall.operator.models import StaffMember
from mall.posts.models import Post


class ApplicationStatus(enum.Enum):
    #: Waiting for the operator (new, or answered).
    SUBMITTED = "submitted"
    #: The operator asked a question; the applicant answers on the tracking page.
    INFO_REQUESTED = "info_requested"
    #: Verified: the post exists, with its Community ID.
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        return self in (ApplicationStatus.SUBMITTED, ApplicationStatus.INFO_REQUESTED)


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint("length(country) = 2", name="country_length"),
        CheckConstraint("country = upper(country)", name="country_upper_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random; with the app's secret it makes the tracking link (`mall.onboarding.tracking`),
    #: which is therefore never stored.
    tracking_nonce: Mapped[str] = mapped_column(String(32), unique=True)
    #: The apply form's one-time key: a replayed form finds this application.
    form_key: Mapped[str] = mapped_column(String(32), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    #: ISO 3166 alpha-2, upper case.
    country: Mapped[str] = mapped_column(String(2), index=True)
    #: The applicant declared their organisation the country's designated postal operator,
    #: and on what grounds (the law, decree or UPU record).
    designated_operator: Mapped[bool] = mapped_column(default=False)
    statement: Mapped[str] = mapped_column(Text())
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40))
    #: The language the applicant wrote in, for the mails about the application.
    locale: Mapped[str] = mapped_column(String(8), default="en")
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus), default=ApplicationStatus.SUBMITTED, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    #: The post made when the application was approved.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), unique=True)

    post: Mapped[Post | None] = relationship()
    decided_by: Mapped[StaffMember | None] = relationship()
    documents: Mapped[list[ApplicationDocument]] = relationship(
        back_populates="application", order_by="ApplicationDocument.id"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id"
    )

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.country} {self.status.value}>"


class ApplicationDocument(db.Model):
    """An uploaded document, kept privately (`mall.media.documents`), for the operator only."""

    __tablename__ = "application_document"
    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    #: The storage name the mall made (`<32 hex>.pdf`); nothing of the uploaded name.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    #: application/pdf, image/png or image/jpeg, read from the content.
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer())
    #: The uploaded file's name, cleaned, shown to the operator and offered on download.
    filename: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="documents")


class EventKind(enum.Enum):
    SUBMITTED = "submitted"
    QUESTION = "question"
    ANSWER = "answer"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApplicationEvent(db.Model):
    """One step of the application's thread, as the applicant sees it on the tracking page."""

    __tablename__ = "application_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    #: The question, the answer, or the reasons of a rejection.
    text: Mapped[str] = mapped_column(Text(), default="")
    #: The operator's decision form's one-time key: a replayed decision finds this event.
    key: Mapped[str | None] = mapped_column(String(32), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")
    staff: Mapped[StaffMember | None] = relationship()
