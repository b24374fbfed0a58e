"""After placing: paid exactly once, cancelled exactly once with the stock back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from mall.orders.lifecycle import (
    PaymentOutcome,
    PaymentRefused,
    cancel_order,
    record_payment,
)
from mall.orders.models import CancelReason, OrderStatus, PostOrderStatus
from mall.orders.placement import place_order
from mall.payments.card import release_expired_orders


@pytest.fixture
def order(shop, filled_cart, quote_in, order_request):
    placed = place_order(db.session, filled_cart(sheets=2, booklets=1), order_request(),
                         quote_in(), utcnow(), timedelta(days=3), 1000)
    db.session.commit()
    return placed


def _stock(product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def test_exact_payment_marks_the_order_and_its_post_orders_paid(order):
    outcome = record_payment(db.session, order, order.total, utcnow())
    db.session.commit()
    assert outcome is PaymentOutcome.PAID
    assert order.status is OrderStatus.PAID
    assert {po.status for po in order.post_orders} == {PostOrderStatus.TO_SHIP}


def test_recording_the_same_payment_again_changes_nothing(order):
    record_payment(db.session, order, order.total, utcnow())
    first_paid_at = order.paid_at
    assert record_payment(db.session, order, order.total, utcnow()) is PaymentOutcome.ALREADY_PAID
    assert order.paid_at == first_paid_at


@pytest.mark.parametrize(
    ("delta", "currency", "reason"),
    [(-1, None, "totals"), (0, "USD", "paid in USD"), (+1, None, "totals")],
)
def test_short_over_or_wrong_currency_payment_is_refused(order, delta, currency, reason):
    amount = Money(order.total_minor + delta, currency or order.currency)
    with pytest.raises(PaymentRefused, match=reason):
        record_payment(db.session, order, amount, utcnow())
    assert order.status is OrderStatus.PENDING_PAYMENT


def test_cancelling_gives_the_stock_back_once(order, shop):
    assert (_stock(shop["sheet"]), _stock(shop["booklet"])) == (3, 4)
    assert cancel_order(db.session, order, CancelReason.CARD_DECLINED, utcnow()) is True
    assert cancel_order(db.session, order, CancelReason.CARD_DECLINED, utcnow()) is False
    db.session.commit()
    assert (_stock(shop["sheet"]), _stock(shop["booklet"])) == (5, 5)
    assert order.status is OrderStatus.CANCELLED
    assert {po.status for po in order.post_orders} == {PostOrderStatus.CANCELLED}


def test_payment_after_cancellation_is_refused_with_the_reason(order):
    cancel_order(db.session, order, CancelReason.EXPIRED, utcnow())
    with pytest.raises(PaymentRefused, match="cancelled"):
        record_payment(db.session, order, order.total, utcnow())


def test_paid_order_cannot_be_cancelled(order, shop):
    record_payment(db.session, order, order.total, utcnow())
    assert cancel_order(db.session, order, CancelReason.EXPIRED, utcnow()) is False
    assert _stock(shop["sheet"]) == 3


def test_release_expired_cancels_only_orders_past_their_reservation(order, shop):
    def released(now):
        return [o.code for o, _attempt in release_expired_orders(db.session, now)]

    assert released(utcnow()) == []
    assert released(utcnow() + timedelta(days=3, seconds=1)) == [order.code]
    assert released(utcnow() + timedelta(days=4)) == []
    db.session.commit()
    assert _stock(shop["sheet"]) == 5
