"""The contact inbox: a visitor's message reaches the post's staff (and the visitor a copy),
staff read it and answer by mail; another post never sees it."""

from __future__ import annotations

from sqlalchemy import select

from mall.content.models import ContactMessage, ContactReply
from mall.extensions import db
from mall.outbox.models import OutboxTask
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become

UY, NL = storefront("uy"), storefront("nl")


def _mails() -> list[dict]:
    return [t.payload for t in db.session.scalars(select(OutboxTask)) if t.kind == "mail"]


def _send(client, text: str = "Do you still have the 1966 Artigas set?") -> ContactMessage:
    response = client.post(UY + "/contact", data={
        "csrf_token": csrf_token(client, UY + "/contact"), "name": "Claire",
        "email": "claire@example.fr", "subject": "Artigas 1966", "message": text})
    assert response.status_code == 302
    return db.session.scalars(select(ContactMessage)).one()


def test_a_message_is_copied_to_its_sender_and_announced_to_the_post(app, staff):
    staff["uy"].email = "filatelia@correo.example.uy"
    db.session.commit()
    _send(app.test_client())
    recipients = sorted(m["to"] for m in _mails())
    assert recipients == ["claire@example.fr", "filatelia@correo.example.uy"]
    copy = next(m for m in _mails() if m["to"] == "claire@example.fr")
    assert "1966 Artigas set" in copy["text_body"]


def test_staff_read_answer_and_mark_unread(app, client, staff):
    message = _send(app.test_client())
    become(client, "clerk", staff, UY)
    listing = client.get(UY + "/manage/messages").get_data(as_text=True)
    assert "Artigas 1966" in listing
    page = client.get(f"{UY}/manage/messages/{message.id}")
    assert "1966 Artigas set" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ContactMessage, message.id).read_at is not None
    url = f"{UY}/manage/messages/{message.id}"
    empty = client.post(url, data={"csrf_token": csrf_token(client, url), "body": ""})
    assert empty.status_code == 400
    assert db.session.scalar(select(ContactReply.id)) is None
    sent = client.post(url, data={"csrf_token": csrf_token(client, url),
                                  "body": "Yes: two sets left. Add them to your cart!"})
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactMessage, message.id).answered_at is not None
    answer = [m for m in _mails() if m["subject"] == "Re: Artigas 1966"]
    assert len(answer) == 1
    assert answer[0]["to"] == "claire@example.fr"
    assert "two sets left" in answer[0]["text_body"]
    assert "two sets left" in client.get(url).get_data(as_text=True)
    unread = client.post(url + "/unread", data={"csrf_token": csrf_token(client, url)})
    assert unread.status_code == 302
    db.session.expire_all()
    assert db.session.get(ContactMessage, message.id).read_at is None


def test_another_posts_staff_never_see_the_message(app, client, staff):
    message = _send(app.test_client())
    become(client, "other_manager", staff, NL)
    assert "Artigas" not in client.get(NL + "/manage/messages").get_data(as_text=True)
    assert client.get(f"{NL}/manage/messages/{message.id}").status_code == 404
