"""How long what is not an order stays: `prune` deletes what has outlived its use, as the
privacy page promises (a cron job runs `flask mall privacy prune` daily).

- A **visit** (the server's half of a browser's host sessions: cart, currency, sign-in)
  goes `VISIT_RETENTION_DAYS` after its last use — its sign-out, the end of its sign-in,
  the last change to its cart, or its start. Its link passes, quotes and anonymous cart go
  with it; its guest orders stay (reached through their mailed links).
- **Link passes** and **checkout quotes** go a day after they expired (they last a minute
  and a quarter of an hour).
- **Mail** the outbox finished with (sent or given up), and the development transport's
  copies, go after `SENT_MAIL_RETENTION_DAYS`.
- A visitor's **message to a post**, with the post's replies, goes after
  `CONTACT_MESSAGE_RETENTION_DAYS`.
- **Sign-in attempts** go once the throttling window is over (`mall.accounts.throttling`).

Orders are never pruned here: accounting law decides how long they are kept, and an erased
account's orders no longer name anyone (`mall.orders.personal_data`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, or_
from sqlalchemy.orm import Session

from mall.accounts.throttling import prune_attempts
from mall.cart.models import Cart
from mall.content.models import ContactMessage
from mall.mail.models import OutboxMessage
from mall.orders.models import Quote
from mall.outbox.models import OutboxTask, TaskState
from mall.visitors.models import LinkToken, Visitor

#: How long an expired link pass or quote is kept, for a request that is just reading it.
EXPIRED_GRACE = timedelta(days=1)


def prune(session: Session, now: datetime, config: Mapping[str, Any]) -> dict[str, int]:
    """Delete what outlived its use; the count of rows deleted, by kind."""
    visits_before = now - timedelta(days=int(config["VISIT_RETENTION_DAYS"]))
    mail_before = now - timedelta(days=int(config["SENT_MAIL_RETENTION_DAYS"]))
    messages_before = now - timedelta(days=int(config["CONTACT_MESSAGE_RETENTION_DAYS"]))
    cart_in_use = exists().where(Cart.visitor_id == Visitor.id, Cart.updated_at > visits_before)
    counts = {
        "visits": _delete(session, Visitor, or_(
            Visitor.ended_at <= visits_before,
            and_(Visitor.buyer_id.is_not(None), Visitor.signed_in_until <= visits_before),
            and_(Visitor.ended_at.is_(None), Visitor.buyer_id.is_(None),
                 Visitor.created_at <= visits_before, ~cart_in_use),
        )),
        "link passes": _delete(session, LinkToken, LinkToken.expires_at <= now - EXPIRED_GRACE),
        "quotes": _delete(session, Quote, Quote.expires_at <= now - EXPIRED_GRACE),
        "finished mail and tasks": _delete(session, OutboxTask, and_(
            OutboxTask.state.in_((TaskState.DONE, TaskState.FAILED)),
            OutboxTask.created_at <= mail_before,
        )),
        "stored mail": _delete(session, OutboxMessage, OutboxMessage.created_at <= mail_before),
        "contact messages": _delete(
            session, ContactMessage, ContactMessage.created_at <= messages_before
        ),
        "sign-in attempts": prune_attempts(session, now),
    }
    session.flush()
    return counts


def _delete(session: Session, model: type, condition: Any) -> int:
    result = session.execute(
        delete(model).where(condition), execution_options={"synchronize_session": False}
    )
    return result.rowcount or 0
