"""Money at the payment desk that does not match its order: a short payment (bank charges
taken on the way), an overpayment, or another currency.

It is never refused into thin air: the operator holds it in suspense (booked: the money is
in the operator's account, owed to nobody yet), with the reason, and resolves it — accept a
shortfall as bank charges, ask the buyer for the rest (their next payment joins the item),
pay the order and send the excess back, or send everything back. Each step is one balanced
transaction, so the ledger balances throughout; the order stays reserved meanwhile."""

from __future__ import annotations

import contextlib
import enum
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from mall.i18n import lazy_translate as _l
from mall.ledger.bookings import (
    book_desk_applied,
    book_desk_fee,
    book_desk_receipt,
    book_desk_returned,
)
from mall.ledger.models import LedgerTransaction
from mall.mail import MailError, send_templated_mail
from mall.money import Money
from mall.operator.models import StaffMember
from mall.orders.guest_links import order_link
from mall.orders.lifecycle import PaymentRefused, record_payment
from mall.orders.models import Order, OrderStatus
from mall.orders.references import format_reference
from mall.settlement.models import DeskItemStatus, DeskReason, DeskResolution, SuspenseItem

#: How long an order with money in suspense stays reserved, at least: long enough for a
#: buyer to send the rest from abroad.
HOLD_RESERVATION = timedelta(days=21)

OPEN_STATES = (DeskItemStatus.OPEN, DeskItemStatus.AWAITING_REST)


class Problem(enum.Enum):
    RESOLVED = "resolved"
    NOT_SHORT = "not_short"
    NOT_OVER = "not_over"
    ORDER_NOT_PAYABLE = "order_not_payable"
    NO_REFERENCE = "no_reference"


class DeskRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def reason_for(order: Order, amount: Money) -> DeskReason:
    if amount.currency != order.currency:
        return DeskReason.OTHER_CURRENCY
    return DeskReason.SHORT if amount.amount < order.total_minor else DeskReason.OVER


def open_item_for(session: Session, order: Order) -> SuspenseItem | None:
    return session.scalar(
        select(SuspenseItem).where(SuspenseItem.order_id == order.id,
                                   SuspenseItem.status.in_(OPEN_STATES))
    )


def open_items(session: Session) -> list[SuspenseItem]:
    return list(session.scalars(
        select(SuspenseItem).where(SuspenseItem.status.in_(OPEN_STATES))
        .options(joinedload(SuspenseItem.order))
        .order_by(SuspenseItem.created_at, SuspenseItem.id)
    ))


def hold(
    session: Session, order: Order, amount: Money, received_on: date, note: str,
    staff: StaffMember, now: datetime,
) -> SuspenseItem:
    """Hold `amount`, received for `order`, in suspense with the reason it does not match."""
    item = SuspenseItem(
        order_id=order.id, amount_minor=amount.amount, currency=amount.currency,
        reason=reason_for(order, amount), note=note[:500], received_on=received_on,
        recorded_by_id=staff.id, created_at=now,
    )
    session.add(item)
    session.flush()
    _receipt(session, item, amount, staff, now)
    held_until = now + HOLD_RESERVATION
    if order.status is OrderStatus.PENDING_PAYMENT and order.reserved_until < held_until:
        order.reserved_until = held_until
    session.flush()
    return item


def add_payment(
    session: Session, item: SuspenseItem, amount: Money, staff: StaffMember, now: datetime
) -> bool:
    """A further payment for an order with money in suspense joins it; when together they
    are exactly the total, the order is paid (True)."""
    _lock(session, item)
    order = item.order
    if amount.currency != item.currency:
        # A different currency again: its own item, for the operator to look at.
        hold(session, order, amount, now.date(), "", staff, now)
        return False
    item.amount_minor += amount.amount
    _receipt(session, item, amount, staff, now)
    if item.currency == order.currency and item.amount_minor == order.total_minor:
        _apply(session, item, staff, now)
        _resolve(item, DeskResolution.COMPLETED, staff, now)
        return True
    item.reason = reason_for(order, item.amount)
    if item.reason is DeskReason.OVER:
        item.status = DeskItemStatus.OPEN
    session.flush()
    return False


def _receipt(session: Session, item: SuspenseItem, amount: Money, staff: StaffMember,
             now: datetime) -> None:
    receipts = session.scalar(
        select(func.count(LedgerTransaction.id))
        .where(LedgerTransaction.key.like(f"desk-receipt:{item.id}:%"))
    ) or 0
    book_desk_receipt(session, f"desk-receipt:{item.id}:{receipts + 1}", amount, now,
                      order_id=item.order_id, staff_id=staff.id,
                      memo=f"{item.reason.value} for order {item.order.code}")


