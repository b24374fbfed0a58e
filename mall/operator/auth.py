"""Staff sign-in at the portal (`stamps.<domain>/operator/sign-in`), and the guard on every
operator page.

A staff session is kept in the portal's own host-only session under `SESSION_KEY`, apart
from the buyer's identity (Flask-Login's `_user_id`, kept in step with the server-side
`Visitor`). They are different principals: a collector who also works for the operator
must not be an operator while shopping, nor a shopper while at the desk. And the buyer's
identity travels: the portal hands it to every storefront through the cross-host link
(`mall.visitors.linking`). A staff session must never travel that way, so it lives only in
the cookie of the host where the password was typed, and it is checked against the staff
member's current `session_version` at every request. Post staff sign in the same way, with
the same code and session key, each on their own storefront's `/manage/sign-in`
(`vendors.backoffice`): the cookie of `stamps.uy.post` is not the portal's, so a post's
staff session exists on its own storefront host only.

Password guessing is throttled by `mall.accounts.throttling`, with the same limits as
buyers'. Attempts are counted per account under a "staff:" key, so that a staff member and
a buyer with the same email do not lock each other out, and per client address together
with buyers' attempts, so one address gets one budget of guesses whatever it aims at."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.accounts.models import AttemptKind
from mall.accounts.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
    waste_time_like_a_verification,
)
from mall.accounts.services import SignInFailed, normalize_email
from mall.accounts.throttling import check_sign_in, record_attempt
from mall.columns import utcnow
from mall.errors import wants_json
from mall.extensions import db
from mall.host_sessions import OPERATOR_STAFF_KEY, drop_staff_state
from mall.hosts import local_path
from mall.operator.models import StaffMember, StaffRole

#: The portal session's key for the signed-in staff member: {"id", "version", "until"}.
SESSION_KEY = OPERATOR_STAFF_KEY

F = TypeVar("F", bound=Callable[..., Any])


class NotAllowedHere(Exception):
    """The password was right, but this account may not sign in at this desk (a post's
    staff at the operator's, or a deactivated account)."""


STAFF_PREFIX = "staff:"


def throttle_key(email: str) -> str:
    """What staff attempts are counted under, per account (see the module docstring)."""
    return (STAFF_PREFIX + normalize_email(email))[:254]


def find_staff(session: Session, email: str) -> StaffMember | None:
    return session.scalar(select(StaffMember).where(StaffMember.email == normalize_email(email)))


def authenticate_staff(
    session: Session,
    email: str,
    password: str,
    address: str,
    now: datetime,
    *,
    roles: Collection[StaffRole] = (StaffRole.OPERATOR,),
    post_id: int | None = None,
    known_device: bool = False,
) -> StaffMember:
    """The active staff member with this email and password, with one of `roles`, working
    for `post_id` (None: the operator, who works for no post).

    Raises `Throttled` (before looking at the password) after too many failures,
    `SignInFailed` for an unknown email or a wrong password — the same for both — and
    `NotAllowedHere` when the password is right but the account is deactivated, has
    another role or works for another post."""
    key = throttle_key(email)
    check_sign_in(session, key, address, now, known_device=known_device)
    staff = find_staff(session, email)
    if staff is None:
        waste_time_like_a_verification(password)
    elif verify_password(staff.password_hash, password):
        record_attempt(session, AttemptKind.SIGN_IN, key, address, now, succeeded=True)
        if not staff.active or staff.role not in roles or staff.post_id != post_id:
            raise NotAllowedHere(staff.email)
        if needs_rehash(staff.password_hash):
            staff.password_hash = hash_password(password)
        staff.last_signed_in_at = now
        session.flush()
        return staff
    record_attempt(session, AttemptKind.SIGN_IN, key, address, now)
    raise SignInFailed(key)


def end_staff_sessions(session: Session, staff: StaffMember) -> None:
    """Every session of `staff`, in every browser, ends at its next request."""
    staff.session_version += 1
    session.flush()


def set_staff_password(session: Session, staff: StaffMember, password: str) -> None:
    staff.password_hash = hash_password(password)
    end_staff_sessions(session, staff)


# --- the web half --------------------------------------------------------------------------


def start_staff_session(staff: StaffMember, now: datetime) -> None:
    """Remember `staff` on this host only, for OPERATOR_SESSION_LIFETIME. Every staff key
    from before and the CSRF secret are dropped first (`mall.host_sessions`), so no staff
    state or form token from before the sign-in carries over."""
    lifetime = timedelta(seconds=current_app.config["OPERATOR_SESSION_LIFETIME"])
    drop_staff_state()
    session[SESSION_KEY] = {
        "id": staff.id,
        "version": staff.session_version,
        "until": int((now + lifetime).timestamp()),
    }
    g.staff = staff


def end_staff_session() -> None:
    """This host forgets the staff session and its CSRF secret: nothing is left behind."""
    drop_staff_state()
    g.staff = None


def current_staff() -> StaffMember | None:
    """The staff member signed in on this host, if the session is still good: known,
    unexpired, and of the member's current session version (one query, cached)."""
    if "staff" not in g:
        g.staff = _load_staff(session.get(SESSION_KEY))
    return g.staff


def _load_staff(data: object) -> StaffMember | None:
    if not isinstance(data, dict):
        return None
    staff_id, version, until = data.get("id"), data.get("version"), data.get("until")
    if not all(isinstance(value, int) for value in (staff_id, version, until)):
        return None
    try:
        expires = datetime.fromtimestamp(cast(int, until), UTC)
    except (OverflowError, OSError, ValueError):  # not a time this platform can hold
        return None
    if expires <= utcnow():
        return None
    staff = db.session.get(StaffMember, staff_id)
    if staff is None or staff.session_version != version:
        return None
    return staff


def current_operator() -> StaffMember | None:
    """The signed-in staff member if they may use the operator's desk now."""
    staff = current_staff()
    return staff if staff is not None and staff.is_operator else None


def operator_required(view: F) -> F:
    """Only an active staff member with the OPERATOR role, whose session is current.
    Anyone else — a buyer signed in at the portal included — is sent to the staff sign-in
    (HTML) or answered 403 (JSON)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if current_operator() is not None:
            return view(*args, **kwargs)
        if session.get(SESSION_KEY) is not None:
            session.pop(SESSION_KEY, None)  # stale, signed out elsewhere, or not an operator
        if wants_json():
            reason = _("Sign in as the mall operator to use this.")
            return jsonify(error="Forbidden", reason=reason), 403
        target = local_path(request.full_path.rstrip("?")) if request.method == "GET" else None
        return redirect(url_for("operator.sign_in", next=target))

    return cast(F, guarded)
