"""`flask mall orders …` through Flask's CLI runner: the cron job that releases unpaid
reservations (once, committed, codes printed) and `show`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.cart.services import add_to_cart, cart_for
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from mall.orders.placement import OrderRequest, ShippingAddress, lock_quote, place_order
from mall.orders.references import format_reference
from mall.shipping.models import ShippingKind, ShippingMethod, ShippingRate
from mall.shipping.zones import Zone
from mall.visitors.models import Visitor
from tests.orders.conftest import RATES
from tests.support.references import TYPED_AS, one_digit_mistyped, typed_order


@pytest.fixture
def product(make_post, make_issue, make_product) -> Product:
    post = make_post("uy")
    method = ShippingMethod(post_id=post.id, slug="registered", name={"en": "Registered"},
                            kind=ShippingKind.REGISTERED_LETTER, tracked=True,
                            currency=post.currency)
    method.rates = [ShippingRate(post_id=post.id, zone=zone, max_weight_g=2000,
                                 price_minor=40000) for zone in Zone]
    db.session.add(method)
    db.session.commit()
    return make_product(make_issue(post), price_minor=9000, stock=5)


@pytest.fixture
def place(product):
    """`place(reserve)` places a real bank-transfer order of 2 stamps, reserved for `reserve`
    from now (negative: already expired)."""
    serial = iter(range(1, 1000))

    def place(reserve: timedelta) -> Order:
        n = next(serial)
        visitor = Visitor()
        db.session.add(visitor)
        db.session.flush()
        cart = cart_for(db.session, visitor, None)
        add_to_cart(db.session, cart, product.id, 2)
        quote = lock_quote(db.session, visitor.id, "EUR", RATES, {"UYU"}, 0, utcnow(), 15)
        method_id = db.session.scalar(select(ShippingMethod.id))
        request = OrderRequest(
            visitor_id=visitor.id, buyer_id=None, email="kim@example.org", locale="en",
            address=ShippingAddress(name="Kim", line1="1 Main St", city="Leiden",
                                    country="NL"),
            shipping={product.post_id: method_id}, payment_method=PaymentMethod.BANK_TRANSFER,
            placement_key=f"cli-{n}",
        )
        order = place_order(db.session, cart, request, quote, utcnow(), reserve, 1000)
        db.session.commit()
        return order

    return place


def stock(product: Product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_release_expired_cancels_only_expired_orders_commits_and_prints_their_codes(
    app, place, product
):
    expired = place(timedelta(seconds=-1))
    waiting = place(timedelta(days=5))
    assert stock(product) == 1

    result = app.test_cli_runner().invoke(args=["mall", "orders", "release-expired"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [expired.code]
    assert "Released 1 expired order(s)." in result.stderr

    db.session.rollback()  # only what the command committed is left
    assert db.session.get(Order, expired.id).status is OrderStatus.CANCELLED
    assert db.session.get(Order, expired.id).cancel_reason is CancelReason.EXPIRED
    assert db.session.get(Order, waiting.id).status is OrderStatus.PENDING_PAYMENT
    assert stock(product) == 3


def test_release_expired_twice_releases_once(app, place, product):
    place(timedelta(seconds=-1))
    runner = app.test_cli_runner()
    runner.invoke(args=["mall", "orders", "release-expired"])
    again = runner.invoke(args=["mall", "orders", "release-expired", "--quiet"])
    assert again.exit_code == 0
    assert again.stdout == ""
    assert again.stderr == ""
    assert stock(product) == 5


def test_release_expired_with_nothing_to_do_prints_no_code(app):
    result = app.test_cli_runner().invoke(args=["mall", "orders", "release-expired"])
    assert result.exit_code == 0
    assert result.stdout == ""


@pytest.mark.parametrize("by", TYPED_AS)
def test_show_finds_an_order_by_code_or_reference(app, place, by):
    order = place(timedelta(days=5))
    key = typed_order(order, by)
    result = app.test_cli_runner().invoke(args=["mall", "orders", "show", key])
    assert result.exit_code == 0, result.output
    assert f"Order {order.code}" in result.stdout
    assert "pending_payment, bank_transfer" in result.stdout
    assert format_reference(order.payment_reference) in result.stdout
    assert "post uy: awaiting_payment" in result.stdout
    assert "2 × " in result.stdout


def test_show_explains_an_unknown_order_or_a_mistyped_reference(app, place):
    order = place(timedelta(days=5))
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["mall", "orders", "show", "ZZZZ2222"])
    assert unknown.exit_code == 1
    assert "no order ZZZZ2222" in unknown.output
    reference = order.payment_reference
    typo = one_digit_mistyped(reference)
    mistyped = runner.invoke(args=["mall", "orders", "show", typo])
    assert mistyped.exit_code == 1
    assert "check digits do not match" in mistyped.output
