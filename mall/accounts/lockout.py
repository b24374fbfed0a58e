"""The web half of throttled sign-ins, shared by buyers' and staff's sign-in pages: the
page that says when to try again, and the unlock link mailed to the owner of an account
whose own limit was reached."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from mall.accounts.devices import unlock_token
from mall.accounts.models import AttemptKind
from mall.accounts.signing import client_address
from mall.accounts.throttling import Throttled, record_attempt, reset_requests_exhausted
from mall.extensions import db
from mall.hosts import current_site
from mall.i18n import lazy_translate as _l
from mall.mail import send_templated_mail
from mall.operator.auth import find_staff, throttle_key
from mall.transaction import keep_changes


def mail_unlock_link(session: Session, key: str, to: str, password_hash: str, locale: str | None,
                     address: str, now: datetime) -> None:
    """Mail the owner a link that makes their browser known, at most as often as reset
    links (it counts among them)."""
    if reset_requests_exhausted(session, key, now):
        return
    record_attempt(session, AttemptKind.PASSWORD_RESET, key, address, now)
    link = url_for("accounts.unlock", site=current_site(),
                   token=unlock_token(key, password_hash), _external=True)
    send_templated_mail(to, "unlock", _l("Someone is trying to sign in to your account"),
                        locale, link=link)
    keep_changes()  # the mail leaves only if this refusal commits


def throttled_page(template: str, form: Any, throttled: Throttled, now: datetime,
                   **context: Any) -> ResponseReturnValue:
    """The form again, with when the next try will be heard (429 and Retry-After)."""
    wait = throttled.retry_at - now
    form.form_errors.append(
        _("Too many attempts. For your safety this is paused: please try again %(when)s.",
          when=format_timedelta(wait, add_direction=True, threshold=1.1))
    )
    if throttled.account_locked:
        form.form_errors.append(_(
            "This account had too many wrong passwords, so only browsers it signed in from "
            "before may try now. If it is yours, its owner has been mailed a link that lets "
            "this browser sign in."))
    headers = {"Retry-After": str(max(1, math.ceil(wait.total_seconds())))}
    return render_template(template, form=form, **context), 429, headers


def offer_staff_unlock(email: str, throttled: Throttled, now: datetime) -> None:
    """For a staff account whose own limit was reached: mail its owner the unlock link."""
    staff = find_staff(db.session, email) if throttled.account_locked else None
    if staff is not None and staff.active:
        mail_unlock_link(db.session, throttle_key(staff.email), staff.email,
                         staff.password_hash, None, client_address(), now)
