"""Paying an order by card: the PaymentIntents of an order, the test-card confirmation of
test mode, and Stripe's webhook events.

One PaymentIntent for the whole order, in the presentment currency, `transfer_group` = the
order code (the gateway sets it), an idempotency key on every POST derived from the order
and the attempt (`order-<code>:intent-<n>`, then `…:confirm-<card>`, `…:cancel`).

Two roads lead to "paid", and both may arrive: the server's own confirmation (test mode, or
the buyer's return from Stripe.js) and the `payment_intent.succeeded` webhook. Both go
through `record_payment`, one conditional update: whichever comes first marks the order
paid and sends the confirmation, the other changes nothing. A decline is noted on its
attempt once (a conditional update too), whether the page or the webhook saw it first; after
`CARD_MAX_ATTEMPTS` declines the order is cancelled and its stock released, before that the
buyer may try again with a new intent. A failure arriving after a success (webhooks come in
any order) never un-pays an order: nothing here moves an order out of PAID."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mall.money import Money
from mall.orders.lifecycle import PaymentOutcome, cancel_order, record_payment
from mall.orders.lifecycle import PaymentRefused as OrderNotPayable
from mall.orders.mail import send_order_mail
from mall.orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from mall.outbox import enqueue
from mall.payments.attempts import AttemptStatus, PaymentAttempt, attempt_key
from mall.payments.provider import (
    CardOutcome,
    PaymentConfigurationError,
    PaymentError,
    PaymentProvider,
    PaymentResult,
    PaymentStatus,
    PaymentUnavailable,
    RefundReason,
)
from mall.payments.stripe_units import StripeUnitError, from_stripe, is_supported, to_stripe
from mall.payments.webhooks import StripeEvent, record_event_once

if TYPE_CHECKING:
    from mall.payments.stripe_gateway import StripeGateway

log = logging.getLogger(__name__)

#: The webhook events checkout acts on; every other type is acknowledged and ignored.
SUCCEEDED = "payment_intent.succeeded"
FAILED = "payment_intent.payment_failed"


class CardResult(enum.Enum):
    PAID = "paid"
    #: Already paid before (a second click, or the webhook was faster): nothing changed.
    ALREADY_PAID = "already_paid"
    #: Declined; the buyer may try again.
    DECLINED = "declined"
    #: Declined once too often: the order is cancelled, its stock released.
    CANCELLED = "cancelled"
    #: Neither paid nor refused yet (3-D Secure, processing): a webhook will tell.
    PENDING = "pending"


# --- the gateway ----------------------------------------------------------------------------


def card_gateway(config: Mapping[str, Any]) -> StripeGateway | None:
    """The Stripe gateway when a secret key is configured (else cards are not offered);
    one per app and configuration, so that its HTTP connections are reused."""
    secret = config.get("STRIPE_SECRET_KEY") or ""
    if not secret:
        return None
    cache = current_app.extensions.setdefault("mall_card_gateway", {})
    key = (
        secret,
        config.get("STRIPE_API_BASE") or "",
        config.get("STRIPE_MAX_NETWORK_RETRIES"),
        config.get("STRIPE_TIMEOUT"),
    )
    if key not in cache:
        # Imported here: the stripe library (with its HTTP clients, ~15 MB) is loaded by the
        # first payment, not by every worker that only serves pages.
        from mall.payments.stripe_gateway import StripeGateway

        cache.clear()
        cache[key] = StripeGateway.from_config(config)
    return cache[key]


def can_charge(amount: Money) -> bool:
    """Whether a card payment of exactly `amount` is possible (Stripe takes the currency,
    and the amount has an exact representation in Stripe's units: never rounded)."""
    if not is_supported(amount.currency) or amount.amount <= 0:
        return False
    try:
        to_stripe(amount)
    except StripeUnitError:
        return False
    return True


# --- attempts -------------------------------------------------------------------------------


def current_attempt(session: Session, order: Order) -> PaymentAttempt | None:
    """The attempt of the order's latest intent."""
    if order.payment_id is None:
        return None
    return session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.payment_id == order.payment_id)
    )


def declines(session: Session, order: Order) -> int:
    return session.scalar(
        select(func.count())
        .select_from(PaymentAttempt)
        .where(PaymentAttempt.order_id == order.id, PaymentAttempt.status == AttemptStatus.DECLINED)
    ) or 0


def start_attempt(
    session: Session, provider: PaymentProvider, order: Order
) -> tuple[PaymentAttempt, str]:
    """Create the next PaymentIntent of the order and make it the order's current one;
    returns it with the client secret Stripe.js needs in the buyer's browser.

    The key is derived from the order and the attempt number: after a crash between
    Stripe's answer and our commit, the retry asks again with the same key and Stripe
    answers with the same intent, rather than a second one. Raises `PaymentError`."""
    number = 1 + (
        session.scalar(
            select(func.max(PaymentAttempt.attempt)).where(PaymentAttempt.order_id == order.id)
        )
        or 0
    )
    started = provider.start(
        order.code,
        order.total,
        {"order_code": order.code, "attempt": str(number)},
        attempt_key(order.code, number),
    )
    attempt = PaymentAttempt(order_id=order.id, attempt=number, payment_id=started.payment_id)
    session.add(attempt)
    order.payment_id = started.payment_id
    session.flush()
    return attempt, started.client_secret


