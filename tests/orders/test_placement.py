"""Placing an order: exact money, stock taken once, nothing taken when anything fails."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.cart.models import CartLine
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from mall.orders.models import Order, OrderStatus, PostOrderStatus, Quote
from mall.orders.placement import (
    EmptyCart,
    MissingShipping,
    OutOfStock,
    PostNotSelling,
    QuoteExpired,
    place_order,
    quote_table,
)
from mall.orders.references import parse_payment_reference
from mall.posts.models import PostStatus
from mall.shipping.services import ShippingUnavailable, options_for

RESERVE = timedelta(days=3)


def _place(cart, request, quote, **kwargs):
    order = place_order(db.session, cart, request, quote, kwargs.get("now", utcnow()), RESERVE,
                        default_commission_bps=1000)
    db.session.commit()
    return order


def _stock(product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_order_splits_by_post_with_exact_converted_totals(shop, filled_cart, quote_in,
                                                          order_request):
    order = _place(filled_cart(sheets=2, booklets=1), order_request(), quote_in("EUR"))

    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.currency == "EUR"
    assert [po.post.code for po in order.post_orders] == ["uy", "nl"]
    uy, nl = order.post_orders
    assert (uy.goods, uy.shipping) == (Money(18000, "UYU"), Money(40000, "UYU"))
    assert (nl.goods, nl.shipping) == (Money(1095, "EUR"), Money(995, "EUR"))
    assert uy.commission_bps == nl.commission_bps == 1000
    table = quote_table(_latest_quote())
    expected_lines = [table.convert(Money(18000, "UYU"), "EUR").amount, 1095]
    assert [line.amount_presentment_minor for po in order.post_orders for line in po.lines] \
        == expected_lines
    # Invariant: the total is the sum of the converted lines and the converted shipping.
    lines = sum(line.amount_presentment_minor for po in order.post_orders for line in po.lines)
    shipping = sum(po.shipping_presentment_minor for po in order.post_orders)
    assert order.total_minor == lines + shipping
    assert order.total == order.goods + order.shipping
    assert parse_payment_reference(order.payment_reference) == order.code
    assert [line.sku for line in uy.lines] == [shop["sheet"].sku]


def _latest_quote() -> Quote:
    return db.session.scalars(select(Quote).order_by(Quote.id.desc())).first()


def test_placing_takes_the_stock_and_empties_the_cart(shop, filled_cart, quote_in, order_request):
    cart = filled_cart(sheets=2, booklets=1)
    _place(cart, order_request(), quote_in())
    assert (_stock(shop["sheet"]), _stock(shop["booklet"])) == (3, 4)
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 0


def test_double_submit_places_one_order(shop, filled_cart, quote_in, order_request):
    cart = filled_cart()
    quote = quote_in()
    first = _place(cart, order_request(key="same"), quote)
    second = _place(cart, order_request(key="same"), quote)
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert _stock(shop["sheet"]) == 3


def test_shortage_names_the_lines_and_takes_nothing(shop, filled_cart, quote_in, order_request):
    cart = filled_cart(sheets=2, booklets=3)
    shop["booklet"].stock = 1
    db.session.commit()
    with pytest.raises(OutOfStock) as error:
        _place(cart, order_request(), quote_in())
    db.session.rollback()
    [shortage] = error.value.shortages
    assert (shortage.sku, shortage.wanted, shortage.left) == (shop["booklet"].sku, 3, 1)
    assert (_stock(shop["sheet"]), _stock(shop["booklet"])) == (5, 1)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == 2  # cart intact


def test_expired_quote_is_refused(shop, filled_cart, quote_in, order_request):
    cart = filled_cart()
    quote = quote_in(minutes=15)
    with pytest.raises(QuoteExpired):
        _place(cart, order_request(), quote, now=utcnow() + timedelta(minutes=16))
    assert _stock(shop["sheet"]) == 5


def test_empty_cart_is_refused(shop, filled_cart, quote_in, order_request):
    with pytest.raises(EmptyCart):
        _place(filled_cart(sheets=0, booklets=0), order_request(), quote_in())


def test_post_no_longer_selling_is_refused(shop, filled_cart, quote_in, order_request):
    cart = filled_cart()
    shop["nl"].status = PostStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(PostNotSelling):
        _place(cart, order_request(), quote_in())
    assert _stock(shop["sheet"]) == 5


def test_missing_or_foreign_shipping_method_is_refused(shop, filled_cart, quote_in,
                                                       order_request):
    cart = filled_cart()
    quote = quote_in()
    with pytest.raises(MissingShipping):
        _place(cart, order_request(shipping={shop["uy"].id: shop["uy_ship"].id}), quote)
    db.session.rollback()
    swapped = {shop["uy"].id: shop["nl_ship"].id, shop["nl"].id: shop["nl_ship"].id}
    with pytest.raises(ShippingUnavailable):
        _place(cart, order_request(key="k2", shipping=swapped), quote)
    db.session.rollback()
    assert _stock(shop["sheet"]) == 5


def test_free_shipping_threshold_is_honoured(shop, filled_cart, quote_in, order_request):
    shop["nl_ship"].free_over_minor = 1000
    db.session.commit()
    order = _place(filled_cart(sheets=1, booklets=1), order_request(), quote_in())
    nl = order.post_orders[1]
    assert nl.shipping == Money(0, "EUR")
    assert nl.status is PostOrderStatus.AWAITING_PAYMENT


@pytest.mark.parametrize("currency", ["JPY", "KWD", "UYU", "USD"])
def test_totals_exact_in_every_presentment_currency(shop, filled_cart, quote_in, order_request,
                                                    currency):
    order = _place(filled_cart(sheets=3, booklets=2), order_request(), quote_in(currency))
    lines = sum(line.amount_presentment_minor for po in order.post_orders for line in po.lines)
    shipping = sum(po.shipping_presentment_minor for po in order.post_orders)
    assert order.currency == currency
    assert order.total_minor == lines + shipping


def _priced_nl(shop, weight_g: int, goods: Money, price: Money):
    """Checkout's option for the Dutch part, as if priced for `weight_g` and `goods`, at a
    price the database does not hold (to tell which price the order took)."""
    option = options_for(db.session, shop["nl"], "FR", weight_g, goods)[0]
    return dataclasses.replace(option, price=price)


def test_checkouts_pricing_of_the_shipping_is_placed_as_it_is(shop, filled_cart, quote_in,
                                                               order_request):
    cart = filled_cart(sheets=1, booklets=2)
    booklets = Money(2 * 1095, "EUR")
    priced = {shop["nl"].id: _priced_nl(shop, 2 * shop["booklet"].weight_g, booklets,
                                        Money(990, "EUR"))}
    order = _place(cart, order_request(priced_shipping=priced), quote_in())
    assert order.post_orders[1].shipping == Money(990, "EUR")
    assert order.post_orders[0].shipping == Money(40000, "UYU")  # not priced: read


@pytest.mark.parametrize("wrong", ["weight", "method", "post", "free"])
def test_a_pricing_that_does_not_fit_the_lines_is_priced_again(shop, filled_cart, quote_in,
                                                              order_request, wrong):
    cart = filled_cart(sheets=1, booklets=2)
    weight, booklets = 2 * shop["booklet"].weight_g, Money(2 * 1095, "EUR")
    option = _priced_nl(shop, weight + (1 if wrong == "weight" else 0), booklets,
                        Money(990, "EUR"))
    if wrong == "method":
        option = dataclasses.replace(option, method=shop["uy_ship"])
    if wrong == "free":
        option = dataclasses.replace(option, free=True)
    post = shop["uy"] if wrong == "post" else shop["nl"]
    order = _place(cart, order_request(priced_shipping={post.id: option}), quote_in())
    assert order.post_orders[1].shipping == Money(995, "EUR")
