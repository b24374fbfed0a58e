"""A collector's standing orders and saved card, for the privacy package (`mall.privacy`).
Erasure cancels the standing orders by deleting them (what they did for each issue goes
with them; the orders they placed stay, anonymised by the orders' own section) and forgets
the card here and, through the outbox after the commit, at Stripe."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.privacy.registry import PersonalData, Tables, row
from mall.standing.cards import forget_at_stripe
from mall.standing.models import StandingOrder, StandingPlacement, StoredCard


def export_standing(session: Session, buyer: Buyer) -> Tables:
    standing_orders = session.scalars(
        select(StandingOrder).where(StandingOrder.buyer_id == buyer.id).order_by(StandingOrder.id)
    ).all()
    placements = session.scalars(
        select(StandingPlacement)
        .join(StandingOrder, StandingOrder.id == StandingPlacement.standing_order_id)
        .where(StandingOrder.buyer_id == buyer.id)
        .order_by(StandingPlacement.id)
    ).all()
    cards = session.scalars(select(StoredCard).where(StoredCard.buyer_id == buyer.id)).all()
    return {
        "standing_orders": [
            row(standing, ("id", "post_id", "theme_id", "quantity", "condition", "currency",
                           "max_per_issue_minor", "max_per_month_minor", "payment_method",
                           "address_id", "status", "created_at"),
                formats=",".join(standing.formats))
            for standing in standing_orders
        ],
        "standing_order_issues": [
            row(placement, ("standing_order_id", "issue_id", "outcome", "created_at"),
                order=placement.order.code if placement.order is not None else None)
            for placement in placements
        ],
        "saved_cards": [
            row(card, ("brand", "last4", "exp_month", "exp_year", "created_at"))
            for card in cards
        ],
    }


def erase_standing(session: Session, buyer: Buyer, now: datetime) -> None:
    for card in session.scalars(select(StoredCard).where(StoredCard.buyer_id == buyer.id)):
        forget_at_stripe(session, card)
    session.execute(
        delete(StoredCard).where(StoredCard.buyer_id == buyer.id),
        execution_options={"synchronize_session": "fetch"},
    )
    session.execute(
        delete(StandingOrder).where(StandingOrder.buyer_id == buyer.id),
        execution_options={"synchronize_session": "fetch"},
    )


STANDING = PersonalData(
    name="standing_orders",
    tables=("standing_order", "standing_placement", "stored_card"),
    export=export_standing,
    erase=erase_standing,
)
