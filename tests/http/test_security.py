"""The security baseline every response carries."""

from __future__ import annotations

import pytest

from tests.support.hosts import PORTAL, storefront


@pytest.mark.parametrize("path", ["/", "/search?q=x", "/does-not-exist", "/static/css/mall.css"])
def test_security_headers_on_every_response(client, make_post, path):
    make_post("uy")
    for base in (PORTAL, storefront("uy")):
        with client.get(base + path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP in development


def test_hsts_when_served_over_https(client):
    response = client.get("https://stamps.post.localhost:5000/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_configuration_secures_cookies(monkeypatch):
    from mall import create_app
    from mall.config import ProductionConfig

    monkeypatch.setenv("MALL_SECRET_KEY", "a-real-secret")
    app = create_app(ProductionConfig, DATABASE_URL="sqlite://")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SERVER_NAME"] == "post"
    assert app.config["SESSION_COOKIE_DOMAIN"] in (None, False)


def test_production_refuses_to_start_without_a_secret(monkeypatch):
    from mall import create_app
    from mall.config import ProductionConfig

    monkeypatch.delenv("MALL_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="MALL_SECRET_KEY"):
        create_app(ProductionConfig, DATABASE_URL="sqlite://")


def test_behind_a_trusted_proxy_the_client_address_and_scheme_come_from_it():
    from flask import request

    from mall import create_app
    from mall.config import TestConfig

    app = create_app(TestConfig, DATABASE_URL="sqlite://", PROXY_HOPS=1)
    seen = {}

    @app.get("/whoami", subdomain="stamps")
    def whoami():
        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return "ok"

    app.test_client().get(
        "http://stamps.post.localhost:5000/whoami",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
    )
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}
