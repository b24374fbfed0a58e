"""A post's statements and payout details in its back office: its managers see its own
statements (screen, CSV and PDF agree), nobody else's; clerks are refused; bank details are
checked before they are saved."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask, url_for
from pypdf import PdfReader
from sqlalchemy import func, select

from mall.extensions import db
from mall.pdf import amount
from mall.settlement.models import (
    PayoutAccount,
    PayoutMethod,
    Statement,
    StatementStatus,
)
from mall.settlement.refunds import RefundRequest, refund
from mall.settlement.statements import figures_of, settle
from tests.settlement.factories import Part, paid_order
from tests.support.hosts import csrf_token, storefront
from tests.tenancy import test_backoffice
from tests.tenancy.factories import become

UY, NL = storefront("uy"), storefront("nl")
NOVEMBER = date(2026, 11, 1)


ROUTES = ["backoffice.statements", "backoffice.statement", "backoffice.statement_csv_file",
          "backoffice.statement_pdf_file", "backoffice.payout_details"]


@pytest.fixture
def november(staff, make_issue, make_product) -> dict[str, Any]:
    """Three UY orders and one NL order paid in November 2026 (one UY order partly
    refunded that month), settled in December."""
    uy, nl = staff["uy"], staff["nl"]
    sheet = make_product(make_issue(uy), price_minor=45000, stock=20)
    stamp = make_product(make_issue(uy), price_minor=3250, stock=50)
    tulip = make_product(make_issue(nl), price_minor=155, stock=20)
    paid = datetime(2026, 11, 10, 12, tzinfo=UTC)
    orders = [
        paid_order([Part([(sheet, 2), (stamp, 3)], shipping_minor=12000)], now=paid),
        paid_order([Part([(stamp, 1)])], currency="USD", now=paid),
        paid_order([Part([(sheet, 1)], shipping_minor=9000), Part([(tulip, 4)])], now=paid),
    ]
    post_order = orders[0].post_orders[0]
    refund(db.session, post_order,
           RefundRequest(key="a" * 32, quantities={post_order.lines[1].id: 1}),
           staff["manager"], datetime(2026, 11, 20, tzinfo=UTC))
    settle(db.session, NOVEMBER, datetime(2026, 12, 2, tzinfo=UTC))
    db.session.commit()
    by_post = {s.post_id: s for s in db.session.scalars(select(Statement))}
    return {"orders": orders, "uy": by_post[uy.id], "nl": by_post[nl.id]}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_a_manager_sees_the_posts_statements(client, staff, november):
    become(client, "manager", staff, UY)
    listing = client.get(UY + "/manage/statements")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    ours, theirs = november["uy"], november["nl"]
    assert f'id="statement-{ours.id}"' in html
    assert "November 2026" in html
    assert f'id="statement-{theirs.id}"' not in html
    page = client.get(UY + f"/manage/statements/{ours.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for order in november["orders"]:
        assert order.code in html
    assert html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") == 3
    assert "Draft" in html
    assert "Nothing paid against this statement yet." in html


def test_the_csv_total_row_is_the_screen_total(client, staff, november):
    statement = november["uy"]
    become(client, "manager", staff, UY)
    screen = client.get(UY + f"/manage/statements/{statement.id}").get_data(as_text=True)
    total_row = screen.split('<tfoot><tr class="total">', 1)[1].split("</tr>", 1)[0]
    on_screen = [_digits(cell) for cell in re.findall(r'<td class="num">(.*?)</td>', total_row)]
    download = client.get(UY + f"/manage/statements/{statement.id}.csv")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert "statement-uy-2026-11.csv" in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data(as_text=True))))
    total = next(row for row in rows if row and row[0] == "total")
    assert [_digits(cell) for cell in total[1:]] == on_screen
    figures = figures_of(statement)
    assert total[1:] == [str(m.to_decimal()) for m in (
        figures.gross, figures.refunds, figures.commission, figures.adjustments, figures.net)]
    assert figures.refunds.amount == 3250  # the November refund is on it
    lines = [row for row in rows[4:] if row and row[0] != "total"]
    assert len(lines) == 3


def test_the_pdf_is_a_pdf_with_the_net(client, staff, november):
    statement = november["uy"]
    become(client, "manager", staff, UY)
    response = client.get(UY + f"/manage/statements/{statement.id}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert amount(statement.net) in text


def test_another_posts_statement_is_not_found(client, staff, november):
    theirs = november["nl"]
    become(client, "manager", staff, UY)
    for suffix in ("", ".csv", ".pdf"):
        assert client.get(UY + f"/manage/statements/{theirs.id}{suffix}").status_code == 404
    ours = november["uy"]
    become(client, "other_manager", staff, NL)
    for suffix in ("", ".csv", ".pdf"):
        assert client.get(NL + f"/manage/statements/{ours.id}{suffix}").status_code == 404
    assert client.get(NL + f"/manage/statements/{theirs.id}").status_code == 200


def test_clerks_are_refused_the_money_pages(client, staff, november):
    become(client, "clerk", staff, UY)
    ours = november["uy"]
    for path in ("/manage/statements", f"/manage/statements/{ours.id}",
                 f"/manage/statements/{ours.id}.csv", f"/manage/statements/{ours.id}.pdf",
                 "/manage/settings/payout"):
        assert client.get(UY + path).status_code == 403, path
    assert "/manage/statements" not in client.get(UY + "/manage/").get_data(as_text=True)


def test_each_visitor_gets_what_the_matrix_says_on_the_settlement_pages(app: Flask, client,
                                                                         staff):
    """The matrix of test_backoffice, over these pages only (it sweeps them too)."""
    wrong = []
    for rule in test_backoffice.manage_routes(app):
        if rule.endpoint not in ROUTES:
            continue
        required = app.view_functions[rule.endpoint].required_role
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in test_backoffice.WHO:
                with app.test_request_context(base_url=UY):
                    path = url_for(rule.endpoint, **{
                        name: test_backoffice.ARGUMENTS[name](staff["uy"])
                        for name in rule.arguments - {"cc"}
                    })
                become(client, who, staff, UY)
                data = {"csrf_token": csrf_token(client, UY + "/contact")} \
                    if method == "POST" else None
                got = test_backoffice.outcome(client.open(UY + path, method=method, data=data))
                if got != test_backoffice.expected(who, required):
                    wrong.append((method, rule.rule, who, got))
    assert wrong == []


# --- payout details -----------------------------------------------------------------------


def _save_payout(client, base: str, **data: str) -> Any:
    url = base + "/manage/settings/payout"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_the_payout_page_shows_the_operators_method(client, staff):
    become(client, "manager", staff, UY)
    page = client.get(UY + "/manage/settings/payout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "UPU clearing" in html
    assert "Account number" in html  # Uruguay's banks have no IBAN
    assert db.session.get(PayoutAccount, staff["uy"].id) is None  # a look creates nothing
    db.session.add(PayoutAccount(post_id=staff["nl"].id, method=PayoutMethod.STRIPE))
    db.session.commit()
    become(client, "other_manager", staff, NL)
    html = client.get(NL + "/manage/settings/payout").get_data(as_text=True)
    assert "Stripe transfer" in html
    assert "IBAN" in html
    assert "has not connected your Stripe account" in html
    db.session.get(PayoutAccount, staff["nl"].id).stripe_account_id = "acct_1Example"
    db.session.commit()
    html = client.get(NL + "/manage/settings/payout").get_data(as_text=True)
    assert "Your Stripe account is connected" in html


def test_valid_bank_details_are_saved_compact(client, staff):
    become(client, "other_manager", staff, NL)
    response = _save_payout(client, NL, account_holder="PostNL Filatelie",
                            account_number="nl91 abna 0417 1643 00", bic="abna nl 2a")
    assert response.status_code == 302
    account = db.session.get(PayoutAccount, staff["nl"].id)
    assert (account.account_holder, account.account_number, account.bic) == (
        "PostNL Filatelie", "NL91ABNA0417164300", "ABNANL2A")
    assert account.method is PayoutMethod.UPU_CLEARING  # the operator's to choose
    become(client, "manager", staff, UY)
    assert _save_payout(client, UY, account_holder="Correo Uruguayo",
                        account_number="001-2345678-9", bic="BROUUYMM").status_code == 302
    assert db.session.get(PayoutAccount, staff["uy"].id).account_number == "00123456789"


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"account_number": "NL91ABNA0417164301"}, "check digits do not match"),
        ({"account_number": "DE89370400440532013000"}, "an account in NL is needed"),
        ({"account_number": "NL91ABNA04171643"}, "wrong number of characters"),
        ({"account_number": ""}, "This field is required"),
        ({"bic": "ABNANL2"}, "wrong number of characters"),
        ({"bic": "ABNAQQ2A"}, "country code"),
        ({"account_holder": "x\x00y"}, "control characters"),
    ],
)
def test_bad_bank_details_are_explained_and_nothing_is_saved(client, staff, details, message):
    become(client, "other_manager", staff, NL)
    good = {"account_holder": "PostNL", "account_number": "NL91ABNA0417164300",
            "bic": "ABNANL2A"}
    response = _save_payout(client, NL, **{**good, **details})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PayoutAccount)) == 0


def test_a_statement_shows_its_payouts(client, staff, november):
    from mall.settlement.models import Payout, PayoutStatus

    statement = november["uy"]
    statement.status = StatementStatus.APPROVED
    db.session.add(Payout(statement_id=statement.id, post_id=statement.post_id,
                          method=PayoutMethod.BANK_TRANSFER, key="test:payout:1",
                          amount_minor=10000, currency=statement.currency,
                          status=PayoutStatus.FAILED, reference="BROU-77",
                          failure="Account closed"))
    db.session.commit()
    become(client, "manager", staff, UY)
    html = client.get(UY + f"/manage/statements/{statement.id}").get_data(as_text=True)
    assert "Approved" in html
    assert "BROU-77" in html
    assert "Bank transfer" in html
    assert "Failed" in html
    assert "Account closed" in html
