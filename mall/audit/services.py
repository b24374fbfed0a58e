"""Writing the audit log, and reading it at the operator's desk.

`record` is called by the view (or CLI command) that made the change, in its transaction,
right where the change is made: one call per action. It only adds a row; the request's
commit keeps it with the change, or its rollback drops both."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mall.audit.models import AuditEntry
from mall.money import Money
from mall.operator.models import StaffMember


@dataclass(frozen=True, slots=True)
class Target:
    """What an action was done to, when it is not a row `describe` knows (a settled month)."""

    kind: str
    id: str
    label: str = ""


def describe(target: Any) -> Target:
    """The kind, id and a label a person recognises, for the mall's own rows."""
    if isinstance(target, Target):
        return target
    kind = getattr(target, "__tablename__", type(target).__name__.lower())
    label = _LABELS.get(kind, _fallback)(target)
    return Target(kind, str(getattr(target, "id", "") or getattr(target, "post_id", "")),
                  label[:200])


def _fallback(target: Any) -> str:
    return str(target)


def _post(post: Any) -> str:
    names = post.name or {}
    return f"{post.code.upper()} · {names.get('en') or next(iter(names.values()), '')}"


_LABELS = {
    "buyer_order": lambda order: order.code,
    "statement": lambda statement: f"{statement.post.code.upper()} "
                                   f"{statement.period:%Y-%m}",
    "suspense_item": lambda item: item.order.code,
    "refund": lambda refund: refund.order.code,
    "post": _post,
    "payout_account": lambda account: _post(account.post),
    "staff_member": lambda member: f"{member.name} <{member.email}>",
    "application": lambda application: f"{application.country} · {application.organisation}",
}


def plain(value: Any) -> Any:
    """`value` as JSON can hold it: enums by value, dates in ISO 8601, money as
    "12.50 EUR", containers recursively; anything else as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Money):
        return f"{value.to_decimal()} {value.currency}"
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return str(value)


def record(
    session: Session,
    staff: StaffMember | None,
    action: str,
    target: Any,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Write who did `action` to `target`, and what the changed fields were before and
    after, in the caller's transaction."""
    described = describe(target)
    entry = AuditEntry(
        staff_id=staff.id if staff is not None else None,
        staff_name=staff.name if staff is not None else "",
        action=action,
        target_type=described.kind,
        target_id=described.id[:64],
        target_label=described.label,
        before=plain(dict(before or {})),
        after=plain(dict(after or {})),
        note=note[:1000],
    )
    session.add(entry)
    session.flush()
    return entry


def entries(action_prefix: str = "") -> Select[tuple[AuditEntry]]:
    """The log, newest first; with a prefix, only its actions ("payment" finds
    "payment.record" and "payment.hold", "payment.record" only itself)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action_prefix:
        query = query.where(
            (AuditEntry.action == action_prefix)
            | AuditEntry.action.startswith(action_prefix + ".", autoescape=True)
        )
    return query


def entries_about(session: Session, kind: str, target_id: str | int) -> list[AuditEntry]:
    """Every entry about one row, oldest first (an application's history)."""
    return list(session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_type == kind, AuditEntry.target_id == str(target_id))
        .order_by(AuditEntry.id)
    ))
