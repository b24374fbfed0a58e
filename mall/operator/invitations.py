"""Inviting a post's staff: the account exists, switched off, until its owner follows the
mailed link and chooses a password. The link is signed, expires, and works once: it carries
a fingerprint of the account's password hash and session version, which choosing a password
(or a deactivation) changes."""

from __future__ import annotations

import secrets

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from mall.accounts.passwords import hash_password
from mall.accounts.services import normalize_email
from mall.accounts.tokens import secret_fingerprint
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.operator.auth import find_staff, set_staff_password
from mall.operator.models import StaffMember, StaffRole
from mall.posts.models import Post

_SALT = "mall.staff-invitation"


class InvitationRefused(Exception):
    """The address already has a staff account, or the link is expired, used or tampered."""


def invite(session: Session, post: Post, email: str, name: str, role: StaffRole,
           invited_by: StaffMember | None) -> StaffMember:
    if role not in (StaffRole.POST_MANAGER, StaffRole.POST_CLERK):
        raise ValueError(f"{role} is not a post role")
    email = normalize_email(email)
    if find_staff(session, email) is not None:
        raise InvitationRefused("taken")
    member = StaffMember(email=email, name=name.strip(), role=role, post_id=post.id,
                         active=False, password_hash=hash_password(secrets.token_urlsafe(32)))
    session.add(member)
    session.flush()
    link = url_for("backoffice.accept_invitation", cc=post.code, token=_token(member),
                   _external=True)
    send_templated_mail(
        email, "staff_invitation",
        _l("You are invited to the back office of %(shop)s", shop=post.code.upper()),
        post.default_locale, post=post, member=member, invited_by=invited_by, link=link,
        days=_max_age() // 86400,
    )
    return member


def invited_member(session: Session, token: str, post: Post) -> StaffMember:
    """The switched-off account the link stands for, at this post."""
    try:
        data = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT).loads(
            token, max_age=_max_age())
    except BadData as error:
        raise InvitationRefused("expired or tampered") from error
    member = session.get(StaffMember, data.get("id")) if isinstance(data, dict) else None
    if member is None or member.post_id != post.id or member.active:
        raise InvitationRefused("unknown or used")
    if str(data.get("fp")) != _fingerprint(member):
        raise InvitationRefused("used")
    return member


def accept(session: Session, member: StaffMember, password: str) -> None:
    set_staff_password(session, member, password)
    member.active = True
    session.flush()


def _token(member: StaffMember) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
    return serializer.dumps({"id": member.id, "fp": _fingerprint(member)})


def _fingerprint(member: StaffMember) -> str:
    return secret_fingerprint(f"{member.password_hash}:{member.session_version}")


def _max_age() -> int:
    return int(current_app.config["STAFF_INVITATION_MAX_AGE"])
