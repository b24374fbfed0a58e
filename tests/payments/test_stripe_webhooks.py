"""Stripe webhooks: a real signed delivery from localstripe is accepted; anything altered,
stale or signed with another secret is not; a repeated event is recorded only once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import stripe
from sqlalchemy import func, select

from mall.extensions import db
from mall.money import Money
from mall.payments.models import ProcessedEvent
from mall.payments.stripe_gateway import StripeGateway
from mall.payments.webhooks import (
    StripeEvent,
    WebhookRejected,
    record_event_once,
    verify_event,
)
from tests.payments.conftest import WebhookReceiver


def signed(body: dict[str, Any], secret: str, *, age: int = 0) -> tuple[bytes, str]:
    """A payload and its Stripe-Signature header, signed `age` seconds ago."""
    payload = json.dumps(body).encode()
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=int(time.time()) - age
    )
    return payload, header


EVENT = {
    "id": "evt_test_1",
    "object": "event",
    "type": "payment_intent.succeeded",
    "created": 1700000000,
    "livemode": False,
    "data": {"object": {"id": "pi_test_1", "object": "payment_intent", "amount": 1234}},
}


@pytest.mark.slow
def test_a_real_delivery_from_localstripe_verifies(
    gateway: StripeGateway, webhook_endpoint: WebhookReceiver, webhook_secret: str, key: Any
) -> None:
    started = gateway.start("PM-2001", Money(1230, "KWD"), {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "success", key("pay"))

    delivery = webhook_endpoint.wait_for("payment_intent.succeeded", started.payment_id)
    header = delivery.headers["Stripe-Signature"]
    assert header.startswith("t=")
    assert ",v1=" in header

    event = verify_event(delivery.body, header, webhook_secret)
    assert event.type == "payment_intent.succeeded"
    assert event.id.startswith("evt_")
    assert event.object_id == started.payment_id
    assert event.object["amount"] == 1230
    assert event.object["currency"] == "kwd"
    assert event.object["transfer_group"] == "PM-2001"
    assert event.object["metadata"] == {"order_ref": "PM-2001"}

    with pytest.raises(WebhookRejected, match="No signatures found matching"):
        verify_event(delivery.body, header, "whsec_someone_else")
    tampered = delivery.body.replace(b'"amount": 1230', b'"amount": 1')
    assert tampered != delivery.body
    with pytest.raises(WebhookRejected, match="No signatures found matching"):
        verify_event(tampered, header, webhook_secret)


@pytest.mark.slow
def test_a_declined_payment_is_reported_too(
    gateway: StripeGateway, webhook_endpoint: WebhookReceiver, webhook_secret: str, key: Any
) -> None:
    started = gateway.start("PM-2002", Money(1234, "EUR"), {}, key("start"))
    gateway.confirm_test_card(started.payment_id, "decline", key("pay"))
    delivery = webhook_endpoint.wait_for("payment_intent.payment_failed", started.payment_id)
    event = verify_event(delivery.body, delivery.headers["Stripe-Signature"], webhook_secret)
    assert event.object["last_payment_error"]["code"] == "card_declined"


def test_a_correctly_signed_event_is_read() -> None:
    payload, header = signed(EVENT, "whsec_test")
    event = verify_event(payload, header, "whsec_test")
    assert event == StripeEvent(
        id="evt_test_1",
        type="payment_intent.succeeded",
        object_id="pi_test_1",
        object=EVENT["data"]["object"],
        created=1700000000,
        livemode=False,
    )


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "Missing Stripe-Signature header"),
        ("", "Missing Stripe-Signature header"),
        ("v1=abc", "Unable to extract timestamp"),
        ("t=1700000000", "No signatures found with expected scheme"),
    ],
)
def test_missing_or_malformed_signatures_are_rejected(header: str | None, reason: str) -> None:
    payload, _ = signed(EVENT, "whsec_test")
    with pytest.raises(WebhookRejected, match=reason):
        verify_event(payload, header, "whsec_test")


def test_a_stale_delivery_is_rejected_even_when_correctly_signed() -> None:
    """A signed body captured once must not be replayable later."""
    payload, header = signed(EVENT, "whsec_test", age=301)
    with pytest.raises(WebhookRejected, match="tolerance"):
        verify_event(payload, header, "whsec_test")
    assert verify_event(payload, header, "whsec_test", tolerance=600).id == "evt_test_1"
    with pytest.raises(ValueError, match="tolerance"):
        verify_event(payload, header, "whsec_test", tolerance=0)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"object": "payment_intent", "id": "pi_1"}',
        b'{"object": "event", "id": "evt_1", "type": "x"}',
        b"\xff\xfe",
    ],
)
def test_signed_bodies_that_are_not_events_are_rejected(body: bytes) -> None:
    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("latin-1"), "whsec_test"
    )
    with pytest.raises(WebhookRejected):
        verify_event(body, header, "whsec_test")


def test_no_secret_configured_rejects_everything() -> None:
    payload, header = signed(EVENT, "")
    with pytest.raises(WebhookRejected, match="No webhook secret"):
        verify_event(payload, header, "")


def test_an_event_is_recorded_once() -> None:
    event = StripeEvent(
        id="evt_test_once", type="payment_intent.succeeded", object_id="pi_1", object={}
    )
    assert record_event_once(db.session, "stripe", event) is True
    assert record_event_once(db.session, "stripe", event) is False
    # The refusal left the transaction usable: the caller carries on and commits.
    db.session.commit()
    assert record_event_once(db.session, "stripe", event) is False
    # Ids are unique per provider only.
    assert record_event_once(db.session, "other", event) is True
    db.session.commit()

    rows = db.session.scalars(select(ProcessedEvent).order_by(ProcessedEvent.id)).all()
    assert [(r.provider, r.event_id, r.type) for r in rows] == [
        ("stripe", "evt_test_once", "payment_intent.succeeded"),
        ("other", "evt_test_once", "payment_intent.succeeded"),
    ]
    assert rows[0].received_at.tzinfo is not None


def test_a_rolled_back_handling_forgets_the_event() -> None:
    """If acting on the event fails, the retry must be able to act: the record goes with the
    rolled-back transaction."""
    event = StripeEvent(id="evt_test_rollback", type="charge.refunded", object_id=None,
                        object={})
    assert record_event_once(db.session, "stripe", event) is True
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
    assert record_event_once(db.session, "stripe", event) is True
