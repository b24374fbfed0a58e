"""What one host's session cookie holds, whose it is, and how signing in or out renews it.

Flask's session is a signed cookie of one host. Two principals may share it: the buyer (the
link to the visitor, Flask-Login's keys, the checkout, card secrets, a pending cart add, a
link nonce, guest order passes) and a staff member (the operator's desk; post staff to
come). Signing one of them in or out drops everything of that principal and the CSRF
secret, so nothing from before carries over (session fixation) and nothing is left behind
for the next person at the browser.

The buyer's keys are many and grow with every feature, so they are not listed: a buyer's
sign-in or sign-out keeps only what is *not* the buyer's (the language chosen on this host,
the cookie's own lifetime flag, a staff session) and drops the rest. A key added tomorrow
is forgotten at sign-out without anyone remembering to add it here."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, session

#: The link to the visitor (see `mall.visitors.context`).
VISITOR_KEY = "visitor_id"
#: This host's language switch: a setting of the browser, not anyone's data.
LOCALE_KEY = "locale"
#: The operator's desk session (see `mall.operator.auth`).
OPERATOR_STAFF_KEY = "operator_staff"
#: Every key of a staff session.
STAFF_KEYS = (OPERATOR_STAFF_KEY,)
#: Flask-WTF's CSRF secret for this host.
CSRF_KEY = "csrf_token"
#: Flask's own flags, not data: the cookie's lifetime, and messages for the next page.
_FLASK_KEYS = ("_permanent",)
_FLASHES_KEY = "_flashes"


def drop_buyer_state(*, keep: Iterable[str] = ()) -> None:
    """Forget every buyer's key of this host's session, and the CSRF secret, except `keep`
    (the visitor link, when a sign-in keeps the visit)."""
    kept = {LOCALE_KEY, *STAFF_KEYS, *_FLASK_KEYS, *keep}
    for key in [key for key in session if key not in kept]:
        session.pop(key)


def forget_ended_visit() -> None:
    """This host was linked to a visit that ended elsewhere (a sign-out on another host,
    a new password, a lapsed sign-in): forget the buyer's keys, but keep the CSRF secret
    and pending messages, since a form of this host may be on its way in this request."""
    drop_buyer_state(keep=(CSRF_KEY, _FLASHES_KEY))


def drop_staff_state() -> None:
    """Forget the staff session of this host and the CSRF secret; the buyer's keys stay
    (another principal, see `mall.operator.auth`)."""
    for key in (*STAFF_KEYS, CSRF_KEY):
        session.pop(key, None)


def holds_a_principal() -> bool:
    """Whether this host's session is linked to a visit or signed in to a staff desk: its
    pages may show someone's data."""
    return any(key in session for key in (VISITOR_KEY, *STAFF_KEYS))


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """Pages served to a linked visit or a staff session are not stored by the browser or
    any cache: after a sign-out, "Back" on a shared computer must not show the last
    buyer's order page. Responses that chose their own caching (static files) keep it."""
    if "Cache-Control" not in response.headers and holds_a_principal():
        response.headers["Cache-Control"] = "no-store"
    return response
