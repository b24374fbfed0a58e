"""Telling each post that a paid order is waiting for it to ship."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.operator.models import StaffMember, StaffRole
from mall.orders.models import Order


def notify_posts_of_payment(session: Session, order: Order) -> None:
    """Mail each post of a freshly paid order (its contact address, or its managers when it
    has none), in the post's own language, with a link to the order in its back office."""
    for post_order in order.post_orders:
        post = post_order.post
        recipients = [post.email] if post.email else list(session.scalars(
            select(StaffMember.email).where(
                StaffMember.post_id == post.id,
                StaffMember.role == StaffRole.POST_MANAGER,
                StaffMember.active.is_(True),
            )
        ))
        link = url_for("backoffice.post_order", cc=post.code, post_order_id=post_order.id,
                       _external=True)
        for recipient in recipients:
            send_templated_mail(
                recipient, "post_order_paid",
                _l("Order %(code)s is paid: please ship it", code=order.code),
                post.default_locale, order=order, post_order=post_order, manage_url=link,
            )
