"""The sign-in state on a storefront not yet linked: a real browser's first page view goes
through the portal once (the one-time check of single sign-on), and comes back signed in and
in the currency chosen at the portal; crawlers, frames, prefetches and forms never do, and
nothing loops — not even for a browser that keeps no cookie."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mall.extensions import db
from mall.pagecache import cache
from mall.pagecache.keys import SHAREABLE_SESSION_KEYS
from mall.posts.models import PostStatus
from mall.visitors.models import Visitor
from tests.support.accounts import sign_in
from tests.support.checkout import FreshRequestClient, choose_currency
from tests.support.hosts import PORTAL, link, storefront

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

UY = storefront("uy")
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")
NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document",
              "Sec-Fetch-Site": "none", "User-Agent": CHROME}


def visit(client: FlaskClient, url: str, headers: dict[str, str] | None = None,
          limit: int = 8) -> tuple[object, list[str]]:
    """Open `url` as a browser does, following redirects across hosts (each hop a
    navigation too); the last answer and every address passed through."""
    headers = NAVIGATION if headers is None else headers
    hops = [url]
    response = client.get(url, headers=headers)
    while response.status_code in (301, 302, 303):
        assert len(hops) <= limit, hops  # never a loop
        url = urljoin(url, response.headers["Location"])
        hops.append(url)
        response = client.get(url, headers=headers)
    return response, hops


def hosts_of(hops: list[str]) -> list[str]:
    return [urlsplit(hop).netloc.split(".")[1] for hop in hops]


def test_a_buyer_signed_in_at_the_portal_is_signed_in_on_a_new_storefront(client, shop):
    sign_in(client)
    choose_currency(client, "USD")
    page, hops = visit(client, UY + "/?page=1")
    assert page.status_code == 200
    assert hosts_of(hops) == ["uy", "post", "uy", "uy"]  # the page, /link, /link/complete
    assert hops[-1] == UY + "/?page=1"
    html = page.get_data(as_text=True)
    assert 'class="account-name"' in html
    assert 'value="USD" selected' in html
    again, hops = visit(client, UY + "/contact")
    assert again.status_code == 200
    assert len(hops) == 1


def test_a_browser_the_portal_does_not_know_comes_back_once_and_stays_shareable(
    client, shop
):
    page, hops = visit(client, UY + "/")
    assert page.status_code == 200
    assert len(hops) == 4
    assert db.session.scalar(select(func.count()).select_from(Visitor)) == 0  # none made
    with client.session_transaction(UY) as session:
        assert set(session) <= SHAREABLE_SESSION_KEYS
    _, hops = visit(client, UY + "/contact")
    assert len(hops) == 1


def test_a_browser_that_keeps_no_cookie_is_not_sent_round_again(app, shop):
    cookieless = FreshRequestClient(app, app.response_class, use_cookies=False)
    page, hops = visit(cookieless, UY + "/")
    assert page.status_code == 200
    assert hops[-1] == UY + "/?portal_check=done"


@pytest.mark.parametrize("headers", [
    {},  # no Sec-Fetch-* at all: most crawlers, curl, old browsers
    {**NAVIGATION, "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; "
                                 "+http://www.google.com/bot.html)"},
    {**NAVIGATION, "User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0)"},
    {**NAVIGATION, "User-Agent": "facebookexternalhit/1.1"},
    {**NAVIGATION, "User-Agent": ""},
    {**NAVIGATION, "Sec-Fetch-Dest": "iframe"},
    {**NAVIGATION, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
    {**NAVIGATION, "Sec-Purpose": "prefetch"},
])
def test_crawlers_and_anything_but_a_page_view_are_never_redirected(client, shop, headers):
    response = client.get(UY + "/", headers=headers)
    assert response.status_code == 200


def test_never_on_the_portal_the_back_office_or_a_form(client, shop):
    assert client.get(PORTAL + "/", headers=NAVIGATION).status_code == 200
    assert client.get(UY + "/manage/sign-in", headers=NAVIGATION).status_code == 200
    posted = client.post(UY + "/contact", headers=NAVIGATION, data={})
    assert posted.status_code == 400  # the form's own answer (no token), not a redirect


def test_never_when_the_session_is_linked_already(client, shop):
    sign_in(client)
    link(client, UY)
    assert client.get(UY + "/", headers=NAVIGATION).status_code == 200


def test_the_check_can_be_turned_off(app, client, shop):
    app.config["PORTAL_CHECK"] = False
    try:
        assert client.get(UY + "/", headers=NAVIGATION).status_code == 200
    finally:
        app.config["PORTAL_CHECK"] = True


def test_a_suspended_storefront_is_not_checked(client, shop):
    shop["uy"].status = PostStatus.SUSPENDED
    db.session.commit()
    assert client.get(UY + "/", headers=NAVIGATION).status_code == 503


def test_the_portal_answers_a_check_without_making_a_visit(client, shop):
    response = client.get(PORTAL + "/link", query_string={
        "next": UY + "/", "nonce": "n" * 43, "prompt": "none"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(UY + "/link/complete?")
    assert "token=" not in location
    assert db.session.scalar(select(func.count()).select_from(Visitor)) == 0


def test_a_stale_check_answer_shows_the_page_not_an_error(client, shop):
    visit(client, UY + "/")  # the check is made; its nonce is used up
    response = client.get(UY + "/link/complete", query_string={
        "prompt": "none", "token": "forged", "next": "/contact"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/contact")


def test_the_check_comes_before_the_page_cache(app, client, other_client, shop, monkeypatch):
    """A page stored for anonymous visitors is not served to a browser still unchecked: the
    check is an early hook before the cache's lookup. After it, that browser shares pages."""
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    cache().clear()
    try:
        stored, _ = visit(other_client, UY + "/")  # checked, then the page is stored
        assert stored.headers.get("X-Page-Cache") in ("miss", "hit")
        sign_in(client)
        page, hops = visit(client, UY + "/")
        assert len(hops) == 4
        assert 'class="account-name"' in page.get_data(as_text=True)
        assert "X-Page-Cache" not in page.headers  # drawn for the signed-in buyer
        shared, hops = visit(other_client, UY + "/")
        assert len(hops) == 1
        assert shared.headers["X-Page-Cache"] == "hit"
    finally:
        cache().clear()
