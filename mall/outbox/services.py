"""Recording tasks in the caller's transaction, and running them once it has committed.

In production the worker (`flask mall outbox work`) runs them with `run_due`. Where requests
run their own (OUTBOX_DISPATCH_AFTER_REQUEST), tasks written by a transaction are remembered
in its session's `info`; when that session commits they become due for
`dispatch_committed` (run in-process after the request or the CLI command), and when it
rolls back they are forgotten with the rows. Each run claims its rows with one conditional
update, so a task is carried out by one runner at a time, and is marked done in the same
transaction as what its handler wrote."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Update, event, select, update
from sqlalchemy.orm import Session, SessionTransaction

from mall.columns import utcnow
from mall.outbox.handlers import handler_for
from mall.outbox.models import OutboxTask, TaskState

log = logging.getLogger(__name__)

#: `Session.info` keys: tasks written by the open transaction, and committed ones not yet run.
_WRITTEN = "outbox_written"
_COMMITTED = "outbox_committed"


def enqueue(session: Session, kind: str, payload: dict[str, Any]) -> OutboxTask:
    """Record a side effect to carry out once the caller's transaction has committed."""
    handler_for(kind)  # an unknown kind is the caller's bug: fail now, not in the worker
    task = OutboxTask(kind=kind, payload=payload, next_attempt_at=utcnow())
    session.add(task)
    session.flush()
    session.info.setdefault(_WRITTEN, []).append(task.id)
    return task


@event.listens_for(Session, "after_commit")
def _written_tasks_committed(session: Session) -> None:
    written = session.info.pop(_WRITTEN, None)
    if written:
        session.info.setdefault(_COMMITTED, []).extend(written)


@event.listens_for(Session, "after_soft_rollback")
def _written_tasks_rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_WRITTEN, None)


def dispatch_committed(session: Session) -> int:
    """Run the tasks that this session's committed transactions wrote; how many were done.
    A task that fails stays for `run_due` (its retry); nothing here raises. Tasks that a
    handler writes (an announcement fanning out into mails) run in the same pass."""
    done = 0
    while ids := session.info.pop(_COMMITTED, []):
        for task_id in ids:
            try:
                done += run_task(session, task_id, utcnow())
            except Exception:  # the database itself failed: the worker will try again
                log.exception("outbox task %s could not be run", task_id)
                session.rollback()
    return done


def run_due(session: Session, now: datetime, limit: int = 100) -> tuple[int, int]:
    """Claim up to `limit` pending tasks whose time has come, in one statement, and run
    them (the worker's pass); (done, not done). Rows another worker is claiming are skipped
    (PostgreSQL's `SKIP LOCKED`), so workers on several nodes share the queue."""
    due = (
        select(OutboxTask.id)
        .where(OutboxTask.state == TaskState.PENDING, OutboxTask.next_attempt_at <= now)
        .order_by(OutboxTask.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        _claim(now).where(OutboxTask.id.in_(due.scalar_subquery()))
    ).all()
    session.commit()
    done = sum(_carry_out(session, task.id, task.kind, dict(task.payload), now)
               for task in sorted(claimed, key=lambda task: task.id))
    return done, len(claimed) - done


def run_task(session: Session, task_id: int, now: datetime) -> bool:
    """Claim the task, run its handler, and record the outcome; True when it is done.
    False when another runner has it, it is not due, or its handler failed (then it is
    rescheduled with a growing delay, or marked failed after OUTBOX_MAX_ATTEMPTS). The claim
    returns the task's kind and payload, and the outcome is one update: every placed order
    runs a task, so a run costs no reads of its own."""
    claimed = session.execute(
        _claim(now).where(
            OutboxTask.id == task_id,
            OutboxTask.state == TaskState.PENDING,
            OutboxTask.next_attempt_at <= now,
        )
    ).first()
    session.commit()
    if claimed is None:
        return False
    return _carry_out(session, task_id, claimed.kind, dict(claimed.payload), now)


def _claim(now: datetime) -> Update:
    """The update that takes tasks for one run: one more attempt, and a lease (no other
    runner takes them before it ends); it returns what the handlers need."""
    lease = timedelta(seconds=int(current_app.config["OUTBOX_LEASE_SECONDS"]))
    return (
        update(OutboxTask)
        .values(attempts=OutboxTask.attempts + 1, next_attempt_at=now + lease)
        .returning(OutboxTask.id, OutboxTask.kind, OutboxTask.payload)
        .execution_options(synchronize_session=False)
    )


def _carry_out(
    session: Session, task_id: int, kind: str, payload: dict[str, Any], now: datetime
) -> bool:
    """Run a claimed task's handler; mark it done in the handler's transaction, or record
    the failure for a retry."""
    try:
        handler_for(kind)(session, task_id, payload)
    except Exception as error:
        session.rollback()
        _record_failure(session, task_id, error, now)
        return False
    session.execute(
        update(OutboxTask)
        .where(OutboxTask.id == task_id)
        .values(state=TaskState.DONE, done_at=utcnow(), last_error=None)
    )
    session.commit()
    return True


def _record_failure(session: Session, task_id: int, error: Exception, now: datetime) -> None:
    config = current_app.config
    task = session.get_one(OutboxTask, task_id, populate_existing=True)
    task.last_error = f"{type(error).__name__}: {error}"[:2000]
    if task.attempts >= int(config["OUTBOX_MAX_ATTEMPTS"]):
        task.state = TaskState.FAILED
        log.error("outbox task %s (%s) failed for good: %s", task.id, task.kind, task.last_error)
    else:
        delay = int(config["OUTBOX_RETRY_SECONDS"]) * 2 ** (task.attempts - 1)
        task.next_attempt_at = now + timedelta(seconds=delay)
        log.warning("outbox task %s (%s) failed, retry at %s: %s",
                    task.id, task.kind, task.next_attempt_at, task.last_error)
    session.commit()
