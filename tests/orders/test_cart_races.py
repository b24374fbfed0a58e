"""Rows the cart claims by a unique key (the cart of a visitor, a product's line, the key of
an add-to-cart form) are claimed in one statement (`mall.database.insert_new`); requests
that race for the same key must each still end well (`tests.support.races`). On
PostgreSQL the losers' inserts wait for the winner's commit, then insert nothing and read
its row."""

from __future__ import annotations

from sqlalchemy import select

from mall.accounts.models import Buyer
from mall.cart.models import AppliedCartForm, Cart, CartLine
from mall.cart.services import add_to_cart, cart_for, merge_on_sign_in
from mall.columns import utcnow
from mall.database import insert_new
from mall.extensions import db
from mall.visitors.models import Visitor
from tests.support.races import RACERS, race


def new_cart() -> int:
    visitor = Visitor()
    db.session.add(visitor)
    db.session.flush()
    return cart_for(db.session, visitor, None).id


def test_a_visitor_racing_itself_gets_one_cart(app, shop):
    visitor = Visitor()
    db.session.add(visitor)
    db.session.flush()
    visitor_id = visitor.id

    def open_cart() -> int:
        return cart_for(db.session, db.session.get(Visitor, visitor_id), None).id

    outcomes = race(app, open_cart)
    carts = db.session.scalars(select(Cart.id).where(Cart.visitor_id == visitor_id)).all()
    assert outcomes == carts * RACERS


def test_the_same_product_added_at_once_is_one_line_holding_every_add(app, shop):
    shop["sheet"].stock = 100
    product_id, cart_id = shop["sheet"].id, new_cart()

    def add() -> int:
        return add_to_cart(db.session, db.session.get(Cart, cart_id), product_id, 1).quantity

    outcomes = race(app, add)
    assert sorted(outcomes) == list(range(1, RACERS + 1))  # each saw the others' adds
    line = db.session.scalars(select(CartLine).where(CartLine.cart_id == cart_id)).one()
    assert line.quantity == RACERS


def test_one_form_posted_at_once_adds_once(app, shop):
    product_id, cart_id = shop["sheet"].id, new_cart()

    def add() -> bool:
        return add_to_cart(db.session, db.session.get(Cart, cart_id), product_id, 1,
                           key="one-form-key").replayed

    outcomes = race(app, add)
    assert sorted(outcomes) == [False] + [True] * (RACERS - 1)
    line = db.session.scalars(select(CartLine).where(CartLine.cart_id == cart_id)).one()
    assert line.quantity == 1


def test_a_taken_key_inserts_nothing_and_the_transaction_goes_on(shop):
    claim = insert_new(db.session, AppliedCartForm).returning(AppliedCartForm.key)
    row = {"key": "k", "cart_id": new_cart(), "applied_at": utcnow()}
    assert db.session.scalar(claim.values(**row)) == "k"
    assert db.session.scalar(claim.values(**row)) is None
    db.session.commit()  # no error left pending: the duplicate was skipped, not refused
    assert db.session.scalars(select(AppliedCartForm.key)).all() == ["k"]


def test_one_buyer_signing_in_on_eight_browsers_at_once_keeps_every_stamp(app, shop):
    """Each browser's cart holds the same stamp; the buyer has no cart yet: one browser's
    becomes it, and the others' join it."""
    shop["sheet"].stock = 100
    buyer = Buyer(email="ana@example.com", password_hash="-", name="Ana")
    db.session.add(buyer)
    db.session.flush()
    visitors = []
    for _ in range(RACERS):
        cart_id = new_cart()
        add_to_cart(db.session, db.session.get(Cart, cart_id), shop["sheet"].id, 1)
        visitors.append(db.session.get(Cart, cart_id).visitor_id)
    buyer_id, waiting = buyer.id, iter(visitors)

    def sign_in() -> int:
        visitor = db.session.get(Visitor, next(waiting))
        return merge_on_sign_in(db.session, visitor, db.session.get(Buyer, buyer_id)).id

    outcomes = race(app, sign_in)
    cart = db.session.scalars(select(Cart).where(Cart.buyer_id == buyer_id)).one()
    assert outcomes == [cart.id] * RACERS
    assert db.session.scalars(select(CartLine.quantity)).all() == [RACERS]
    assert db.session.scalars(select(Cart.id)).all() == [cart.id]
