"""The buyer's order pages at the portal: only the buyer who placed an order sees it (anyone
else gets a 404, not a 403), unpaid orders past their reservation are released when opened,
a receipt per post order once paid, and the account's order history."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.lifecycle import record_payment
from mall.orders.models import CancelReason, Order, OrderStatus, PostOrderStatus
from tests.support.checkout import (
    add_to_cart,
    cart_lines,
    checkout,
    follow,
    latest_order,
    path_of,
    stock,
)
from tests.support.hosts import PORTAL, csrf_token, storefront

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]


def placed(client, shop, sheets: int = 1, booklets: int = 1) -> Order:
    if sheets:
        add_to_cart(client, shop["sheet"], sheets)
    if booklets:
        add_to_cart(client, shop["booklet"], booklets)
    return checkout(client, shop)


def paid(order: Order) -> Order:
    record_payment(db.session, order, order.total, utcnow())
    db.session.commit()
    return order


def reload(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def sign_in(client, email: str = "ana@example.org") -> Buyer:
    buyer = db.session.scalar(select(Buyer).where(Buyer.email == email))
    if buyer is None:
        buyer = Buyer(email=email, password_hash=hash_password("correct horse 1"), name="Ana")
        db.session.add(buyer)
        db.session.commit()
    url = PORTAL + "/account/sign-in"
    response = client.post(url, data={"email": email, "password": "correct horse 1",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    return buyer


# --- who may see an order ---------------------------------------------------------------


def test_the_buyer_sees_their_order(client, shop):
    order = placed(client, shop)
    page = client.get(PORTAL + f"/orders/{order.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"Order {order.code}" in html
    assert html.count('class="cart-post post-order"') == 2
    assert "Awaiting payment" in html


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/orders/{code}"),
        ("get", "/orders/{code}/pay"),
        ("get", "/orders/{code}/pay/complete"),
        ("get", "/orders/{code}/receipt/uy"),
        ("post", "/orders/{code}/cancel"),
        ("post", "/orders/{code}/pay"),
    ],
)
def test_another_buyers_order_is_a_404(client, other_client, shop, method, path):
    order = paid(placed(client, shop))
    url = PORTAL + path.format(code=order.code)
    data = {"csrf_token": csrf_token(other_client, PORTAL + "/cart"), "card": "success"}
    response = getattr(other_client, method)(url, **({"data": data} if method == "post" else {}))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Claire Martin" not in html  # nothing of the order, not even that it exists
    assert "Wetlands" not in html
    assert reload(order).status is OrderStatus.PAID


def test_a_signed_in_stranger_gets_a_404_too(client, other_client, shop):
    order = placed(client, shop)
    sign_in(other_client, "eve@example.org")
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 404


@pytest.mark.parametrize("code", ["abc", "K7MP-Q2ZA", "X" * 40, "%00"])
def test_codes_that_are_no_code_are_a_404(client, shop, code):
    placed(client, shop)
    assert client.get(PORTAL + f"/orders/{code}").status_code == 404


def test_orders_live_at_the_portal_only(client, shop):
    order = placed(client, shop)
    assert client.get(storefront("uy") + f"/orders/{order.code}").status_code == 404


# --- releasing unpaid orders ------------------------------------------------------------


def test_an_unpaid_order_past_its_reservation_is_released_when_opened(client, shop):
    order = placed(client, shop, sheets=2, booklets=1)
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)
    order.reserved_until = utcnow() - timedelta(minutes=1)
    db.session.commit()

    page = client.get(PORTAL + f"/orders/{order.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "not paid in time" in html
    assert "This order is cancelled." in html
    order = reload(order)
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.EXPIRED)
    assert all(po.status is PostOrderStatus.CANCELLED for po in order.post_orders)
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 5)
    # Opening it again gives nothing back twice.
    client.get(PORTAL + f"/orders/{order.code}")
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 5)


def test_a_paid_order_is_never_released(client, shop):
    order = paid(placed(client, shop))
    order.reserved_until = utcnow() - timedelta(days=1)
    db.session.commit()
    client.get(PORTAL + f"/orders/{order.code}")
    assert reload(order).status is OrderStatus.PAID
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (4, 4)


def test_the_buyer_cancels_an_unpaid_order_and_gets_the_cart_back(client, shop):
    order = placed(client, shop, sheets=2, booklets=1)
    token = csrf_token(client, PORTAL + f"/orders/{order.code}")
    response = client.post(PORTAL + f"/orders/{order.code}/cancel", data={"csrf_token": token})
    assert path_of(response) == f"/orders/{order.code}"
    assert reload(order).status is OrderStatus.CANCELLED
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 5)
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}
    # Cancelling again changes nothing (the form posted twice).
    client.post(PORTAL + f"/orders/{order.code}/cancel", data={"csrf_token": token})
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}
    assert db.session.scalar(select(Product.stock).where(Product.id == shop["sheet"].id)) == 5


# --- receipts ---------------------------------------------------------------------------


def test_a_receipt_per_post_order_once_paid(client, shop):
    order = placed(client, shop, sheets=2, booklets=3)
    assert client.get(PORTAL + f"/orders/{order.code}/receipt/uy").status_code == 404
    paid(order)

    shown = client.get(PORTAL + f"/orders/{order.code}").get_data(as_text=True)
    assert f"/orders/{order.code}/receipt/uy" in shown
    assert f"/orders/{order.code}/receipt/nl" in shown

    uy = client.get(PORTAL + f"/orders/{order.code}/receipt/uy")
    assert uy.status_code == 200
    html = uy.get_data(as_text=True)
    assert "Uruguayan Post" in html
    assert f"{order.code}-UY" in html
    assert "Wetlands" in html
    assert "Tulips" not in html
    total = re.search(r'id="receipt-total">([^<]*)<', html).group(1)
    assert total == "UYU\xa0580.00"  # 2 × 90.00 + 400.00 registered letter
    nl = client.get(PORTAL + f"/orders/{order.code}/receipt/nl").get_data(as_text=True)
    assert re.search(r'id="receipt-total">([^<]*)<', nl).group(1) == "€42.80"  # 3 × 10.95 + 9.95
    assert client.get(PORTAL + f"/orders/{order.code}/receipt/kh").status_code == 404


# --- history ----------------------------------------------------------------------------


def test_the_account_lists_the_buyers_orders_only(client, other_client, shop):
    buyer = sign_in(client)
    mine = placed(client, shop)
    theirs = placed(other_client, shop, sheets=1, booklets=0)
    assert mine.buyer_id == buyer.id
    assert theirs.buyer_id is None

    history = client.get(PORTAL + "/account/orders")
    assert history.status_code == 200
    html = history.get_data(as_text=True)
    assert mine.code in html
    assert theirs.code not in html
    assert 'href="/account/orders"' in client.get(PORTAL + "/account/").get_data(as_text=True)


def test_the_history_needs_a_signed_in_buyer(client, shop):
    response = client.get(PORTAL + "/account/orders")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


# --- queries ----------------------------------------------------------------------------


def test_the_order_page_costs_the_same_queries_for_one_post_or_two(
    client, other_client, shop, count_queries
):
    small = placed(client, shop, sheets=1, booklets=0)
    add_to_cart(other_client, shop["stamp"], 3)
    large = placed(other_client, shop, sheets=2, booklets=2)
    client.get(PORTAL + f"/orders/{small.code}")
    other_client.get(PORTAL + f"/orders/{large.code}")
    with count_queries() as one:
        assert client.get(PORTAL + f"/orders/{small.code}").status_code == 200
    with count_queries() as two:
        assert other_client.get(PORTAL + f"/orders/{large.code}").status_code == 200
    assert len(one) == len(two)


def test_the_order_page_after_checkout_follows_from_the_place_button(client, shop):
    add_to_cart(client, shop["sheet"])
    order = checkout(client, shop)
    assert latest_order().code == order.code
    page = follow(client, client.get(PORTAL + f"/orders/{order.code}"))
    assert page.status_code == 200
