"""The two ends of a host link: `/link` at the portal, `/link/complete` on a storefront."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.columns import utcnow
from mall.extensions import db
from mall.hosts import local_path
from mall.visitors.context import ensure_visitor, link_session
from mall.visitors.linking import LinkRefused, issue_link, mall_target, redeem_link

portal_bp = Blueprint("link", __name__)
storefront_bp = Blueprint("link_complete", __name__)


@portal_bp.get("/link")
def start() -> ResponseReturnValue:
    """Send the browser back to the host that asked, carrying a pass to the visitor."""
    target = mall_target(request.args.get("next", ""), request.scheme)
    if target is None:
        abort(400, description=_("That address is not one of the mall's shops."))
    visitor = ensure_visitor()
    url = issue_link(db.session, visitor, target, utcnow())
    return redirect(url)


@storefront_bp.get("/link/complete")
def complete(cc: str) -> ResponseReturnValue:
    try:
        visitor = redeem_link(db.session, request.args.get("token", ""), request.host, utcnow())
    except LinkRefused as refused:
        current_app.logger.warning(
            "host link refused (%s) on %s from %s", refused.reason, request.host,
            request.remote_addr,
        )
        abort(400, description=_("This link has expired or was already used. Please try again."))
    link_session(visitor)
    return redirect(local_path(request.args.get("next")))
