"""The current request's visitor, and the buyer signed in through it, on any host."""

from __future__ import annotations

from flask import Flask, g, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mall.accounts.models import Buyer
from mall.columns import utcnow
from mall.extensions import db, login_manager
from mall.host_sessions import VISITOR_KEY, forget_ended_visit, keep_private_pages_out_of_caches
from mall.visitors.models import Visitor

SESSION_KEY = VISITOR_KEY


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_buyer)
    app.before_request(sync_identity)
    app.after_request(keep_private_pages_out_of_caches)


def load_buyer(alternative_id: str) -> Buyer | None:
    """Flask-Login's loader: the session's id is only good for the buyer's current version."""
    buyer_id, _, version = alternative_id.partition(":")
    if not (buyer_id.isdigit() and version.isdigit()):
        return None
    buyer = db.session.get(Buyer, int(buyer_id))
    if buyer is None or buyer.session_version != int(version):
        return None
    return buyer


def current_visitor() -> Visitor | None:
    """The visitor this host's session is linked to, if it is linked and its visit goes on
    (one query, cached). A visit that is over (`Visitor.is_over`) is forgotten by this
    host on the spot, with everything the host's session kept for it: the browser then
    knows nothing of the buyer who was here, on every host, at each host's next request."""
    if "visitor" not in g:
        g.visitor = _linked_visitor()
    return g.visitor


def _linked_visitor() -> Visitor | None:
    visitor_id = session.get(SESSION_KEY)
    if visitor_id is None:
        return None
    visitor = None
    if isinstance(visitor_id, int):
        visitor = db.session.scalar(
            select(Visitor).where(Visitor.id == visitor_id).options(joinedload(Visitor.buyer))
        )
    if visitor is None or visitor.is_over(utcnow()):
        forget_ended_visit()
        return None
    return visitor


def link_session(visitor: Visitor) -> None:
    """Bind this host's session to `visitor` for good (until it is cleared)."""
    session[SESSION_KEY] = visitor.id
    session.permanent = True
    g.visitor = visitor


def ensure_visitor() -> Visitor:
    """The linked visitor, or a new one. Only the portal creates visitors for itself;
    a storefront gets its visitor from the portal (see `mall.visitors.linking`)."""
    visitor = current_visitor()
    if visitor is None:
        visitor = Visitor()
        db.session.add(visitor)
        db.session.flush()
        link_session(visitor)
    return visitor


def sync_identity() -> None:
    """Make Flask-Login's view on this host match the visitor's: signing in or out on any
    host takes effect on every host at its next request."""
    visitor = current_visitor()
    buyer = visitor.signed_in_buyer(utcnow()) if visitor is not None else None
    if buyer is not None:
        if not current_user.is_authenticated or current_user.id != buyer.id:
            login_user(buyer)
    elif current_user.is_authenticated:
        logout_user()
