"""Money the operator records, decides on or pays out at the same moment, from two
screens: each request takes its turn on the row it changes (the order, the suspense item,
the statement), so the second reads what the first did. Without the locks, on PostgreSQL,
the second wrote what it had read before the first (an amount lost) or booked the same money
again, which the ledger's and payouts' keys refuse with an error page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from mall.extensions import db
from mall.ledger.accounts import Account
from mall.ledger.balances import account_balances
from mall.money import Money
from mall.operator.models import PaymentChannel, StaffMember
from mall.operator.services import ReceivedMoney, record_received_payment
from mall.orders.models import Order, OrderStatus, PaymentMethod
from mall.settlement import desk
from mall.settlement.models import DeskItemStatus, Payout, PayoutMethod, Statement, SuspenseItem
from mall.settlement.payouts import PayoutDetails, PayoutRefused, provider_for
from mall.settlement.statements import approve, settle
from tests.settlement.factories import Part, operator, paid_order, pending_order
from tests.support.races import RACERS, race

NOW = datetime(2026, 11, 10, 12, tzinfo=UTC)


def test_parts_of_a_payment_recorded_at_once_add_up_and_pay_the_order(
    app, make_post, make_issue, make_product
):
    """A buyer paid in eight transfers, and eight desks record them at the same moment."""
    product = make_product(make_issue(make_post("nl")), price_minor=1000, stock=50)
    order = pending_order([Part([(product, RACERS)])], "EUR", PaymentMethod.BANK_TRANSFER,
                          now=NOW)
    staff_id = operator().id
    code, total = order.code, order.total_minor
    share, rest = divmod(total, RACERS)
    amounts = iter([share + rest] + [share] * (RACERS - 1))

    def record() -> object:
        money = ReceivedMoney(code, Money(next(amounts), "EUR"), PaymentChannel.BANK_TRANSFER,
                              NOW.date(), hold=True)
        return record_received_payment(db.session, money, db.session.get(StaffMember, staff_id),
                                       NOW).outcome

    outcomes = race(app, record)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    order = db.session.scalar(select(Order).where(Order.code == code))
    assert order.status is OrderStatus.PAID
    item = db.session.scalars(select(SuspenseItem)).one()
    assert (item.amount_minor, item.status) == (total, DeskItemStatus.RESOLVED)
    assert account_balances(db.session, Account.SUSPENSE)["EUR"].amount == 0


def test_a_short_payment_accepted_from_two_screens_is_accepted_once(
    app, make_post, make_issue, make_product
):
    product = make_product(make_issue(make_post("nl")), price_minor=1000, stock=50)
    order = pending_order([Part([(product, 2)])], "EUR", PaymentMethod.BANK_TRANSFER, now=NOW)
    staff = operator()
    item = desk.hold(db.session, order, order.total - Money(200, "EUR"), NOW.date(), "", staff,
                     NOW)
    item_id, staff_id = item.id, staff.id

    def accept() -> str:
        try:
            desk.accept_short(db.session, db.session.get(SuspenseItem, item_id),
                              db.session.get(StaffMember, staff_id), NOW)
        except desk.DeskRefused as refused:
            return refused.problem.name
        return "accepted"

    outcomes = race(app, accept)
    assert sorted(outcomes, key=str) == ["RESOLVED"] * (RACERS - 1) + ["accepted"]
    assert account_balances(db.session, Account.FEES)["EUR"].amount == 200
    assert account_balances(db.session, Account.SUSPENSE)["EUR"].amount == 0


def test_a_statement_paid_from_two_screens_is_paid_once(app, make_post, make_issue,
                                                        make_product):
    product = make_product(make_issue(make_post("uy")), price_minor=9000, stock=50)
    paid_order([Part([(product, 2)])], "EUR", PaymentMethod.BANK_TRANSFER, now=NOW)
    staff = operator()
    (statement,) = settle(db.session, date(2026, 11, 1), datetime(2026, 12, 2, tzinfo=UTC))
    approve(db.session, statement, staff, NOW)
    statement_id, staff_id = statement.id, staff.id

    def pay() -> str:
        try:
            provider_for(PayoutMethod.UPU_CLEARING).pay(
                db.session, db.session.get(Statement, statement_id),
                PayoutDetails(reference="UPU-2026-11"), db.session.get(StaffMember, staff_id),
                NOW)
        except PayoutRefused as refused:
            return refused.problem.name
        return "paid"

    outcomes = race(app, pay)
    assert sorted(outcomes, key=str) == ["ALREADY_PAID"] * (RACERS - 1) + ["paid"]
    assert len(db.session.scalars(select(Payout)).all()) == 1
