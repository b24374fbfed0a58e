"""An issue going on sale, served to the standing orders that wait for it.

`issue_published` (a listener of `mall.catalogue.publishing`) enqueues one task per matching
active standing order, so that one collector's failure or retry never redoes another's.
Each task (`place_task`) runs in its own transaction: it first claims the (standing order,
issue) row — the unique key makes a second run, a retry or an issue announced again find
it and do nothing — then takes the stock with checkout's conditional update and places a
real order through `mall.orders.placement`. All or nothing: N of each matching product, or,
when one is short, no order and a mail saying the issue sold out (see docs/decisions.md)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mall.catalogue.models import Issue, Product
from mall.columns import utcnow
from mall.i18n import lazy_translate as _l
from mall.mail import MailError, send_templated_mail
from mall.money import Money, money_sum
from mall.orders.mail import send_order_mail
from mall.orders.models import Order, OrderStatus, PaymentMethod
from mall.orders.placement import (
    OrderRequest,
    OutOfStock,
    ShippingAddress,
    place_lines,
    rates_now,
)
from mall.outbox import enqueue
from mall.posts.models import PostStatus
from mall.rates.conversion import configured_spread_bps, load_rate_table
from mall.shipping.defaults import preselected, untracked_limit
from mall.shipping.services import options_for
from mall.shipping.zones import UnknownCountry
from mall.standing.models import (
    PlacementOutcome,
    StandingOrder,
    StandingPlacement,
    StandingStatus,
    StoredCard,
)

#: Why a standing order placed nothing, as its mail says it.
SKIPPED_REASONS = {
    PlacementOutcome.SOLD_OUT: _l("Not enough stamps were left for your standing order."),
    PlacementOutcome.OVER_BUDGET: _l("The order would have gone over your budget."),
    PlacementOutcome.NO_DELIVERY: _l(
        "The post cannot send it to your saved address, or the address was deleted."
    ),
    PlacementOutcome.NO_CARD: _l("Your standing order is paid by card, and no card is saved."),
}


@dataclass(frozen=True, slots=True)
class Pick:
    """N of one product of the issue, as `place_lines` takes it."""

    product: Product
    quantity: int

    @property
    def product_id(self) -> int:
        return self.product.id

    @property
    def post_id(self) -> int:
        return self.product.post_id


class Skipped(Exception):
    def __init__(self, outcome: PlacementOutcome) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome


def issue_published(session: Session, issue: Issue) -> None:
    """The listener: one "standing.place" task per active standing order of the issue's
    post or of one of its themes that has not served this issue yet."""
    scope = StandingOrder.post_id == issue.post_id
    theme_ids = [theme.id for theme in issue.themes]
    if theme_ids:
        scope = or_(scope, StandingOrder.theme_id.in_(theme_ids))
    served = select(StandingPlacement.standing_order_id).where(
        StandingPlacement.issue_id == issue.id
    )
    waiting = session.scalars(
        select(StandingOrder.id)
        .where(StandingOrder.status == StandingStatus.ACTIVE, scope,
               StandingOrder.id.not_in(served))
        .order_by(StandingOrder.id)
    ).all()
    for standing_id in waiting:
        enqueue(session, "standing.place", {"standing_order_id": standing_id,
                                            "issue_id": issue.id})


def place_task(session: Session, _task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler of "standing.place"."""
    place_for_issue(session, int(payload["standing_order_id"]), int(payload["issue_id"]),
                    utcnow())


def place_for_issue(
    session: Session, standing_id: int, issue_id: int, now: datetime
) -> StandingPlacement | None:
    """Serve one issue to one standing order, once; None when there was nothing to do (it
    was served already, is no longer active, or the issue is off sale). Flushes only."""
    standing = session.get(StandingOrder, standing_id)
    issue = session.get(Issue, issue_id)
    if (standing is None or issue is None or standing.status is not StandingStatus.ACTIVE
            or not issue.is_published):
        return None
    try:
        with session.begin_nested():
            # The claim comes first: a second run waits here (PostgreSQL) or finds the row,
            # before it takes any stock.
            placement = StandingPlacement(
                standing_order_id=standing.id, issue_id=issue.id,
                outcome=PlacementOutcome.PLACED, created_at=now,
            )
            session.add(placement)
            session.flush()
    except IntegrityError:
        return None
    try:
        placement.order = _place(session, standing, issue, now)
    except Skipped as skipped:
        placement.outcome = skipped.outcome
    session.flush()
    _tell(session, standing, placement)
    return placement


