"""Stripe's webhook endpoint at the portal: `POST /webhooks/stripe`.

Exempt from CSRF (Stripe posts no form token); what stands in for it is Stripe's signature
over the raw body, checked before anything is read. A bad signature is a 400 with a JSON
reason; every verified event, handled, repeated or of no interest, is a 200, so that Stripe
stops delivering it. An unexpected error is a 500 with nothing recorded: Stripe retries."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from mall.columns import utcnow
from mall.extensions import csrf, db
from mall.payments.card import card_gateway, handle_event
from mall.payments.webhooks import WebhookRejected, verify_event

#: At the portal (`subdomain=PORTAL_SUBDOMAIN`).
bp = Blueprint("stripe_webhooks", __name__)
csrf.exempt(bp)


@bp.post("/webhooks/stripe")
def stripe_event() -> ResponseReturnValue:
    config = current_app.config
    try:
        event = verify_event(
            request.get_data(cache=False),
            request.headers.get("Stripe-Signature"),
            config.get("STRIPE_WEBHOOK_SECRET") or "",
        )
    except WebhookRejected as rejected:
        return jsonify(error="Bad Request", reason=rejected.reason), 400
    outcome = handle_event(db.session, card_gateway(config), event, utcnow())
    return jsonify(received=True, event=event.id, outcome=outcome), 200
