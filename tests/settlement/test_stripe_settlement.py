"""Paying a post by Stripe transfer and refunding after it, against localstripe extended
with Connect, through the real stripe library and the mall's outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import select

from mall.columns import utcnow
from mall.extensions import db
from mall.ledger.accounts import Account
from mall.ledger.balances import account_balances, owed_per_post_order, owed_to_post
from mall.money import Money
from mall.orders.models import Order
from mall.outbox.services import dispatch_committed
from mall.payments.card import card_gateway
from mall.settlement.models import (
    PayoutMethod,
    PayoutStatus,
    Refund,
    RefundStatus,
    StatementStatus,
)
from mall.settlement.payouts import (
    PayoutDetails,
    StripeTransfers,
    payout_account,
    stripe_transfer_task,
)
from mall.settlement.refunds import Problem, RefundRefused, RefundRequest, refund
from mall.settlement.statements import approve, settle
from tests.settlement.factories import Part, operator, pending_order

NOVEMBER = datetime(2026, 11, 12, 10, tzinfo=UTC)

pytest_plugins = ["tests.support.checkout_fixtures"]


@pytest.fixture
def stripe_shop(make_post, make_issue, make_product, stripe_config):
    return _shop(make_post, make_issue, make_product, stripe_config, "nl", "EUR")


@pytest.fixture
def swedish_shop(make_post, make_issue, make_product, stripe_config):
    """A post in a currency no other test gives the platform a balance in: the session's
    localstripe is shared, and the demo's test tops its euros up."""
    return _shop(make_post, make_issue, make_product, stripe_config, "se", "SEK")


def _shop(make_post, make_issue, make_product, config, code: str, currency: str):
    post = make_post(code, currency=currency)
    booklet = make_product(make_issue(post), price_minor=1095, stock=20)
    gateway = card_gateway(config)
    account = payout_account(db.session, post.id)
    account.method = PayoutMethod.STRIPE
    account.stripe_account_id = gateway.create_account(code.upper(), f"filatelie@{code}.post",
                                                       f"acct-{uuid.uuid4().hex}")
    db.session.commit()
    return {"post": post, "nl": post, "booklet": booklet, "gateway": gateway,
            "config": config}


def card_order(shop: dict[str, Any], currency: str, quantity: int = 3) -> Order:
    """An order paid by card at localstripe, its sale booked in November."""
    from mall.orders.lifecycle import record_payment

    order = pending_order([Part([(shop["booklet"], quantity)], shipping_minor=995)], currency,
                          now=NOVEMBER)
    gateway = shop["gateway"]
    started = gateway.start(order.code, order.total, {}, f"{order.code}-start")
    paid = gateway.confirm_test_card(started.payment_id, "success", f"{order.code}-pay")
    assert paid.charge_id
    order.payment_id = started.payment_id
    record_payment(db.session, order, order.total, NOVEMBER)
    db.session.commit()
    return order


def _statement(shop):
    (statement,) = settle(db.session, date(2026, 11, 1), utcnow())
    approve(db.session, statement, operator(), utcnow())
    db.session.commit()
    return statement


