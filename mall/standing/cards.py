"""The card a collector keeps for standing orders: saved through a Stripe SetupIntent on a
Customer of their own, forgotten by detaching it at Stripe.

Saving needs Stripe's answer on the page, so those calls are synchronous (no transaction
holds a lock meanwhile: nothing is written before Stripe answers). Forgetting a card is a
side effect the page does not wait for: "standing.detach_card" through the outbox, after the
row is gone, so that an erased account's card is detached even if Stripe is down then."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.outbox import enqueue
from mall.payments.card import card_gateway
from mall.payments.provider import PaymentRefused, PaymentStart, SavedCard
from mall.standing.models import StoredCard

if TYPE_CHECKING:
    from mall.payments.stripe_gateway import StripeGateway

log = logging.getLogger(__name__)


def stored_card(session: Session, buyer: Buyer) -> StoredCard | None:
    return session.scalar(select(StoredCard).where(StoredCard.buyer_id == buyer.id))


def begin_setup(
    session: Session, gateway: StripeGateway, buyer: Buyer
) -> tuple[str, PaymentStart]:
    """A SetupIntent for a new card: on the customer of the card kept now, else on a new
    Customer. Returns the customer id and the intent. Raises `PaymentError`."""
    current = stored_card(session, buyer)
    nonce = secrets.token_hex(8)  # each visit to "add a card" is a new request to Stripe
    customer_id = current.customer_id if current is not None else gateway.create_customer(
        buyer.email, f"buyer-{buyer.id}:customer-{nonce}"
    )
    return customer_id, gateway.start_setup(customer_id, f"buyer-{buyer.id}:setup-{nonce}")


def keep_card(session: Session, buyer: Buyer, saved: SavedCard) -> StoredCard:
    """Keep `saved` as the buyer's card; the card it replaces is detached after the commit."""
    card = stored_card(session, buyer)
    if card is None:
        card = StoredCard(buyer_id=buyer.id)
        session.add(card)
    elif card.payment_method_id != saved.payment_method_id:
        forget_at_stripe(session, card)
    card.customer_id, card.payment_method_id = saved.customer_id, saved.payment_method_id
    card.brand, card.last4 = saved.brand, saved.last4
    card.exp_month, card.exp_year = saved.exp_month, saved.exp_year
    session.flush()
    return card


def remove_card(session: Session, buyer: Buyer) -> bool:
    """Forget the buyer's card here and (after the commit) at Stripe; False if none."""
    card = stored_card(session, buyer)
    if card is None:
        return False
    forget_at_stripe(session, card)
    session.delete(card)
    session.flush()
    return True


def forget_at_stripe(session: Session, card: StoredCard) -> None:
    enqueue(session, "standing.detach_card", {"payment_method_id": card.payment_method_id})


def detach_card_task(_session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "standing.detach_card", keyed by the card (Stripe keeps keys
    per account, across databases, so a task id alone could repeat): a retry is the same
    request. Without Stripe configured there is nothing to detach from; a card Stripe
    no longer knows is logged and done; an unreachable Stripe raises, to retry."""
    gateway = card_gateway(current_app.config)
    if gateway is None:
        return
    payment_method_id = payload["payment_method_id"]
    try:
        gateway.detach_card(payment_method_id, f"detach-card:{payment_method_id}")
    except PaymentRefused as error:
        log.warning("Could not detach %s: %s", payment_method_id, error.detail)
