"""Mail to a buyer's address, for the privacy package (`mall.privacy`): the outbox keeps
each message it handled (rendered, with the address it went to) and the development
transport keeps a copy. Nothing of it is exported (the buyer has the mails themselves);
an erasure deletes what was already sent or given up, to the account's address and to the
addresses its orders were placed with (before the orders are anonymised). A mail still
waiting (an order's confirmation a moment ago) is left to go out: it was promised."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.mail.models import OutboxMessage
from mall.orders.models import Order
from mall.outbox.models import OutboxTask, TaskState
from mall.privacy.registry import PersonalData


def erase_mail(session: Session, buyer: Buyer, now: datetime) -> None:
    addresses = {buyer.email, *session.scalars(
        select(Order.email).where(Order.buyer_id == buyer.id).distinct()
    )}
    session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.in_(addresses)))
    session.execute(
        delete(OutboxTask).where(
            OutboxTask.kind == "mail",
            OutboxTask.state.in_((TaskState.DONE, TaskState.FAILED)),
            OutboxTask.payload["to"].as_string().in_(addresses),
        )
    )


MAIL = PersonalData(
    name="mail", tables=("outbox_message", "outbox_task"), export=None, erase=erase_mail
)
