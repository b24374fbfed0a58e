"""What a collector does: from the portal into Uruguay's storefront, to an issue, priced in
pesos in Spanish, then the page in French."""

from __future__ import annotations

import re
from datetime import date

import pytest

from mall.extensions import db


@pytest.fixture
def catalogue(make_post, make_issue, make_product):
    uruguay = make_post("uy", primary_color="#0038a8")
    issue = make_issue(
        uruguay,
        slug="humedales",
        title={"es": "Humedales para nuestro futuro", "en": "Wetlands for our future",
               "fr": "Zones humides pour notre avenir"},
        issue_date=date(2018, 10, 22),
        wns_numbers=["UY003.18"],
    )
    make_product(issue, sku="UY-2018-003", price_minor=1500, stock=0)
    make_product(issue, sku="UY-2018-003-SS", price_minor=9000, stock=20)
    make_issue(make_post("nl"), slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    db.session.commit()
    return issue


def test_portal_to_storefront_to_issue_in_pesos_then_french(browser, live_mall, catalogue):
    # A browser set to Uruguayan Spanish, as a collector in Montevideo has it.
    page = browser.new_context(locale="es-UY").new_page()
    page.goto(live_mall.portal())
    page.get_by_role("link", name=re.compile("Uruguay")).first.click()

    page.wait_for_url(live_mall.storefront("uy", "/"))
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="Humedales para nuestro futuro").first.click()

    page.wait_for_url(re.compile(r"/issues/humedales$"))
    prices = page.locator("td.price").all_inner_texts()
    assert prices == ["$\xa015,00", "$\xa090,00"]
    assert page.get_by_text("Agotado").is_visible()
    # mall.css and the post's own colours (theme.css) both loaded on the storefront's host
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 56, 168)"

    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"/issues/humedales$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Zones humides pour notre avenir").is_visible()
    assert page.get_by_text("Épuisé").is_visible()
    assert page.locator("td.price").first.inner_text() == "15,00\xa0$UY"  # French CLDR for pesos


def test_storefront_cookies_stay_on_their_own_host(page, live_mall, catalogue):
    page.goto(live_mall.storefront("uy", "/language/fr?next=/"))
    page.goto(live_mall.storefront("nl", "/"))
    # The browser's English, not French: the French choice stayed on uy.
    assert page.locator("html").get_attribute("lang") == "en"
    cookies = page.context.cookies()
    assert cookies, "the language choice is kept in a cookie"
    for cookie in cookies:
        assert not cookie["domain"].startswith("."), cookie  # host-only, never a parent domain
