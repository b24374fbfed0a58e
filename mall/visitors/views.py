"""The three steps of a host link: `/link/begin` on a storefront (keeps a nonce in this
host's session), `/link` at the portal (issues the token), `/link/complete` back on the
storefront (redeems it, in this browser only). See `mall.visitors.linking`."""

from __future__ import annotations

from urllib.parse import urlunsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from mall.columns import utcnow
from mall.extensions import db
from mall.hosts import local_path
from mall.posts.models import PostStatus
from mall.tenancy import host_post
from mall.transaction import keep_changes, writes
from mall.visitors.context import current_visitor, ensure_visitor, link_session
from mall.visitors.linking import (
    PROMPT_NONE,
    LinkRefused,
    issue_link,
    mall_target,
    new_nonce,
    redeem_link,
    unknown_visitor_url,
    valid_nonce,
)
from mall.visitors.models import Visitor
from mall.visitors.portal_check import (
    CHECKED_KEY,
    is_first_navigation,
    marked_done,
)

portal_bp = Blueprint("link", __name__)
storefront_bp = Blueprint("link_complete", __name__)

#: This host's session key for the nonce of the link it is waiting for.
NONCE_KEY = "link_nonce"


def link_through_portal(back: str, prompt: str | None = None) -> ResponseReturnValue:
    """From a storefront: have the portal link this host's session to the browser's
    visitor, then come back to `back` (a path on this host). With `prompt="none"` (the
    one-time check) the portal links only a visitor it already knows."""
    nonce = new_nonce()
    session[NONCE_KEY] = nonce
    target = urlunsplit((request.scheme, request.host, local_path(back), "", ""))
    return redirect(
        url_for("link.start", next=target, nonce=nonce, prompt=prompt, _external=True)
    )


def check_at_portal() -> ResponseReturnValue | None:
    """An early request hook, before the page cache's lookup (`mall.app.create_app`): a
    browser's first page view of a live storefront goes through the portal once, to come
    back signed in and in its currency if the portal knows it (`mall.visitors.portal_check`)."""
    if not current_app.config["PORTAL_CHECK"] or not is_first_navigation():
        return None
    post = host_post()
    if post is None or post.status is not PostStatus.LIVE:
        return None
    session[CHECKED_KEY] = True
    return link_through_portal(request.full_path.rstrip("?"), prompt=PROMPT_NONE)


@storefront_bp.get("/link/begin")
def begin(cc: str) -> ResponseReturnValue:
    """Where the portal sends a browser that signed in for this storefront: this host
    starts the link itself, so that it completes only in this browser."""
    return link_through_portal(local_path(request.args.get("next")))


@portal_bp.get("/link")
@writes
def start() -> ResponseReturnValue:
    """Send the browser back to the host that asked, carrying a pass to the visitor."""
    target = mall_target(request.args.get("next", ""), request.scheme)
    if target is None:
        abort(400, description=_("That address is not one of the mall's shops."))
    nonce = request.args.get("nonce", "")
    if not valid_nonce(nonce):
        abort(400, description=_("This link has expired or was already used. Please try again."))
    if request.args.get("prompt") != PROMPT_NONE:
        return redirect(issue_link(db.session, ensure_visitor(), target, nonce, utcnow()))
    visitor = current_visitor()  # the one-time check: a visit known here, never a new one
    if visitor is None:
        return redirect(unknown_visitor_url(target))
    return redirect(issue_link(db.session, visitor, target, nonce, utcnow(), PROMPT_NONE))


@storefront_bp.get("/link/complete")
@writes
def complete(cc: str) -> ResponseReturnValue:
    pending = session.pop(NONCE_KEY, None)
    if request.args.get("prompt") == PROMPT_NONE:
        return _end_check(pending if isinstance(pending, str) else None)
    try:
        visitor = redeem_link(
            db.session,
            request.args.get("token", ""),
            request.host,
            pending if isinstance(pending, str) else None,
            utcnow(),
        )
    except LinkRefused as refused:
        current_app.logger.warning(
            "host link refused (%s) on %s from %s", refused.reason, request.host,
            request.remote_addr,
        )
        abort(400, description=_("This link has expired or was already used. Please try again."))
    if _would_swap_buyer(visitor):
        keep_changes()  # the token is used up all the same
        abort(409, description=_(
            "You are signed in on this shop with another account. Sign out here first, "
            "then sign in again."
        ))
    link_session(visitor)
    return redirect(local_path(request.args.get("next")))


def _end_check(pending: str | None) -> ResponseReturnValue:
    """Back from the one-time check: link if the portal knew the browser, and in every
    case show the page that was asked for — the check never ends on an error page. A
    browser that kept no cookie (no nonce came back) returns to an address marked done, so
    that it is not sent round again."""
    back = local_path(request.args.get("next"))
    if pending is None:
        return redirect(marked_done(back))
    token = request.args.get("token")
    if token:
        try:
            visitor = redeem_link(db.session, token, request.host, pending, utcnow())
        except LinkRefused as refused:
            current_app.logger.info("portal check: link refused (%s) on %s", refused.reason,
                                    request.host)
        else:
            if not _would_swap_buyer(visitor):
                link_session(visitor)
    return redirect(back)


def _would_swap_buyer(visitor: Visitor) -> bool:
    """Whether linking `visitor` would put another buyer in the place of the one signed in
    on this host: never without their own sign-out."""
    linked = current_visitor()
    if linked is None or linked.id == visitor.id:
        return False
    now = utcnow()
    here, there = linked.signed_in_buyer(now), visitor.signed_in_buyer(now)
    return here is not None and (there is None or there.id != here.id)
