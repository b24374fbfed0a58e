"""Invariant 1: concurrent checkouts never sell more than the stock. Twenty buyers, each in
their own thread, session and database connection, race for a product with stock 5.

This runs on the suite's database: SQLite by default, PostgreSQL in CI's second run."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from mall.cart.services import add_to_cart, cart_for
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.models import Order
from mall.orders.placement import OutOfStock, lock_quote, place_order
from mall.visitors.models import Visitor
from tests.orders.conftest import RATES

BUYERS = 20
STOCK = 5


def test_twenty_buyers_five_stamps_five_orders(app, shop, order_request):
    product = shop["sheet"]
    product.stock = STOCK
    db.session.commit()
    carts = []
    for n in range(BUYERS):
        visitor = Visitor()
        db.session.add(visitor)
        db.session.flush()
        cart = cart_for(db.session, visitor, None)
        add_to_cart(db.session, cart, product.id, 1)
        quote = lock_quote(db.session, visitor.id, "EUR", RATES, {"UYU"}, 0, utcnow(), 15)
        carts.append((cart.id, quote.id, order_request(
            key=f"buyer-{n}", for_visitor=visitor,
            shipping={shop["uy"].id: shop["uy_ship"].id},
        )))
    db.session.commit()

    start = threading.Barrier(BUYERS)
    outcomes: list[str] = []

    def buy(cart_id: int, quote_id: int, request) -> None:
        with app.app_context():
            from mall.cart.models import Cart
            from mall.orders.models import Quote

            start.wait()  # before any query: a waiting thread must hold no transaction
            try:
                cart, quote = db.session.get(Cart, cart_id), db.session.get(Quote, quote_id)
                place_order(db.session, cart, request, quote, utcnow(), timedelta(days=1), 1000)
                db.session.commit()
                outcomes.append("ordered")
            except OutOfStock:
                db.session.rollback()
                outcomes.append("sold out")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=buy, args=args) for args in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["ordered"] * STOCK + ["sold out"] * (BUYERS - STOCK)
    db.session.expire_all()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == STOCK
