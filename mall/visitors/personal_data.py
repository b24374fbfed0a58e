"""A buyer's visits, for the privacy package (`mall.privacy`): each browser they signed in
with, and each browser that placed one of their orders, holds a visit on the server (what
every host's session cookie points at), with its display currency and sign-in lifetime."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.orders.models import Order
from mall.privacy.registry import PersonalData, Tables, row
from mall.visitors.models import Visitor


def _visits(buyer: Buyer) -> Select[tuple[int]]:
    of_orders = select(Order.visitor_id).where(
        Order.buyer_id == buyer.id, Order.visitor_id.is_not(None)
    )
    return select(Visitor.id).where(or_(Visitor.buyer_id == buyer.id, Visitor.id.in_(of_orders)))


def export_visits(session: Session, buyer: Buyer) -> Tables:
    visits = session.scalars(
        select(Visitor).where(Visitor.id.in_(_visits(buyer))).order_by(Visitor.id)
    )
    fields = ("created_at", "currency", "signed_in_until", "ended_at")
    return {"visits": [row(visit, fields) for visit in visits]}


def erase_visits(session: Session, buyer: Buyer, now: datetime) -> None:
    """Every browser of the buyer forgets them at its next request, on every host: its
    host sessions point at a visit that is gone. The database takes the visits' link
    passes, checkout quotes and anonymous carts with them, and unlinks their orders."""
    session.execute(
        delete(Visitor).where(Visitor.id.in_(_visits(buyer))),
        execution_options={"synchronize_session": "fetch"},
    )


VISITS = PersonalData(
    name="visits", tables=("visitor", "link_token", "quote"), export=export_visits,
    erase=erase_visits,
)
