"""A side effect waiting for its transaction to commit, and its delivery record."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mall.columns import UTCDateTime, enum_column, utcnow
from mall.extensions import db


class TaskState(enum.Enum):
    #: Waiting to be run (first time or again, from `next_attempt_at`).
    PENDING = "pending"
    DONE = "done"
    #: Given up after OUTBOX_MAX_ATTEMPTS; `last_error` says why.
    FAILED = "failed"


class OutboxTask(db.Model):
    __tablename__ = "outbox_task"
    __table_args__ = (Index("ix_outbox_task_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which handler runs it ("mail", "stripe.cancel_intent"): see `mall.outbox.handlers`.
    kind: Mapped[str] = mapped_column(String(40))
    #: What the handler needs, as plain JSON values (rendered mail, ids, keys).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[TaskState] = mapped_column(enum_column(TaskState), default=TaskState.PENDING)
    #: Runs so far. A run claims the row by raising this and pushing `next_attempt_at` a
    #: lease ahead, so two workers never run it at once.
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutboxTask {self.id} {self.kind} {self.state.value}>"
