"""The balanced transaction of each money event, as a rule per event.

A post is paid in its own currency and carries no exchange risk, so every event that
crosses currencies does it through the FX account: the buyer's money arrives in the
presentment currency, and the posts' shares leave it in theirs. What stays on FX is the
operator's spread and card rounding — the "FX difference" of the design."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from mall.ledger.accounts import Account, Kind, Role
from mall.ledger.models import LedgerTransaction
from mall.ledger.posting import Leg, book, credit, debit
from mall.money import Money
from mall.orders.models import Order, PostOrder

BPS = Decimal(10_000)


def commission_on(amount: Money, bps: int) -> Money:
    """The commission on `amount`, rounded half-up once. Reversals take the difference of
    this function at two cumulative amounts, so refunding everything reverses exactly what
    was charged, whatever the pieces."""
    return Money.from_decimal(amount.to_decimal() * bps / BPS, amount.currency)


def book_sale(session: Session, order: Order, at: datetime) -> LedgerTransaction | None:
    """A paid order: the buyer's money in, each post's gross owed and its commission
    earned (at the rate frozen on its post order, never today's), card rounding to FX."""
    total = order.total
    legs = [debit(Account.CLEARING, total), credit(Account.FX, order.rounding)]
    for post_order in order.post_orders:
        presentment = post_order.presentment_total
        legs += [credit(Account.FX, presentment), *_post_sale(post_order)]
    return book(session, Kind.SALE, f"sale:order:{order.id}", legs, at=at, order_id=order.id,
                memo=f"order {order.code}")


def _post_sale(post_order: PostOrder) -> list[Leg]:
    gross = post_order.total
    commission = commission_on(gross, post_order.commission_bps)
    where = {"post_id": post_order.post_id, "post_order_id": post_order.id}
    return [
        debit(Account.FX, gross),
        credit(Account.PAYABLE, gross, role=Role.SALE, **where),
        debit(Account.PAYABLE, commission, role=Role.COMMISSION, **where),
        credit(Account.COMMISSION, commission),
    ]


def book_refund(
    session: Session,
    key: str,
    post_order: PostOrder,
    *,
    gross: Money,
    commission_reversed: Money,
    presentment: Money,
    at: datetime,
    staff_id: int | None,
    memo: str,
) -> LedgerTransaction | None:
    """A refund decided for part of a post order: the post owes back `gross` less the
    commission given back, and the operator owes the buyer `presentment`."""
    where = {"post_id": post_order.post_id, "post_order_id": post_order.id}
    legs = [
        debit(Account.PAYABLE, gross, role=Role.REFUND, **where),
        credit(Account.FX, gross),
        credit(Account.PAYABLE, commission_reversed, role=Role.COMMISSION_REVERSAL, **where),
        debit(Account.COMMISSION, commission_reversed),
        debit(Account.FX, presentment),
        credit(Account.REFUNDS, presentment),
    ]
    return book(session, Kind.REFUND, key, legs, at=at, order_id=post_order.order_id,
                staff_id=staff_id, memo=memo)


def book_refund_paid(
    session: Session, key: str, order: Order, owed: Money, paid: Money, at: datetime,
    staff_id: int | None = None,
) -> LedgerTransaction | None:
    """The money of a refund left (Stripe refunded the card, or the bank transfer was made).
    `paid` may differ from `owed` by card rounding (10 fils steps in KWD): FX takes it."""
    legs = [
        debit(Account.REFUNDS, owed),
        credit(Account.CLEARING, paid),
        credit(Account.FX, owed - paid),
    ]
    return book(session, Kind.REFUND_PAID, key, legs, at=at, order_id=order.id,
                staff_id=staff_id, memo=f"refund to the buyer of {order.code}")


def book_payout(
    session: Session, key: str, post_id: int, amount: Money, at: datetime, *,
    post_order_id: int | None = None, staff_id: int | None = None, memo: str = "",
) -> LedgerTransaction | None:
    """A payout on its way: no longer owed, not yet out of the operator's account."""
    legs = [
        debit(Account.PAYABLE, amount, role=Role.PAYOUT, post_id=post_id,
              post_order_id=post_order_id),
        credit(Account.PAYOUTS, amount),
    ]
    return book(session, Kind.PAYOUT, key, legs, at=at, staff_id=staff_id, memo=memo)


def book_payout_sent(
    session: Session, key: str, amount: Money, at: datetime, memo: str = ""
) -> LedgerTransaction | None:
    legs = [debit(Account.PAYOUTS, amount), credit(Account.CLEARING, amount)]
    return book(session, Kind.PAYOUT_SENT, key, legs, at=at, memo=memo)


def book_payout_failed(
    session: Session, key: str, post_id: int, amount: Money, at: datetime, *,
    post_order_id: int | None = None, memo: str = "",
) -> LedgerTransaction | None:
    """A payout that did not go: owed to the post again."""
    legs = [
        debit(Account.PAYOUTS, amount),
        credit(Account.PAYABLE, amount, role=Role.PAYOUT, post_id=post_id,
               post_order_id=post_order_id),
    ]
    return book(session, Kind.PAYOUT_FAILED, key, legs, at=at, memo=memo)


def book_transfer_reversal(
    session: Session, key: str, post_order: PostOrder, amount: Money, at: datetime, memo: str
) -> LedgerTransaction | None:
    """Part of a post's transfer came back (after a refund): the operator holds it again,
    and the post's payable is credited, which offsets the refund it owed."""
    legs = [
        debit(Account.CLEARING, amount),
        credit(Account.PAYABLE, amount, role=Role.ADJUSTMENT, post_id=post_order.post_id,
               post_order_id=post_order.id),
    ]
    return book(session, Kind.TRANSFER_REVERSAL, key, legs, at=at,
                order_id=post_order.order_id, memo=memo)


def book_desk_receipt(
    session: Session, key: str, amount: Money, at: datetime, *, order_id: int | None,
    staff_id: int, memo: str,
) -> LedgerTransaction | None:
    """Money at the desk that settles no order as it is: held in suspense until resolved."""
    legs = [debit(Account.CLEARING, amount), credit(Account.SUSPENSE, amount)]
    return book(session, Kind.DESK_RECEIPT, key, legs, at=at, order_id=order_id,
                staff_id=staff_id, memo=memo)


def book_desk_applied(
    session: Session, key: str, amount: Money, at: datetime, *, order_id: int, staff_id: int,
    memo: str,
) -> LedgerTransaction | None:
    """Suspense money applied to its order: it leaves suspense for clearing, which the
    order's sale then debits again, so clearing holds what really arrived."""
    legs = [debit(Account.SUSPENSE, amount), credit(Account.CLEARING, amount)]
    return book(session, Kind.DESK_APPLIED, key, legs, at=at, order_id=order_id,
                staff_id=staff_id, memo=memo)


def book_desk_fee(
    session: Session, key: str, amount: Money, at: datetime, *, order_id: int, staff_id: int,
    memo: str,
) -> LedgerTransaction | None:
    """A shortfall the operator accepts as the buyer's bank charges: its cost, not the post's."""
    legs = [debit(Account.FEES, amount), credit(Account.SUSPENSE, amount)]
    return book(session, Kind.DESK_FEE, key, legs, at=at, order_id=order_id,
                staff_id=staff_id, memo=memo)


def book_desk_returned(
    session: Session, key: str, amount: Money, at: datetime, *, order_id: int | None,
    staff_id: int, memo: str,
) -> LedgerTransaction | None:
    """Money in suspense sent back to whoever paid it."""
    legs = [debit(Account.SUSPENSE, amount), credit(Account.CLEARING, amount)]
    return book(session, Kind.DESK_RETURNED, key, legs, at=at, order_id=order_id,
                staff_id=staff_id, memo=memo)
