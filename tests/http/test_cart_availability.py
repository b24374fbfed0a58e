"""A line that cannot be bought (sold out, off sale, its post not selling) is shown as such
and left out of every total; a line short of stock counts what is left; checkout goes on
with the rest, or says plainly that nothing can be bought."""

from __future__ import annotations

import re

import pytest

from mall.extensions import db
from mall.posts.models import PostStatus
from tests.support.checkout import add_to_cart
from tests.support.hosts import PORTAL

pytest_plugins = ["tests.support.checkout_fixtures"]


def _total(client) -> str:
    html = re.sub(r"\s+", " ", client.get(PORTAL + "/cart").get_data(as_text=True))
    match = re.search(r'class="total-amount">([^<]+)<', html)
    return match.group(1) if match else ""


def _page(client) -> str:
    return re.sub(r"\s+", " ", client.get(PORTAL + "/cart").get_data(as_text=True))


@pytest.mark.parametrize("how", ["sold out", "off sale", "post suspended"])
def test_a_line_that_cannot_be_bought_leaves_the_total(client, shop, how):
    add_to_cart(client, shop["sheet"], 2)
    add_to_cart(client, shop["booklet"], 1)
    both = _total(client)
    if how == "sold out":
        shop["sheet"].stock = 0
    elif how == "off sale":
        shop["sheet"].issue.published_at = None
    else:
        shop["uy"].status = PostStatus.SUSPENDED
    db.session.commit()
    html = _page(client)
    assert "left out of the total and of checkout" in html
    assert _total(client) != both
    client.get(PORTAL + "/cart")
    add_only_booklet = client.application.test_client()
    add_to_cart(add_only_booklet, shop["booklet"], 1)
    assert _total(client) == _total(add_only_booklet)  # the total is the booklet's alone
    assert "checkout-button" in html


def test_a_short_line_counts_what_is_left(client, shop):
    add_to_cart(client, shop["booklet"], 3)
    shop["booklet"].stock = 1
    db.session.commit()
    html = _page(client)
    assert "Only 1 left: the total counts 1." in html
    single = client.application.test_client()
    add_to_cart(single, shop["booklet"], 1)
    assert _total(client) == _total(single)


def test_nothing_buyable_means_no_checkout(client, shop):
    add_to_cart(client, shop["sheet"], 1)
    shop["sheet"].stock = 0
    db.session.commit()
    html = _page(client)
    assert "checkout-button" not in html
    assert "Nothing in your cart can be bought now" in html
    response = client.get(PORTAL + "/checkout/shipping")
    assert response.status_code in (302, 303)
