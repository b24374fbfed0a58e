"""Finding an order for the one asking: the buyer it belongs to, the visit that placed it,
or whoever holds its signed link — and nobody else."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, selectinload

from mall.accounts.models import Buyer
from mall.orders.models import Order, PostOrder
from mall.settlement.models import Refund
from mall.settlement.refunds import refunds_of
from mall.visitors.models import Visitor


def order_by_key(session: Session, placement_key: str, visitor: Visitor) -> Order | None:
    """The order this checkout form already placed for this visitor (a double submit)."""
    return session.scalar(
        select(Order).where(Order.placement_key == placement_key, Order.visitor_id == visitor.id)
    )


def order_query(
    code: str, visitor: Visitor | None, buyer: Buyer | None, *, guest_pass: bool = False
) -> Any:
    """The order `code` if the one asking may see it, with its post orders, lines and posts
    (three queries whatever their number). A signed-in buyer's order: that buyer, signed
    in, and nobody else. A guest's order: the visit that placed it while nobody is signed
    in on it, or whoever holds its signed link (`guest_pass`, see
    `mall.orders.guest_links`). A buyer who signs in on a visit never sees its guest
    orders: the browser may have changed hands."""
    owners = []
    if buyer is not None:
        owners.append(Order.buyer_id == buyer.id)
    elif visitor is not None:
        owners.append(and_(Order.visitor_id == visitor.id, Order.buyer_id.is_(None)))
    if guest_pass:
        owners.append(Order.buyer_id.is_(None))
    return (
        select(Order)
        .where(Order.code == code, or_(*owners) if owners else false())
        .options(
            selectinload(Order.post_orders).selectinload(PostOrder.lines),
            selectinload(Order.post_orders).joinedload(PostOrder.post),
            selectinload(Order.post_orders).joinedload(PostOrder.shipment),
        )
    )


def refunds_by_post_order(session: Session, order: Order) -> dict[int, list[Refund]]:
    """The order's refunds by post order id, each with its lines (`refunds_of`: one query
    for the refunds, one for all their lines when there are any)."""
    found: dict[int, list[Refund]] = defaultdict(list)
    for refund in refunds_of(session, [order.id])[order.id]:
        found[refund.post_order_id].append(refund)
    return dict(found)
