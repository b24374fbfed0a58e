"""A shared computer, in a real browser: Ana signs in from a storefront, orders at the
portal, signs out on the storefront. Bruno, at the same browser, finds nothing of hers: not
her order page, not her cart, not her address in his checkout — before and after he signs
in. Run with development and with real `*.post` names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.browser.steps import send_address
from tests.support.checkout import RATES, RATES_DAY, add_method

PASSWORD = "correct horse battery"
#: What Ana types or owns, none of which Bruno may see.
ANAS = ["Ana Almeida", "ana@example.org", "Ana at home", "9 Rua Augusta", "Lisboa"]


@pytest.fixture
def shop(make_post, make_issue, make_product) -> dict[str, Any]:
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    uy = make_post("uy")
    humedales = make_issue(uy, slug="humedales", title={"en": "Wetlands for our future"})
    add_method(uy, "registered", ShippingKind.REGISTERED_LETTER,
               {**dict.fromkeys(Zone, 0), Zone.WORLD: 40000})
    for email, name in (("ana@example.org", "Ana Almeida"), ("bruno@example.org", "Bruno B")):
        db.session.add(Buyer(email=email, password_hash=hash_password(PASSWORD), name=name))
    ids = {"product": make_product(humedales, price_minor=9000, stock=20).id}
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return ids


def add_to_cart(page: Any, url: str, product_id: int) -> None:
    page.goto(url)
    page.locator(f"#product-{product_id}").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/issues/\w+#product-\d+$"))


def sign_in_from(page: Any, url: str, email: str) -> None:
    page.goto(url)
    page.locator(".account-links a[href*='/account/sign-in']").click()
    page.wait_for_url(re.compile(r"/account/sign-in\?next="))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url)


def anas_traces(page: Any) -> list[str]:
    text = page.content()
    return [word for word in ANAS if word in text]


def test_the_next_person_at_a_shared_computer_sees_nothing_of_the_last(page, live_mall, shop):
    mall = live_mall
    issue = mall.storefront("uy", "/issues/humedales")
    sign_in_from(page, issue, "ana@example.org")
    add_to_cart(page, issue, shop["product"])

    page.goto(mall.portal("/checkout"))
    send_address(page, name="Ana at home", street="9 Rua Augusta", city="Lisboa",
                 country="PT")
    page.wait_for_url(mall.portal("/checkout/shipping"))
    page.get_by_role("button", name="Continue to review").click()
    page.wait_for_url(mall.portal("/checkout/review"))
    page.locator("button.place-button").click()
    page.wait_for_url(re.compile(r"/orders/\w+$"))
    order_page = page.url
    assert "Ana at home" in page.content()
    add_to_cart(page, issue, shop["product"])  # something for next time, left in the cart

    page.goto(mall.storefront("uy", "/"))
    page.locator(".sign-out-form button").click()
    page.wait_for_url(mall.storefront("uy", "/"))

    def nothing_of_ana() -> None:
        answer = page.goto(order_page)
        assert answer is not None
        assert answer.status == 404
        assert anas_traces(page) == []
        page.goto(mall.portal("/cart"))
        assert page.locator(".cart-line").count() == 0
        assert anas_traces(page) == []
        for url in (mall.portal("/"), mall.storefront("uy", "/"), issue):
            page.goto(url)
            assert anas_traces(page) == []

    nothing_of_ana()
    sign_in_from(page, issue, "bruno@example.org")
    assert page.locator(".account-name").inner_text() == "Bruno B"
    nothing_of_ana()

    add_to_cart(page, issue, shop["product"])
    page.goto(mall.portal("/checkout"))
    assert page.get_by_label("Name on the envelope").input_value() in ("", "Bruno B")
    assert page.get_by_label("Address", exact=True).input_value() == ""
    assert page.get_by_label("City or town").input_value() == ""
    assert anas_traces(page) == []
