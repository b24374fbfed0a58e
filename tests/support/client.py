"""The suite's test client: every request starts with an empty `g`, as under a real server.

The suite keeps one app context open for each test, so that tests and requests share a
database session; Flask reuses that context for requests. Without this, `g` — holding the
current visitor, Flask-Login's user and the CSRF token — would leak from one request to the
next (a sign-out would seem to keep the user; one host's CSRF token would show up on
another)."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.testing import FlaskClient


class BrowserClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:
        vars(g).clear()
        return super().open(*args, **kwargs)
