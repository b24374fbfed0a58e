"""The demo's collector account, so signing in once for every storefront can be tried at once.

    email:    collector@example.org
    password: collector-demo-2026   (a demo password: never on a real deployment)

Created once; a second seed leaves the account (and any change made to it since) alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.alerts.models import Follow, FollowKind, Frequency
from mall.demo.specs import SeedCounter
from mall.posts.models import Post

DEMO_BUYER_EMAIL = "collector@example.org"
DEMO_BUYER_PASSWORD = "collector-demo-2026"  # noqa: S105 - the documented demo password


def seed_demo_buyer(session: Session, report: SeedCounter) -> Buyer:
    """A French collector with a preference for euros (idempotent)."""
    buyer = session.scalar(select(Buyer).where(Buyer.email == DEMO_BUYER_EMAIL))
    if buyer is None:
        buyer = Buyer(
            email=DEMO_BUYER_EMAIL,
            password_hash=hash_password(DEMO_BUYER_PASSWORD),
            name="Claire Martin",
            country="FR",
            preferred_locale="fr",
            preferred_currency="EUR",
        )
        session.add(buyer)
        session.flush()
        report.created += 1
    report.saw("buyer accounts")
    _follow_uruguay(session, buyer, report)
    return buyer


def _follow_uruguay(session: Session, buyer: Buyer, report: SeedCounter) -> None:
    """Claire follows Correo Uruguayo: publishing its draft in the back office mails her."""
    uruguay = session.scalar(select(Post.id).where(Post.code == "uy"))
    exists = session.scalar(select(Follow.id).where(
        Follow.buyer_id == buyer.id, Follow.kind == FollowKind.POST, Follow.target_id == uruguay))
    if uruguay is not None and exists is None:
        session.add(Follow(buyer_id=buyer.id, kind=FollowKind.POST, target_id=uruguay,
                           frequency=Frequency.IMMEDIATELY))
        report.created += 1
    report.saw("follows")
