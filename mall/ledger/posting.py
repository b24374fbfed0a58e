"""Writing a balanced transaction, once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.ledger.accounts import Account, Kind, Role
from mall.ledger.models import LedgerEntry, LedgerTransaction
from mall.money import Money


class Unbalanced(ValueError):
    """The legs of a transaction do not sum to zero in some currency: a bug, never booked."""


@dataclass(frozen=True, slots=True)
class Leg:
    account: Account
    #: Signed: positive debits the account, negative credits it.
    amount: Money
    post_id: int | None = None
    post_order_id: int | None = None
    role: Role | None = None


def debit(account: Account, amount: Money, **where: int | Role | None) -> Leg:
    return Leg(account, amount, **where)  # type: ignore[arg-type]


def credit(account: Account, amount: Money, **where: int | Role | None) -> Leg:
    return Leg(account, -amount, **where)  # type: ignore[arg-type]


def already_booked(session: Session, key: str) -> bool:
    found = session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.key == key))
    return found is not None


def book(
    session: Session,
    kind: Kind,
    key: str,
    legs: Iterable[Leg],
    *,
    at: datetime,
    order_id: int | None = None,
    staff_id: int | None = None,
    memo: str = "",
) -> LedgerTransaction | None:
    """Book the event named `key` unless it was booked before (then None: nothing changes).

    Legs on the same account, currency, post, post order and role are added together and
    zero legs dropped, so callers can state each rule of an event as its own pair of legs.
    Raises `Unbalanced`, before writing anything, when a currency does not sum to zero."""
    merged: dict[tuple[Account, str, int | None, int | None, Role | None], int] = defaultdict(int)
    for leg in legs:
        merged[(leg.account, leg.amount.currency, leg.post_id, leg.post_order_id, leg.role)] += (
            leg.amount.amount
        )
    totals: dict[str, int] = defaultdict(int)
    for (_account, currency, *_rest), amount in merged.items():
        totals[currency] += amount
    off = {currency: amount for currency, amount in totals.items() if amount}
    if off:
        raise Unbalanced(f"{key} does not balance: {off}")
    if already_booked(session, key):
        return None
    transaction = LedgerTransaction(
        kind=kind, key=key, posted_at=at, order_id=order_id, staff_id=staff_id, memo=memo[:500]
    )
    session.add(transaction)
    session.flush()
    session.add_all(
        LedgerEntry(
            transaction_id=transaction.id,
            account=account,
            currency=currency,
            amount_minor=amount,
            post_id=post_id,
            post_order_id=post_order_id,
            role=role,
            posted_at=at,
        )
        for (account, currency, post_id, post_order_id, role), amount in sorted(
            merged.items(), key=lambda item: (item[0][1], item[0][0].value, item[0][2] or 0)
        )
        if amount
    )
    session.flush()
    return transaction
