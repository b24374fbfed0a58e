"""A post's extra name serves its storefront exactly as `stamps.<cc>` does: pages, the
host-only cookies, and the cross-site cart that reaches the portal."""

from __future__ import annotations

import secrets
from urllib.parse import urljoin, urlsplit

from mall.extensions import db
from mall.posts.names import register_name
from tests.support.client import BrowserClient
from tests.support.hosts import DOMAIN, PORTAL, csrf_token, storefront

EXTRA = f"http://africaphilatelyshop.{DOMAIN}"


def _shop(make_post, make_issue, make_product):
    post = make_post("uy")
    product = make_product(make_issue(post, title={"en": "Wetlands"}), stock=5)
    register_name(db.session, post, "africaphilatelyshop", "post.localhost")
    db.session.commit()
    return post, product


def test_the_storefront_answers_on_its_extra_name(client, make_post, make_issue, make_product):
    _shop(make_post, make_issue, make_product)
    page = client.get(EXTRA + "/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Philatelic shop UY" in text
    # Links stay on the name the buyer used; the portal stays the portal.
    assert 'href="/issues' in text or 'href="/catalogue' in text or 'href="/' in text
    assert f'href="{storefront("uy")}' not in text


def test_unknown_names_keep_the_malls_404(client, make_post):
    make_post("uy")
    assert client.get(f"http://nosuchshop.{DOMAIN}/").status_code == 404
    assert client.get(f"http://stamps.zz.{DOMAIN}/").status_code == 404


def test_a_cart_filled_on_the_extra_name_reaches_the_portal(app, make_post, make_issue,
                                                            make_product):
    _post, product = _shop(make_post, make_issue, make_product)
    browser = BrowserClient(app, app.response_class, use_cookies=True)
    page = EXTRA + f"/issues/{product.issue.slug}"
    added = browser.post(EXTRA + "/cart/add", data={
        "csrf_token": csrf_token(browser, page), "product_id": str(product.id),
        "quantity": "2", "key": secrets.token_urlsafe(16), "next": urlsplit(page).path,
    })
    # The storefront links its session to the browser's visitor through the portal and back
    # (a relative address is on the host the browser is on, as a browser reads it).
    url = EXTRA + "/cart/add"
    for _ in range(6):
        if added.status_code != 302:
            break
        url = urljoin(url, added.location)
        added = browser.get(url)
    cart = browser.get(PORTAL + "/cart").get_data(as_text=True)
    assert "Wetlands" in cart
    # The session cookie was set for the extra name itself, host-only.
    cookies = {(c.domain, c.key) for c in browser._cookies.values()}
    assert any("africaphilatelyshop" in domain for domain, _key in cookies)
