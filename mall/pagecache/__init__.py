"""The page cache: what anonymous visitors see, drawn once and served many times.

Homes, catalogue, issue, collection and search pages (`keys.SHARED_ENDPOINTS`), on the
portal and every storefront, are stored per host, path and query, language, display
currency and `Accept-Language` (`keys`) for visitors whose session holds nobody
(`keys.SHAREABLE_SESSION_KEYS`), and served while the catalogue and rates versions they
were drawn under hold (the stock's may have moved `PAGE_CACHE_STOCK_SECONDS` ago at most;
`versions`), and at most `PAGE_CACHE_SECONDS`. Pages drawn for a
linked visit, a signed-in buyer or staff, and every other page, never come from it.
What would be one visitor's in a shared page (the CSRF token, add-to-cart keys) is left out
or filled at each serving (`rendering`, `origin`).

The cache lives in each worker's memory (`MALL_PAGE_CACHE_MAX_BYTES`) with versions in
files every worker of the machine reads, or in Redis when `MALL_CACHE_URL` names it
(`backends`). `MALL_PAGE_CACHE=false` turns it off: every page is drawn for its visitor, as
without this package; the versions still move, for the workers' memos (`mall.memo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mall.extensions import db
from mall.memo import Memo
from mall.pagecache import origin, rendering, versions
from mall.pagecache.backends import make_backend
from mall.pagecache.hooks import cache, serve_shared_page, store_shared_page

if TYPE_CHECKING:
    from mall.app import MallFlask

__all__ = ["cache", "init_app"]


def init_app(app: MallFlask) -> None:
    """After the blueprints (their template globals are wrapped). The lookup is appended to
    `app.early_request_hooks`: it runs before any URL preprocessor or before_request hook
    (a storefront's post is not even loaded for a page served from the cache), after the
    early hooks appended before it (a check that must redirect some browsers first)."""
    app.extensions["pagecache"] = make_backend(app.config)
    app.extensions["memo"] = Memo()
    versions.listen(versions.watched_tables(db.metadata, db.Model.registry))
    rendering.init_app(app)
    origin.init_app(app)
    app.early_request_hooks.append(serve_shared_page)
    app.after_request(store_shared_page)
