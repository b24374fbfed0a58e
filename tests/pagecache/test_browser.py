"""Chromium, without JavaScript, against the live mall with the cache on: two visitors get
the same stored issue page and each adds to their own cart from it (the form carries no
token; Chromium's Origin and Sec-Fetch-Site headers carry the proof)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from mall.extensions import db
from tests.browser.conftest import _browser_home, _playwright, browser, live_mall  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def cached_live_mall(live_mall, monkeypatch) -> Iterator:  # noqa: F811 - the fixture above
    monkeypatch.setitem(live_mall.app.config, "PAGE_CACHE", True)
    live_mall.app.extensions["pagecache"].clear()
    yield live_mall
    live_mall.app.extensions["pagecache"].clear()


def test_two_visitors_add_from_one_stored_page_without_javascript(
    browser, cached_live_mall, uruguay  # noqa: F811
):
    product_id = uruguay.products[0].id
    db.session.commit()  # hold no transaction: SQLite would keep the server waiting
    issue = cached_live_mall.storefront("uy", "/issues/humedales")
    states = []
    for _visitor in range(2):
        context = browser.new_context(locale="en-GB", java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(15_000)
        response = page.goto(issue)
        states.append(response.headers.get("x-page-cache"))
        row = page.locator(f"#product-{product_id}")
        row.get_by_role("spinbutton").fill("2")
        row.get_by_role("button").click()
        page.wait_for_url(re.compile(r"/issues/humedales#product-\d+$"))
        assert page.locator(".cart-count").inner_text() == "2"  # their own cart, linked
        context.close()
    assert states == ["miss", "hit"]
    db.session.rollback()