def payable_attempt(session: Session, provider: PaymentProvider, order: Order) -> PaymentAttempt:
    """The open attempt to pay with, or a new one after a decline."""
    attempt = current_attempt(session, order)
    if attempt is not None and attempt.status is AttemptStatus.OPEN:
        return attempt
    return start_attempt(session, provider, order)[0]


def confirm_test_card(
    provider: PaymentProvider, order: Order, attempt: PaymentAttempt, card: CardOutcome
) -> PaymentResult:
    """Test mode: confirm the attempt's intent with Stripe's test card that succeeds or the
    one that is declined, on the server (no browser can load Stripe.js here). Call it with
    no database transaction open (commit the attempt first): Stripe's answer takes a while.
    Raises `PaymentError` when Stripe cannot be asked."""
    return provider.confirm_test_card(
        attempt.payment_id, card, f"{attempt_key(order.code, attempt.attempt)}:confirm-{card}"
    )


def check_payment(
    session: Session, provider: PaymentProvider, order: Order, now: datetime
) -> CardResult:
    """Ask Stripe how the order's current intent stands (the buyer's return from Stripe.js
    in live mode), and act on it."""
    attempt = current_attempt(session, order)
    if attempt is None:
        return CardResult.PENDING
    result = provider.retrieve(attempt.payment_id)
    return apply_result(session, provider, order, attempt, result, now)


def apply_result(
    session: Session,
    provider: PaymentProvider | None,
    order: Order,
    attempt: PaymentAttempt,
    result: PaymentResult,
    now: datetime,
) -> CardResult:
    if result.status is PaymentStatus.SUCCEEDED:
        return succeeded(session, provider, order, attempt, result.amount, now)
    if result.declined:
        return declined(session, order, attempt, result.failure_message or "", now)
    return CardResult.PENDING


