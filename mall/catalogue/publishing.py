"""An issue going on sale, announced to whoever waits for it.

Staff put issues on sale one by one in the back office or many at once from a spreadsheet;
both come through `announce`, which records one outbox task per issue in the caller's
transaction. The task runs after the commit (so nobody hears of an issue that was rolled
back) and calls every listener in `LISTENERS`. An issue taken off sale and put back is
announced again: each listener remembers what it has done for an issue and does it once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from mall.catalogue.models import Issue
from mall.outbox.services import enqueue
from mall.standing.placing import issue_published as standing_orders

Listener = Callable[[Session, Issue], None]

#: What follows an issue's going on sale, in this order.
LISTENERS: tuple[Listener, ...] = (standing_orders,)


def announce(session: Session, issues: Iterable[Issue]) -> None:
    """Have the listeners hear of these issues once the caller's transaction commits."""
    for issue in issues:
        enqueue(session, "catalogue.issue_published", {"issue_id": issue.id})


def issue_published_task(session: Session, task_id: int, payload: dict[str, Any]) -> None:
    """The outbox handler: the listeners, if the issue is still on sale by then."""
    issue = session.get(Issue, int(payload["issue_id"]))
    if issue is None or not issue.is_published:
        return
    for listener in LISTENERS:
        listener(session, issue)
