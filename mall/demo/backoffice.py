"""What a post's back office starts with in the demo: a message from a collector to answer,
and a block of S10 tracking numbers to ship with (orders to ship come from the demo's
history: its last weeks are paid and not shipped yet)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.content.models import ContactMessage
from mall.fulfilment.models import TrackingRange
from mall.fulfilment.services import add_range
from mall.posts.models import Post

QUESTION = {
    "subject": "Souvenir sheets: unmounted mint?",
    "message": ("Good morning,\n\nI collect souvenir sheets from your country. Are the ones in "
                "your shop unmounted mint, and can several be sent flat in one registered "
                "letter to France?\n\nThank you,\nClaire"),
}


def seed_back_office(session: Session, post: Post, report: object) -> None:
    """Idempotent: nothing is added twice."""
    asked = session.scalar(select(ContactMessage.id).where(
        ContactMessage.post_id == post.id, ContactMessage.subject == QUESTION["subject"]))
    if asked is None:
        session.add(ContactMessage(post_id=post.id, name="Claire Martin",
                                   email="collector@example.org", locale="fr", **QUESTION))
    has_range = session.scalar(select(TrackingRange.id).where(TrackingRange.post_id == post.id))
    if has_range is None:
        add_range(session, post.code, post.id, "RR", 10_000, 19_999)
    session.flush()
