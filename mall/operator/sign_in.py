"""Signing staff in, the same way at the operator's desk and in every post's back office:
throttled (with known devices and the unlock link), each refusal counted, the session
started and the browser remembered on success. Each desk only words its pages."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.accounts.devices import is_known_device, remember_device
from mall.accounts.lockout import offer_staff_unlock, throttled_page
from mall.accounts.services import SignInFailed
from mall.accounts.signing import client_address
from mall.accounts.throttling import Throttled
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.auth import (
    NotAllowedHere,
    authenticate_staff,
    start_staff_session,
    throttle_key,
)
from mall.operator.models import StaffMember, StaffRole
from mall.transaction import keep_changes


def attempt_staff_sign_in(
    form: Any,
    template: str,
    *,
    roles: Collection[StaffRole] = (StaffRole.OPERATOR,),
    post_id: int | None = None,
    not_here: str | None = None,
    **context: Any,
) -> StaffMember | ResponseReturnValue:
    """The signed-in staff member, or the page that refuses (429 throttled, 400 wrong
    password, 403 `not_here` for an account of another desk; without `not_here`, another
    desk's account is refused like a wrong password, confirming nothing)."""
    now = utcnow()
    try:
        staff = authenticate_staff(
            db.session, form.email.data, form.password.data, client_address(), now,
            roles=roles, post_id=post_id,
            known_device=is_known_device(throttle_key(form.email.data)),
        )
    except Throttled as throttled:
        offer_staff_unlock(form.email.data, throttled, now)
        return throttled_page(template, form, throttled, now, **context)
    except NotAllowedHere:
        keep_changes()  # the attempt counts
        if not_here is None:
            form.form_errors.append(_("That email address and password do not match."))
            return render_template(template, form=form, **context), 400
        form.form_errors.append(not_here)
        return render_template(template, form=form, **context), 403
    except SignInFailed:
        keep_changes()  # the failure counts
        form.form_errors.append(_("That email address and password do not match."))
        return render_template(template, form=form, **context), 400
    start_staff_session(staff, now)
    remember_device(throttle_key(staff.email))
    return staff
