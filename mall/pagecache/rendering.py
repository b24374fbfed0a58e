"""Drawing a page that will be shared: what in it would be one visitor's is left out or
left as a hole, filled each time the page is served.

- The CSRF token is left out (`csrf_token()` is empty): the only forms of shared pages, the
  add-to-cart and currency forms, are checked by where they come from instead
  (`mall.pagecache.origin`). A token would also set a session cookie on every page view.
- Each add-to-cart form's key (`mall.cart.forms.new_form_key`: a second post of the same
  form adds once, and keys are unique across carts) is a hole: the stored page holds a
  marker, and every serving writes a fresh key into each form, so two visitors never share
  one. Without JavaScript too."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, g

#: What a hole looks like in a stored page. Text from the catalogue that happened to hold it
#: would only receive a random key.
FORM_KEY_HOLE = "__pagecache_form_key__"
_HOLES = re.compile(re.escape(FORM_KEY_HOLE).encode())
_SHARED = "pagecache_shared"


def init_app(app: Flask) -> None:
    """Wrap the template globals that draw a visitor's values (registered by Flask-WTF and
    the cart's blueprint, so this runs after the blueprints are registered). Flask-WTF also
    puts its token in every template's context: this context processor, registered later,
    replaces it there."""
    globals_ = app.jinja_env.globals
    token = globals_["csrf_token"] = _unless_shared(globals_["csrf_token"], lambda: "")
    globals_["new_form_key"] = _unless_shared(globals_["new_form_key"], lambda: FORM_KEY_HOLE)
    app.context_processor(lambda: {"csrf_token": token})


def draw_shared() -> None:
    """This request's page is drawn to be shared."""
    g.setdefault(_SHARED, True)


def is_drawn_shared() -> bool:
    return bool(g.get(_SHARED))


def fill_holes(body: bytes, new_key: Callable[[], str]) -> bytes:
    """The stored page as one visitor gets it: a fresh key in every form."""
    return _HOLES.sub(lambda _match: new_key().encode(), body)


def _unless_shared(own: Callable[[], str], shared: Callable[[], str]) -> Callable[[], str]:
    def value() -> str:
        return shared() if is_drawn_shared() else own()

    value.__name__ = own.__name__
    value.__doc__ = own.__doc__
    return value
