"""Paying a standing order's order with the collector's stored card, while they are away.

The "standing.charge" task runs once the order has committed (never while its stock rows
are locked): one PaymentIntent, created and confirmed off-session with the stored card,
keyed by the order, the attempt and the task, so that a retry after a crash gets Stripe's
first answer rather than a second charge. A success goes through `succeeded` (paid once,
confirmed by mail, whether this or the webhook comes first). A decline, a card that wants
the collector's authentication, or no card at all leaves the order awaiting payment (its
stamps held, `RESERVE_OFFLINE_DAYS`) and mails a link to pay it on the order's pay page."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mall.columns import utcnow
from mall.i18n import lazy_translate as _l
from mall.mail import MailError, send_templated_mail
from mall.orders.models import Order, OrderStatus, PaymentMethod
from mall.payments.attempts import AttemptStatus, PaymentAttempt, attempt_key
from mall.payments.card import abandon, can_charge, card_gateway, declined, succeeded
from mall.payments.provider import (
    PaymentConfigurationError,
    PaymentDeclined,
    PaymentError,
    PaymentStatus,
    PaymentUnavailable,
    SavedCard,
)
from mall.standing.models import StoredCard

log = logging.getLogger(__name__)

#: Why the card was not charged, as the mail says it.
DECLINED = _l("Your saved card was declined.")
AUTHENTICATION = _l("Your bank wants you to confirm this payment yourself.")
NO_CARD = _l("No card is saved in your account any more.")
UNAVAILABLE = _l("Card payments are unavailable at the moment. Nothing was charged.")
NOT_BY_CARD = _l("Cards cannot be charged this amount in this currency.")


def charge_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "standing.charge". Raises (to be retried) only when Stripe
    cannot be reached or refuses the mall's own set-up."""
    order = session.get(Order, int(payload["order_id"]))
    if (order is None or order.status is not OrderStatus.PENDING_PAYMENT
            or order.payment_method is not PaymentMethod.CARD):
        return
    gateway = card_gateway(current_app.config)
    stored = session.scalar(select(StoredCard).where(StoredCard.buyer_id == order.buyer_id))
    if gateway is None or stored is None:
        ask_to_pay(order, UNAVAILABLE if gateway is None else NO_CARD)
        return
    if not can_charge(order.total):
        ask_to_pay(order, NOT_BY_CARD)
        return
    number = 1 + (session.scalar(
        select(func.max(PaymentAttempt.attempt)).where(PaymentAttempt.order_id == order.id)
    ) or 0)
    card = SavedCard(stored.customer_id, stored.payment_method_id, stored.brand, stored.last4,
                     stored.exp_month, stored.exp_year)
    try:
        result = gateway.charge_off_session(
            order.code, order.total, card,
            {"order_code": order.code, "attempt": str(number), "standing": "1"},
            f"{attempt_key(order.code, number)}:off-session-{task_id}",
        )
    except (PaymentUnavailable, PaymentConfigurationError):
        raise
    except PaymentDeclined:
        ask_to_pay(order, DECLINED)
        return
    except PaymentError as error:  # the card is gone at Stripe, or refused outright
        log.warning("Could not charge the stored card for %s: %s", order.code, error.detail)
        ask_to_pay(order, DECLINED)
        return
    attempt = PaymentAttempt(order_id=order.id, attempt=number, payment_id=result.payment_id)
    session.add(attempt)
    order.payment_id = result.payment_id
    session.flush()
    now = utcnow()
    if result.status is PaymentStatus.SUCCEEDED:
        succeeded(session, gateway, order, attempt, result.amount, now)
    elif result.status is PaymentStatus.REQUIRES_ACTION:
        # The collector must authenticate on the pay page, with a new intent: this one is
        # cancelled, so it can never be paid as well.
        session.execute(
            update(PaymentAttempt).where(PaymentAttempt.id == attempt.id)
            .values(status=AttemptStatus.CANCELED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        abandon(session, order, attempt)
        ask_to_pay(order, AUTHENTICATION)
    elif result.declined:
        declined(session, order, attempt, result.failure_message or "", now)
        if order.status is OrderStatus.PENDING_PAYMENT:
            ask_to_pay(order, DECLINED)


def ask_to_pay(order: Order, reason: Any) -> None:
    """Mail the collector a link to the order's pay page, with why it is needed."""
    with contextlib.suppress(MailError):
        send_templated_mail(
            order.email,
            "standing_pay",
            _l("Please pay your standing order %(code)s", code=order.code),
            order.locale,
            order=order,
            reason=reason,
            pay_url=url_for("orders.pay", code=order.code, _external=True),
        )
