"""What an account keeps about its buyer, for the privacy package (`mall.privacy`): the
profile, the address book, and the record of tries at the account's password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mall.accounts.models import Address, Buyer, SignInAttempt
from mall.privacy.registry import PersonalData, Tables, row

PROFILE_FIELDS = (
    "email", "name", "country", "preferred_locale", "preferred_currency", "created_at",
)
ADDRESS_FIELDS = (
    "name", "line1", "line2", "city", "postal_code", "region", "country", "phone",
    "created_at",
)


def export_profile(session: Session, buyer: Buyer) -> Tables:
    return {"profile": [row(buyer, PROFILE_FIELDS)]}


def erase_profile(session: Session, buyer: Buyer, now: datetime) -> None:
    """The account itself, last of all: every host and browser signed in as the buyer
    finds no one at its next request, and the email address is free again."""
    session.delete(buyer)
    session.flush()


def export_addresses(session: Session, buyer: Buyer) -> Tables:
    addresses = session.scalars(
        select(Address).where(Address.buyer_id == buyer.id).order_by(Address.id)
    )
    return {"addresses": [row(address, ADDRESS_FIELDS) for address in addresses]}


def erase_addresses(session: Session, buyer: Buyer, now: datetime) -> None:
    session.execute(delete(Address).where(Address.buyer_id == buyer.id))


def export_attempts(session: Session, buyer: Buyer) -> Tables:
    """Tries at this account's password and reset links still kept (the throttling window),
    with the address each came from: the owner's security record."""
    attempts = session.scalars(
        select(SignInAttempt)
        .where(SignInAttempt.email == buyer.email)
        .order_by(SignInAttempt.created_at, SignInAttempt.id)
    )
    return {"sign_in_attempts": [
        row(attempt, ("kind", "client_address", "succeeded", "created_at"))
        for attempt in attempts
    ]}


def erase_attempts(session: Session, buyer: Buyer, now: datetime) -> None:
    session.execute(delete(SignInAttempt).where(SignInAttempt.email == buyer.email))


PROFILE = PersonalData(
    name="profile", tables=("buyer",), export=export_profile, erase=erase_profile
)
ADDRESSES = PersonalData(
    name="addresses", tables=("address",), export=export_addresses, erase=erase_addresses
)
SIGN_IN_ATTEMPTS = PersonalData(
    name="sign_in_attempts", tables=("sign_in_attempt",), export=export_attempts,
    erase=erase_attempts,
)