def _place(session: Session, standing: StandingOrder, issue: Issue, now: datetime) -> Order:
    """The order for `issue`, or `Skipped` with why (nothing of it is then kept)."""
    post = issue.post
    picks = [
        Pick(product, standing.quantity)
        for product in sorted(issue.products, key=lambda product: product.id)
        if product.format.value in standing.formats and product.condition is standing.condition
    ]
    if not picks or post.status is not PostStatus.LIVE:
        raise Skipped(PlacementOutcome.NOTHING_MATCHING)
    address = standing.address
    if address is None:
        raise Skipped(PlacementOutcome.NO_DELIVERY)
    if standing.payment_method is PaymentMethod.CARD and session.scalar(
        select(StoredCard.id).where(StoredCard.buyer_id == standing.buyer_id)
    ) is None:
        raise Skipped(PlacementOutcome.NO_CARD)
    config = current_app.config
    table = load_rate_table(session)
    goods = money_sum([pick.product.price * pick.quantity for pick in picks], post.currency)
    weight = sum(pick.product.weight_g * pick.quantity for pick in picks)
    try:
        options = options_for(session, post, address.country, weight, goods)
    except UnknownCountry:
        options = []
    method = preselected(options, goods, untracked_limit(config, table, post.currency))
    if method is None:
        raise Skipped(PlacementOutcome.NO_DELIVERY)
    buyer = standing.buyer
    request = OrderRequest(
        visitor_id=None,
        buyer_id=buyer.id,
        email=buyer.email,
        locale=buyer.preferred_locale or config["BABEL_DEFAULT_LOCALE"],
        address=ShippingAddress(
            name=address.name, line1=address.line1, line2=address.line2, city=address.city,
            postal_code=address.postal_code, region=address.region, country=address.country,
            phone=address.phone,
        ),
        shipping={post.id: method.method_id},
        payment_method=standing.payment_method,
        placement_key=f"standing-{standing.id}-issue-{issue.id}",
    )
    quote = rates_now(table, standing.currency, {post.currency},
                      configured_spread_bps(config), now)
    try:
        with session.begin_nested():
            order = place_lines(
                session, picks, request, quote, now,
                # The collector is not at the screen: the stamps wait as long as for a
                # transfer, whatever the payment, so a declined card can be replaced.
                timedelta(days=int(config["RESERVE_OFFLINE_DAYS"])),
                int(config["DEFAULT_COMMISSION_BPS"]),
            )
            if _over_budget(session, standing, order.total, now):
                raise Skipped(PlacementOutcome.OVER_BUDGET)  # rolls the order and stock back
    except OutOfStock:
        raise Skipped(PlacementOutcome.SOLD_OUT) from None
    return order


def _over_budget(session: Session, standing: StandingOrder, total: Money, now: datetime) -> bool:
    limit = standing.max_per_issue
    if limit is not None and limit < total:
        return True
    monthly = standing.max_per_month
    return monthly is not None and monthly < spent_this_month(session, standing, now) + total


def spent_this_month(session: Session, standing: StandingOrder, now: datetime) -> Money:
    """What the standing order's orders of this calendar month (UTC) cost, cancelled ones
    left out: the running total the monthly budget is kept against."""
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    spent = session.scalar(
        select(func.coalesce(func.sum(Order.total_minor), 0))
        .join(StandingPlacement, StandingPlacement.order_id == Order.id)
        .where(
            StandingPlacement.standing_order_id == standing.id,
            StandingPlacement.created_at >= month_start,
            Order.status != OrderStatus.CANCELLED,
        )
    )
    return Money(int(spent or 0), standing.currency)


def _tell(session: Session, standing: StandingOrder, placement: StandingPlacement) -> None:
    """After the outcome: by reference, the order's mail with how to pay; by card, the
    off-session charge (after this commits); skipped, a mail saying why."""
    order = placement.order
    if order is not None:
        if order.payment_method is PaymentMethod.CARD:
            enqueue(session, "standing.charge", {"order_id": order.id})
        else:
            send_order_mail(order, "placed")
        return
    reason = SKIPPED_REASONS.get(placement.outcome)
    if reason is None:
        return
    buyer = standing.buyer
    with contextlib.suppress(MailError):
        send_templated_mail(
            buyer.email,
            "standing_skipped",
            _l("Your standing order skipped a new issue"),
            buyer.preferred_locale,
            issue=placement.issue,
            reason=reason,
        )
