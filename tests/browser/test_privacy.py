"""No third party learns of a visit: in Chromium, every request made while a collector
walks the portal, a storefront, an issue, the cart, checkout, sign-in, their account and the
privacy pages goes to the mall's own hosts, and every page carries a Content-Security-Policy
that allows nothing else (and that nothing on the pages breaks). The walk starts with the
one-time check at the portal: a buyer signed in at the portal is signed in on a storefront
from its first page view. Run with development and with real `*.post` names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.browser.steps import send_address
from tests.support.checkout import RATES, RATES_DAY, add_method

PASSWORD = "correct horse 1"
#: A desktop Chrome as a collector has it (Playwright's own says "HeadlessChrome", which the
#: one-time check takes for a crawler's).
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
#: What a Content-Security-Policy of the mall may allow.
OWN_SOURCES = {"'self'", "'none'", "data:"}


@pytest.fixture
def collector_shop(make_post, make_issue, make_product) -> dict[str, Any]:
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    uruguay = make_post("uy")
    add_method(uruguay, "registered", ShippingKind.REGISTERED_LETTER, dict.fromkeys(Zone, 400))
    issue = make_issue(uruguay, slug="humedales", title={"es": "Humedales", "en": "Wetlands"})
    product_id = make_product(issue, price_minor=9000, stock=5).id
    db.session.add(Buyer(email="ana@example.org", name="Ana Collector", country="FR",
                         password_hash=hash_password(PASSWORD)))
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return {"product_id": product_id}


@pytest.fixture
def watched(browser: Any) -> Iterator[dict[str, Any]]:
    """A collector's browser, with every request, every page's answer and every console
    message about the security policy recorded."""
    context = browser.new_context(locale="en-GB", user_agent=CHROME)
    seen: dict[str, Any] = {"requests": [], "documents": [], "violations": []}
    context.on("request", lambda request: seen["requests"].append(request.url))
    context.on("response", lambda response: seen["documents"].append(response)
               if response.request.resource_type == "document" else None)
    page = context.new_page()
    page.on("console", lambda message: seen["violations"].append(message.text)
            if "Content Security Policy" in message.text else None)
    page.set_default_timeout(15_000)
    seen["page"] = page
    yield seen
    context.close()


def is_the_malls(url: str, domain: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and host.endswith("." + domain)


def allows_only_the_mall(policy: str, domain: str) -> list[str]:
    """The sources of `policy` that are neither the page's own nor a mall host."""
    strangers = []
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *sources = directive.split()
        for source in sources:
            host = urlsplit(source).hostname or ""
            if source not in OWN_SOURCES and not host.endswith(f".{domain}"):
                strangers.append(f"{name} {source}")
    return strangers


def walk(page: Any, mall: Any, product_id: int) -> None:
    """Portal, sign-in, a storefront (signed in from its first page view), an issue, the
    cart, checkout to the review, the account, the privacy pages."""
    page.goto(mall.portal())
    page.goto(mall.portal("/account/sign-in"))
    page.get_by_label("Email address").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(mall.portal("/"))

    page.goto(mall.storefront("uy"))
    assert page.url == mall.storefront("uy", "/")  # back from the portal, on the page asked for
    if mall.domain == "post":
        # Chromium sends Sec-Fetch-* only to trustworthy origins (HTTPS, localhost): plain
        # http://stamps.uy.post gets none, so no check; its "Sign in" link links instead.
        page.goto(page.locator(".account-links a").first.get_attribute("href"))
        page.wait_for_url(mall.storefront("uy", "/"))
    assert page.locator(".account-name").inner_text() == "Ana Collector"

    page.goto(mall.storefront("uy", "/issues/humedales"))
    page.locator(f"#product-{product_id} form.add-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/issues/humedales#product-{product_id}$"))
    assert page.locator(".cart-badge .cart-count").inner_text() == "1"
    page.goto(mall.storefront("uy", "/contact"))

    page.goto(mall.portal("/cart"))
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(mall.portal("/checkout"))
    send_address(page, name="Ana Collector", street="3 quai Saint-Vincent",
                 postal_code="69001", city="Lyon", country="FR")
    page.wait_for_url(mall.portal("/checkout/shipping"))
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(mall.portal("/checkout/review"))

    page.goto(mall.portal("/account/"))
    page.goto(mall.portal("/orders"))
    page.get_by_role("link", name="Privacy").first.click()
    page.wait_for_url(mall.portal("/privacy"))
    page.goto(mall.portal("/account/privacy"))
    page.goto(mall.portal("/no-such-page"))


def test_every_request_goes_to_the_malls_own_hosts(watched, live_mall, collector_shop):
    walk(watched["page"], live_mall, collector_shop["product_id"])
    db.session.rollback()
    requests = watched["requests"]
    assert len(requests) > 30  # pages, their style sheets, icons, artwork, the redirects
    strangers = [url for url in requests if not is_the_malls(url, live_mall.domain)]
    assert strangers == []
    hosts = {urlsplit(url).hostname for url in requests}
    assert {f"stamps.{live_mall.domain}", f"stamps.uy.{live_mall.domain}"} <= hosts


def test_every_page_has_a_policy_that_allows_only_the_mall(watched, live_mall, collector_shop):
    walk(watched["page"], live_mall, collector_shop["product_id"])
    db.session.rollback()
    pages = [r for r in watched["documents"] if r.status == 200]
    assert len(pages) >= 12
    for response in pages:
        policy = response.headers.get("content-security-policy")
        assert policy, f"{response.url} has no Content-Security-Policy"
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert allows_only_the_mall(policy, live_mall.domain) == [], response.url
    assert watched["violations"] == []
