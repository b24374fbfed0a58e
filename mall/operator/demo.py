"""The demo's operator account, so the payment desk can be tried at once.

    email:    operator@stamps.post
    password: operator-demo-2026   (a demo password: never on a real deployment)

Created once; a second seed leaves the account (and any password changed since) alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.passwords import hash_password
from mall.demo.specs import SeedCounter
from mall.operator.models import StaffMember, StaffRole

DEMO_OPERATOR_EMAIL = "operator@stamps.post"
DEMO_OPERATOR_PASSWORD = "operator-demo-2026"  # noqa: S105 - the documented demo password
DEMO_OPERATOR_NAME = "Demo operator (UPU)"


def seed_demo_operator(session: Session, report: SeedCounter) -> StaffMember:
    """The demo operator account, created if missing (idempotent)."""
    staff = session.scalar(select(StaffMember).where(StaffMember.email == DEMO_OPERATOR_EMAIL))
    if staff is None:
        staff = StaffMember(
            email=DEMO_OPERATOR_EMAIL,
            password_hash=hash_password(DEMO_OPERATOR_PASSWORD),
            name=DEMO_OPERATOR_NAME,
            role=StaffRole.OPERATOR,
        )
        session.add(staff)
        session.flush()
        report.created += 1
    report.saw("operator accounts")
    return staff
