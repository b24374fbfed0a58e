"""Messages visitors send a post from its storefront, and the staff's replies by mail.

The sender gets a copy of what they sent (so the storefront's "sent to the post" is a
promise kept on paper), the post's contact address is told, and each reply goes out by mail
and stays with the message."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import update
from sqlalchemy.orm import Session

from mall.content.models import ContactMessage, ContactReply
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.operator.models import StaffMember
from mall.posts.models import Post


def receive_message(
    session: Session, post: Post, *, name: str, email: str, subject: str, message: str,
    locale: str,
) -> ContactMessage:
    received = ContactMessage(post_id=post.id, name=name, email=email, subject=subject,
                              message=message, locale=locale)
    session.add(received)
    session.flush()
    send_templated_mail(email, "contact_copy",
                        _l("Your message to %(shop)s", shop=_shop(post, locale)), locale,
                        post=post, message=received)
    if post.email:
        send_templated_mail(
            post.email, "contact_received", _l("New message: %(subject)s", subject=subject),
            post.default_locale, post=post, message=received,
            inbox_url=url_for("backoffice.message", cc=post.code, message_id=received.id,
                              _external=True),
        )
    return received


def mark_read(session: Session, message: ContactMessage, now: datetime) -> None:
    """The first opening counts; opening again changes nothing."""
    session.execute(
        update(ContactMessage)
        .where(ContactMessage.id == message.id, ContactMessage.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    if message.read_at is None:
        message.read_at = now


def mark_unread(message: ContactMessage) -> None:
    message.read_at = None


def reply(
    session: Session, message: ContactMessage, post: Post, body: str, staff: StaffMember | None,
    now: datetime,
) -> ContactReply:
    answer = ContactReply(message_id=message.id, body=body,
                          staff_id=staff.id if staff else None, sent_at=now)
    session.add(answer)
    message.answered_at = now
    message.read_at = message.read_at or now
    session.flush()
    send_templated_mail(
        message.email, "contact_reply",
        _l("Re: %(subject)s", subject=message.subject), message.locale,
        post=post, message=message, reply=answer,
    )
    return answer


def _shop(post: Post, locale: str) -> str:
    names = post.shop_name
    return names.get(locale) or names.get("en") or next(iter(names.values()), post.code)