def succeeded(
    session: Session,
    provider: PaymentProvider | None,
    order: Order,
    attempt: PaymentAttempt | None,
    amount: Money,
    now: datetime,
) -> CardResult:
    """Stripe took `amount` for the order: mark it paid (once) and confirm by mail."""
    if attempt is not None:
        session.execute(
            update(PaymentAttempt)
            .where(PaymentAttempt.id == attempt.id)
            .values(status=AttemptStatus.SUCCEEDED, failure_message="", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    try:
        outcome = record_payment(session, order, amount, now)
    except OrderNotPayable as refused:
        # Money taken for an order that cannot take it (cancelled meanwhile, or an amount
        # that is not the total): it goes back to the buyer at once.
        log.error("Card payment for %s refused: %s", order.code, refused)
        _refund(session, provider, order, attempt, amount)
        return CardResult.CANCELLED if order.status is OrderStatus.CANCELLED else CardResult.PENDING
    if outcome is PaymentOutcome.ALREADY_PAID:
        return CardResult.ALREADY_PAID
    if attempt is not None and order.payment_id != attempt.payment_id:
        order.payment_id = attempt.payment_id  # an older intent was the one paid
    send_order_mail(order, "paid")
    session.flush()
    return CardResult.PAID


def declined(
    session: Session, order: Order, attempt: PaymentAttempt, message: str, now: datetime
) -> CardResult:
    """Note the decline on its attempt, once; cancel the order after too many."""
    changed = session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.id == attempt.id, PaymentAttempt.status == AttemptStatus.OPEN)
        .values(status=AttemptStatus.DECLINED, failure_message=message[:500], updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(attempt)
    if order.status is OrderStatus.PAID:
        return CardResult.ALREADY_PAID
    if order.status is OrderStatus.CANCELLED:
        return CardResult.CANCELLED
    if changed and declines(session, order) >= int(current_app.config["CARD_MAX_ATTEMPTS"]):
        cancel(session, order, CancelReason.CARD_DECLINED, now)
        return CardResult.CANCELLED
    return CardResult.DECLINED


def release_expired_orders(
    session: Session, now: datetime
) -> list[tuple[Order, PaymentAttempt | None]]:
    """Cancel every unpaid order whose reservation ran out (stock back, open intents marked
    abandoned), for cron. Each open intent is `abandon`ed: cancelled at Stripe through the
    outbox once the caller has committed."""
    expired = session.scalars(
        select(Order)
        .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.reserved_until <= now)
        .order_by(Order.id)
    ).all()
    released = []
    for order in expired:
        attempt = current_attempt(session, order) if order.payment_id else None
        if release_if_expired(session, order, now):
            abandon(session, order, attempt)
            released.append((order, attempt))
    return released


def abandon(session: Session, order: Order, attempt: PaymentAttempt | None) -> None:
    """Have the order's open intent cancelled at Stripe once this transaction (which
    cancelled the order) has committed, so that it can no longer be paid. Through the
    outbox: no call to Stripe while the stock rows are locked, none if the cancellation
    rolls back. Best effort: a payment that still arrives is refunded."""
    if attempt is None:
        return
    enqueue(session, "stripe.cancel_intent", {
        "payment_id": attempt.payment_id,
        "idempotency_key": f"{attempt_key(order.code, attempt.attempt)}:cancel",
        "order_code": order.code,
    })


def cancel_intent_task(_session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "stripe.cancel_intent" (its key comes from the order and the
    attempt, so a retry is the same request to Stripe). An intent Stripe refuses to cancel
    (already paid or cancelled) is logged and done; an unreachable Stripe raises, to retry."""
    provider = card_gateway(current_app.config)
    if provider is None:
        return
    try:
        provider.cancel(payload["payment_id"], payload["idempotency_key"])
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentError as error:
        log.warning("Could not cancel %s of %s: %s",
                    payload["payment_id"], payload["order_code"], error.detail)


def _refund(
    session: Session,
    provider: PaymentProvider | None,
    order: Order,
    attempt: PaymentAttempt | None,
    amount: Money,
) -> None:
    """Have `amount` given back at Stripe once this transaction has committed (the outbox:
    no call to Stripe while the order row is locked, none if the transaction rolls back)."""
    if provider is None or attempt is None:
        log.error("No way to refund %s of order %s: refund it by hand", amount, order.code)
        return
    enqueue(session, "stripe.refund", {
        "payment_id": attempt.payment_id,
        "amount_minor": amount.amount,
        "currency": amount.currency,
        "idempotency_key": f"{attempt_key(order.code, attempt.attempt)}:refund-unpayable",
        "order_code": order.code,
    })


def refund_task(_session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "stripe.refund" (same key on every retry: one refund). A
    refusal from Stripe is logged for the operator; an unreachable Stripe raises, to retry."""
    provider = card_gateway(current_app.config)
    if provider is None:
        raise PaymentConfigurationError("card payments are not configured: refund by hand")
    try:
        provider.refund(
            payload["payment_id"],
            Money(int(payload["amount_minor"]), str(payload["currency"])),
            payload["idempotency_key"],
            RefundReason.NOT_FULFILLED,
            metadata={"order_code": payload["order_code"]},
        )
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentError as error:
        log.error("Refund for %s failed: %s", payload["order_code"], error.detail)


# --- webhooks -------------------------------------------------------------------------------


def handle_event(
    session: Session, provider: PaymentProvider | None, event: StripeEvent, now: datetime
) -> str:
    """Act on a verified event once; returns what happened, for the answer to Stripe.

    The event id is recorded in the same transaction as the action, so a repeat (Stripe
    retries, our slow answers) finds it and changes nothing, and an action that fails rolls
    the record back with it, so that Stripe's retry can act."""
    if not record_event_once(session, "stripe", event):
        return "duplicate"
    if event.type not in (SUCCEEDED, FAILED) or event.object_id is None:
        return "ignored"
    attempt = session.scalar(
        select(PaymentAttempt).where(PaymentAttempt.payment_id == event.object_id)
    )
    order = attempt.order if attempt is not None else _order_from_metadata(session, event)
    if order is None or order.payment_method is not PaymentMethod.CARD:
        return "unknown payment"
    if event.type == SUCCEEDED:
        try:
            amount = from_stripe(
                int(event.object.get("amount_received") or event.object["amount"]),
                str(event.object["currency"]),
            )
        except (KeyError, TypeError, ValueError):
            return "unreadable amount"
        return succeeded(session, provider, order, attempt, amount, now).value
    if attempt is None:
        return "unknown payment"
    error = event.object.get("last_payment_error") or {}
    message = error.get("message") if isinstance(error, dict) else None
    return declined(session, order, attempt, str(message or ""), now).value


def _order_from_metadata(session: Session, event: StripeEvent) -> Order | None:
    """An intent whose attempt row was never committed (a crash right after Stripe's
    answer) still names its order."""
    metadata = event.object.get("metadata")
    code = metadata.get("order_ref") if isinstance(metadata, dict) else None
    if not isinstance(code, str):
        return None
    order = session.scalar(select(Order).where(Order.code == code))
    if order is None or order.payment_id not in (None, event.object_id):
        return None
    return order


def release_if_expired(session: Session, order: Order, now: datetime) -> bool:
    """Cancel an unpaid order whose reservation ran out, giving its stock back — on access,
    so a buyer never sees "awaiting payment" for stock that is no longer held."""
    if order.status is not OrderStatus.PENDING_PAYMENT or order.reserved_until > now:
        return False
    return cancel(session, order, CancelReason.EXPIRED, now)


def cancel(session: Session, order: Order, reason: CancelReason, now: datetime) -> bool:
    """Cancel an unpaid order (stock back, open card intents marked abandoned)."""
    if not cancel_order(session, order, reason, now):
        return False
    session.execute(
        update(PaymentAttempt)
        .where(PaymentAttempt.order_id == order.id, PaymentAttempt.status == AttemptStatus.OPEN)
        .values(status=AttemptStatus.CANCELED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return True
