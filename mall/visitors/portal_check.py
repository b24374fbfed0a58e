"""The one-time check at the portal: a storefront this browser has not linked yet asks the
portal, once, whether it knows the browser, so a buyer signed in at the portal (or who chose
a currency there) is not shown signed out, in the local currency, on a storefront.

It is the "silent" sign-on check of single sign-on systems (OpenID Connect's
`prompt=none`), made of the host link's own steps (`mall.visitors.views`): the storefront
keeps a nonce and sends the browser to the portal's `/link` with `prompt=none`; a portal
that knows the browser's visit issues the usual link token, one that does not sends the
browser straight back (it creates no visit for it); `/link/complete` links or not, and
returns to the page that was asked for. Either way the storefront's session remembers that
the check was made (`CHECKED_KEY`, a mark that names nobody: pages stay shareable). The
hook itself is `mall.visitors.views.check_at_portal`.

Only a real browser's first top-level page view of a live storefront is redirected:
`Sec-Fetch-Mode: navigate` with `Sec-Fetch-Dest: document` (never a sub-resource, a frame,
a prefetch or a script), a GET, not a crawler's user agent (crawlers mostly send no
`Sec-Fetch-*` at all; headless ones that do name themselves), on a page a buyer browses
(not the back office, not the link's own steps). It never loops: the mark is set before
the redirect, and a browser that did not keep the cookie (so has no nonce when it comes
back) is returned with `portal_check=done` in the address, which is never checked."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import request, session

from mall.host_sessions import VISITOR_KEY
from mall.hosts import PORTAL_SUBDOMAIN, current_site

#: This storefront session's mark that the check was made.
CHECKED_KEY = "portal_checked"
#: In the address a browser that keeps no cookie comes back to: not checked again.
DONE_PARAM = "portal_check"
#: Blueprints of the pages a buyer browses on a storefront.
BROWSED = frozenset({"storefront", "cart"})
#: User agents of crawlers, link previewers and page checkers (the words they put in
#: their user agent, case-insensitive): they are never redirected.
CRAWLER = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"validator|lighthouse|pagespeed|headlesschrome|phantomjs|python-|curl/|wget/|httpclient",
    re.IGNORECASE,
)


def is_crawler(user_agent: str) -> bool:
    return not user_agent or CRAWLER.search(user_agent) is not None


def is_first_navigation() -> bool:
    """A real browser's top-level GET of a storefront page, on a host whose session has
    neither a link nor the mark of an earlier check."""
    headers = request.headers
    return (
        request.method == "GET"
        and headers.get("Sec-Fetch-Mode") == "navigate"
        and headers.get("Sec-Fetch-Dest") == "document"
        and "prefetch" not in headers.get("Sec-Purpose", "") + headers.get("Purpose", "")
        and request.blueprint in BROWSED
        and current_site() != PORTAL_SUBDOMAIN
        and VISITOR_KEY not in session
        and CHECKED_KEY not in session
        and DONE_PARAM not in request.args
        and not is_crawler(headers.get("User-Agent", ""))
    )


def marked_done(path: str) -> str:
    """`path` with the mark that stops a check (for a browser that keeps no cookie)."""
    parts = urlsplit(path)
    query = "&".join(filter(None, (parts.query, urlencode({DONE_PARAM: "done"}))))
    return urlunsplit(("", "", parts.path, query, ""))
