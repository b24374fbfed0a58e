"""Packing, shipping and delivering a post order: each step once, S10 numbers checked or
issued from the post's ranges, the buyer mailed the number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.columns import utcnow
from mall.extensions import db
from mall.fulfilment.models import Shipment, TrackingRange
from mall.fulfilment.s10 import parse
from mall.fulfilment.services import (
    FulfilmentRefused,
    add_range,
    mark_delivered,
    mark_packed,
    ship,
)
from mall.orders.lifecycle import record_payment
from mall.orders.models import PostOrder, PostOrderStatus
from mall.orders.placement import place_order
from mall.outbox.models import OutboxTask
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.support.checkout import add_method


@pytest.fixture
def order(shop, filled_cart, quote_in, order_request):
    placed = place_order(db.session, filled_cart(sheets=2, booklets=1), order_request(),
                         quote_in(), utcnow(), timedelta(days=3), 1000)
    db.session.commit()
    return placed


@pytest.fixture
def paid(order):
    record_payment(db.session, order, order.total, utcnow())
    db.session.commit()
    return order


def _uy(order) -> PostOrder:
    return next(po for po in order.post_orders if po.post.code == "uy")


def _mails() -> list[dict]:
    tasks = db.session.scalars(select(OutboxTask).where(OutboxTask.kind == "mail")).all()
    return [task.payload for task in tasks]


def test_a_paid_post_order_is_packed_then_shipped_with_a_typed_number(paid):
    post_order = _uy(paid)
    mark_packed(db.session, post_order)
    shipment = ship(db.session, post_order, number="ra 473124829 uy", staff=None, now=utcnow())
    db.session.commit()
    assert post_order.status is PostOrderStatus.SHIPPED
    assert shipment.tracking_number == "RA473124829UY"
    assert shipment.kind is ShippingKind.REGISTERED_LETTER
    shipped_mail = [m for m in _mails() if "RA473124829UY" in m["text_body"]]
    assert len(shipped_mail) == 1
    assert shipped_mail[0]["to"] == "collector@example.fr"
    assert paid.code in shipped_mail[0]["subject"]
    other = next(po for po in paid.post_orders if po.post.code == "nl")
    assert other.status is PostOrderStatus.TO_SHIP


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("RA473124828UY", "check digit"),
        ("RA473124829NL", "country code"),
        ("EE123456785UY", "first letter"),
        ("12345", "2 letters"),
    ],
)
def test_a_wrong_number_is_refused_and_nothing_changes(paid, number, message):
    post_order = _uy(paid)
    with pytest.raises(FulfilmentRefused) as refused:
        ship(db.session, post_order, number=number, staff=None, now=utcnow())
    db.session.rollback()
    assert message in str(refused.value.message)
    assert post_order.status is PostOrderStatus.TO_SHIP
    assert db.session.scalar(select(Shipment.id)) is None


def test_shipping_twice_is_refused(paid):
    post_order = _uy(paid)
    ship(db.session, post_order, number="RA473124829UY", staff=None, now=utcnow())
    db.session.commit()
    with pytest.raises(FulfilmentRefused):
        ship(db.session, post_order, number="RA000000005UY", staff=None, now=utcnow())
    db.session.rollback()
    assert db.session.scalars(select(Shipment)).all() == [post_order.shipment]


def test_an_unpaid_order_cannot_be_packed_or_shipped(order):
    post_order = _uy(order)
    with pytest.raises(FulfilmentRefused):
        mark_packed(db.session, post_order)
    with pytest.raises(FulfilmentRefused):
        ship(db.session, post_order, number="RA473124829UY", staff=None, now=utcnow())
    db.session.rollback()
    assert post_order.status is PostOrderStatus.AWAITING_PAYMENT


def test_a_number_on_another_shipment_is_refused(shop, filled_cart, quote_in, order_request,
                                                  visitor):
    first = place_order(db.session, filled_cart(sheets=1, booklets=0), order_request("k1"),
                        quote_in(), utcnow(), timedelta(days=3), 1000)
    second = place_order(db.session, filled_cart(sheets=1, booklets=0), order_request("k2"),
                         quote_in(), utcnow(), timedelta(days=3), 1000)
    for order in (first, second):
        record_payment(db.session, order, order.total, utcnow())
    ship(db.session, _uy(first), number="RA473124829UY", staff=None, now=utcnow())
    with pytest.raises(FulfilmentRefused) as refused:
        ship(db.session, _uy(second), number="RA473124829UY", staff=None, now=utcnow())
    assert "already" in str(refused.value.message)


def test_numbers_are_issued_from_the_posts_range_in_order_until_it_runs_out(
    shop, filled_cart, quote_in, order_request
):
    add_range(db.session, "uy", shop["uy"].id, "rr", 100, 101)
    orders = []
    for n in range(3):
        order = place_order(db.session, filled_cart(sheets=1, booklets=0),
                            order_request(f"key-{n}"), quote_in(), utcnow(),
                            timedelta(days=3), 1000)
        record_payment(db.session, order, order.total, utcnow())
        orders.append(order)
    numbers = [
        ship(db.session, _uy(order), number=None, staff=None, now=utcnow()).tracking_number
        for order in orders[:2]
    ]
    assert [parse(n).serial for n in numbers] == [100, 101]
    assert all(n.startswith("RR") and n.endswith("UY") for n in numbers)
    with pytest.raises(FulfilmentRefused) as refused:
        ship(db.session, _uy(orders[2]), number=None, staff=None, now=utcnow())
    assert "range" in str(refused.value.message)
    assert db.session.scalar(select(TrackingRange.next_serial)) == 102


def test_a_tracked_service_without_number_or_range_is_refused(paid):
    with pytest.raises(FulfilmentRefused) as refused:
        ship(db.session, _uy(paid), number="", staff=None, now=utcnow())
    assert "range" in str(refused.value.message)


def test_an_untracked_letter_ships_without_a_number(shop, filled_cart, quote_in, order_request):
    letter = add_method(shop["uy"], "letter-uy", ShippingKind.LETTER,
                        dict.fromkeys(Zone, 5000))
    request = order_request(shipping={shop["uy"].id: letter.id, shop["nl"].id: shop["nl_ship"].id})
    order = place_order(db.session, filled_cart(sheets=1, booklets=0), request, quote_in(),
                        utcnow(), timedelta(days=3), 1000)
    record_payment(db.session, order, order.total, utcnow())
    shipment = ship(db.session, _uy(order), number=None, staff=None, now=utcnow())
    assert shipment.tracking_number is None
    assert _uy(order).status is PostOrderStatus.SHIPPED


@pytest.mark.parametrize("service", ["R", "RAA", "X1", "ZZ"])
def test_a_range_needs_an_s10_service_indicator(shop, service):
    with pytest.raises(FulfilmentRefused):
        add_range(db.session, "uy", shop["uy"].id, service, 1, 10)


def test_delivery_follows_shipping_only(paid):
    post_order = _uy(paid)
    with pytest.raises(FulfilmentRefused):
        mark_delivered(db.session, post_order, utcnow())
    ship(db.session, post_order, number="RA473124829UY", staff=None, now=utcnow())
    mark_delivered(db.session, post_order, utcnow())
    db.session.commit()
    assert post_order.status is PostOrderStatus.DELIVERED
    assert post_order.shipment.delivered_at is not None

