"""Shared pages through the test client: hits and misses, what makes them stale, what keys
them apart, HTTP caching headers, and the parts of a page that are each visitor's."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from urllib.parse import urljoin

import pytest
from sqlalchemy import update

from mall.catalogue.models import Product
from mall.extensions import db
from mall.pagecache.hooks import STATE_HEADER
from mall.rates.services import set_operator_rate
from tests.support.hosts import PORTAL, link, storefront

UY, NL = storefront("uy"), storefront("nl")
ISSUE = UY + "/issues/humedales"
_KEYS = re.compile(r'name="key" value="([^"]+)"')


def same_origin(base: str) -> dict[str, str]:
    """What a browser sends with a form posted from a page of `base`."""
    return {"Origin": base, "Sec-Fetch-Site": "same-origin"}


def state(response) -> str | None:
    return response.headers.get(STATE_HEADER)


def without_keys(html: str) -> str:
    return _KEYS.sub("", html)


def test_a_page_is_drawn_once_then_served(app, cached, uruguay):
    first = app.test_client().get(ISSUE)
    second = app.test_client().get(ISSUE)
    assert (first.status_code, state(first)) == (200, "miss")
    assert (second.status_code, state(second)) == (200, "hit")
    assert without_keys(first.get_data(as_text=True)) == without_keys(
        second.get_data(as_text=True)
    )
    assert "Set-Cookie" not in first.headers
    assert "Set-Cookie" not in second.headers


def test_two_visitors_of_one_stored_page_each_get_their_own_form_keys(app, cached, uruguay):
    pages = [app.test_client().get(ISSUE).get_data(as_text=True) for _ in range(3)]
    keys = [_KEYS.findall(html) for html in pages]
    assert all(len(found) == 2 for found in keys)
    every_key = [key for found in keys for key in found]
    assert len(set(every_key)) == len(every_key)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key) for key in every_key)
    for html in pages:  # nobody's: no token, no name, no count
        assert 'name="csrf_token" value=""' in html
        assert "/account/sign-in" in html
        assert "cart-count" not in html


def test_two_visitors_adding_from_the_same_stored_page_each_get_the_stamps(
    app, cached, uruguay
):
    product_id = uruguay.products[0].id
    for _visitor in range(2):
        client = app.test_client()
        html = client.get(ISSUE).get_data(as_text=True)
        key = _KEYS.search(html).group(1)
        response = client.post(UY + "/cart/add", headers=same_origin(UY), data={
            "product_id": product_id, "quantity": 1, "key": key, "next": "/issues/humedales",
        })
        url = UY + "/cart/add"
        while response.status_code == 302:  # through the portal's link and back
            url = urljoin(url, response.headers["Location"])
            response = client.get(url)
        assert response.status_code == 200
        cart = client.get(PORTAL + "/cart").get_data(as_text=True)
        assert "Humedales" in cart or "Wetlands" in cart
        page = client.get(ISSUE)  # linked now: drawn for this visitor, with the count
        assert state(page) is None
        assert page.headers["Cache-Control"] == "no-store"
        assert 'class="cart-count"' in page.get_data(as_text=True)


def test_a_linked_or_signed_in_session_is_never_served_a_shared_page(app, cached, uruguay):
    app.test_client().get(ISSUE)  # stored
    client = app.test_client()
    link(client, UY, "/issues/humedales")
    response = client.get(ISSUE)
    assert state(response) is None
    assert 'name="csrf_token" value=""' not in response.get_data(as_text=True)


def test_a_price_change_is_shown_at_the_next_request(app, cached, uruguay):
    client = app.test_client()
    assert "15,00" in client.get(ISSUE).get_data(as_text=True)
    product = uruguay.products[0]
    product.price_minor = 1700
    db.session.commit()
    response = client.get(ISSUE)
    assert state(response) == "miss"
    assert "17,00" in response.get_data(as_text=True)


def test_a_sale_is_shown_once_the_stock_grace_has_passed(app, cached, uruguay, monkeypatch):
    client = app.test_client()
    assert len(_KEYS.findall(client.get(ISSUE).get_data(as_text=True))) == 2
    monkeypatch.setitem(app.config, "PAGE_CACHE_STOCK_SECONDS", 60)
    db.session.execute(update(Product).where(Product.sku == "UY-1").values(stock=0))
    db.session.commit()
    assert state(client.get(ISSUE)) == "hit"  # drawn less than 60 s ago: still served
    monkeypatch.setitem(app.config, "PAGE_CACHE_STOCK_SECONDS", 0)
    response = client.get(ISSUE)
    assert state(response) == "miss"
    assert len(_KEYS.findall(response.get_data(as_text=True))) == 1  # sold out: no form


def test_a_stock_change_with_another_field_is_shown_at_the_next_request(
    app, cached, uruguay, monkeypatch
):
    monkeypatch.setitem(app.config, "PAGE_CACHE_STOCK_SECONDS", 60)
    client = app.test_client()
    client.get(ISSUE)
    product = uruguay.products[0]
    product.stock, product.price_minor = 0, 1600
    db.session.commit()
    response = client.get(ISSUE)
    assert state(response) == "miss"
    assert len(_KEYS.findall(response.get_data(as_text=True))) == 1


def test_a_rolled_back_change_leaves_the_stored_page(app, cached, uruguay):
    client = app.test_client()
    client.get(ISSUE)
    db.session.execute(update(Product).where(Product.sku == "UY-1").values(stock=0))
    db.session.rollback()
    assert state(client.get(ISSUE)) == "hit"


def test_a_published_issue_appears_on_the_home_page(app, cached, uruguay, make_issue):
    client = app.test_client()
    assert state(client.get(UY + "/")) == "miss"
    assert state(client.get(UY + "/")) == "hit"
    make_issue(uruguay.post, slug="aves", title={"es": "Aves del Uruguay"},
               issue_date=date(2026, 11, 1), published_at=datetime(2026, 11, 1, tzinfo=UTC))
    response = client.get(UY + "/")
    assert state(response) == "miss"
    assert "Aves del Uruguay" in response.get_data(as_text=True)


def test_a_new_rate_is_shown_at_the_next_request(app, cached, uruguay):
    client = app.test_client()
    client.post(UY + "/currency", headers=same_origin(UY), data={"currency": "USD", "next": "/"})
    client.get(UY + "/")  # the message is shown once
    page = client.get(ISSUE)
    assert state(page) == "miss"
    assert "class=\"approx\"" in page.get_data(as_text=True)
    assert state(client.get(ISSUE)) == "hit"
    set_operator_rate(db.session, "UYU", "23.10", date(2026, 11, 28))
    db.session.commit()
    again = client.get(ISSUE)
    assert state(again) == "miss"
    assert without_keys(again.get_data(as_text=True)) != without_keys(
        page.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((UY + "/", {}), (NL + "/", {})),  # host
        ((UY + "/catalogue", {}), (UY + "/catalogue?year=2018", {})),  # query
        ((PORTAL + "/", {"Accept-Language": "en-GB"}),
         (PORTAL + "/", {"Accept-Language": "en-US"})),
        ((PORTAL + "/", {"Accept-Language": "fr"}), (PORTAL + "/", {"Accept-Language": "es"})),
    ],
)
def test_pages_are_kept_apart(app, cached, uruguay, make_post, first, second):
    make_post("nl")
    client = app.test_client()
    assert state(client.get(first[0], headers=first[1])) == "miss"
    assert state(client.get(second[0], headers=second[1])) == "miss"
    assert state(client.get(first[0], headers=first[1])) == "hit"


def test_a_language_or_currency_chosen_on_the_host_has_its_own_page(app, cached, uruguay):
    client = app.test_client()
    assert "Humedales" in client.get(ISSUE).get_data(as_text=True)
    client.get(UY + "/language/en?next=/")
    client.get(UY + "/")  # Flask-Login marks the session's freshness once: drawn for itself
    english = client.get(ISSUE)
    assert state(english) == "miss"
    assert "Wetlands" in english.get_data(as_text=True)
    chosen = client.post(UY + "/currency", headers=same_origin(UY),
                         data={"currency": "GBP", "next": "/issues/humedales"})
    assert chosen.status_code == 302
    client.get(UY + "/")  # the message is shown (and the session changes) once
    in_pounds = client.get(ISSUE)
    assert state(in_pounds) == "miss"
    assert "≈ GBP" in in_pounds.get_data(as_text=True)
    assert state(app.test_client().get(ISSUE)) == "hit"  # another visitor: the first page


def test_etag_and_304(app, cached, uruguay):
    client = app.test_client()
    first = client.get(ISSUE)
    etag = first.headers["ETag"]
    unchanged = client.get(ISSUE, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    product = uruguay.products[0]
    product.price_minor = 1900
    db.session.commit()
    changed = client.get(ISSUE, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_caching_headers_say_what_the_page_depends_on(app, cached, uruguay):
    client = app.test_client()
    issue = client.get(ISSUE)
    vary = {value.strip() for value in issue.headers["Vary"].split(",")}
    assert {"Accept-Language", "Cookie"} <= vary
    # add-to-cart keys are each serving's own: browsers only, revalidated at every use
    assert set(issue.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}
    catalogue = client.get(UY + "/catalogue")  # no add-to-cart form: a CDN may keep it
    assert set(catalogue.headers["Cache-Control"].split(", ")) == {"public", "no-cache"}
    assert "Last-Modified" not in issue.headers


def test_the_cache_off_draws_every_page_for_its_visitor(app, uruguay, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
    client = app.test_client()
    for _ in range(2):
        response = client.get(ISSUE)
        assert state(response) is None
        assert "ETag" not in response.headers
    assert 'name="csrf_token" value=""' not in response.get_data(as_text=True)


def test_error_pages_and_head_requests_are_not_stored(app, cached, uruguay):
    client = app.test_client()
    for _ in range(2):
        missing = client.get(UY + "/issues/no-such-issue")
        assert missing.status_code == 404
        assert state(missing) is None
    assert client.head(UY + "/catalogue").status_code == 200
    assert state(client.get(UY + "/catalogue")) == "miss"


def test_a_page_with_a_message_is_drawn_for_its_visitor(app, cached, uruguay):
    client = app.test_client()
    client.post(UY + "/currency", headers=same_origin(UY), data={"currency": "USD", "next": "/"})
    with_message = client.get(UY + "/catalogue")
    assert state(with_message) is None
    assert "USD" in with_message.get_data(as_text=True)
    assert state(client.get(UY + "/catalogue")) == "miss"  # the message was shown


def test_a_suspended_storefront_is_not_served_from_the_cache(app, cached, uruguay):
    from mall.posts.models import PostStatus

    client = app.test_client()
    client.get(UY + "/")
    uruguay.post.status = PostStatus.SUSPENDED
    db.session.commit()
    assert client.get(UY + "/").status_code == 503


@pytest.mark.parametrize("url", [UY + "/", UY + "/catalogue", ISSUE, PORTAL + "/"])
def test_a_page_served_from_the_cache_sends_no_sql(app, cached, uruguay, count_queries, url):
    client = app.test_client()
    client.get(url)
    with count_queries() as queries:
        response = client.get(url)
    assert state(response) == "hit"
    assert queries == []
