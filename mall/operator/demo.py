"""The demo's staff accounts, so the payment desk and the back offices can be tried at once.

    the operator:         operator@stamps.post / operator-demo-2026
    each post's manager:  manager@stamps.<cc>.post / manager-<cc>-demo-2026
    each post's clerk:    clerk@stamps.<cc>.post / clerk-<cc>-demo-2026

(demo passwords: never on a real deployment). Created once; a second seed leaves the
accounts (and any password changed since) alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.passwords import hash_password
from mall.demo.specs import SeedCounter
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post

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


def demo_post_staff(code: str) -> list[tuple[StaffRole, str, str, str]]:
    """(role, email, password, name) of the demo manager and clerk of the post `code`."""
    return [
        (StaffRole.POST_MANAGER, f"manager@stamps.{code}.post", f"manager-{code}-demo-2026",
         f"Demo manager ({code.upper()})"),
        (StaffRole.POST_CLERK, f"clerk@stamps.{code}.post", f"clerk-{code}-demo-2026",
         f"Demo clerk ({code.upper()})"),
    ]


def seed_demo_post_staff(session: Session, post: Post, report: SeedCounter) -> None:
    """One manager and one clerk for the post's back office, created if missing."""
    for role, email, password, name in demo_post_staff(post.code):
        found = session.scalar(select(StaffMember).where(StaffMember.email == email))
        if found is None:
            session.add(StaffMember(
                email=email, password_hash=hash_password(password), name=name, role=role,
                post_id=post.id,
            ))
            session.flush()
            report.created += 1
        report.saw("post staff accounts")
