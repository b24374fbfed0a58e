"""Buyers: collectors with an account at the mall, their addresses, and the record of
attempts that throttles password guessing."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db


class Buyer(UserMixin, db.Model):
    __tablename__ = "buyer"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so that sign-in is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: An argon2id hash in PHC format (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), default="")
    #: ISO 3166 alpha-2 of the buyer's country, upper case (drives currency and shipping).
    country: Mapped[str | None] = mapped_column(String(2))
    #: One of SUPPORTED_LOCALES; None lets each host pick (storefront, browser).
    preferred_locale: Mapped[str | None] = mapped_column(String(8))
    #: ISO 4217 code the buyer wants prices shown in, if any.
    preferred_currency: Mapped[str | None] = mapped_column(String(3))
    #: Raised on sign-out and password change: every session that carries an older value,
    #: on any host and in any browser, is signed out at its next request.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    addresses: Mapped[list[Address]] = relationship(
        back_populates="buyer", cascade="all, delete-orphan", order_by="Address.id"
    )

    def get_id(self) -> str:
        """Flask-Login's alternative id: the session is only valid for this version."""
        return f"{self.id}:{self.session_version}"


class Address(db.Model):
    """A delivery address in a buyer's address book. Orders copy it; editing or deleting
    it later never changes an order."""

    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyer.id", ondelete="CASCADE"), index=True)
    #: The addressee, as it is written on the envelope.
    name: Mapped[str] = mapped_column(String(120))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120))
    #: Empty where the country has no postal codes.
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    #: ISO 3166 alpha-2, upper case.
    country: Mapped[str] = mapped_column(String(2))
    phone: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    buyer: Mapped[Buyer] = relationship(back_populates="addresses")


class AttemptKind(enum.Enum):
    SIGN_IN = "sign_in"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of attempt, not a secret
    REGISTER = "register"


class SignInAttempt(db.Model):
    """One try at an account, kept for the throttling window: failed sign-ins count per
    account and per client address; reset requests and refused registrations likewise."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_created_at", "email", "created_at"),
        Index("ix_sign_in_attempt_client_address_created_at", "client_address", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AttemptKind] = mapped_column(enum_column(AttemptKind))
    #: The email as typed (lower-cased), whether or not an account has it.
    email: Mapped[str] = mapped_column(String(254))
    #: The client's IP address (`request.remote_addr`).
    client_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
