"""The ledger's two tables: transactions, and the entries that make them up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.columns import UTCDateTime, enum_column, money_attribute, utcnow
from mall.extensions import db
from mall.ledger.accounts import Account, Kind, Role


class LedgerTransaction(db.Model):
    """One money event, balanced per currency. `key` names the event ("sale:order:42"), and
    being unique it lets the same event be booked once, whoever books it how many times."""

    __tablename__ = "ledger_transaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(enum_column(Kind))
    key: Mapped[str] = mapped_column(String(120), unique=True)
    #: When the event happened (for a statement's period); `recorded_at` is when it was booked.
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("buyer_order.id"), index=True)
    #: The staff member whose action it was; None for the mall itself (a webhook, a job).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"))
    memo: Mapped[str] = mapped_column(String(500), default="")

    entries: Mapped[list[LedgerEntry]] = relationship(
        back_populates="transaction", order_by="LedgerEntry.id"
    )


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("amount_minor <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(account = 'payable') = (post_id IS NOT NULL)", name="post_for_payables_only"
        ),
        Index("ix_ledger_entry_account", "account", "currency", "post_id"),
        Index("ix_ledger_entry_payable_period", "post_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transaction.id"), index=True)
    account: Mapped[Account] = mapped_column(enum_column(Account))
    currency: Mapped[str] = mapped_column(String(3))
    #: Debit positive, credit negative, in minor units of `currency`.
    amount_minor: Mapped[int]
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    #: The post order a payable entry is about, so a payout or a reversal can be traced
    #: to the sale it pays.
    post_order_id: Mapped[int | None] = mapped_column(ForeignKey("post_order.id"), index=True)
    role: Mapped[Role | None] = mapped_column(enum_column(Role))
    #: The transaction's `posted_at`, copied so a period's payable entries need no join.
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())

    transaction: Mapped[LedgerTransaction] = relationship(back_populates="entries")

    amount = money_attribute("amount_minor")


class LedgerIsAppendOnly(RuntimeError):
    """Something tried to change or delete a booked entry: corrections are new transactions."""


def _refuse(_mapper: Any, _connection: Any, target: Any) -> None:
    raise LedgerIsAppendOnly(f"{type(target).__name__} {target.id} cannot be changed")


for _model in (LedgerTransaction, LedgerEntry):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)
