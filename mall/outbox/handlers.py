"""Which function carries out each kind of outbox task, listed explicitly.

A handler takes the session, the task's id and its payload. It may write to the database
through the session (the dispatcher commits that together with marking the task done), and
raises to have the task retried later. The id is the task's idempotency key: a handler that
calls out (SMTP, Stripe) derives its keys from it, so a retry after a crash between the call
and the commit is recognised as the same request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

Handler = Callable[[Session, int, dict[str, Any]], None]


def handler_for(kind: str) -> Handler:
    """The handler of `kind`; a `KeyError` (the task fails with it) for an unknown kind."""
    from mall.catalogue.publishing import issue_published_task, restocked_task
    from mall.mail.sending import deliver_task
    from mall.payments.card import cancel_intent_task, refund_task
    from mall.settlement.payouts import connect_account_task, stripe_transfer_task
    from mall.settlement.refunds import card_refund_task, reverse_transfer_task
    from mall.standing.cards import detach_card_task
    from mall.standing.charging import charge_task
    from mall.standing.placing import place_task

    handlers: dict[str, Handler] = {
        "mail": deliver_task,
        "catalogue.issue_published": issue_published_task,
        "catalogue.restocked": restocked_task,
        "stripe.cancel_intent": cancel_intent_task,
        "stripe.refund": refund_task,
        "settlement.card_refund": card_refund_task,
        "settlement.reverse_transfer": reverse_transfer_task,
        "settlement.stripe_transfer": stripe_transfer_task,
        "settlement.connect_account": connect_account_task,
        "standing.place": place_task,
        "standing.charge": charge_task,
        "standing.detach_card": detach_card_task,
    }
    return handlers[kind]
