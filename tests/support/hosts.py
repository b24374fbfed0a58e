"""Addresses of the mall's hosts as tests see them (`*.post.localhost:5000`)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

DOMAIN = "post.localhost:5000"
PORTAL = f"http://stamps.{DOMAIN}"


def storefront(code: str) -> str:
    return f"http://stamps.{code}.{DOMAIN}"


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    """The token a person gets by opening the form's page on that host."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def link(client: FlaskClient, base: str, path: str = "/") -> str:
    """Link a storefront's session to the browser's visitor as the storefront does it:
    `/link/begin` there, `/link` at the portal, `/link/complete` back there. Returns where
    the browser lands."""
    begun = client.get(base + "/link/begin", query_string={"next": path})
    assert begun.status_code == 302, begun.status_code
    issued = client.get(begun.headers["Location"])
    assert issued.status_code == 302, issued.get_data(as_text=True)
    completed = client.get(issued.headers["Location"])
    assert completed.status_code == 302, completed.get_data(as_text=True)
    return completed.headers["Location"]
