"""Stripe's webhook events: proving they come from Stripe, and acting on each only once.

Stripe signs every delivery (`Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of
"<t>.<raw body>">` with the endpoint's secret). Anyone can post to our endpoint, so nothing in
a body counts until that signature checks out, and an old signed body replayed later must not
count either: deliveries older than `tolerance` seconds are refused.

Stripe also delivers an event more than once (retries, our slow answers), so the handler
records the event id first (`record_event_once`) and acts only when that is the first time,
in the same transaction as the action itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from mall.columns import utcnow
from mall.payments.models import ProcessedEvent

#: Stripe's own default: five minutes between signing and our check.
DEFAULT_TOLERANCE = 300


class WebhookRejected(Exception):
    """A delivery we must not act on; answer it with a 400 and `reason`."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class StripeEvent:
    """The parts of a verified Stripe event the mall uses."""

    #: Stripe's event id (`evt_…`): the key for `record_event_once`.
    id: str
    #: `payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`…
    type: str
    #: The id of the object the event is about (the PaymentIntent's `pi_…`), if any.
    object_id: str | None
    #: That object as Stripe sent it, at the time of the event.
    object: dict[str, Any] = field(repr=False)
    #: When Stripe created the event (Unix time).
    created: int = 0
    livemode: bool = False


class EventLike(Protocol):
    """What `record_event_once` needs of an event."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...


def verify_event(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
) -> StripeEvent:
    """Check the delivery's signature with the stripe library, then read the event.

    `payload` must be the raw request body, byte for byte (`request.get_data()`): the
    signature covers those bytes, not a re-serialised JSON. Raises `WebhookRejected` for a
    missing or malformed header, a signature that does not match (wrong secret, altered
    body), a timestamp older than `tolerance` seconds, or a body that is not a Stripe event."""
    if tolerance <= 0:
        # The library reads 0 as "do not check the age", which would accept replays forever.
        raise ValueError("tolerance must be a positive number of seconds")
    if not secret:
        raise WebhookRejected("No webhook secret is configured")
    if not signature_header:
        raise WebhookRejected("Missing Stripe-Signature header")
    import stripe  # here, not at the top: a worker that only serves pages never loads it

    try:
        stripe.WebhookSignature.verify_header(payload, signature_header, secret, tolerance)
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(error.user_message or "Invalid signature") from None
    except UnicodeDecodeError:
        raise WebhookRejected("The payload is not UTF-8 text") from None
    return _parse(payload)


def _parse(payload: bytes) -> StripeEvent:
    try:
        body = json.loads(payload)
    except ValueError:
        raise WebhookRejected("The payload is not JSON") from None
    if not isinstance(body, dict) or body.get("object") != "event":
        raise WebhookRejected("The payload is not a Stripe event")
    event_id, event_type = body.get("id"), body.get("type")
    data = body.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not isinstance(event_type, str) or not isinstance(
        obj, dict
    ):
        raise WebhookRejected("The event has no id, type or object")
    object_id = obj.get("id")
    return StripeEvent(
        id=event_id,
        type=event_type,
        object_id=object_id if isinstance(object_id, str) else None,
        object=obj,
        created=int(body.get("created") or 0),
        livemode=bool(body.get("livemode")),
    )


def record_event_once(
    session: Session | scoped_session[Session], provider: str, event: EventLike
) -> bool:
    """Record that `event` is being handled: True the first time, False for any repeat.

    One `INSERT … ON CONFLICT DO NOTHING` against the unique (provider, event_id): of two
    concurrent deliveries, the database lets exactly one insert the row, and the other waits
    for its transaction and then inserts nothing. No exception, so the caller's transaction
    is untouched either way. Nothing is committed here: call it in the transaction that acts
    on the event, so that a failed action also forgets the event and the retry can act."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:
        raise NotImplementedError(f"record_event_once does not support {dialect}")
    statement = (
        insert(ProcessedEvent)
        .values(provider=provider, event_id=event.id, type=event.type, received_at=utcnow())
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(ProcessedEvent.id)
    )
    # RETURNING rather than rowcount: ORM inserts on PostgreSQL do not report a rowcount.
    return session.execute(statement).scalar_one_or_none() is not None
