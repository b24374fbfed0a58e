"""One checkout for two posts, in a real browser: a collector puts a Uruguayan stamp in the
cart on stamps.uy and a Dutch one on stamps.nl, checks out once at the portal, pays with
Stripe's test card (the live mall pointed at localstripe, in test mode) and finds both post
orders paid on the order page. Run with development and with real `*.post` names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mall.extensions import db
from mall.orders.models import Order, OrderStatus
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.browser.steps import send_address
from tests.support.checkout import RATES, RATES_DAY, add_method


@pytest.fixture
def shops(make_post, make_issue, make_product):
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    uy, nl = make_post("uy"), make_post("nl")
    humedales = make_issue(uy, slug="humedales", title={"en": "Wetlands for our future"})
    tulpen = make_issue(nl, slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    everywhere = dict.fromkeys(Zone, 0)
    add_method(uy, "registered", ShippingKind.REGISTERED_LETTER, {**everywhere, Zone.WORLD: 40000})
    add_method(nl, "registered", ShippingKind.REGISTERED_LETTER, {**everywhere, Zone.REGION: 995})
    ids = {
        "uy": make_product(humedales, price_minor=9000, stock=20).id,
        "nl": make_product(tulpen, price_minor=91, stock=50).id,
    }
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return ids


def add_to_cart(page: Any, url: str, product_id: int, quantity: int) -> None:
    page.goto(url)
    row = page.locator(f"#product-{product_id}")
    row.get_by_role("spinbutton").fill(str(quantity))
    row.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/issues/\w+#product-\d+$"))


def test_two_storefronts_one_checkout_one_card_payment(page, card_mall, shops):
    mall = card_mall
    add_to_cart(page, mall.storefront("uy", "/issues/humedales"), shops["uy"], 2)
    add_to_cart(page, mall.storefront("nl", "/issues/tulpen"), shops["nl"], 3)

    page.goto(mall.portal("/cart"))
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(mall.portal("/checkout"))
    send_address(page, email="claire@example.fr", name="Claire Martin",
                 street="12 rue de la Poste", postal_code="69002", city="Lyon", country="FR")

    page.wait_for_url(mall.portal("/checkout/shipping"))
    assert page.locator("fieldset.shipping-post").count() == 2
    page.get_by_role("button", name="Continue to review").click()

    page.wait_for_url(mall.portal("/checkout/review"))
    assert page.locator("section.review-post").count() == 2
    assert page.locator(".payment-methods .test-mode-badge").inner_text() == (
        "TEST MODE — no real money"
    )
    page.get_by_role("radio", name=re.compile("^Card")).check()
    total = page.locator("#order-total").inner_text()
    page.locator("button.place-button").click()

    page.wait_for_url(re.compile(r"/orders/\w+/pay$"))
    assert page.locator("#order-total").inner_text() == total
    assert page.get_by_role("heading", name="TEST MODE — no real money").is_visible()
    page.get_by_role("button", name="Pay with test card 4242 (succeeds)").click()

    page.wait_for_url(re.compile(r"/orders/\w+$"))
    assert page.locator("#order-status").inner_text() == "Paid"
    assert page.locator("section.post-order").count() == 2
    assert page.locator("section.post-order .status").all_inner_texts() == [
        "Paid — being packed", "Paid — being packed",
    ]
    code = page.url.rsplit("/", 1)[1]
    db.session.expire_all()
    order = db.session.query(Order).filter_by(code=code).one()
    assert order.status is OrderStatus.PAID
    assert [po.post.code for po in order.post_orders] == ["uy", "nl"]
    db.session.commit()
