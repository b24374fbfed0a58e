"""An issue going on sale, or a sold-out product coming back, announced to whoever waits.

Staff put issues on sale one by one in the back office or many at once from a spreadsheet;
both come through `announce`, which records one outbox task per issue in the caller's
transaction. The task runs after the commit (so nobody hears of an issue that was rolled
back) and calls every listener of `listeners()`. An issue taken off sale and put back is
announced again: each listener remembers what it has done for an issue and does it once.

Stock comes back by hand, from a spreadsheet, when an unpaid order is released or a refund
restocks; each of those calls `announce_restock` with the products whose stock grew."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from mall.catalogue.models import Issue
from mall.outbox.services import enqueue

Listener = Callable[[Session, Issue], None]


def listeners() -> tuple[Listener, ...]:
    """What follows an issue's going on sale, in this order (imported here: the features
    that listen build on the catalogue, not the other way round)."""
    from mall.alerts.services import alert_followers
    from mall.standing.placing import issue_published as standing_orders

    return (alert_followers, standing_orders)


def announce(session: Session, issues: Iterable[Issue]) -> None:
    """Have the listeners hear of these issues once the caller's transaction commits."""
    for issue in issues:
        enqueue(session, "catalogue.issue_published", {"issue_id": issue.id})


def issue_published_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler: the listeners, if the issue is still on sale by then."""
    issue = session.get(Issue, int(payload["issue_id"]))
    if issue is None or not issue.is_published:
        return
    for listener in listeners():
        listener(session, issue)


def announce_restock(session: Session, product_ids: Iterable[int]) -> None:
    """Have collectors waiting for these products hear of them once the caller's
    transaction commits (nothing is recorded when nobody waits for any of them)."""
    from mall.alerts.wants import anyone_waiting

    wanted = anyone_waiting(session, set(product_ids))
    if wanted:
        enqueue(session, "catalogue.restocked", {"product_ids": wanted})


def restocked_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler: the collectors waiting for those products that are in stock and
    on sale by then."""
    from mall.alerts.wants import tell_waiting

    tell_waiting(session, [int(product_id) for product_id in payload["product_ids"]])
