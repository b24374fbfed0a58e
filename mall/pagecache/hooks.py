"""The two request hooks: serve a stored page before the view, store a drawn one after.

The lookup is an early request hook (`mall.app.MallFlask.early_request_hooks`): it runs
before the blueprints' URL preprocessors and before_request hooks, none of which a shared
page needs (a GET has no CSRF check; a session that holds nobody has no identity to sync);
an early hook that must answer before any shared page (a redirect for some browsers) is
appended before it. A stored page still passes through every after_request hook
(security headers, the transaction's commit)."""

from __future__ import annotations

import hashlib
import time

from flask import current_app, g, request, session
from flask.wrappers import Response

from mall.cart.forms import new_form_key
from mall.memo import share_versions
from mall.pagecache.backends import Backend, Entry, Versions
from mall.pagecache.keys import is_shared_request, page_key
from mall.pagecache.rendering import FORM_KEY_HOLE, draw_shared, fill_holes

#: Response header saying whether a shared page came from the cache (`hit`) or was drawn
#: and stored (`miss`); absent on pages drawn for one visitor.
STATE_HEADER = "X-Page-Cache"
_PENDING = "pagecache_pending"


def cache() -> Backend:
    return current_app.extensions["pagecache"]


def serve_shared_page() -> Response | None:
    """A stored page drawn under the current versions, or None: the view draws it (shared,
    to be stored, when the request may have a shared page)."""
    if not current_app.config["PAGE_CACHE"] or not is_shared_request():
        return None
    key = page_key()
    versions, entry = cache().lookup(key)
    share_versions(versions)
    if versions is None:
        return None  # the cache cannot be read: this page is drawn as without one
    if entry is not None and is_current(entry, versions, time.time()):
        return _serve(current_app.response_class(content_type=entry.content_type), entry, "hit")
    g.setdefault(_PENDING, (key, versions))
    draw_shared()
    return None


def is_current(entry: Entry, versions: Versions, now: float) -> bool:
    """Drawn under the current catalogue and rates; and under the current stock, or less
    than `PAGE_CACHE_STOCK_SECONDS` ago (a sale moves the stock version: during a release
    each page is redrawn at most that often, not after every sale)."""
    drawn_catalogue, drawn_rates, drawn_stock = entry.versions
    catalogue, rates, stock = versions
    if (drawn_catalogue, drawn_rates) != (catalogue, rates):
        return False
    lag = now - entry.drawn_at
    return drawn_stock == stock or lag < float(current_app.config["PAGE_CACHE_STOCK_SECONDS"])


def store_shared_page(response: Response) -> Response:
    """Store the page drawn to be shared, when it turned out to be anybody's page."""
    pending: tuple[str, Versions] | None = g.pop(_PENDING, None)
    if pending is None:
        return response
    if not _storable(response):
        if response.is_sequence:  # drawn without keys all the same: fill them
            response.set_data(fill_holes(response.get_data(), new_form_key))
        return response
    key, versions = pending
    body = response.get_data()
    entry = Entry(
        versions=versions,
        etag=hashlib.blake2b(body, digest_size=16).hexdigest(),
        content_type=response.content_type or "text/html; charset=utf-8",
        body=body,
        holes=FORM_KEY_HOLE.encode() in body,
        drawn_at=time.time(),
    )
    if request.method == "GET":  # a HEAD's page says "next=/" in its currency form
        cache().put(key, entry, int(current_app.config["PAGE_CACHE_SECONDS"]))
    return _serve(response, entry, "miss")


def _storable(response: Response) -> bool:
    """A 200 HTML page that set no cookie and left the session as it was (a flash, a
    pending add or a link would have changed it): nothing in it is the visitor's."""
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and response.is_sequence
        and "Set-Cookie" not in response.headers
        and not session.modified
    )


def _serve(response: Response, entry: Entry, state: str) -> Response:
    """`entry` as this visitor gets it: 304 when their copy is current, else its body with
    fresh form keys; revalidated at every use (`no-cache`), so a browser or a CDN shows a
    change as soon as the app does."""
    response.set_etag(entry.etag)
    response.headers[STATE_HEADER] = state
    response.vary.update(("Accept-Language", "Cookie"))
    response.cache_control.no_cache = True
    # A page with form keys, or one whose session cookie is sent again, is this browser's.
    if entry.holes or session.permanent or session.modified:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    if request.if_none_match.contains_weak(entry.etag):
        response.status_code = 304
        response.set_data(b"")  # Werkzeug drops the entity headers of a 304
    else:
        response.set_data(fill_holes(entry.body, new_form_key))
    return response
