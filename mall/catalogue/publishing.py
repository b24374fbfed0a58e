"""An issue going on sale, announced to whoever waits for it.

Staff put issues on sale one by one in the back office or many at once from a spreadsheet;
both come through `announce`, which records one outbox task per issue in the caller's
transaction. The task runs after the commit (so nobody hears of an issue that was rolled
back) and calls every listener of `listeners()`. An issue taken off sale and put back is
announced again: each listener remembers what it has done for an issue and does it once."""

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

    return (alert_followers,)


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
