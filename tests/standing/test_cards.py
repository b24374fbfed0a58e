"""Paying standing orders with a saved card: saved through a SetupIntent (Stripe's test
cards, on localstripe), charged off-session when an issue is ordered; a decline or a bank
asking for authentication leaves the order awaiting payment with a mailed link to pay."""

from __future__ import annotations

import uuid

import requests
from sqlalchemy import select

from mall.catalogue.editing import publish
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.models import Order, OrderStatus, PaymentMethod
from mall.outbox.models import OutboxTask
from mall.outbox.services import dispatch_committed, run_task
from mall.payments.attempts import AttemptStatus, PaymentAttempt
from mall.payments.stripe_gateway import StripeGateway
from mall.standing.models import StoredCard
from tests.standing.conftest import count, mails_to, put_on_sale
from tests.support.checkout import TEST_KEY
from tests.support.hosts import PORTAL, csrf_token

pytest_plugins = ["tests.support.checkout_fixtures"]

CARD = PORTAL + "/account/card"


def _stripe(base: str, path: str, data: dict | None = None) -> dict:
    session = requests.Session()
    session.trust_env = False
    method = session.post if data is not None else session.get
    response = method(base + path, data=data, auth=(TEST_KEY, ""), timeout=10)
    assert response.ok, response.text
    return response.json()


def save_card(client, outcome: str = "success"):
    response = client.post(CARD, data={"card": outcome, "csrf_token": csrf_token(client, CARD)})
    assert response.status_code == 303
    return db.session.scalar(select(StoredCard))


