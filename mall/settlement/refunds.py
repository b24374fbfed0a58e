"""Refunds of one post order, whole or line by line, by the operator or that post's manager.

What is given back is decided here and booked at once: the post's payable loses the lines'
gross and gets back the commission on them (the difference of the commission at two
cumulative amounts, so that refunding everything in pieces gives back exactly what was
charged), and the operator owes the buyer the lines' presentment amounts. The money leaves
after the commit: a Stripe refund for a card payment (outbox), a bank transfer the operator
records for the others; a post already paid by Stripe transfer has that transfer reversed
for its share. Each refunded unit is claimed with one conditional update on its line, so
two refunds racing for the same stamps cannot both succeed (and stock is put back once)."""

from __future__ import annotations

import contextlib
import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from mall.catalogue.models import Product
from mall.catalogue.publishing import announce_restock
from mall.columns import utcnow
from mall.i18n import lazy_translate as _l
from mall.ledger.bookings import (
    book_refund,
    book_refund_paid,
    book_transfer_reversal,
    commission_on,
)
from mall.mail import MailError, send_templated_mail
from mall.money import Money
from mall.operator.models import StaffMember
from mall.orders.guest_links import order_link
from mall.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, PostOrder
from mall.orders.placement import payable_total
from mall.outbox.services import enqueue
from mall.payments.provider import (
    PaymentConfigurationError,
    PaymentError,
    PaymentUnavailable,
    RefundReason,
)
from mall.settlement.models import (
    Payout,
    PayoutMethod,
    PayoutStatus,
    Refund,
    RefundLine,
    RefundStatus,
)

log = logging.getLogger(__name__)


class Problem(enum.Enum):
    NOT_PAID = "not_paid"
    NOTHING = "nothing"
    TOO_MANY = "too_many"
    UNKNOWN_LINE = "unknown_line"
    SHIPPING_REFUNDED = "shipping_refunded"
    #: The key was used for a refund of another post order (a form from another page).
    OTHER_ORDER = "other_order"


class RefundRefused(Exception):
    """Nothing was refunded; `problem` (and `line` for a line) say why."""

    def __init__(self, problem: Problem, line: OrderLine | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.line = line


@dataclass(frozen=True, slots=True)
class RefundRequest:
    #: The form's one-time key: the same key twice is one refund.
    key: str
    #: Order line id → how many of it to refund.
    quantities: Mapping[int, int]
    shipping: bool = False
    restock: bool = False
    reason: str = ""


def refund_by_key(session: Session, key: str) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.key == key))


def refunds_of(session: Session, order_ids: list[int]) -> dict[int, list[Refund]]:
    """The refunds of these orders with their lines, by order id (two queries), for the
    order pages."""
    found: dict[int, list[Refund]] = {order_id: [] for order_id in order_ids}
    if order_ids:
        for refund in session.scalars(
            select(Refund).where(Refund.order_id.in_(order_ids))
            .options(selectinload(Refund.lines)).order_by(Refund.id)
        ):
            found[refund.order_id].append(refund)
    return found


def refund(
    session: Session,
    post_order: PostOrder,
    request: RefundRequest,
    staff: StaffMember,
    now: datetime,
) -> Refund:
    """Refund part of `post_order`; returns the refund (the earlier one for a replayed key).
    Raises `RefundRefused` with nothing changed."""
    earlier = refund_by_key(session, request.key)
    if earlier is not None:
        if earlier.post_order_id != post_order.id:
            raise RefundRefused(Problem.OTHER_ORDER)
        return earlier
    order = post_order.order
    if order.status is not OrderStatus.PAID:
        raise RefundRefused(Problem.NOT_PAID)
    lines = {line.id: line for line in post_order.lines}
    wanted = {line_id: q for line_id, q in request.quantities.items() if q}
    if not wanted and not request.shipping:
        raise RefundRefused(Problem.NOTHING)
    for line_id, quantity in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise RefundRefused(Problem.UNKNOWN_LINE)
        if quantity < 0 or line.refunded_quantity + quantity > line.quantity:
            raise RefundRefused(Problem.TOO_MANY, line)
    try:
        with session.begin_nested():
            refund = _claim_and_record(session, post_order, lines, wanted, request, staff, now)
    except IntegrityError:
        # The same form posted twice at once: the other post made the refund first.
        earlier = refund_by_key(session, request.key)
        if earlier is None or earlier.post_order_id != post_order.id:
            raise
        return earlier
    _carry_out(session, order, post_order, refund)
    _mail_buyer(order, refund)
    return refund


