"""What an account can do: register, sign in and out, change or reset the password.

Functions take a database session and values, `flush()` and never commit. Signing in is a
fact about the *visitor* (the server-side half of the browser's visit, shared by every host
the browser has linked), so it holds on every host at once, and signing out — on any host —
ends it everywhere by raising the buyer's session version."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mall.accounts.models import AttemptKind, Buyer
from mall.accounts.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
    waste_time_like_a_verification,
)
from mall.accounts.throttling import (
    check_address,
    check_sign_in,
    record_attempt,
    reset_requests_exhausted,
)
from mall.cart.services import merge_on_sign_in
from mall.visitors.models import Visitor


class SignInFailed(Exception):
    """Wrong password or unknown email: deliberately the same thing to the caller."""


class EmailTaken(Exception):
    """Another account already has this email address."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_buyer(session: Session, email: str) -> Buyer | None:
    return session.scalar(select(Buyer).where(Buyer.email == normalize_email(email)))


def register_buyer(
    session: Session,
    *,
    email: str,
    password: str,
    name: str,
    address: str,
    now: datetime,
) -> Buyer:
    """A new account. Refused registrations count against the client address, so the
    form cannot be used to test thousands of addresses for accounts."""
    email = normalize_email(email)
    check_address(session, AttemptKind.REGISTER, address, now)
    if find_buyer(session, email) is not None:
        record_attempt(session, AttemptKind.REGISTER, email, address, now)
        raise EmailTaken(email)
    buyer = Buyer(
        email=email,
        password_hash=hash_password(password),
        name=name.strip(),
    )
    try:
        with session.begin_nested():
            session.add(buyer)
    except IntegrityError as error:  # registered by a concurrent request meanwhile
        raise EmailTaken(email) from error
    return buyer


def authenticate(
    session: Session, email: str, password: str, address: str, now: datetime,
    *, known_device: bool = False,
) -> Buyer:
    """The buyer with this email and password, or SignInFailed; Throttled (without looking
    at the password at all) when this try is not to be heard (mall.accounts.throttling)."""
    email = normalize_email(email)
    check_sign_in(session, email, address, now, known_device=known_device)
    buyer = find_buyer(session, email)
    if buyer is None:
        waste_time_like_a_verification(password)
    elif verify_password(buyer.password_hash, password):
        if needs_rehash(buyer.password_hash):
            buyer.password_hash = hash_password(password)
        record_attempt(session, AttemptKind.SIGN_IN, email, address, now, succeeded=True)
        return buyer
    record_attempt(session, AttemptKind.SIGN_IN, email, address, now)
    raise SignInFailed(email)


def sign_in(
    session: Session, visitor: Visitor, buyer: Buyer, *, remember: bool, now: datetime
) -> None:
    """Sign `buyer` in on `visitor`, hence on every host linked to it.

    How long it lasts is kept on the visitor (`signed_in_until`), not in a remember-me
    cookie: a cookie would live on one host only, so "remember me" would hold on the portal
    and lapse on the storefronts. On the server, every host agrees."""
    merge_anonymous_cart(session, visitor, buyer)
    config = current_app.config
    lifetime = config["REMEMBER_ME_LIFETIME"] if remember else config["SIGN_IN_LIFETIME"]
    visitor.buyer = buyer
    visitor.buyer_session_version = buyer.session_version
    visitor.signed_in_until = now + timedelta(seconds=lifetime)
    if visitor.currency is None and buyer.preferred_currency:
        visitor.currency = buyer.preferred_currency
    session.flush()


def merge_anonymous_cart(session: Session, visitor: Visitor, buyer: Buyer) -> None:
    """The one place where what the visitor put in the cart before signing in joins the
    buyer's cart (the cart's own rules decide how; see `mall.cart.services`)."""
    merge_on_sign_in(session, visitor, buyer)


def end_sessions(buyer: Buyer) -> None:
    """Every visitor signed in as `buyer`, on every host and in every browser, holds an
    older version from now on and is signed out at its next request."""
    buyer.session_version += 1


def sign_out(session: Session, visitor: Visitor | None, buyer: Buyer, now: datetime) -> None:
    """End the buyer's sessions everywhere, and end this browser's visit: its guest
    orders, cart and currency may be the buyer's, and the next person at this browser
    starts a new visit (every linked host forgets this one, see `Visitor.is_over`)."""
    end_sessions(buyer)
    if visitor is not None:
        visitor.buyer = None
        visitor.buyer_session_version = None
        visitor.signed_in_until = None
        visitor.ended_at = now
    session.flush()


def set_password(session: Session, buyer: Buyer, password: str, keep: Visitor | None) -> None:
    """A new password ends every other session of the buyer; `keep`, the visitor of the
    browser that made the change, stays signed in."""
    buyer.password_hash = hash_password(password)
    end_sessions(buyer)
    if keep is not None and keep.buyer_id == buyer.id:
        keep.buyer_session_version = buyer.session_version
    session.flush()


def change_password(
    session: Session,
    buyer: Buyer,
    *,
    current: str,
    new: str,
    visitor: Visitor | None,
    address: str,
    now: datetime,
) -> None:
    """Change the password after checking the current one (`confirm_password`)."""
    confirm_password(session, buyer, current, address, now)
    set_password(session, buyer, new, keep=visitor)


def confirm_password(
    session: Session, buyer: Buyer, password: str, address: str, now: datetime
) -> None:
    """Check the signed-in buyer's password before something a borrowed session must not
    do (a new password, an export, an erasure); throttled like a sign-in, so that it is
    no way to guess the password. Raises SignInFailed (the failure is recorded) or
    Throttled."""
    check_sign_in(session, buyer.email, address, now)
    if not verify_password(buyer.password_hash, password):
        record_attempt(session, AttemptKind.SIGN_IN, buyer.email, address, now)
        raise SignInFailed(buyer.email)


def request_password_reset(
    session: Session, email: str, address: str, now: datetime
) -> Buyer | None:
    """The buyer to send a reset link to, if there is one and it has not had enough links
    for now. Throttled per client address; the caller answers the same in every case."""
    email = normalize_email(email)
    check_address(session, AttemptKind.PASSWORD_RESET, address, now)
    if reset_requests_exhausted(session, email, now):
        return None
    record_attempt(session, AttemptKind.PASSWORD_RESET, email, address, now)
    return find_buyer(session, email)


def reset_password(
    session: Session, buyer: Buyer, password: str, address: str, now: datetime
) -> None:
    """Set the password from a reset link: every session ends, and the account's count of
    failed sign-ins restarts (whoever reads the mailbox is the owner)."""
    set_password(session, buyer, password, keep=None)
    record_attempt(session, AttemptKind.PASSWORD_RESET, buyer.email, address, now, succeeded=True)
