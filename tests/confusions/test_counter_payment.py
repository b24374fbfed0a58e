"""Paying at a post office counter is offered only to a buyer whose own post is in the mall:
a collector in France (no French post here) is not sent to a counter that cannot take it."""

from __future__ import annotations

import re

import pytest

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.extensions import db
from mall.orders.models import Order, PaymentMethod
from mall.posts.models import PostStatus
from tests.support.checkout import add_to_cart, go_to_review, latest_order, place
from tests.support.hosts import PORTAL, csrf_token

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

URUGUAY = {"line1": "Av. 18 de Julio 1234", "city": "Montevideo", "postal_code": "11200",
           "country": "UY"}


def _offered(html: str) -> list[str]:
    return re.findall(r'name="payment_method" value="([a-z_]+)"', html)


@pytest.mark.parametrize(("address", "offered"), [
    ({}, ["bank_transfer"]),  # France: no French post in the mall
    (URUGUAY, ["bank_transfer", "counter"]),
])
def test_the_counter_follows_the_buyers_country(client, shop, address, offered):
    add_to_cart(client, shop["sheet"])
    assert _offered(go_to_review(client, shop, **address).html) == offered


def test_a_post_not_live_has_no_counter_for_the_mall(client, shop):
    shop["uy"].status = PostStatus.SUSPENDED
    db.session.commit()
    add_to_cart(client, shop["booklet"])
    assert _offered(go_to_review(client, shop, **URUGUAY).html) == ["bank_transfer"]


def test_the_profiles_country_is_where_the_buyer_lives(client, shop):
    db.session.add(Buyer(email="joost@example.nl", name="Joost", country="NL",
                         password_hash=hash_password("correct horse 1")))
    db.session.commit()
    url = PORTAL + "/account/sign-in"
    client.post(url, data={"email": "joost@example.nl", "password": "correct horse 1",
                           "csrf_token": csrf_token(client, url)})
    add_to_cart(client, shop["sheet"])
    # a gift sent to France, paid at a PostNL counter at home
    assert "counter" in _offered(go_to_review(client, shop).html)


def test_posting_counter_where_it_is_not_offered_is_refused(client, shop):
    add_to_cart(client, shop["sheet"])
    review = go_to_review(client, shop)
    response = place(client, review.form(PaymentMethod.COUNTER.value))
    assert response.status_code == 400
    assert "no post office counter near you" in response.get_data(as_text=True)
    assert db.session.query(Order).count() == 0
    placed = place(client, review.form(PaymentMethod.BANK_TRANSFER.value))
    assert placed.status_code == 303
    assert latest_order().payment_method is PaymentMethod.BANK_TRANSFER