def _claim_and_record(
    session: Session,
    post_order: PostOrder,
    lines: dict[int, OrderLine],
    wanted: dict[int, int],
    request: RefundRequest,
    staff: StaffMember,
    now: datetime,
) -> Refund:
    currency, presentment_currency = post_order.currency, post_order.order.currency
    refund_lines = []
    gross = Money.zero(currency)
    presentment = Money.zero(presentment_currency)
    for line_id, quantity in sorted(wanted.items()):
        line = lines[line_id]
        before = line.refunded_quantity
        claimed = session.execute(
            update(OrderLine)
            .where(OrderLine.id == line_id, OrderLine.refunded_quantity == before,
                   OrderLine.refunded_quantity + quantity <= OrderLine.quantity)
            .values(refunded_quantity=OrderLine.refunded_quantity + quantity)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise RefundRefused(Problem.TOO_MANY, line)
        amount = line.unit_price * quantity
        share = _share(line.amount_presentment_minor, before + quantity, line.quantity) - _share(
            line.amount_presentment_minor, before, line.quantity
        )
        gross += amount
        presentment += Money(share, presentment_currency)
        refund_lines.append(RefundLine(order_line_id=line_id, quantity=quantity,
                                       amount_minor=amount.amount, presentment_minor=share))
    shipping = Money.zero(currency)
    if request.shipping:
        claimed = session.execute(
            update(PostOrder)
            .where(PostOrder.id == post_order.id, PostOrder.shipping_refunded.is_(False))
            .values(shipping_refunded=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise RefundRefused(Problem.SHIPPING_REFUNDED)
        shipping = post_order.shipping
        gross += shipping
        presentment += Money(post_order.shipping_presentment_minor, presentment_currency)
    if gross.amount <= 0:
        raise RefundRefused(Problem.NOTHING)
    before_gross = Money(_refunded_gross(session, post_order), currency)
    commission = commission_on(before_gross + gross, post_order.commission_bps) - commission_on(
        before_gross, post_order.commission_bps
    )
    refund = Refund(
        key=request.key,
        order_id=post_order.order_id,
        post_order_id=post_order.id,
        post_id=post_order.post_id,
        currency=currency,
        gross_minor=gross.amount,
        commission_minor=commission.amount,
        shipping_minor=shipping.amount,
        presentment_currency=presentment_currency,
        presentment_minor=presentment.amount,
        restock=request.restock,
        reason=request.reason[:500],
        created_by_id=staff.id,
        created_at=now,
        lines=refund_lines,
    )
    session.add(refund)
    session.flush()
    book_refund(session, f"refund:{refund.id}", post_order, gross=gross,
                commission_reversed=commission, presentment=presentment, at=now,
                staff_id=staff.id, memo=f"refund of order {post_order.order.code}")
    if request.restock:
        restocked = []
        for line_id, quantity in sorted(wanted.items()):
            product_id = lines[line_id].product_id
            if product_id is not None:
                session.execute(
                    update(Product).where(Product.id == product_id)
                    .values(stock=Product.stock + quantity)
                    .execution_options(synchronize_session=False)
                )
                restocked.append(product_id)
        announce_restock(session, restocked)
    for line in lines.values():
        session.refresh(line)
    session.refresh(post_order)
    return refund


def _share(amount_minor: int, quantity: int, of: int) -> int:
    """The part of a line's converted amount that `quantity` of `of` units stand for,
    rounded half-up: taken cumulatively, all units give back exactly the line's amount."""
    exact = Decimal(amount_minor) * quantity / of
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _refunded_gross(session: Session, post_order: PostOrder) -> int:
    """Gross refunded before this refund (its own row is not flushed yet)."""
    return int(session.scalar(
        select(func.coalesce(func.sum(Refund.gross_minor), 0))
        .where(Refund.post_order_id == post_order.id)
    ) or 0)


def _carry_out(session: Session, order: Order, post_order: PostOrder, refund: Refund) -> None:
    """Have the money move once the transaction commits: the card refunded (a refund by bank
    waits for the operator), and the post's Stripe transfer reversed for its share."""
    if order.payment_method is PaymentMethod.CARD and order.payment_id:
        refund.paid_minor = _card_amount(session, order, refund)
        enqueue(session, "settlement.card_refund", {"refund_id": refund.id})
    transfer = session.scalar(
        select(Payout).where(
            Payout.post_order_id == post_order.id,
            Payout.method == PayoutMethod.STRIPE,
            Payout.status == PayoutStatus.SENT,
        )
    )
    if transfer is not None:
        share = min(refund.gross_minor - refund.commission_minor,
                    transfer.amount_minor - transfer.amount_reversed_minor)
        if share > 0:
            enqueue(session, "settlement.reverse_transfer",
                    {"payout_id": transfer.id, "refund_id": refund.id, "amount_minor": share})
    session.flush()


def _card_amount(session: Session, order: Order, refund: Refund) -> int:
    """What the card gets back: the cumulative refunded amount rounded as Stripe charges
    (10 fils steps in three-decimal currencies), less what earlier refunds gave back, so
    that the pieces never add up to more than was charged."""
    earlier = session.execute(
        select(func.coalesce(func.sum(Refund.presentment_minor), 0),
               func.coalesce(func.sum(Refund.paid_minor), 0))
        .where(Refund.order_id == order.id, Refund.id != refund.id)
    ).one()
    owed = Money(int(earlier[0]) + refund.presentment_minor, order.currency)
    cumulative = min(payable_total(owed, PaymentMethod.CARD).amount, order.total_minor)
    return max(cumulative - int(earlier[1]), 0)


def _mail_buyer(order: Order, refund: Refund) -> None:
    with contextlib.suppress(MailError):
        send_templated_mail(
            order.email,
            "refund",
            _l("A refund for your order %(code)s", code=order.code),
            order.locale,
            order=order,
            refund=refund,
            order_url=order_link(order),
            card=order.payment_method is PaymentMethod.CARD and bool(order.payment_id),
        )


def record_bank_refund(
    session: Session, refund: Refund, reference: str, staff: StaffMember, now: datetime
) -> bool:
    """The operator sent the buyer's money back by bank transfer; False if it was already
    recorded (nothing changes)."""
    changed = session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status != RefundStatus.DONE)
        .values(status=RefundStatus.DONE, reference=reference[:120], done_at=now,
                paid_minor=Refund.presentment_minor, failure="")
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(refund)
    if not changed:
        return False
    book_refund_paid(session, f"refund-paid:{refund.id}", refund.order, refund.presentment,
                     refund.paid, now, staff_id=staff.id)
    return True


# --- outbox handlers ----------------------------------------------------------------------


def card_refund_task(session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """Refund the card at Stripe, keyed by the refund (a retry is the same request), and
    book the money out. A refusal leaves the buyer owed, with Stripe's reason, for the
    operator; an unreachable Stripe raises, to retry."""
    from mall.payments.card import card_gateway

    refund = session.get_one(Refund, int(payload["refund_id"]))
    if refund.status is RefundStatus.DONE:
        return
    provider = card_gateway(current_app.config)
    if provider is None:
        raise PaymentConfigurationError(detail="card payments are not configured")
    order = refund.order
    try:
        result = provider.refund(
            order.payment_id or "",
            refund.paid,
            f"refund:{order.code}:{refund.id}",
            RefundReason.REQUESTED_BY_CUSTOMER,
            metadata={"order_code": order.code, "refund": str(refund.id)},
        )
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentError as error:
        refund.status = RefundStatus.FAILED
        refund.failure = (error.reason or error.detail or "")[:500]
        log.error("Refund %s of %s failed: %s", refund.id, order.code, error.detail)
        return
    refund.status, refund.reference, refund.done_at = RefundStatus.DONE, result.refund_id, utcnow()
    book_refund_paid(session, f"refund-paid:{refund.id}", order, refund.presentment,
                     result.amount, refund.done_at)


def reverse_transfer_task(session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """Take the post's share of a refund back from its Stripe transfer."""
    from mall.payments.card import card_gateway

    payout = session.get_one(Payout, int(payload["payout_id"]))
    refund = session.get_one(Refund, int(payload["refund_id"]))
    provider = card_gateway(current_app.config)
    if provider is None:
        raise PaymentConfigurationError(detail="card payments are not configured")
    amount = Money(int(payload["amount_minor"]), payout.currency)
    try:
        reversal = provider.reverse_transfer(
            payout.reference, amount, f"reversal:{refund.order.code}:{refund.id}",
            metadata={"refund": str(refund.id)},
        )
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentError as error:
        log.error("Reversal of %s for refund %s failed: %s", payout.reference, refund.id,
                  error.detail)
        refund.failure = (error.reason or error.detail or "")[:500]
        return
    # Added in the database, not read and written back: two refunds' reversals of one
    # payout add up, and no row is locked while Stripe is asked (the Stripe rule).
    session.execute(
        update(Payout).where(Payout.id == payout.id)
        .values(amount_reversed_minor=Payout.amount_reversed_minor + reversal.amount.amount)
        .execution_options(synchronize_session=False)
    )
    book_transfer_reversal(session, f"reversal:refund:{refund.id}", refund.post_order,
                           reversal.amount, utcnow(), memo=f"transfer {payout.reference} reversed")
