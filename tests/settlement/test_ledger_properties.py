"""Property: whatever happens to orders — several currencies, partial refunds, payouts
sent or failed, desk payments that do not match — every ledger transaction balances per
currency, and each post's payable is its sales − refunds − commission − payouts, to the
minor unit, as a model kept independently of the ledger computes them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mall.catalogue.models import Product
from mall.extensions import db
from mall.ledger.accounts import Account
from mall.ledger.balances import account_balances, owed_to_post
from mall.ledger.bookings import (
    book_payout,
    book_payout_failed,
    book_payout_sent,
    commission_on,
)
from mall.ledger.models import LedgerEntry
from mall.money import Money
from mall.orders.models import OrderStatus, PaymentMethod, PostOrder
from mall.settlement import desk
from mall.settlement.refunds import RefundRefused, RefundRequest, record_bank_refund, refund
from tests.settlement.factories import Part, operator, pending_order

NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)
BUYER_CURRENCIES = ("EUR", "USD", "JPY", "KWD", "UYU")


@pytest.fixture
def catalogue(make_post, make_issue, make_product) -> dict[str, list[Product]]:
    posts = {
        "uy": make_post("uy"),
        "nl": make_post("nl"),
        "jp": make_post("jp", currency="JPY"),
        "kw": make_post("kw", currency="KWD"),
    }
    prices = {"uy": (9000, 4550), "nl": (1095, 250), "jp": (1500, 84), "kw": (1234, 5)}
    return {
        code: [make_product(make_issue(post), price_minor=price, stock=10_000)
               for price in prices[code]]
        for code, post in posts.items()
    }


class Model:
    """What each post should be owed, from the events alone."""

    def __init__(self) -> None:
        self.owed: dict[int, int] = defaultdict(int)
        self.commission: dict[str, int] = defaultdict(int)
        self.refunded_gross: dict[int, int] = defaultdict(int)
        self.suspense: dict[str, int] = defaultdict(int)

    def sale(self, post_order: PostOrder) -> None:
        charged = commission_on(post_order.total, post_order.commission_bps).amount
        self.owed[post_order.post_id] += post_order.total.amount - charged
        self.commission[post_order.currency] += charged

    def refund(self, post_order: PostOrder, gross: int) -> None:
        before = self.refunded_gross[post_order.id]
        self.refunded_gross[post_order.id] = before + gross
        back = (commission_on(Money(before + gross, post_order.currency),
                              post_order.commission_bps)
                - commission_on(Money(before, post_order.currency),
                                post_order.commission_bps)).amount
        self.owed[post_order.post_id] -= gross - back
        self.commission[post_order.currency] -= back


def _pay(data: Any, order: Any, model: Model, staff: Any) -> None:
    """Pay exactly, or through the desk's suspense with one of its resolutions."""
    how = data.draw(st.sampled_from(["exact", "short-accepted", "short-then-rest", "over",
                                     "other-currency"]))
    if order.payment_method is PaymentMethod.CARD or how == "exact":
        from mall.orders.lifecycle import record_payment

        record_payment(db.session, order, order.total, NOW)
    elif how.startswith("short"):
        short = data.draw(st.integers(1, order.total_minor - 1))
        item = desk.hold(db.session, order, order.total - Money(short, order.currency),
                         NOW.date(), "", staff, NOW)
        if how == "short-accepted":
            desk.accept_short(db.session, item, staff, NOW)
        else:
            desk.ask_for_rest(db.session, item, staff, NOW)
            assert desk.add_payment(db.session, item, Money(short, order.currency), staff, NOW)
    elif how == "over":
        extra = data.draw(st.integers(1, 10_000))
        item = desk.hold(db.session, order, order.total + Money(extra, order.currency),
                         NOW.date(), "", staff, NOW)
        if data.draw(st.booleans()):
            assert desk.refund_excess(db.session, item, "BANK-1", staff, NOW).amount == extra
        else:
            model.suspense[order.currency] -= order.total_minor + extra
            return  # left open: the money waits in suspense, the order unpaid
    else:
        other = "CHF" if order.currency != "CHF" else "EUR"
        item = desk.hold(db.session, order, Money(order.total_minor, other), NOW.date(), "",
                         staff, NOW)
        if data.draw(st.booleans()):
            desk.return_all(db.session, item, "BANK-2", staff, NOW)
        else:
            model.suspense[other] -= order.total_minor
        return
    assert order.status is OrderStatus.PAID
    for post_order in order.post_orders:
        model.sale(post_order)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_books_balance_whatever_happens(catalogue, data) -> None:
    model = Model()
    staff = operator()
    paid: list[PostOrder] = []
    try:
        for _ in range(data.draw(st.integers(1, 12), label="events")):
            event = data.draw(st.sampled_from(["order", "refund", "refund", "payout"]))
            if event == "order" or not paid:
                codes = data.draw(st.lists(st.sampled_from(sorted(catalogue)), min_size=1,
                                           max_size=3, unique=True))
                parts = [
                    Part(
                        lines=[(product, data.draw(st.integers(1, 5)))
                               for product in catalogue[code]
                               if data.draw(st.booleans())] or [(catalogue[code][0], 1)],
                        shipping_minor=data.draw(st.integers(0, 5000)),
                        commission_bps=data.draw(st.integers(0, 3000)),
                    )
                    for code in codes
                ]
                method = data.draw(st.sampled_from([PaymentMethod.CARD,
                                                    PaymentMethod.BANK_TRANSFER]))
                currency = data.draw(st.sampled_from(BUYER_CURRENCIES))
                order = pending_order(parts, currency, method, now=NOW)
                _pay(data, order, model, staff)
                if order.status is OrderStatus.PAID:
                    paid.extend(order.post_orders)
            elif event == "refund":
                post_order = data.draw(st.sampled_from(paid))
                quantities = {
                    line.id: data.draw(st.integers(0, line.quantity - line.refunded_quantity + 1))
                    for line in post_order.lines
                }
                shipping = data.draw(st.booleans())
                too_many = any(
                    q > line.quantity - line.refunded_quantity
                    for line in post_order.lines for q in [quantities[line.id]]
                )
                nothing = not any(quantities.values()) and (
                    not shipping or post_order.shipping_refunded or not post_order.shipping_minor
                )
                stock_before = {line.id: _stock(line.product_id) for line in post_order.lines}
                request = RefundRequest(key=f"k{data.draw(st.uuids())}", quantities=quantities,
                                        shipping=shipping, restock=data.draw(st.booleans()))
                shipping_due = shipping and not post_order.shipping_refunded
                try:
                    made = refund(db.session, post_order, request, staff, NOW)
                except RefundRefused:
                    assert too_many or nothing or (shipping and post_order.shipping_refunded)
                    assert {line.id: _stock(line.product_id)
                            for line in post_order.lines} == stock_before
                    continue
                assert not too_many
                expected = sum(line.unit_price_minor * quantities[line.id]
                               for line in post_order.lines)
                expected += post_order.shipping_minor if shipping_due else 0
                assert made.gross_minor == expected
                model.refund(post_order, made.gross_minor)
                if made.status.value == "pending" and data.draw(st.booleans()):
                    assert record_bank_refund(db.session, made, "BANK-R", staff, NOW)
            else:
                post_order = data.draw(st.sampled_from(paid))
                owed = owed_to_post(db.session, post_order.post_id, post_order.currency)
                if owed.amount <= 0:
                    continue
                amount = Money(data.draw(st.integers(1, owed.amount)), owed.currency)
                key = f"payout:{data.draw(st.uuids())}"
                book_payout(db.session, key, post_order.post_id, amount, NOW)
                if data.draw(st.booleans()):
                    book_payout_sent(db.session, key + ":sent", amount, NOW)
                    model.owed[post_order.post_id] -= amount.amount
                else:
                    book_payout_failed(db.session, key + ":failed", post_order.post_id,
                                       amount, NOW)

        unbalanced = db.session.execute(
            select(LedgerEntry.transaction_id, LedgerEntry.currency)
            .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
            .having(func.sum(LedgerEntry.amount_minor) != 0)
        ).all()
        assert unbalanced == []
        currencies = {code: products[0].currency for code, products in catalogue.items()}
        for code, products in catalogue.items():
            post_id = products[0].post_id
            assert owed_to_post(db.session, post_id, currencies[code]).amount == (
                model.owed[post_id]
            ), code
            assert all(_stock(product.id) >= 0 for product in products)
        commission = account_balances(db.session, Account.COMMISSION)
        for currency, earned in model.commission.items():
            assert -commission.get(currency, Money.zero(currency)).amount == earned
        suspense = account_balances(db.session, Account.SUSPENSE)
        for currency in set(suspense) | set(model.suspense):
            held = suspense.get(currency, Money.zero(currency)).amount
            assert held == model.suspense[currency], currency
    finally:
        db.session.rollback()


def _stock(product_id: int | None) -> int:
    if product_id is None:
        return 0
    return int(db.session.scalar(select(Product.stock).where(Product.id == product_id)))
