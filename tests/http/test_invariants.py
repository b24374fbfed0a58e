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


#: Values a tester sends in place of ids and words: past 32 and 64 bits, negative, NUL and
#: other control characters, and very long.
BAD_PATH_VALUES = [str(2**31), str(2**63), str(2**64), "-1", "%00", "a%00b", "%01", "%7f",
                   "x" * 3000]


def test_no_route_answers_500_to_odd_path_values(app, client, make_post):
    make_post("uy")
    failures = []
    for rule in app.url_map.iter_rules():
        names = [n for n in rule.arguments if n not in ("cc", "site", "filename")]
        if not names:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            for value in BAD_PATH_VALUES:
                for endpoint, url in _routes_with(app, rule, dict.fromkeys(names, value)):
                    response = client.open(url, method=method)
                    response.close()
                    if response.status_code >= 500:
                        failures.append((endpoint, method, value[:12], response.status_code))
    assert failures == []


def _routes_with(app: Flask, rule, values: dict[str, str]) -> list[tuple[str, str]]:
    site = rule.subdomain or ""
    base = storefront("uy") if "<country:cc>" in site else PORTAL
    path = re.sub(
        r"<(?:[a-z]+:)?([a-z_]+)>",
        lambda m: values.get(m.group(1), SAMPLE_VALUES.get(m.group(1), "1")), rule.rule,
    )
    return [(rule.endpoint, base + path)]


BAD_FIELD_VALUES = ["a\x00b", "\x00", "x\x01y", "\x7f", str(2**31), str(2**63), "-1",
                    "y" * 20_000]


def _field_names() -> set[str]:
    """Every field name of every form in the mall (each form module is imported by its
    views, so the subclasses are all known once the app exists)."""
    from wtforms.fields.core import UnboundField

    from mall.forms import MallForm

    names: set[str] = set()
    pending = list(MallForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending += form.__subclasses__()
        names |= {name for name in dir(form) if isinstance(getattr(form, name), UnboundField)}
    return names | {"title_en", "title_es", "description_es", "shop_name_es", "tagline_es",
                    "q", "email", "password"}


@pytest.mark.parametrize("value", BAD_FIELD_VALUES, ids=range(len(BAD_FIELD_VALUES)))
def test_no_form_answers_500_to_odd_field_values(app, client, make_post, value):
    """Every POST route gets every field name any form has, each set to `value`, with a
    valid CSRF token: a form error or a refusal, never a 500."""
    make_post("uy")
    from tests.support.hosts import csrf_token

    tokens = {PORTAL: csrf_token(client, PORTAL + "/account/sign-in"),
              storefront("uy"): csrf_token(client, storefront("uy") + "/contact")}
    data = dict.fromkeys(_field_names(), value)
    failures = []
    for endpoint, url in _routes(app, "POST"):
        base = next(host for host in tokens if url.startswith(host + "/"))
        response = client.post(url, data={**data, "csrf_token": tokens[base]})
        response.close()
        if response.status_code >= 500:
            failures.append((endpoint, response.status_code))
    assert failures == []


def test_control_characters_are_refused_with_a_message_on_the_field(client, make_post):
    make_post("uy")
    from tests.support.hosts import csrf_token

    url = storefront("uy") + "/contact"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Ana\x00",
                                      "email": "ana@example.org", "subject": "Hello",
                                      "message": "Two lines\nand a tab\there are fine."})
    assert response.status_code == 400
    assert 'has-error' in response.get_data(as_text=True)
    from sqlalchemy import select

    from mall.content.models import ContactMessage
    from mall.extensions import db

    assert db.session.scalar(select(ContactMessage.id)) is None
    fine = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Ana",
                                  "email": "ana@example.org", "subject": "Hello",
                                  "message": "Two lines\nand a tab\there are fine."})
    assert fine.status_code == 302


def test_every_posted_form_is_a_mall_form(app):
    """The control-character check lives in MallForm: a form that skipped it would also slip
    past the field sweep above, which collects MallForm's subclasses."""
    from flask_wtf import FlaskForm

    from mall.forms import MallForm

    pending, ours, strays = list(FlaskForm.__subclasses__()), 0, []
    while pending:
        form = pending.pop()
        pending += form.__subclasses__()
        if form.__module__.startswith(("mall.", "vendors.")):
            ours += 1
            if not issubclass(form, MallForm):
                strays.append(f"{form.__module__}.{form.__qualname__}")
    assert ours > 20  # every feature's forms were seen
    assert strays == []
