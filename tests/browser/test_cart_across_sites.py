"""One cart across sites that share no cookie: a collector adds a Uruguayan stamp on
stamps.uy, a Dutch one on stamps.nl, opens the cart at the portal and finds both, then
reads it in another currency. Run with development names and with real `*.post` names,
where Chromium treats every storefront as a site of its own."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel import Locale

from mall.extensions import db
from mall.money import Money, format_money
from mall.rates.services import set_operator_rate

RATES = {"UYU": "46.20", "USD": "1.0547", "GBP": "0.8418"}


@pytest.fixture
def shops(make_post, make_issue, make_product):
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, date(2026, 11, 27))
    humedales = make_issue(
        make_post("uy"), slug="humedales",
        title={"es": "Humedales para nuestro futuro", "en": "Wetlands for our future"},
    )
    tulpen = make_issue(make_post("nl"), slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    ids = {
        "uy": make_product(humedales, price_minor=9000, stock=20).id,
        "nl": make_product(tulpen, price_minor=91, stock=50).id,
    }
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return ids


def usd(minor: int, currency: str) -> Money:
    per_eur = {**{code: Decimal(rate) for code, rate in RATES.items()}, "EUR": Decimal(1)}
    exact = Decimal(minor).scaleb(-2) * per_eur["USD"] / per_eur[currency]
    return Money.from_decimal(exact.quantize(Decimal("0.01"), ROUND_HALF_UP), "USD")


def add_to_cart(page, url: str, product_id: int, quantity: int) -> None:
    page.goto(url)
    row = page.locator(f"#product-{product_id}")
    row.get_by_role("spinbutton").fill(str(quantity))
    row.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/issues/\w+#product-\d+$"))  # back, through the portal


def test_add_on_two_storefronts_then_see_both_in_one_cart_in_dollars(page, live_mall, shops):
    responses: list = []
    page.on("response", lambda response: responses.append(response))

    add_to_cart(page, live_mall.storefront("uy", "/issues/humedales"), shops["uy"], 2)
    assert page.locator(".cart-count").inner_text() == "2"
    add_to_cart(page, live_mall.storefront("nl", "/issues/tulpen"), shops["nl"], 3)
    assert page.locator(".cart-count").inner_text() == "5"  # the same cart as on stamps.uy

    page.goto(live_mall.storefront("uy", "/"))
    page.locator(".cart-badge").click()
    page.wait_for_url(live_mall.portal("/cart"))
    assert page.locator(".cart-post").count() == 2
    assert page.locator("tr.cart-line").count() == 2
    assert page.get_by_role("link", name="Wetlands for our future").is_visible()
    assert page.get_by_role("link", name="Tulips").is_visible()
    assert page.locator('.cart-line input[name="quantity"]').evaluate_all(
        "inputs => inputs.map(input => input.value)"
    ) == ["3", "2"]  # by post: nl, then uy

    page.select_option("#display-currency", "USD")
    page.locator(".currency-form button").click()
    page.wait_for_url(live_mall.portal("/cart"))
    english = Locale.parse("en_GB")  # the browser says en-GB: a British reader's formats
    lines = [usd(273, "EUR"), usd(18000, "UYU")]
    assert page.locator("tr.cart-line td.converted").all_inner_texts() == [
        "≈ " + format_money(amount, english) for amount in lines
    ]
    total = Money(sum(amount.amount for amount in lines), "USD")
    assert page.locator(".total-amount").inner_text() == "≈ " + format_money(total, english)

    page.goto(live_mall.storefront("nl", "/issues/tulpen"))
    assert "≈" in page.locator("td.price").first.inner_text()  # the choice followed

    set_cookies = [
        value for response in responses for value in response.header_values("set-cookie")
    ]
    assert any(header.startswith("session=") for header in set_cookies), set_cookies
    for header in set_cookies:
        assert "domain=" not in header.lower(), header  # host-only, every one
    for cookie in page.context.cookies():
        assert not cookie["domain"].startswith("."), cookie
