"""The web half of signing in and out: this host's session, Flask-Login, and where the
browser goes next.

A sign-in happens at the portal. When it was asked for by a storefront (`next` is that
storefront's page), the browser returns through that storefront's `/link/begin` and the
portal's `/link`, which join the storefront's own host-only session to the same visitor
(in this browser only, see `mall.visitors.linking`); `sync_identity` then signs it in.
Only the mall's own hosts are ever redirected to: no open redirect."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode, urlunsplit

from flask import request, url_for
from flask_login import login_user, logout_user

from mall.accounts.models import Buyer
from mall.accounts.services import sign_in
from mall.extensions import db
from mall.host_sessions import VISITOR_KEY, drop_buyer_state
from mall.hosts import local_path
from mall.visitors.context import ensure_visitor
from mall.visitors.linking import mall_target


def client_address() -> str:
    return request.remote_addr or "unknown"


def start_session(buyer: Buyer, *, remember: bool, now: datetime) -> None:
    """Sign `buyer` in on this browser's visitor (every linked host) and on this host."""
    visitor = ensure_visitor()
    sign_in(db.session, visitor, buyer, remember=remember, now=now)
    # Everything this host's session held before is dropped but the visit: a checkout
    # typed in, or a pass to a guest's order, may be someone else's (see host_sessions).
    drop_buyer_state(keep=(VISITOR_KEY,))
    # No Flask-Login remember cookie: it would be host-only, so "remember me" would differ
    # from host to host. The visitor's `signed_in_until` decides, the same for every host.
    login_user(buyer, remember=False)


def refresh_session(buyer: Buyer) -> None:
    """After the buyer's session version moved on (a password change) but this browser
    stays signed in: re-issue this host's Flask-Login id."""
    login_user(buyer, remember=False)


def end_session() -> None:
    """This host forgets the buyer and the visit: the next person here starts afresh."""
    logout_user()
    drop_buyer_state()


def safe_next(value: str | None) -> str | None:
    """`value` if it is a path on the portal or an absolute address on one of the mall's
    hosts (in the current scheme), else None."""
    if not value:
        return None
    if value.startswith("/"):
        return value if local_path(value) == value else None
    target = mall_target(value, request.scheme)
    if target is None:
        return None
    return urlunsplit((target.scheme, target.netloc.lower(), target.path or "/", target.query, ""))


def next_url(value: str | None) -> str:
    """Where to go after signing in: a portal page directly, a storefront page through the
    portal's `/link` (so that host's session joins the visitor), anything else home."""
    checked = safe_next(value)
    if checked is None:
        return url_for("portal.home")
    if checked.startswith("/"):
        return checked
    target = mall_target(checked, request.scheme)
    if target is None:
        return url_for("portal.home")
    if target.netloc == request.host.lower():
        return urlunsplit(("", "", target.path, target.query, ""))
    # The storefront starts the link itself, so that only this browser can complete it.
    back = urlunsplit(("", "", target.path or "/", target.query, ""))
    return urlunsplit(
        (target.scheme, target.netloc, "/link/begin", urlencode({"next": back}), "")
    )
