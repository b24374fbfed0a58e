"""The page cache: what anonymous visitors see, drawn once and served many times.

Homes, catalogue, issue, collection and search pages (`keys.SHARED_ENDPOINTS`), on the
portal and every storefront, are stored per host, path and query, language, display
currency and `Accept-Language` (`keys`) for visitors whose session holds nobody
(`keys.SHAREABLE_SESSION_KEYS`), and served while the catalogue and rates versions they
were drawn under hold (`versions`) and at most `PAGE_CACHE_SECONDS`. Pages drawn for a
linked visit, a signed-in buyer or staff, and every other page, never come from it.
What would be one visitor's in a shared page (the CSRF token, add-to-cart keys) is left out
or filled at each serving (`rendering`, `origin`).

The cache lives in each worker's memory (`MALL_PAGE_CACHE_MAX_BYTES`) with versions in
files every worker of the machine reads, or in Redis when `MALL_CACHE_URL` names it
(`backends`). `MALL_PAGE_CACHE=false` turns it off: every page is drawn for its visitor, as
without this package."""

from __future__ import annotations

from flask import Flask

from mall.extensions import db
from mall.pagecache import origin, rendering, versions
from mall.pagecache.backends import make_backend
from mall.pagecache.hooks import cache, serve_shared_page, store_shared_page

__all__ = ["cache", "init_app"]


def init_app(app: Flask) -> None:
    """After the blueprints (their template globals are wrapped) and after every hook that
    must answer before a shared page is served (the lookup is a `before_request` hook)."""
    app.extensions["pagecache"] = make_backend(app.config)
    versions.listen(versions.watched_tables(db.metadata, db.Model.registry))
    rendering.init_app(app)
    origin.init_app(app)
    app.before_request(serve_shared_page)
    app.after_request(store_shared_page)
