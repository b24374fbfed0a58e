"""The demo's collector account, so signing in once for every storefront can be tried at once.

    email:    collector@example.org
    password: collector-demo-2026   (a demo password: never on a real deployment)

Created once; a second seed leaves the account (and any change made to it since) alone."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.demo.specs import SeedCounter

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
    return buyer
