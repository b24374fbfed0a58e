"""One row per operator action that changed something, written in the action's own
transaction (so an action that rolled back leaves no entry, and one that committed always
has one). Rows are never changed: the application refuses it, and so does the database
(triggers in the migration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from mall.columns import UTCDateTime, utcnow
from mall.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Who did it: the staff member (None for the mall itself, a CLI command) and their
    #: name as it was then, so the entry reads the same after a rename.
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id"), index=True)
    staff_name: Mapped[str] = mapped_column(String(120), default="")
    #: What was done, as a dotted code: "application.approve", "payment.record"…
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: What it was done to: a kind ("statement"), its id, and a label a person recognises
    #: ("UY 2026-11"), kept as it was then.
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str] = mapped_column(String(64))
    target_label: Mapped[str] = mapped_column(String(200), default="")
    #: The fields the action changed, before and after, as plain JSON values.
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(1000), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target_type}:{self.target_id}>"


def _refuse(_mapper: object, _connection: object, entry: AuditEntry) -> None:
    raise RuntimeError(f"the audit log is append-only: {entry!r} cannot change")


event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)
