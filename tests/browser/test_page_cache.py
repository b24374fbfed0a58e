"""Chromium, without JavaScript, against the live mall with the cache on: two visitors get
the same stored issue page and each adds to their own cart from it (the form carries no
token; Chromium's Origin and Sec-Fetch-Site headers carry the proof)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from mall.extensions import db


@pytest.fixture
def cached_live_mall(live_mall, monkeypatch) -> Iterator:
    monkeypatch.setitem(live_mall.app.config, "PAGE_CACHE", True)
    live_mall.app.extensions["pagecache"].clear()
    yield live_mall
    live_mall.app.extensions["pagecache"].clear()


@pytest.fixture
def humedales(make_post, make_issue, make_product):
    issue = make_issue(make_post("uy"), slug="humedales", title={"es": "Humedales"})
    product_id = make_product(issue, price_minor=1500, stock=10).id
    db.session.commit()  # and hold no transaction: SQLite would keep the server waiting
    return product_id


def test_two_visitors_add_from_one_stored_page_without_javascript(
    browser, cached_live_mall, humedales
):
    product_id = humedales
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
