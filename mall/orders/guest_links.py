"""Signed, expiring links to a guest's order, for the mails about it.

An order placed without an account belongs to the visit that placed it, and a visit ends
when the browser is signed out or changes hands (see `mall.visitors.models.Visitor`). The
guest keeps their order through the link in its mails: it names the order, is signed with
the app's secret and lapses after `GUEST_ORDER_LINK_MAX_AGE`. A signed-in buyer's order
has no such link: it is theirs to see once signed in, and nobody else's."""

from __future__ import annotations

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from mall.orders.models import Order

_SALT = "mall.guest-order"
#: The query parameter of the order page that carries the pass to a guest's order.
ACCESS_PARAMETER = "access"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def guest_pass(order: Order) -> str:
    return _serializer().dumps({"order": order.code})


def pass_opens(token: str, code: str) -> bool:
    """Whether `token` is a valid, unexpired pass to the order `code` (which must still be
    checked to be a guest's order)."""
    try:
        data = _serializer().loads(
            token, max_age=int(current_app.config["GUEST_ORDER_LINK_MAX_AGE"])
        )
    except BadData:  # tampered, expired or malformed
        return False
    return isinstance(data, dict) and data.get("order") == code


def order_link(order: Order) -> str:
    """The order page's address for mails: with a pass for a guest's order, plain for a
    buyer's (they sign in to see it)."""
    if order.buyer_id is not None:
        return url_for("orders.show", code=order.code, _external=True)
    return url_for(
        "orders.show", code=order.code, _external=True, **{ACCESS_PARAMETER: guest_pass(order)}
    )
