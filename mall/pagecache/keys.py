"""Which requests may be answered with a shared page, and under which key.

A page is shared only when nothing in it can be anybody's: an allow-list of GET pages
(`SHARED_ENDPOINTS`: homes, catalogue, issues, collections, search), and a session that
holds no principal and nothing else a page could show — only the keys in
`SHAREABLE_SESSION_KEYS`. A session with any other key (a linked visit, a sign-in, a staff
desk, a message to flash, a pending add, a key added tomorrow) is drawn for itself, so a
new feature's session key can never leak into a shared page by being forgotten here.

The key holds everything such a page is drawn from: the scheme and host (the post, the
sign-in link's return address), the path and query, the language and currency chosen on
this host (`session`), and the browser's `Accept-Language` (the language and currency
otherwise, and the reader's number format on the portal). The versions (catalogue, rates,
stock) are checked against the stored page (`mall.pagecache.hooks.is_current`), not hashed
into the key, so a bump replaces pages instead of leaving old ones behind."""

from __future__ import annotations

import hashlib

from flask import request, session

from mall.currency import SESSION_KEY as CURRENCY_KEY
from mall.host_sessions import CSRF_KEY, LOCALE_KEY
from mall.visitors.portal_check import CHECKED_KEY

SHARED_ENDPOINTS = frozenset({
    "portal.home",
    "portal.search",
    "storefront.home",
    "storefront.catalogue",
    "storefront.issue",
    "storefront.collections",
    "storefront.collection",
    "storefront.search",
})

#: Session keys that do not make a page anybody's: the language and currency chosen on
#: this host (both in the key), the CSRF secret (shared pages carry no token), Flask's
#: lifetime flag and Flask-Login's freshness flag (its session protection sets it on any
#: session without a sign-in), and the mark of the one-time check at the portal (a browser
#: the portal did not know: `mall.visitors.portal_check`).
SHAREABLE_SESSION_KEYS = frozenset(
    {LOCALE_KEY, CURRENCY_KEY, CSRF_KEY, CHECKED_KEY, "_permanent", "_fresh"}
)


def is_shared_request() -> bool:
    """Whether this request may be answered with (and may store) a shared page."""
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint in SHARED_ENDPOINTS
        and all(key in SHAREABLE_SESSION_KEYS for key in session)
    )


def page_key() -> str:
    parts = (
        request.scheme,
        request.host.lower(),
        request.full_path,
        str(session.get(LOCALE_KEY, "")),
        str(session.get(CURRENCY_KEY, "")),
        request.headers.get("Accept-Language", "").strip(),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