def test_a_saved_card_pays_the_order_off_session(
        client, collector, draft, make_standing, stripe_config):
    page = client.get(CARD).get_data(as_text=True)
    assert "TEST MODE" in page
    card = save_card(client)
    assert (card.buyer_id, card.last4, card.brand) == (collector.id, "4242", "visa")
    assert "ending 4242" in client.get(CARD).get_data(as_text=True)
    make_standing(collector, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PAID
    attempt = db.session.scalar(select(PaymentAttempt))
    assert attempt.status is AttemptStatus.SUCCEEDED
    intent = _stripe(stripe_config["STRIPE_API_BASE"], f"/v1/payment_intents/{order.payment_id}")
    assert intent["customer"] == card.customer_id
    assert intent["payment_method"] == card.payment_method_id
    assert (intent["amount"], intent["currency"]) == (order.total_minor, "eur")
    assert [m.subject for m in mails_to(collector.email)] == [
        f"Payment received for your order {order.code}"]


def test_a_declined_card_leaves_the_order_awaiting_payment_with_a_link(
        client, collector, draft, make_standing, stripe_config):
    save_card(client, "decline")
    make_standing(collector, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert draft["single"].stock == 3  # still held for the collector
    [mail] = mails_to(collector.email)
    assert "declined" in mail.text_body
    pay = f"/orders/{order.code}/pay"
    assert pay in mail.text_body
    response = client.post(PORTAL + pay, data={"card": "success",
                                                "csrf_token": csrf_token(client, PORTAL + pay)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PAID


def test_a_card_that_needs_authentication_is_paid_on_session(
        client, collector, draft, make_standing, stripe_config):
    card = save_card(client)
    base = stripe_config["STRIPE_API_BASE"]
    method = _stripe(base, "/v1/payment_methods", {
        "type": "card", "card[number]": "4000002760003184", "card[exp_month]": "12",
        "card[exp_year]": "2030", "card[cvc]": "123"})
    _stripe(base, f"/v1/payment_methods/{method['id']}/attach", {"customer": card.customer_id})
    card.payment_method_id = method["id"]
    db.session.commit()
    make_standing(collector, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PENDING_PAYMENT
    attempt = db.session.scalar(select(PaymentAttempt))
    assert attempt.status is AttemptStatus.CANCELED
    assert _stripe(base, f"/v1/payment_intents/{attempt.payment_id}")["status"] == "canceled"
    assert "confirm this payment yourself" in mails_to(collector.email)[0].text_body
    assert "Pay with test card" in client.get(PORTAL + f"/orders/{order.code}/pay").get_data(
        as_text=True)


def test_removing_the_card_detaches_it_at_stripe(client, collector, stripe_config):
    card = save_card(client)
    response = client.post(CARD + "/remove", data={"csrf_token": csrf_token(client, CARD)})
    assert response.status_code == 303
    assert count(StoredCard) == 0
    method = _stripe(stripe_config["STRIPE_API_BASE"],
                     f"/v1/payment_methods/{card.payment_method_id}")
    assert method["customer"] is None


def test_a_new_card_replaces_the_old_one_which_is_detached(client, collector, stripe_config):
    first = save_card(client)
    first_method = first.payment_method_id
    second = save_card(client, "decline")
    assert (count(StoredCard), second.last4) == (1, "0341")
    assert second.customer_id == first.customer_id
    method = _stripe(stripe_config["STRIPE_API_BASE"], f"/v1/payment_methods/{first_method}")
    assert method["customer"] is None


def test_card_buttons_refuse_what_they_do_not_offer(client, collector, stripe_config):
    token = csrf_token(client, CARD)
    assert client.post(CARD, data={"card": "stolen", "csrf_token": token}).status_code == 400
    assert client.post(CARD, data={"card": "success"}).status_code == 400  # no token
    assert client.post(CARD + "/remove", data={}).status_code == 400
    assert client.get(CARD + "/complete?setup_intent=seti_x").status_code == 404
    assert count(StoredCard) == 0


def test_without_stripe_no_card_can_be_saved(client, collector):
    assert "cannot be saved" in client.get(CARD).get_data(as_text=True)
    response = client.post(CARD, data={"card": "success", "csrf_token": csrf_token(client, CARD)})
    assert response.status_code == 404
    assert db.session.scalar(select(OutboxTask.id)) is None


def test_an_amount_cards_cannot_take_asks_for_another_way(
        client, collector, draft, make_standing, stripe_config, monkeypatch):
    save_card(client)
    monkeypatch.setattr("mall.standing.charging.can_charge", lambda _amount: False)
    make_standing(collector, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert db.session.scalar(select(PaymentAttempt)) is None  # Stripe was not asked
    assert "Cards cannot be charged" in mails_to(collector.email)[0].text_body


def test_without_stripe_a_card_order_waits_with_a_link(client, collector, draft, make_standing):
    db.session.add(StoredCard(buyer_id=collector.id, customer_id="cus_1",
                              payment_method_id="pm_1"))
    db.session.commit()
    make_standing(collector, payment_method=PaymentMethod.CARD)
    put_on_sale(draft["issue"])
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PENDING_PAYMENT
    [mail] = mails_to(collector.email)
    assert "Card payments are unavailable" in mail.text_body
    assert f"/orders/{order.code}/pay" in mail.text_body


def test_a_card_removed_after_the_order_was_placed_asks_to_pay(
        client, collector, draft, make_standing, stripe_config):
    card = save_card(client)
    make_standing(collector, payment_method=PaymentMethod.CARD)
    issue = draft["issue"]
    assert publish(db.session, issue, utcnow())
    db.session.commit()
    announce = select(OutboxTask).where(OutboxTask.kind == "catalogue.issue_published")
    run_task(db.session, db.session.scalar(announce).id, utcnow())
    place = db.session.scalar(select(OutboxTask).where(OutboxTask.kind == "standing.place"))
    run_task(db.session, place.id, utcnow())  # the order, its charge not yet run
    db.session.delete(db.session.get(StoredCard, card.id))
    db.session.commit()
    charge = db.session.scalar(select(OutboxTask).where(OutboxTask.kind == "standing.charge"))
    assert run_task(db.session, charge.id, utcnow())
    dispatch_committed(db.session)  # the mail it wrote
    order = db.session.scalar(select(Order))
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert "No card is saved" in mails_to(collector.email)[0].text_body


def test_the_card_a_setup_saved_is_read_back_only_for_its_customer(stripe_config):
    gateway = StripeGateway(TEST_KEY, api_base=stripe_config["STRIPE_API_BASE"],
                            max_network_retries=0)
    nonce = uuid.uuid4().hex
    customer = gateway.create_customer("ana@example.org", f"test-{nonce}:customer")
    setup = gateway.start_setup(customer, f"test-{nonce}:setup")
    assert gateway.saved_card(setup.payment_id, customer) is None  # not confirmed yet
    base = stripe_config["STRIPE_API_BASE"]
    _stripe(base, f"/v1/setup_intents/{setup.payment_id}/confirm",
            {"payment_method": "pm_card_visa"})  # as Stripe.js does in the browser
    card = gateway.saved_card(setup.payment_id, customer)
    assert (card.customer_id, card.last4, card.exp_year) == (customer, "4242", 2030)
    other = gateway.create_customer("ben@example.org", f"test-{nonce}:other")
    assert gateway.saved_card(setup.payment_id, other) is None


def test_live_mode_saves_the_card_stripe_js_confirmed(client, collector, app, stripe_config):
    """Outside test mode the page carries Stripe's Payment Element for the SetupIntent (the
    browser side is done here by the API call Stripe.js makes), and Stripe.js's return
    keeps the card it saved."""
    app.config.update(STRIPE_SECRET_KEY="sk_live_postmall", STRIPE_PUBLISHABLE_KEY="pk_live_x")
    try:
        assert "TEST MODE" not in client.get(CARD).get_data(as_text=True)
        response = client.post(CARD, data={"csrf_token": csrf_token(client, CARD)})
        html = response.get_data(as_text=True)
        assert 'data-mode="setup"' in html
        assert "script-src 'self' https://js.stripe.com" in response.headers[
            "Content-Security-Policy"]
        setup_id = html.split('data-client-secret="')[1].split("_secret_")[0]
        _stripe(stripe_config["STRIPE_API_BASE"], f"/v1/setup_intents/{setup_id}/confirm",
                {"payment_method": "pm_card_visa"})
        assert client.get(CARD + "/complete?setup_intent=seti_other").status_code == 404
        response = client.post(CARD, data={"csrf_token": csrf_token(client, CARD)})
        setup_id = response.get_data(as_text=True).split(
            'data-client-secret="')[1].split("_secret_")[0]
        _stripe(stripe_config["STRIPE_API_BASE"], f"/v1/setup_intents/{setup_id}/confirm",
                {"payment_method": "pm_card_visa"})
        response = client.get(CARD + f"/complete?setup_intent={setup_id}")
        assert response.status_code == 303
        assert db.session.scalar(select(StoredCard.last4)) == "4242"
        assert client.get(CARD + f"/complete?setup_intent={setup_id}").status_code == 404
    finally:
        app.config.update(STRIPE_SECRET_KEY=TEST_KEY, STRIPE_PUBLISHABLE_KEY="")
