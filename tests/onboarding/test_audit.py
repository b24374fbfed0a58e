"""The audit log records every operator action, and nobody but the operator reads it.

The sweep takes every POST route under /operator from the URL map: each must be driven
below with valid data (and then write at least one entry, by the signed-in operator, in
its own request) or be listed as no action at all, with the reason. A new route that is
neither fails the test until it is added here."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from flask import Flask
from sqlalchemy import func, select

from mall.accounts.passwords import hash_password
from mall.audit.models import AuditEntry
from mall.audit.services import record
from mall.columns import utcnow
from mall.extensions import db
from mall.onboarding.models import Application
from mall.operator.models import StaffMember, StaffRole
from mall.orders.models import Order, PaymentMethod, PostOrder
from mall.orders.references import format_reference
from mall.posts.models import Post, PostHost
from mall.rates.services import set_operator_rate
from mall.settlement.models import Refund, Statement, SuspenseItem
from tests.onboarding.conftest import decide
from tests.settlement.factories import Part, paid_order, pending_order
from tests.support.client import BrowserClient
from tests.support.hosts import PORTAL, csrf_token, storefront

NOVEMBER = datetime(2026, 11, 10, 12, tzinfo=UTC)

#: POST routes under /operator that change nothing the desk keeps: no entry expected.
NOT_ACTIONS = {
    "operator.sign_in": "a sign-in is the desk's door, not an action at it (throttling "
                        "counts the attempts)",
    "operator.sign_out": "ending one's own sessions changes no data",
}


def _count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def _post(desk: BrowserClient, url: str, page: str | None = None, **data: Any) -> Any:
    return desk.post(PORTAL + url, data={"csrf_token": csrf_token(desk, PORTAL + (page or url)),
                                         **data})


@pytest.fixture
def world(make_post, make_issue, make_product, submitted) -> dict[str, Any]:
    """Two live posts with November sales, orders waiting for bank transfers, one paid by
    bank, and three applications."""
    uy, nl = make_post("uy"), make_post("nl")
    sheet = make_product(make_issue(uy), price_minor=9000, stock=50)
    booklet = make_product(make_issue(nl), price_minor=1095, stock=50)
    paid_order([Part([(sheet, 1)])], "EUR", now=NOVEMBER)
    waiting = [pending_order([Part([(booklet, 1)])], "EUR", PaymentMethod.BANK_TRANSFER,
                             now=utcnow()) for _ in range(2)]
    by_bank = paid_order([Part([(booklet, 2)])], "EUR", PaymentMethod.BANK_TRANSFER, now=utcnow())
    db.session.add(StaffMember(email="m@uy.example", name="Uruguay's manager",
                               role=StaffRole.POST_MANAGER, post_id=uy.id,
                               password_hash=hash_password("x" * 20)))
    set_operator_rate(db.session, "UYU", Decimal("46.21"), date.today())
    db.session.commit()
    applications = [submitted(country=country, contact_email=f"{country}@post.example")
                    for country in ("PT", "ES", "CL")]
    return {"uy": uy, "nl": nl, "waiting": waiting, "by_bank": by_bank,
            "applications": applications}


def _payment(order: Order, amount: Decimal, hold: bool = False) -> dict[str, str]:
    data = {"reference": format_reference(order.payment_reference), "amount": str(amount),
            "currency": order.currency, "received_on": date.today().isoformat(),
            "channel": "bank_transfer"}
    return data | ({"hold": "y"} if hold else {})


def _drivers(desk: BrowserClient, world: dict[str, Any],
             app: Flask) -> list[tuple[str, Callable[[], Callable[[], Any]]]]:
    """(endpoint, setup) in the order they run; `setup()` prepares what the action needs
    and returns the request to count."""
    first, second = world["waiting"]
    pt, es, cl = world["applications"]

    def payment():
        return lambda: _post(desk, "/operator/payments",
                             **_payment(first, first.total.to_decimal()))

    def suspense():
        held = _post(desk, "/operator/payments", **_payment(second, second.total.to_decimal()
                                                                - 2, hold=True))
        assert held.status_code == 302
        item = db.session.scalar(select(SuspenseItem))
        return lambda: _post(desk, f"/operator/suspense/{item.id}", "/operator/suspense",
                             **{f"item-{item.id}-action": "accept_short"})

    def settle():
        return lambda: _post(desk, "/operator/statements/settle", "/operator/statements",
                             period="2026-11")

    def statement() -> Statement:
        return db.session.scalar(select(Statement).where(Statement.post_id == world["uy"].id))

    def approve_statement():
        url = f"/operator/statements/{statement().id}"
        return lambda: _post(desk, url + "/approve", url)

    def pay_statement():
        url = f"/operator/statements/{statement().id}"
        return lambda: _post(desk, url + "/pay", url, method="upu_clearing",
                             reference="UPU-CL-2026-11-UY")

    def payout_method():
        return lambda: _post(desk, "/operator/posts/nl/payouts", method="bank_transfer")

    def stripe_account():
        app.config.update(STRIPE_SECRET_KEY="sk_test_audit", OUTBOX_DISPATCH_AFTER_REQUEST=False)
        return lambda: _post(desk, "/operator/posts/nl/stripe-account",
                             "/operator/posts/nl/payouts")

    def refund():
        order = world["by_bank"]
        post_order = db.session.scalar(select(PostOrder).where(PostOrder.order_id == order.id))
        line = post_order.lines[0]
        url = f"/operator/orders/{order.code}"
        return lambda: _post(desk, f"{url}/{post_order.id}/refund", url,
                             **{f"quantity_{line.id}": "1", "reason": "Damaged",
                                "key": uuid4().hex})

    def refund_sent():
        made = db.session.scalar(select(Refund))
        return lambda: _post(desk, f"/operator/refunds/{made.id}/sent", "/operator/refunds",
                             **{f"refund-{made.id}-reference": "SEPA-77"})

    def ask():
        return lambda: decide(desk, es, "ask", question="Which law designates you?")

    def reject():
        return lambda: decide(desk, cl, "reject", reasons="Not the designated operator.")

    def approve():
        return lambda: decide(desk, pt, "approve")

    def invite():
        url = f"/operator/applications/{pt.id}"
        return lambda: _post(desk, url + "/invite", url, **{
            "invite-name": "Rui", "invite-email": "rui@ctt.example"})

    def add_name():
        return lambda: _post(desk, "/operator/posts/pt/names", "/operator/posts/pt",
                             name="portugalstamps")

    def drop_name():
        pt_post = db.session.scalar(select(Post).where(Post.code == "pt"))
        host = db.session.scalar(select(PostHost).where(PostHost.post_id == pt_post.id,
                                                        PostHost.name != "stamps.pt"))
        return lambda: _post(desk, f"/operator/posts/pt/names/{host.id}/remove",
                             "/operator/posts/pt")

    def suspend():
        return lambda: _post(desk, "/operator/posts/uy/suspend", "/operator/posts/uy")

    def reopen():
        return lambda: _post(desk, "/operator/posts/uy/live", "/operator/posts/uy")

    return [
        ("operator.payments", payment), ("operator.resolve_suspense", suspense),
        ("operator.settle_period", settle), ("operator.approve_statement", approve_statement),
        ("operator.pay_statement", pay_statement), ("operator.post_payouts", payout_method),
        ("operator.connect_stripe", stripe_account), ("operator.refund_order", refund),
        ("operator.refund_sent", refund_sent), ("operator.ask_applicant", ask),
        ("operator.reject_application", reject), ("operator.approve_application", approve),
        ("operator.invite_manager", invite), ("operator.add_name", add_name),
        ("operator.drop_name", drop_name), ("operator.suspend_post", suspend),
        ("operator.open_post", reopen),
    ]


def test_every_operator_action_writes_the_audit_log(app, desk, operator, world, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "")
    monkeypatch.setitem(app.config, "OUTBOX_DISPATCH_AFTER_REQUEST", True)
    drivers = _drivers(desk, world, app)
    actions = {rule.endpoint for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/operator") and "POST" in (rule.methods or ())}
    driven = [endpoint for endpoint, _setup in drivers]
    assert sorted(actions - set(NOT_ACTIONS) - set(driven)) == [], \
        "a new operator action: drive it in this test (and record it in the audit log)"
    assert set(driven) <= actions
    silent = []
    for endpoint, setup in drivers:
        request = setup()
        before, first_id = _count(), db.session.scalar(select(func.max(AuditEntry.id))) or 0
        response = request()
        assert response.status_code == 302, (endpoint, response.get_data(as_text=True)[:3000])
        db.session.expire_all()
        written = db.session.scalars(select(AuditEntry).where(AuditEntry.id > first_id)).all()
        if _count() == before:
            silent.append(endpoint)
        for entry in written:
            assert (entry.staff_id, entry.staff_name) == (operator.id, operator.name)
            assert re.fullmatch(r"[a-z_]+\.[a-z_]+", entry.action), entry.action
            assert entry.target_type
            assert entry.target_id
    assert silent == []


def test_a_refused_action_leaves_no_entry(desk, world):
    order = world["waiting"][0]
    short = _post(desk, "/operator/payments", **_payment(order, order.total.to_decimal() - 1))
    assert short.status_code == 400
    pt = world["applications"][0]
    assert decide(desk, pt, "reject", reasons="").status_code == 400
    assert _count() == 0


def test_the_log_reads_newest_first_and_filters_by_action(desk, operator, world):
    pt, es, _cl = world["applications"]
    decide(desk, es, "ask", question="Which law?")
    decide(desk, pt, "approve")
    order = world["waiting"][0]
    _post(desk, "/operator/payments", **_payment(order, order.total.to_decimal()))
    page = desk.get(PORTAL + "/operator/audit").get_data(as_text=True)
    rows = re.findall(r'<code class="audit-action">([a-z_.]+)</code>', page)
    assert rows == ["payment.record", "application.approve", "application.ask"]
    assert "Desk Officer" in page
    assert "Application approved" in page
    only = desk.get(PORTAL + "/operator/audit?action=application").get_data(as_text=True)
    assert re.findall(r'<code class="audit-action">([a-z_.]+)</code>', only) == [
        "application.approve", "application.ask"]
    exact = desk.get(PORTAL + "/operator/audit?action=payment.record").get_data(as_text=True)
    assert re.findall(r'<code class="audit-action">([a-z_.]+)</code>', exact) == [
        "payment.record"]
    for odd in ("zzz", "payment%", "application.", "\x00", "x" * 500):
        response = desk.get(PORTAL + "/operator/audit", query_string={"action": odd})
        assert response.status_code == 400


def test_nobody_but_the_operator_reads_the_log(app, client, make_post, operator):
    record(db.session, operator, "payment.record", make_post("uy"), note="secret note")
    db.session.commit()
    # Anonymous: to the staff sign-in.
    for path in ("/operator/audit", "/operator/applications", "/operator/applications/1"):
        response = client.get(PORTAL + path)
        assert response.status_code == 302
        assert "/operator/sign-in" in response.location
    # JSON: a 403 with a reason, nothing of the log.
    answer = client.get(PORTAL + "/operator/audit", headers={"Accept": "application/json"})
    assert answer.status_code == 403
    assert "secret note" not in answer.get_data(as_text=True)
    # Post staff cannot sign in at the desk; their own sign-in lives on their storefront.
    manager = StaffMember(email="manager@uy.example", name="M", role=StaffRole.POST_MANAGER,
                          post_id=db.session.scalar(select(Post.id)),
                          password_hash=hash_password("a long manager passphrase"))
    db.session.add(manager)
    db.session.commit()
    staff = BrowserClient(app, app.response_class, use_cookies=True)
    refused = staff.post(PORTAL + "/operator/sign-in", data={
        "csrf_token": csrf_token(staff, PORTAL + "/operator/sign-in"),
        "email": manager.email, "password": "a long manager passphrase"})
    assert refused.status_code in (400, 403)
    assert staff.get(PORTAL + "/operator/audit").status_code == 302
    signed_in = staff.post(storefront("uy") + "/manage/sign-in", data={
        "csrf_token": csrf_token(staff, storefront("uy") + "/manage/sign-in"),
        "email": manager.email, "password": "a long manager passphrase"})
    assert signed_in.status_code == 302
    assert staff.get(PORTAL + "/operator/audit").status_code == 302
    assert staff.get(storefront("uy") + "/operator/audit").status_code == 404
    # Nothing of it leaked on the way.
    for response in (staff.get(PORTAL + "/operator/audit"), client.get(PORTAL + "/operator/audit")):
        assert "secret note" not in response.get_data(as_text=True)


def test_a_signed_in_buyer_is_no_operator(app, client, make_post, operator):
    from mall.accounts.models import Buyer

    record(db.session, operator, "payment.record", make_post("uy"), note="secret note")
    db.session.add(Buyer(email="ana@example.org", name="Ana",
                         password_hash=hash_password("a long buyer passphrase")))
    db.session.commit()
    url = PORTAL + "/account/sign-in"
    signed = client.post(url, data={"csrf_token": csrf_token(client, url),
                                    "email": "ana@example.org",
                                    "password": "a long buyer passphrase"})
    assert signed.status_code == 302
    response = client.get(PORTAL + "/operator/audit")
    assert response.status_code == 302
    assert "/operator/sign-in" in response.location


def test_the_log_refuses_changes(operator, make_post):
    entry = record(db.session, operator, "payment.record", make_post("uy"))
    db.session.commit()
    entry.note = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("UPDATE audit_entry SET note = 'x'"))
    db.session.rollback()


def test_the_log_and_the_applications_cost_the_same_queries_with_more_rows(
        desk, operator, make_post, submitted, count_queries):
    post = make_post("uy")

    def counts() -> list[int]:
        found = []
        for path in ("/operator/audit", "/operator/audit?action=payment",
                     "/operator/applications", "/operator/applications?status=rejected"):
            with count_queries() as queries:
                assert desk.get(PORTAL + path).status_code == 200, path
            found.append(len(queries))
        return found

    record(db.session, operator, "payment.record", post)
    db.session.commit()
    submitted()
    before = counts()
    for n in range(12):
        record(db.session, operator, "payment.record" if n % 2 else "refund.create", post,
               before={"n": n}, after={"n": n + 1})
    db.session.commit()
    for country in ("ES", "CL", "FR", "IT", "DE"):
        submitted(country=country, contact_email=f"{country}@post.example")
    for application in db.session.scalars(select(Application).limit(2)):
        application.status = application.status.REJECTED
        application.decided_at = utcnow()
    db.session.commit()
    assert counts() == before