def _transfers(config: dict[str, Any], group: str) -> list[dict[str, Any]]:
    session = requests.Session()
    session.trust_env = False
    response = session.get(f"{config['STRIPE_API_BASE']}/v1/transfers",
                           params={"transfer_group": group},
                           auth=(config["STRIPE_SECRET_KEY"], ""), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _run_outbox() -> None:
    db.session.commit()
    dispatch_committed(db.session)
    db.session.expire_all()


def test_a_statement_is_paid_by_one_transfer_per_order_from_its_charge(stripe_shop):
    order = card_order(stripe_shop, "EUR")
    statement = _statement(stripe_shop)
    (payout,) = StripeTransfers().pay(db.session, statement, PayoutDetails(), operator(),
                                      utcnow())
    assert payout.status is PayoutStatus.PENDING
    db.session.commit()
    # The worker makes the transfer, then dies before its commit: Stripe has the transfer,
    # the mall does not know. The retry sends the same request under the same key.
    stripe_transfer_task(db.session, 0, {"payout_id": payout.id})
    db.session.rollback()
    _run_outbox()
    assert payout.status is PayoutStatus.SENT, payout.failure
    assert statement.status is StatementStatus.PAID
    (transfer,) = _transfers(stripe_shop["config"], order.code)
    assert transfer["id"] == payout.reference
    charge = stripe_shop["gateway"].retrieve(order.payment_id).charge_id
    assert transfer["source_transaction"] == charge
    assert transfer["amount"] == statement.net_minor == payout.amount_minor
    account = payout_account(db.session, stripe_shop["nl"].id)
    assert transfer["destination"] == account.stripe_account_id
    assert owed_to_post(db.session, stripe_shop["nl"].id, "EUR").amount == 0


def test_a_transfer_without_settled_funds_fails_and_the_money_stays_owed(swedish_shop):
    # Paid in dollars: the krona transfer cannot draw on the charge, and the platform has no
    # available kronor yet.
    order = card_order(swedish_shop, "USD")
    statement = _statement(swedish_shop)
    owed = owed_to_post(db.session, swedish_shop["nl"].id, "SEK")
    (payout,) = StripeTransfers().pay(db.session, statement, PayoutDetails(), operator(),
                                      utcnow())
    _run_outbox()
    assert payout.status is PayoutStatus.FAILED
    assert "available funds" in payout.failure
    assert owed_to_post(db.session, swedish_shop["nl"].id, "SEK") == owed
    assert statement.status is StatementStatus.APPROVED
    # Funds arrive; paying again makes a new attempt under a new key, and it goes through.
    session = requests.Session()
    session.trust_env = False
    session.post(f"{swedish_shop['config']['STRIPE_API_BASE']}/_config/balance",
                 data={"currency": "sek", "amount": str(owed.amount)}, timeout=10)
    (retry,) = StripeTransfers().pay(db.session, statement, PayoutDetails(), operator(),
                                     utcnow())
    assert retry.key != payout.key
    _run_outbox()
    assert retry.status is PayoutStatus.SENT
    assert statement.status is StatementStatus.PAID
    assert [t["source_transaction"] for t in _transfers(swedish_shop["config"], order.code)] == [
        None]


def test_a_refund_after_the_payout_refunds_the_card_and_reverses_the_post_share(stripe_shop):
    order = card_order(stripe_shop, "EUR", quantity=3)
    statement = _statement(stripe_shop)
    (payout,) = StripeTransfers().pay(db.session, statement, PayoutDetails(), operator(),
                                      utcnow())
    _run_outbox()
    post_order = order.post_orders[0]
    line = post_order.lines[0]
    commission_before = account_balances(db.session, Account.COMMISSION)["EUR"]
    made = refund(db.session, post_order, RefundRequest(key="refund-one", quantities={line.id: 1},
                                                      restock=True), operator(), utcnow())
    _run_outbox()
    assert made.status is RefundStatus.DONE, made.failure
    assert made.gross_minor == 1095
    assert made.commission_minor == 110  # 10 % of 10.95, half-up, as the sale charged it
    assert stripe_shop["gateway"].retrieve(order.payment_id).amount_refunded == Money(1095, "EUR")
    transfer = stripe_shop["gateway"].retrieve_transfer(payout.reference)
    assert transfer.amount_reversed == Money(1095 - 110, "EUR")
    db.session.refresh(payout)
    assert payout.amount_reversed_minor == 1095 - 110  # our record agrees with Stripe's
    # The post's balance moved with the refund: nothing owed either way for this order.
    assert owed_per_post_order(db.session, [post_order.id], "EUR")[post_order.id].amount == 0
    assert account_balances(db.session, Account.COMMISSION)["EUR"].amount == (
        commission_before.amount + 110)
    assert line.refunded_quantity == 1
    assert stripe_shop["booklet"].stock == 20 - 3 + 1


def test_refunding_more_than_was_bought_or_twice_is_refused(stripe_shop):
    order = card_order(stripe_shop, "EUR", quantity=2)
    post_order = order.post_orders[0]
    line = post_order.lines[0]
    staff = operator()
    with pytest.raises(RefundRefused) as refused:
        refund(db.session, post_order, RefundRequest(key="too-many", quantities={line.id: 3}),
               staff, utcnow())
    assert refused.value.problem is Problem.TOO_MANY
    first = refund(db.session, post_order, RefundRequest(
        key="all", quantities={line.id: 2}, shipping=True), staff, utcnow())
    assert refund(db.session, post_order, RefundRequest(
        key="all", quantities={line.id: 2}, shipping=True), staff, utcnow()) is first
    for request in (RefundRequest(key="again", quantities={line.id: 1}),
                    RefundRequest(key="ship-again", quantities={}, shipping=True),
                    RefundRequest(key="none", quantities={})):
        with pytest.raises(RefundRefused):
            refund(db.session, post_order, request, staff, utcnow())
    _run_outbox()
    assert first.status is RefundStatus.DONE
    assert first.paid_minor == order.total_minor
    assert stripe_shop["gateway"].retrieve(order.payment_id).amount_refunded == order.total
    # Everything was refunded: the commission is given back exactly, nothing is owed.
    assert owed_to_post(db.session, stripe_shop["nl"].id, "EUR").amount == 0
    assert account_balances(db.session, Account.COMMISSION)["EUR"].amount == 0
    assert account_balances(db.session, Account.REFUNDS)["EUR"].amount == 0
    assert len(db.session.scalars(select(Refund)).all()) == 1
