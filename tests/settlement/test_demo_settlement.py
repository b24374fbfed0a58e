"""The issue's "done when", on the demo: the operator settles October 2026's demo orders, sees
statements that balance, pays the Netherlands by Stripe transfer and Uruguay by bank,
refunds a line, and Uruguay's manager sees its statement."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from mall.demo.seed import seed
from mall.extensions import db
from mall.ledger.models import LedgerEntry
from mall.operator.demo import DEMO_OPERATOR_EMAIL
from mall.orders.models import PostOrder
from mall.posts.models import Post
from mall.settlement.models import PayoutStatus, Refund, Statement, StatementStatus
from tests.support.hosts import PORTAL, csrf_token

pytest_plugins = ["tests.support.checkout_fixtures"]


def _post(client, url: str, page: str, **data: str):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data})


def test_the_operator_settles_pays_and_refunds_the_demo(app, stripe_config):
    from mall.operator.demo import DEMO_OPERATOR_PASSWORD
    from tests.support.client import BrowserClient

    seed(db.session)
    db.session.commit()
    session = requests.Session()
    session.trust_env = False  # as `make demo` does: the platform's settled euros
    session.post(f"{stripe_config['STRIPE_API_BASE']}/_config/balance",
                 data={"currency": "eur", "amount": "100000000"}, timeout=10)
    desk = BrowserClient(app, app.response_class, use_cookies=True)
    assert _post(desk, PORTAL + "/operator/sign-in", PORTAL + "/operator/sign-in",
                 email=DEMO_OPERATOR_EMAIL, password=DEMO_OPERATOR_PASSWORD).status_code == 302

    assert _post(desk, PORTAL + "/operator/statements/settle", PORTAL + "/operator/statements",
                 period="2026-10").status_code == 302
    statements = db.session.scalars(select(Statement)).all()
    assert len(statements) >= 4
    for statement in statements:
        assert statement.net_minor == (statement.gross_minor - statement.refunds_minor
                                       - statement.commission_minor
                                       + statement.adjustments_minor)
        assert statement.gross_minor > 0
    page = desk.get(PORTAL + "/operator/ledger").get_data(as_text=True)
    assert "NOT BALANCED" not in page

    posts = {post.code: post for post in db.session.scalars(select(Post))}
    by_post = {s.post_id: s for s in statements}
    nl, uy = by_post[posts["nl"].id], by_post[posts["uy"].id]
    for statement in (nl, uy):
        url = PORTAL + f"/operator/statements/{statement.id}"
        assert _post(desk, url + "/approve", url).status_code == 302

    # The Netherlands: connect its Stripe account, then pay by transfer.
    payouts_page = PORTAL + "/operator/posts/nl/payouts"
    assert _post(desk, PORTAL + "/operator/posts/nl/stripe-account",
                 payouts_page).status_code == 302
    db.session.expire_all()
    url = PORTAL + f"/operator/statements/{nl.id}"
    assert _post(desk, url + "/pay", url, method="stripe").status_code == 302
    db.session.expire_all()
    assert nl.status is StatementStatus.PAID
    assert {p.status for p in nl.payouts} == {PayoutStatus.SENT}
    assert sum(p.amount_minor for p in nl.payouts) == nl.net_minor

    # Uruguay: by bank, with the details the post gave (prefilled on the page).
    url = PORTAL + f"/operator/statements/{uy.id}"
    form = desk.get(url).get_data(as_text=True)
    assert "BROUUYMM" in form
    assert _post(desk, url + "/pay", url, method="bank_transfer", reference="BROU-778812",
                 account_number="001573462000012", bic="BROUUYMM").status_code == 302
    db.session.expire_all()
    assert uy.status is StatementStatus.PAID

    # A line refunded by the operator from Uruguay's last order.
    post_order = db.session.scalar(
        select(PostOrder).where(PostOrder.post_id == posts["uy"].id).order_by(PostOrder.id.desc())
    )
    line = post_order.lines[0]
    order_page = PORTAL + f"/operator/orders/{post_order.order.code}"
    assert desk.get(order_page).status_code == 200
    response = _post(desk, order_page + f"/{post_order.id}/refund", order_page,
                     **{f"quantity_{line.id}": "1", "reason": "Damaged in transit",
                        "key": "0" * 32})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(func.count(Refund.id))) == 1
    unbalanced = db.session.execute(
        select(LedgerEntry.transaction_id, LedgerEntry.currency)
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount_minor) != 0)
    ).all()
    assert unbalanced == []

    # Uruguay's manager reads the statement, paid, in its back office.
    from tests.support.hosts import storefront

    manage = storefront("uy") + "/manage"
    manager = BrowserClient(app, app.response_class, use_cookies=True)
    assert _post(manager, manage + "/sign-in", manage + "/sign-in",
                 email="manager@stamps.uy.post",
                 password="manager-uy-demo-2026").status_code == 302  # noqa: S106 - demo
    page = manager.get(manage + f"/statements/{uy.id}").get_data(as_text=True)
    assert "BROU-778812" in page
    assert manager.get(manage + f"/statements/{nl.id}").status_code == 404
