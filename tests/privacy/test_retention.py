"""`flask mall privacy prune` keeps what the privacy page says, for as long as it says."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mall.accounts.models import AttemptKind, Buyer, SignInAttempt
from mall.accounts.passwords import hash_password
from mall.cart.models import Cart
from mall.columns import utcnow
from mall.content.models import ContactMessage, ContactReply
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.orders.models import Quote
from mall.outbox.models import OutboxTask, TaskState
from mall.visitors.models import LinkToken, Visitor

DAY = timedelta(days=1)


def _ids(model) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(model.id)))


def test_visits_go_ninety_days_after_their_last_use(app):
    now = utcnow()
    old = now - 91 * DAY
    buyer = Buyer(email="ana@example.org", password_hash=hash_password("x" * 12), name="Ana")
    db.session.add(buyer)
    db.session.flush()
    visits = {
        "signed out long ago": Visitor(created_at=old, ended_at=old),
        "signed out lately": Visitor(created_at=old, ended_at=now - DAY),
        "sign-in lapsed long ago": Visitor(created_at=old, buyer_id=buyer.id,
                                           buyer_session_version=1, signed_in_until=old),
        "signed in for a month more": Visitor(created_at=old, buyer_id=buyer.id,
                                              buyer_session_version=1,
                                              signed_in_until=now + 30 * DAY),
        "anonymous, idle": Visitor(created_at=old),
        "anonymous, cart in use": Visitor(created_at=old),
        "anonymous, new": Visitor(created_at=now - DAY),
    }
    db.session.add_all(visits.values())
    db.session.flush()
    db.session.add(Cart(visitor_id=visits["anonymous, cart in use"].id, created_at=old,
                        updated_at=now - 10 * DAY))
    db.session.add(Cart(visitor_id=visits["anonymous, idle"].id, created_at=old, updated_at=old))
    db.session.commit()
    ids = {name: visit.id for name, visit in visits.items()}
    result = app.test_cli_runner().invoke(args=["mall", "privacy", "prune"])
    assert result.exit_code == 0, result.output
    assert "visits: 3 deleted" in result.output
    kept = {name for name, visit_id in ids.items() if visit_id in _ids(Visitor)}
    assert kept == {"signed out lately", "signed in for a month more",
                    "anonymous, cart in use", "anonymous, new"}
    assert len(_ids(Cart)) == 1


def test_passes_quotes_mail_messages_and_attempts_go_in_their_time(app):
    now = utcnow()
    visitor = Visitor()
    db.session.add(visitor)
    db.session.flush()
    db.session.add_all([
        LinkToken(id="a" * 43, visitor_id=visitor.id, host="h", expires_at=now - 2 * DAY),
        LinkToken(id="b" * 43, visitor_id=visitor.id, host="h", expires_at=now),
        Quote(visitor_id=visitor.id, currency="EUR", rates={}, expires_at=now - 2 * DAY),
        OutboxTask(kind="mail", payload={"to": "a@b.c"}, state=TaskState.DONE,
                   created_at=now - 31 * DAY),
        OutboxTask(kind="mail", payload={"to": "a@b.c"}, state=TaskState.PENDING,
                   created_at=now - 31 * DAY),
        OutboxTask(kind="mail", payload={"to": "a@b.c"}, state=TaskState.DONE,
                   created_at=now - 29 * DAY),
        OutboxMessage(sender="s@x.y", recipient="a@b.c", subject="s", text_body="t",
                      created_at=now - 31 * DAY),
        SignInAttempt(kind=AttemptKind.SIGN_IN, email="a@b.c", client_address="127.0.0.1",
                      created_at=now - DAY),
    ])
    old = ContactMessage(post_id=None, name="C", email="c@d.e", subject="s", message="m",
                         locale="en", created_at=now - 731 * DAY)
    recent = ContactMessage(post_id=None, name="C", email="c@d.e", subject="s", message="m",
                            locale="en", created_at=now - 700 * DAY)
    _with_post(old, recent)
    db.session.flush()
    db.session.add(ContactReply(message_id=old.id, body="r"))
    db.session.commit()
    recent_id = recent.id
    result = app.test_cli_runner().invoke(args=["mall", "privacy", "prune"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(LinkToken.id))) == {"b" * 43}
    assert _ids(Quote) == set()
    assert {t.state for t in db.session.scalars(select(OutboxTask))} == {TaskState.PENDING,
                                                                         TaskState.DONE}
    assert len(_ids(OutboxTask)) == 2
    assert _ids(OutboxMessage) == set()
    assert _ids(SignInAttempt) == set()
    assert _ids(ContactMessage) == {recent_id}
    assert _ids(ContactReply) == set()


def _with_post(*messages: ContactMessage) -> None:
    from mall.posts.models import Post, PostStatus

    post = Post(code="uy", currency="UYU", default_locale="es", locales=["es"],
                name={"es": "Correo"}, country_name={"es": "Uruguay"},
                shop_name={"es": "Tienda"}, status=PostStatus.LIVE, community_id="POST-UY-1")
    db.session.add(post)
    db.session.flush()
    for message in messages:
        message.post_id = post.id
    db.session.add_all(messages)
