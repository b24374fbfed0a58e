"""The operator settles a month, approves and pays statements, resolves the desk's
suspense and reads the books — through the test client, against the real ledger."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from mall.columns import utcnow
from mall.extensions import db
from mall.ledger.accounts import Account
from mall.ledger.balances import account_balances, owed_to_post
from mall.orders.models import OrderStatus, PaymentMethod
from mall.orders.references import format_reference
from mall.settlement.models import (
    DeskItemStatus,
    PayoutMethod,
    Statement,
    StatementStatus,
    SuspenseItem,
)
from tests.settlement.factories import Part, paid_order, pending_order
from tests.support.hosts import PORTAL, csrf_token

NOVEMBER = datetime(2026, 11, 10, 12, tzinfo=UTC)


@pytest.fixture
def november(make_post, make_issue, make_product) -> dict[str, Any]:
    """Uruguay and the Netherlands each sold in November 2026."""
    uy, nl = make_post("uy"), make_post("nl")
    sheet = make_product(make_issue(uy), price_minor=9000, stock=50)
    booklet = make_product(make_issue(nl), price_minor=1095, stock=50)
    orders = [
        paid_order([Part([(sheet, 2)], shipping_minor=40000, commission_bps=1000),
                    Part([(booklet, 3)], shipping_minor=995, commission_bps=1200)],
                   "EUR", now=NOVEMBER),
        paid_order([Part([(booklet, 1)], commission_bps=1200)], "USD", PaymentMethod.BANK_TRANSFER,
                   now=NOVEMBER + timedelta(days=3)),
    ]
    db.session.commit()
    return {"uy": uy, "nl": nl, "sheet": sheet, "booklet": booklet, "orders": orders}


def _post(desk, url: str, page: str, **data: Any):
    return desk.post(url, data={"csrf_token": csrf_token(desk, page), **data})


def _settle(desk, period: str = "2026-11"):
    page = PORTAL + "/operator/statements"
    return _post(desk, PORTAL + "/operator/statements/settle", page, period=period)


def test_settling_a_month_twice_gives_the_same_statements(desk, november):
    assert _settle(desk).status_code == 302
    first = [(s.post_id, s.gross_minor, s.commission_minor, s.net_minor)
             for s in db.session.scalars(select(Statement).order_by(Statement.post_id))]
    assert _settle(desk).status_code == 302
    db.session.expire_all()
    again = [(s.post_id, s.gross_minor, s.commission_minor, s.net_minor)
             for s in db.session.scalars(select(Statement).order_by(Statement.post_id))]
    assert first == again
    assert len(first) == 2
    nl = db.session.scalar(select(Statement).where(Statement.post_id == november["nl"].id))
    # 3 + 1 booklets at 10.95 and 9.95 shipping; 12 % commission per post order, rounded once.
    assert nl.gross_minor == 4 * 1095 + 995
    assert nl.commission_minor == round(Decimal_(3 * 1095 + 995) * 12 / 100) + round(
        Decimal_(1095) * 12 / 100)
    assert nl.net_minor == nl.gross_minor - nl.commission_minor


def Decimal_(value: int):  # noqa: N802 - reads like the constructor it wraps
    from decimal import ROUND_HALF_UP, Decimal

    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def test_screen_csv_and_pdf_agree_to_the_minor_unit(desk, november):
    _settle(desk)
    statement = db.session.scalar(select(Statement).where(Statement.post_id == november["uy"].id))
    page = desk.get(PORTAL + f"/operator/statements/{statement.id}").get_data(as_text=True)
    csv_text = desk.get(PORTAL + f"/operator/statements/{statement.id}.csv").get_data(
        as_text=True)
    pdf = desk.get(PORTAL + f"/operator/statements/{statement.id}.pdf")
    assert pdf.mimetype == "application/pdf"
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    total = csv_text.strip().splitlines()[-1].split(",")
    assert total[0] == "total"
    gross, refunds, commission, adjustments, net = total[1:]
    assert net == str(statement.net.to_decimal()) == "522.00"  # 2 × 90.00 + 400.00 shipping − 10 %
    assert gross == "580.00"
    assert commission == "58.00"
    assert "522.00" in pdf_text
    assert "580.00" in pdf_text
    assert "58.00" in pdf_text
    assert "522.00" in page
    assert "580.00" in page


def test_a_month_not_over_cannot_be_settled(desk, november):
    this_month = utcnow().strftime("%Y-%m")
    response = _settle(desk, this_month)
    assert response.status_code == 400
    assert "has not ended yet" in response.get_data(as_text=True)
    for bad in ("2026-13", "abc", "2026-1", "\x00", "9" * 7):
        assert _settle(desk, bad).status_code == 400
    assert db.session.scalar(select(func.count(Statement.id))) == 0


def _approve(desk, statement: Statement):
    page = PORTAL + f"/operator/statements/{statement.id}"
    return _post(desk, page + "/approve", page)


def _pay(desk, statement: Statement, **data: Any):
    page = PORTAL + f"/operator/statements/{statement.id}"
    return _post(desk, page + "/pay", page, **data)


def test_a_statement_is_paid_by_bank_once_approved_and_with_a_valid_iban(desk, november):
    _settle(desk)
    statement = db.session.scalar(select(Statement).where(Statement.post_id == november["nl"].id))
    bank = {"method": "bank_transfer", "reference": "ING-2026-12-001",
            "account_number": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A"}
    assert _pay(desk, statement, **bank).status_code == 409  # a draft is not paid
    assert _approve(desk, statement).status_code == 302
    assert _approve(desk, statement).status_code == 302  # a second click changes nothing
    refused = _pay(desk, statement, **{**bank, "account_number": "NL91ABNA0417164301"})
    assert refused.status_code == 400
    assert "check digits do not match" in refused.get_data(as_text=True)
    assert _pay(desk, statement, **{**bank, "bic": "ABNAXX2A"}).status_code == 400
    assert _pay(desk, statement, **{**bank, "reference": ""}).status_code == 400
    assert _pay(desk, statement, **bank).status_code == 302
    db.session.expire_all()
    assert statement.status is StatementStatus.PAID
    (payout,) = statement.payouts
    assert payout.account_number == "NL91ABNA0417164300"
    assert payout.amount == statement.net
    assert owed_to_post(db.session, november["nl"].id, "EUR").amount == 0
    assert _pay(desk, statement, **bank).status_code == 409  # replay: paid once


def test_uruguay_is_paid_through_upu_clearing_and_stripe_is_refused(desk, november):
    _settle(desk)
    statement = db.session.scalar(select(Statement).where(Statement.post_id == november["uy"].id))
    _approve(desk, statement)
    response = _pay(desk, statement, method="stripe")
    assert response.status_code == 400
    assert "does not serve this post" in response.get_data(as_text=True)
    paid = _pay(desk, statement, method="upu_clearing", reference="UPU-CL-2026-11-UY")
    assert paid.status_code == 302
    db.session.expire_all()
    assert statement.status is StatementStatus.PAID
    assert statement.payouts[0].method is PayoutMethod.UPU_CLEARING


def test_the_trial_balance_balances_in_every_currency(desk, november):
    page = desk.get(PORTAL + "/operator/ledger").get_data(as_text=True)
    for currency in ("EUR", "USD", "UYU"):
        assert f'id="tb-{currency}"' in page
    assert "NOT BALANCED" not in page
    assert page.count(">balanced<") == 3


def test_the_dashboard_shows_sales_per_post_per_month_and_what_is_owed(desk, november):
    response = desk.get(PORTAL + "/operator/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="sales-chart"') == 2
    assert "Payables outstanding" in page


def test_operator_pages_are_for_the_operator_only(client, november):
    for path in ("/operator/dashboard", "/operator/ledger", "/operator/statements",
                 "/operator/suspense", "/operator/refunds", "/operator/posts"):
        response = client.get(PORTAL + path)
        assert response.status_code == 302
        assert "/operator/sign-in" in response.location


def _record(desk, order, amount: str, currency: str, hold: bool = True):
    page = PORTAL + "/operator/payments"
    data = {"reference": format_reference(order.payment_reference), "amount": amount,
            "currency": currency, "received_on": date.today().isoformat(),
            "channel": "bank_transfer"}
    if hold:
        data["hold"] = "y"
    return _post(desk, page, page, **data)


@pytest.fixture
def waiting_order(november):
    order = pending_order([Part([(november["booklet"], 2)])], "EUR",
                          PaymentMethod.BANK_TRANSFER, now=utcnow())
    db.session.commit()
    return order


def test_a_short_payment_waits_in_suspense_and_is_accepted_as_a_bank_fee(desk, waiting_order):
    order = waiting_order
    short = str(order.total.to_decimal() - 2)  # the bank kept 2 euros
    assert _record(desk, order, short, "EUR", hold=False).status_code == 400  # not held
    response = _record(desk, order, short, "EUR")
    assert response.status_code == 302
    assert response.location.endswith("/operator/suspense")
    item = db.session.scalar(select(SuspenseItem))
    assert item.status is DeskItemStatus.OPEN
    assert order.status is OrderStatus.PENDING_PAYMENT
    held = account_balances(db.session, Account.SUSPENSE)["EUR"]
    assert held.amount == -(order.total_minor - 200)
    page = PORTAL + "/operator/suspense"
    response = _post(desk, page + f"/{item.id}", page,
                     **{f"item-{item.id}-action": "accept_short"})
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert item.status is DeskItemStatus.RESOLVED
    assert account_balances(db.session, Account.SUSPENSE)["EUR"].amount == 0
    assert account_balances(db.session, Account.FEES)["EUR"].amount == 200
    # Replaying the decision changes nothing.
    again = _post(desk, page + f"/{item.id}", page, **{f"item-{item.id}-action": "accept_short"})
    assert again.status_code == 409


def test_the_rest_of_a_short_payment_completes_it(desk, waiting_order, app):
    order = waiting_order
    _record(desk, order, str(order.total.to_decimal() - 2), "EUR")
    item = db.session.scalar(select(SuspenseItem))
    page = PORTAL + "/operator/suspense"
    _post(desk, page + f"/{item.id}", page, **{f"item-{item.id}-action": "ask_rest"})
    db.session.expire_all()
    assert item.status is DeskItemStatus.AWAITING_REST
    response = _record(desk, order, "2", "EUR", hold=False)
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    assert item.status is DeskItemStatus.RESOLVED
    assert account_balances(db.session, Account.SUSPENSE)["EUR"].amount == 0


def test_an_overpayment_pays_the_order_and_the_excess_goes_back(desk, waiting_order, november):
    order = waiting_order
    _record(desk, order, str(order.total.to_decimal() + 5), "EUR")
    item = db.session.scalar(select(SuspenseItem))
    page = PORTAL + "/operator/suspense"
    no_reference = _post(desk, page + f"/{item.id}", page,
                         **{f"item-{item.id}-action": "refund_excess"})
    assert no_reference.status_code == 400
    assert _post(desk, page + f"/{item.id}", page, **{
        f"item-{item.id}-action": "refund_excess", f"item-{item.id}-reference": "RET-1",
    }).status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.PAID
    # What stays in the operator's account: the two euro orders, not the excess.
    euro_orders = [o for o in (*november["orders"], order) if o.currency == "EUR"]
    clearing = account_balances(db.session, Account.CLEARING)["EUR"].amount
    assert clearing == sum(o.total_minor for o in euro_orders)


def test_money_in_another_currency_is_held_and_sent_back(desk, waiting_order):
    order = waiting_order
    _record(desk, order, "30.00", "CHF")
    item = db.session.scalar(select(SuspenseItem))
    assert item.currency == "CHF"
    page = PORTAL + "/operator/suspense"
    short = _post(desk, page + f"/{item.id}", page, **{f"item-{item.id}-action": "accept_short"})
    assert short.status_code == 400  # not a short payment: it is another currency
    assert _post(desk, page + f"/{item.id}", page, **{
        f"item-{item.id}-action": "return_all", f"item-{item.id}-reference": "RET-CHF",
    }).status_code == 302
    assert account_balances(db.session, Account.SUSPENSE)["CHF"].amount == 0
    assert account_balances(db.session, Account.CLEARING)["CHF"].amount == 0


def test_settle_from_the_command_line(app, november):
    result = app.test_cli_runner().invoke(args=["mall", "settle", "--period", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "2026-11: 2 statements" in result.output
    from mall.audit.models import AuditEntry

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "statement.settle"))
    assert entry is not None
    assert entry.staff_id is None
    assert "command line" in entry.note
    assert "NL" in result.output
    assert "UY" in result.output
    bad = app.test_cli_runner().invoke(args=["mall", "settle", "--period", "2026-13"])
    assert bad.exit_code != 0
    assert "YYYY-MM" in bad.output


ODD_VALUES = ["a\x00b", "x\x01y", str(2**31), str(2**63), "-1", "0", "", "2026-13",
              "y" * 5000, "CHF", "stripe", "return_all"]


def test_no_operator_page_answers_500_to_odd_input(app, desk, november, waiting_order):
    """Signed in as the operator, every operator route, with real ids and odd ones in the
    path, and every form field of the mall set to odd values: an answer, never a 500."""
    from tests.http.test_invariants import _field_names

    _settle(desk)
    _record(desk, waiting_order, "1.00", "EUR")
    statement = db.session.scalar(select(Statement))
    item = db.session.scalar(select(SuspenseItem))
    ids = {"statement_id": [str(statement.id), str(2**31), "-1"],
           "item_id": [str(item.id), str(2**31)], "refund_id": ["1", str(2**31)],
           "code": ["uy", "zz", "a\x00"]}
    token = csrf_token(desk, PORTAL + "/operator/payments")
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/operator") or rule.endpoint == "operator.sign_out":
            continue
        choices = [dict(zip(rule.arguments, combo, strict=True)) for combo in
                   _combinations([ids.get(name, ["1"]) for name in rule.arguments])]
        for values in choices:
            path = rule.rule
            for name, value in values.items():
                path = re.sub(rf"<(?:[a-z]+:)?{name}>", value.replace("\x00", "%00"), path)
            if "GET" in rule.methods:
                for value in ODD_VALUES:
                    response = desk.get(PORTAL + path, query_string={"period": value,
                                                                    "page": value})
                    if response.status_code >= 500:
                        failures.append(("GET", path, value[:10]))
            if "POST" in rule.methods:
                for value in ODD_VALUES:
                    data = dict.fromkeys(_field_names(), value)
                    data |= {f"item-{item.id}-{field}": value for field in ("action", "reference")}
                    data |= {"refund-1-reference": value}
                    response = desk.post(PORTAL + path, data={**data, "csrf_token": token})
                    if response.status_code >= 500:
                        failures.append(("POST", path, value[:10]))
    assert failures == []


def _combinations(options: list[list[str]]) -> list[tuple[str, ...]]:
    from itertools import product

    return list(product(*options))


def test_the_books_cost_the_same_queries_with_more_orders(desk, november, count_queries):
    _settle(desk)
    statement = db.session.scalar(select(Statement).where(Statement.post_id == november["nl"].id))
    pages = ["/operator/dashboard", "/operator/ledger", "/operator/statements?period=2026-11",
             f"/operator/statements/{statement.id}", "/operator/suspense", "/operator/refunds",
             "/operator/posts"]

    def counts() -> list[int]:
        found = []
        for path in pages:
            with count_queries() as queries:
                assert desk.get(PORTAL + path).status_code == 200, path
            found.append(len(queries))
        return found

    before = counts()
    for day in range(5):
        order = pending_order([Part([(november["booklet"], 1)]), Part([(november["sheet"], 1)])],
                              "EUR", PaymentMethod.BANK_TRANSFER,
                              now=NOVEMBER + timedelta(days=day))
        _record(desk, order, str(order.total.to_decimal() - 1), "EUR")  # to suspense
        from mall.orders.lifecycle import record_payment

        other = paid_order([Part([(november["booklet"], 2)])], "USD",
                           now=NOVEMBER + timedelta(days=day))
        assert record_payment is not None
        assert other.status is OrderStatus.PAID
    db.session.commit()
    _settle(desk)
    assert counts() == before
