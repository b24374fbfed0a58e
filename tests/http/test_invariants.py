"""Invariants checked over every route the app has, so a new route cannot forget them:
CSRF on every state-changing form (6) and no 500 for any input a visitor can send (5)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support.hosts import PORTAL, storefront

#: Routes that take no browser form and authenticate otherwise (Stripe's signature).
NOT_FORMS = {"stripe_webhooks.receive"}

SAMPLE_VALUES = {"cc": "uy", "code": "ABCD2345", "slug": "nope", "id": "1", "issue_id": "1",
                 "product_id": "1", "line_id": "1", "post_code": "uy", "token": "x",
                 "filename": "css/mall.css", "address_id": "1", "message_id": "1"}


def _routes(app: Flask, method: str) -> list[tuple[str, str]]:
    """(endpoint, absolute URL) for every rule answering `method`, with sample arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if method not in (rule.methods or ()) or rule.endpoint in NOT_FORMS:
            continue
        site = rule.subdomain or ""
        base = storefront("uy") if "<country:cc>" in site or site == "<site:site>" else PORTAL
        if site == "<site:site>" and rule.endpoint != "static":
            base = PORTAL
        path = re.sub(
            r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: SAMPLE_VALUES.get(m.group(1), "1"), rule.rule
        )
        found.append((rule.endpoint, base + path))
    return sorted(found)


def test_every_post_route_refuses_a_form_without_its_csrf_token(app, client, make_post):
    make_post("uy")
    accepted = []
    for endpoint, url in _routes(app, "POST"):
        response = client.post(url, data={"anything": "1"})
        if response.status_code != 400:
            accepted.append((endpoint, response.status_code))
    assert accepted == []


def test_the_stripe_webhook_is_the_only_exemption_and_it_checks_a_signature(client):
    response = client.post(PORTAL + "/webhooks/stripe", data=b"{}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.is_json
    assert response.json["reason"]


@pytest.mark.parametrize(
    "query",
    ["?page=-1", "?page=99999999999999999999", "?year=abc&page=x", "?q=%00%ff",
     "?q=" + "a" * 5000, "?next=//evil.example", "?country=zz&theme=<script>&format=x"],
)
def test_no_get_route_answers_500_to_odd_input(app, client, make_post, query):
    make_post("uy")
    failures = []
    for endpoint, url in _routes(app, "GET"):
        response = client.get(url + query)
        response.close()
        if response.status_code >= 500:
            failures.append((endpoint, response.status_code))
    assert failures == []


def test_every_get_route_sends_the_security_headers(app, client, make_post):
    make_post("uy")
    missing = []
    for endpoint, url in _routes(app, "GET"):
        with client.get(url) as response:
            for header in ("Content-Security-Policy", "X-Content-Type-Options",
                           "Referrer-Policy", "X-Frame-Options"):
                if header not in response.headers:
                    missing.append((endpoint, header))
    assert missing == []
