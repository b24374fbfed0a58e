"""The payment desk: orders waiting for money sent without a card, and recording that money.

`record_received_payment` takes what a person read off a bank statement or a counter
receipt and lets `mall.orders.lifecycle.record_payment` decide: the order is paid only by
exactly its total, in its currency, while it is still waiting. Whatever is refused changes
nothing, and says why in terms the view can put into words (`Refusal`). Recording the same
money twice — a double click, a replayed form, two colleagues with the same statement —
changes the order once and writes one `ReceivedPayment` (invariant 4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from mall.money import Money
from mall.operator.models import PaymentChannel, ReceivedPayment, StaffMember
from mall.orders.lifecycle import PaymentOutcome, PaymentRefused, record_payment
from mall.orders.models import Order, OrderStatus, PaymentMethod
from mall.settlement.desk import add_payment, hold, open_item_for
from mall.settlement.models import SuspenseItem

#: The payment methods whose money the operator records by hand.
OFFLINE_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.COUNTER)


class Refusal(enum.Enum):
    UNKNOWN_ORDER = "unknown_order"
    #: A card order: its payment is confirmed by the card provider, never by hand.
    CARD_ORDER = "card_order"
    CANCELLED = "cancelled"
    WRONG_CURRENCY = "wrong_currency"
    SHORT = "short"
    OVER = "over"


#: Refusals whose money can wait in suspense for the operator to resolve.
HOLDABLE = frozenset({Refusal.SHORT, Refusal.OVER, Refusal.WRONG_CURRENCY})


class PaymentNotRecorded(Exception):
    """Nothing changed; `refusal` says why, `order` is the order if there is one."""

    def __init__(self, refusal: Refusal, order: Order | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.order = order


@dataclass(frozen=True, slots=True)
class ReceivedMoney:
    """What the desk read off the statement or receipt."""

    order_code: str
    amount: Money
    channel: PaymentChannel
    received_on: date
    note: str = ""
    #: Hold money that does not settle the order in suspense, rather than refuse it.
    hold: bool = False


@dataclass(frozen=True, slots=True)
class Recorded:
    order: Order
    #: None when the money went to suspense (`held`) and the order is not paid yet.
    outcome: PaymentOutcome | None
    #: The payment recorded now (PAID), or recorded before (ALREADY_PAID, if it was by hand).
    payment: ReceivedPayment | None
    #: The suspense item the money is held in, when it did not settle the order.
    held: SuspenseItem | None = None


def pending_offline_orders() -> Select[tuple[Order]]:
    """Orders waiting for a bank transfer or a counter payment, the most urgent first."""
    return (
        select(Order)
        .where(
            Order.status == OrderStatus.PENDING_PAYMENT,
            Order.payment_method.in_(OFFLINE_METHODS),
        )
        .order_by(Order.reserved_until, Order.id)
    )


def recent_payments(session: Session, limit: int = 10) -> list[ReceivedPayment]:
    """The latest recorded payments with their order and recorder (one query)."""
    return list(
        session.scalars(
            select(ReceivedPayment)
            .options(joinedload(ReceivedPayment.order), joinedload(ReceivedPayment.recorded_by))
            .order_by(ReceivedPayment.recorded_at.desc(), ReceivedPayment.id.desc())
            .limit(limit)
        )
    )


def received_payment_for(session: Session, order: Order) -> ReceivedPayment | None:
    return session.scalar(
        select(ReceivedPayment)
        .where(ReceivedPayment.order_id == order.id)
        .options(joinedload(ReceivedPayment.recorded_by))
    )


def record_received_payment(
    session: Session, money: ReceivedMoney, staff: StaffMember, now: datetime
) -> Recorded:
    """Mark the order paid by `money` and keep the record of who saw it arrive.

    Raises `PaymentNotRecorded` when the money does not settle the order (nothing is
    changed). An order paid already answers ALREADY_PAID and changes nothing: if the buyer
    really paid twice, the second payment is for a refund, not for this order."""
    # Locked (PostgreSQL): two desks recording money for one order at once take turns, so
    # the second adds to the suspense item the first made instead of racing it.
    order = session.scalar(
        select(Order).where(Order.code == money.order_code).with_for_update())
    if order is None:
        raise PaymentNotRecorded(Refusal.UNKNOWN_ORDER)
    if order.payment_method not in OFFLINE_METHODS:
        raise PaymentNotRecorded(Refusal.CARD_ORDER, order)
    if order.status is OrderStatus.PAID:
        return Recorded(order, PaymentOutcome.ALREADY_PAID, received_payment_for(session, order))
    waiting = open_item_for(session, order)
    if waiting is not None:
        # Money for this order is in suspense already: this payment joins it.
        paid = add_payment(session, waiting, money.amount, staff, now)
        return Recorded(order, PaymentOutcome.PAID if paid else None, None, waiting)
    try:
        with session.begin_nested():
            outcome = record_payment(session, order, money.amount, now)
            payment = None
            if outcome is PaymentOutcome.PAID:
                payment = ReceivedPayment(
                    order_id=order.id,
                    amount_minor=money.amount.amount,
                    currency=money.amount.currency,
                    channel=money.channel,
                    received_on=money.received_on,
                    recorded_by_id=staff.id,
                    note=money.note[:500],
                    recorded_at=now,
                )
                session.add(payment)
                session.flush()
    except PaymentRefused:
        session.refresh(order)
        refusal = _refusal(order, money.amount)
        if money.hold and refusal in HOLDABLE:
            item = hold(session, order, money.amount, money.received_on, money.note, staff, now)
            return Recorded(order, None, None, item)
        raise PaymentNotRecorded(refusal, order) from None
    except IntegrityError:
        # Recorded by a colleague in the same instant: theirs is the record.
        session.refresh(order)
        return Recorded(order, PaymentOutcome.ALREADY_PAID, received_payment_for(session, order))
    if outcome is PaymentOutcome.ALREADY_PAID:
        payment = received_payment_for(session, order)
    return Recorded(order, outcome, payment)


def _refusal(order: Order, amount: Money) -> Refusal:
    """Why `record_payment` refused, most decisive reason first."""
    if order.status is OrderStatus.CANCELLED:
        return Refusal.CANCELLED
    if amount.currency != order.currency:
        return Refusal.WRONG_CURRENCY
    return Refusal.SHORT if amount.amount < order.total_minor else Refusal.OVER
