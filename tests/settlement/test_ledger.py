"""The ledger's own rules: balanced or refused, booked once, never edited; and the
marketplace mistakes it must not make (commission re-derived from today's rate, yen
multiplied by 100)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from mall.columns import utcnow
from mall.extensions import db
from mall.ledger.accounts import Account, Kind, Role
from mall.ledger.balances import owed_to_post
from mall.ledger.bookings import commission_on
from mall.ledger.models import LedgerEntry, LedgerIsAppendOnly, LedgerTransaction
from mall.ledger.posting import Unbalanced, book, credit, debit
from mall.money import Money
from mall.settlement.refunds import RefundRequest, refund
from tests.settlement.factories import Part, operator, paid_order

NOW = datetime(2026, 11, 3, 9, tzinfo=UTC)


def test_an_unbalanced_transaction_is_refused_before_anything_is_written():
    with pytest.raises(Unbalanced):
        book(db.session, Kind.SALE, "bad", [debit(Account.CLEARING, Money(100, "EUR")),
                                           credit(Account.FX, Money(99, "EUR"))], at=NOW)
    with pytest.raises(Unbalanced):  # balanced in sum, not per currency
        book(db.session, Kind.SALE, "bad2", [debit(Account.CLEARING, Money(100, "EUR")),
                                            credit(Account.FX, Money(100, "USD"))], at=NOW)
    assert db.session.scalar(select(func.count(LedgerTransaction.id))) == 0


def test_an_event_is_booked_once_whoever_books_it_again():
    legs = [debit(Account.CLEARING, Money(100, "EUR")), credit(Account.SUSPENSE, Money(100, "EUR"))]
    assert book(db.session, Kind.DESK_RECEIPT, "once", legs, at=NOW) is not None
    assert book(db.session, Kind.DESK_RECEIPT, "once", legs, at=NOW) is None
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == 2


def test_entries_are_never_edited_by_the_app_or_behind_its_back():
    legs = [debit(Account.CLEARING, Money(100, "EUR")), credit(Account.SUSPENSE, Money(100, "EUR"))]
    transaction = book(db.session, Kind.DESK_RECEIPT, "fixed", legs, at=NOW)
    db.session.commit()
    entry = transaction.entries[0]
    entry.amount_minor = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DatabaseError):
        db.session.execute(text("UPDATE ledger_entry SET amount_minor = 1"))
    db.session.rollback()


def test_commission_stays_what_it_was_when_the_order_was_placed(make_post, make_issue,
                                                                 make_product):
    post = make_post("nl", commission_bps=1000)
    booklet = make_product(make_issue(post), price_minor=2000, stock=5)
    order = paid_order([Part([(booklet, 2)], commission_bps=1000)], "EUR", now=NOW)
    post.commission_bps = 3000  # the operator's rate changes afterwards
    db.session.flush()
    post_order = order.post_orders[0]
    made = refund(db.session, post_order, RefundRequest(
        key="k1", quantities={post_order.lines[0].id: 1}), operator(), utcnow())
    assert made.commission_minor == 200  # 10 % of 20.00, as charged: not 30 %
    assert owed_to_post(db.session, post.id, "EUR") == Money(1800, "EUR")


def test_yen_are_booked_as_yen(make_post, make_issue, make_product):
    post = make_post("jp", currency="JPY")
    stamp = make_product(make_issue(post), price_minor=1500, stock=5)
    paid_order([Part([(stamp, 1)], commission_bps=1000)], "JPY", now=NOW)
    gross = db.session.scalar(select(LedgerEntry.amount_minor).where(
        LedgerEntry.account == Account.PAYABLE, LedgerEntry.role == Role.SALE))
    assert gross == -1500  # ¥1,500, never 150,000
    assert commission_on(Money(1500, "JPY"), 1000) == Money(150, "JPY")
    assert owed_to_post(db.session, post.id, "JPY") == Money(1350, "JPY")


def test_a_card_total_rounded_for_stripe_leaves_the_difference_on_fx(make_post, make_issue,
                                                                      make_product):
    post = make_post("kw", currency="KWD")
    stamp = make_product(make_issue(post), price_minor=1234, stock=5)
    order = paid_order([Part([(stamp, 1)], commission_bps=0)], "KWD", now=NOW)
    assert order.total_minor == 1230  # Stripe charges KWD in steps of 10 fils
    fx = db.session.scalar(select(func.sum(LedgerEntry.amount_minor)).where(
        LedgerEntry.account == Account.FX, LedgerEntry.currency == "KWD"))
    assert fx == 4  # the operator bears the 4 fils the card did not pay
    assert owed_to_post(db.session, post.id, "KWD") == Money(1234, "KWD")