def _apply(session: Session, item: SuspenseItem, staff: StaffMember, now: datetime) -> None:
    """Pay the order from suspense (its sale books the money into clearing again)."""
    order = item.order
    total = order.total
    book_desk_applied(session, f"desk-applied:{item.id}", total, now, order_id=order.id,
                      staff_id=staff.id, memo=f"order {order.code} paid from suspense")
    try:
        record_payment(session, order, total, now)
    except PaymentRefused:
        raise DeskRefused(Problem.ORDER_NOT_PAYABLE) from None


def _resolve(item: SuspenseItem, how: DeskResolution, staff: StaffMember, now: datetime) -> None:
    item.status, item.resolution = DeskItemStatus.RESOLVED, how
    item.resolved_at, item.resolved_by_id = now, staff.id


def _lock(session: Session, item: SuspenseItem) -> None:
    """Read the item again, locked until the transaction ends (PostgreSQL; SQLite's
    writers take turns): two people deciding on one item at once are served in turn, and
    the second reads what the first decided (resolved: refused with a reason) rather than
    booking the same money twice, which the ledger's keys refuse with an error."""
    session.refresh(item, with_for_update=True)


def _check_open(session: Session, item: SuspenseItem) -> None:
    _lock(session, item)
    if item.status is DeskItemStatus.RESOLVED:
        raise DeskRefused(Problem.RESOLVED)


def accept_short(session: Session, item: SuspenseItem, staff: StaffMember, now: datetime) -> None:
    """Take a short payment as the whole: the shortfall is the operator's fee expense, the
    order is paid, and the posts are paid their full prices."""
    _check_open(session, item)
    order = item.order
    if item.reason is not DeskReason.SHORT:
        raise DeskRefused(Problem.NOT_SHORT)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise DeskRefused(Problem.ORDER_NOT_PAYABLE)
    shortfall = order.total - item.amount
    book_desk_fee(session, f"desk-fee:{item.id}", shortfall, now, order_id=order.id,
                  staff_id=staff.id, memo=f"bank charges on order {order.code}")
    _apply(session, item, staff, now)
    _resolve(item, DeskResolution.ACCEPTED_SHORT, staff, now)
    session.flush()


def ask_for_rest(session: Session, item: SuspenseItem, staff: StaffMember, now: datetime) -> bool:
    """Mail the buyer what is missing; their next payment joins this one. False if the
    mail could not be sent (the item waits all the same)."""
    _check_open(session, item)
    order = item.order
    if item.reason is not DeskReason.SHORT:
        raise DeskRefused(Problem.NOT_SHORT)
    item.status = DeskItemStatus.AWAITING_REST
    session.flush()
    with contextlib.suppress(MailError):
        send_templated_mail(
            order.email, "payment_short",
            _l("Order %(code)s: part of the payment is missing", code=order.code),
            order.locale, order=order, received=item.amount,
            missing=order.total - item.amount,
            reference=format_reference(order.payment_reference), order_url=order_link(order),
        )
        return True
    return False


def refund_excess(
    session: Session, item: SuspenseItem, reference: str, staff: StaffMember, now: datetime
) -> Money:
    """Pay the order from an overpayment and record the excess sent back (by the bank
    transfer `reference`); returns the excess."""
    _check_open(session, item)
    order = item.order
    if item.reason is not DeskReason.OVER:
        raise DeskRefused(Problem.NOT_OVER)
    if not reference.strip():
        raise DeskRefused(Problem.NO_REFERENCE)
    if order.status is not OrderStatus.PENDING_PAYMENT:
        raise DeskRefused(Problem.ORDER_NOT_PAYABLE)
    excess = item.amount - order.total
    _apply(session, item, staff, now)
    book_desk_returned(session, f"desk-returned:{item.id}", excess, now, order_id=order.id,
                       staff_id=staff.id, memo=f"excess returned: {reference.strip()}"[:500])
    _resolve(item, DeskResolution.EXCESS_REFUNDED, staff, now)
    session.flush()
    return excess


def return_all(
    session: Session, item: SuspenseItem, reference: str, staff: StaffMember, now: datetime
) -> None:
    """Send everything back to whoever paid it (another currency, an order no longer
    wanted): recorded with the bank transfer's `reference`."""
    _check_open(session, item)
    if not reference.strip():
        raise DeskRefused(Problem.NO_REFERENCE)
    book_desk_returned(session, f"desk-returned:{item.id}", item.amount, now,
                       order_id=item.order_id, staff_id=staff.id,
                       memo=f"returned: {reference.strip()}"[:500])
    _resolve(item, DeskResolution.RETURNED, staff, now)
    session.flush()
