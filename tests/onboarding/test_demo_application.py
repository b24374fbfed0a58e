"""The demo shows one application waiting, from Portugal, with its decree as a PDF; seeding
again changes nothing, and the operator can approve it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from mall.demo.applications import DEMO_FORM_KEY, seed_demo_application
from mall.extensions import db
from mall.media.storage import documents_storage
from mall.onboarding.models import Application, ApplicationStatus
from mall.outbox.models import OutboxTask
from mall.posts.models import Post, PostStatus
from tests.onboarding.conftest import decide


@dataclass
class Report:
    created: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def saw(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def test_the_demo_application_waits_once_and_can_be_approved(desk, make_post):
    for code in ("uy", "nl"):
        make_post(code)
    first, second = Report(), Report()
    application = seed_demo_application(db.session, first)
    db.session.commit()
    assert seed_demo_application(db.session, second) == application
    db.session.commit()
    assert (first.created, second.created) == (1, 0)
    assert first.counts == second.counts == {"applications": 1}
    assert db.session.scalar(select(func.count(Application.id))) == 1
    assert application.form_key == DEMO_FORM_KEY
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.country == "PT"
    (document,) = application.documents
    assert document.content_type == "application/pdf"
    assert documents_storage().read(document.key).startswith(b"%PDF-")
    (mail,) = [task for task in db.session.scalars(select(OutboxTask))
               if task.kind == "mail" and task.payload["to"] == application.contact_email]
    assert "/apply/" in mail.payload["text_body"]

    assert decide(desk, application, "approve").status_code == 302
    db.session.expire_all()
    post = db.session.scalar(select(Post).where(Post.code == "pt"))
    assert post.status is PostStatus.VERIFIED
    assert post.community_id.startswith("POST-PT-")
    assert seed_demo_application(db.session, Report()) == application  # still found, kept
