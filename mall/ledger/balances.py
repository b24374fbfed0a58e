"""Reading the books: the trial balance, and what the operator owes each post.

Each is one aggregate query over entries, whatever their number (the operator's pages cost
the same in year ten as in year one)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from mall.ledger.accounts import Account
from mall.ledger.models import LedgerEntry
from mall.money import Money


@dataclass(frozen=True, slots=True)
class BalanceRow:
    account: Account
    currency: str
    #: Set for payables.
    post_id: int | None
    debits: Money
    credits: Money

    @property
    def balance(self) -> Money:
        """Debits less credits: negative for what the operator owes or has earned."""
        return self.debits - self.credits


def trial_balance(session: Session) -> list[BalanceRow]:
    """Every account's debits and credits. Per currency, debits equal credits when the
    books balance — which every transaction already guarantees; the page shows it."""
    debit = func.coalesce(func.sum(case((LedgerEntry.amount_minor > 0, LedgerEntry.amount_minor),
                                        else_=0)), 0)
    credit = func.coalesce(func.sum(case((LedgerEntry.amount_minor < 0, -LedgerEntry.amount_minor),
                                         else_=0)), 0)
    rows = session.execute(
        select(LedgerEntry.account, LedgerEntry.currency, LedgerEntry.post_id, debit, credit)
        .group_by(LedgerEntry.account, LedgerEntry.currency, LedgerEntry.post_id)
        .order_by(LedgerEntry.currency, LedgerEntry.account, LedgerEntry.post_id)
    ).all()
    return [
        BalanceRow(account, currency, post_id, Money(int(d), currency), Money(int(c), currency))
        for account, currency, post_id, d, c in rows
    ]


def account_balances(session: Session, account: Account) -> dict[str, Money]:
    """The balance of `account` per currency (debits positive)."""
    rows = session.execute(
        select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account == account)
        .group_by(LedgerEntry.currency)
        .order_by(LedgerEntry.currency)
    ).all()
    return {currency: Money(int(total), currency) for currency, total in rows}


def owed_to_posts(session: Session) -> dict[tuple[int, str], Money]:
    """What the operator owes each post, per (post id, currency): the credit balance of its
    payable, as a positive amount (negative when the post owes the operator)."""
    rows = session.execute(
        select(LedgerEntry.post_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account == Account.PAYABLE)
        .group_by(LedgerEntry.post_id, LedgerEntry.currency)
    ).all()
    return {(post_id, currency): Money(-int(total), currency) for post_id, currency, total in rows}


def owed_to_post(session: Session, post_id: int, currency: str) -> Money:
    total = session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
            LedgerEntry.account == Account.PAYABLE,
            LedgerEntry.post_id == post_id,
            LedgerEntry.currency == currency,
        )
    )
    return Money(-int(total or 0), currency)


def owed_per_post_order(
    session: Session, post_order_ids: Iterable[int], currency: str
) -> dict[int, Money]:
    """What is still owed for each post order (sales less commission, refunds, payouts)."""
    ids = list(post_order_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(LedgerEntry.post_order_id, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account == Account.PAYABLE, LedgerEntry.post_order_id.in_(ids),
               LedgerEntry.currency == currency)
        .group_by(LedgerEntry.post_order_id)
    ).all()
    return {post_order_id: Money(-int(total), currency) for post_order_id, total in rows}
