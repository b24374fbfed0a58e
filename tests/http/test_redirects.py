"""No open redirect: every route, on every kind of host, sent each known bypass as its
`next` (query string, and form field for the POSTed ones), answers with a Location on this
host or another host of the mall — and never a 500."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask

from mall.hosts import is_mall_host
from tests.support.hosts import PORTAL, csrf_token, storefront

#: Raw query values (already percent-encoded where a tester would encode them).
BYPASSES = [
    "//evil.example", "/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example",
    "%0a//evil.example", "/%5cevil.example", "/%5c%5cevil.example", "%5c%5cevil.example",
    "/%2f%2fevil.example", "%2f%2fevil.example", "%252f%252fevil.example",
    "https://evil.example", "http:evil.example", "https:/evil.example", "https:evil.example",
    "javascript:alert(1)", "//evil.example@stamps.post.localhost",
    "http://stamps.post.localhost@evil.example/", "/%00/evil.example", "%20//evil.example",
    "/%e2%80%8b/evil.example", "///evil.example", "/.//evil.example".replace(".", ""),
]
HOSTS = [PORTAL, storefront("uy")]


def _safe(location: str | None, app: Flask, host: str) -> bool:
    if location is None:
        return True
    if any(ord(c) < 32 for c in location) or "\\" in location:
        return False
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        with app.test_request_context(base_url=host):
            return parts.scheme in ("http", "https") and is_mall_host(parts.netloc)
    return location.startswith("/") and not location.startswith("//")


def _get_routes(app: Flask, host: str) -> list[str]:
    """Every GET route without arguments (but the host's) that answers on `host`."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or set(rule.arguments) - {"cc", "site"}:
            continue
        site = rule.subdomain or ""
        on_storefront = "<country:cc>" in site or site == "<site:site>"
        on_portal = site in ("stamps", "<site:site>")
        if (host == PORTAL and on_portal) or (host != PORTAL and on_storefront):
            paths.append(re.sub(r"<[^>]+>", "en", rule.rule))
    return sorted(set(paths))


@pytest.mark.parametrize("bypass", BYPASSES)
def test_no_get_route_redirects_off_the_mall(app, client, make_post, bypass):
    make_post("uy")
    unsafe = []
    for host in HOSTS:
        for path in _get_routes(app, host):
            response = client.get(f"{host}{path}?next={bypass}")
            response.close()
            if response.status_code >= 500 or not _safe(response.location, app, host):
                unsafe.append((host, path, response.status_code, response.location))
    assert unsafe == []


def test_the_language_switch_cannot_send_the_browser_away(client, make_post):
    make_post("uy")
    for host in HOSTS:
        response = client.get(f"{host}/language/en?next=/%09/evil.example")
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/"
        assert not urlsplit(response.location).netloc or "evil" not in response.location


@pytest.mark.parametrize("bypass", BYPASSES)
def test_posted_next_fields_stay_on_the_mall(app, client, make_post, make_issue, make_product,
                                             bypass):
    from urllib.parse import unquote

    product = make_product(make_issue(make_post("uy")))
    value = unquote(bypass)
    unsafe = []
    for host in HOSTS:
        token = csrf_token(client, host + ("/account/sign-in" if host == PORTAL else "/contact"))
        for path, data in (
            ("/currency", {"currency": "EUR"}),
            ("/cart/add", {"product_id": str(product.id), "quantity": "1",
                           "key": "k" * 20}),
        ):
            response = client.post(host + path, data={"csrf_token": token, "next": value, **data})
            response.close()
            if response.status_code >= 500 or not _safe(response.location, app, host):
                unsafe.append((host, path, response.status_code, response.location))
    assert unsafe == []
