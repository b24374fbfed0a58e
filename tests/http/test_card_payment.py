"""Paying by card, against a real fake Stripe (localstripe) through the real stripe library:
one PaymentIntent per order in the presentment currency, Stripe's test cards confirmed on
the server, declines and retries with new intents, cancelling, and the webhook endpoint —
signed events delivered three times or out of order change the order once."""

from __future__ import annotations

import json
import queue
import re
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
import stripe
from sqlalchemy import func, select

from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.money import Money
from mall.orders.models import CancelReason, Order, OrderStatus, PaymentMethod, PostOrderStatus
from mall.payments.attempts import AttemptStatus, PaymentAttempt
from mall.payments.card import can_charge, cancel
from mall.payments.models import ProcessedEvent
from mall.payments.stripe_gateway import StripeGateway
from mall.payments.stripe_units import to_stripe
from tests.support.checkout import (
    TEST_KEY,
    WEBHOOK_SECRET,
    add_to_cart,
    cart_lines,
    choose_currency,
    choose_shipping,
    follow,
    give_address,
    go_to_review,
    latest_order,
    path_of,
    place,
    review,
    stock,
)
from tests.support.hosts import PORTAL, csrf_token

#: client, rates, shop, stripe_config (and localstripe)
pytest_plugins = ["tests.support.checkout_fixtures"]

WEBHOOK = PORTAL + "/webhooks/stripe"


@pytest.fixture
def card_shop(shop: dict[str, Any], stripe_config: dict[str, Any]) -> dict[str, Any]:
    return shop


def fill(client, shop) -> None:
    add_to_cart(client, shop["sheet"], 2)
    add_to_cart(client, shop["booklet"], 1)


def card_order(client, shop, currency: str = "USD") -> Order:
    """Checkout by card: the order is placed, its intent created, the pay page next."""
    fill(client, shop)
    choose_currency(client, currency)
    page = go_to_review(client, shop)
    assert 'value="card"' in page.html
    assert "TEST MODE — no real money" in page.html
    response = place(client, page.form("card"))
    order = latest_order()
    assert (response.status_code, path_of(response)) == (303, f"/orders/{order.code}/pay")
    return order


def pay(client, order: Order, card: str) -> Any:
    url = PORTAL + f"/orders/{order.code}/pay"
    token = csrf_token(client, PORTAL + "/cart")  # the session's token; the pay page may be gone
    return client.post(url, data={"card": card, "csrf_token": token})


def attempts(order: Order) -> list[tuple[int, AttemptStatus]]:
    db.session.expire_all()
    return [
        (a.attempt, a.status)
        for a in db.session.scalars(
            select(PaymentAttempt).where(PaymentAttempt.order_id == order.id)
            .order_by(PaymentAttempt.attempt)
        )
    ]


def intent(localstripe: str, payment_id: str) -> dict[str, Any]:
    """The PaymentIntent as localstripe holds it."""
    with requests.Session() as session:
        session.trust_env = False
        response = session.get(
            f"{localstripe}/v1/payment_intents/{payment_id}", auth=(TEST_KEY, ""), timeout=10
        )
    assert response.status_code == 200, response.text
    return response.json()


def mails(subject_part: str) -> list[OutboxMessage]:
    return [m for m in db.session.scalars(select(OutboxMessage)) if subject_part in m.subject]


def reload(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


# --- paying with Stripe's test cards --------------------------------------------------


def test_a_card_payment_pays_the_whole_order_once(client, card_shop, stripe_config):
    shop = card_shop
    order = card_order(client, shop)
    assert order.payment_method is PaymentMethod.CARD
    assert order.reserved_until - order.created_at == timedelta(minutes=30)
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)
    assert cart_lines() == {}
    sent = intent(stripe_config["STRIPE_API_BASE"], order.payment_id)
    assert (sent["amount"], sent["currency"]) == (to_stripe(order.total)[0], "usd")
    assert sent["transfer_group"] == order.code
    assert sent["metadata"] == {"order_ref": order.code, "order_code": order.code, "attempt": "1"}

    page = client.get(PORTAL + f"/orders/{order.code}/pay")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "TEST MODE — no real money" in html
    assert "Pay with test card 4242 (succeeds)" in html
    assert "Pay with test card (declined)" in html
    assert "js.stripe.com" not in page.headers["Content-Security-Policy"]

    response = pay(client, order, "success")
    assert (response.status_code, path_of(response)) == (303, f"/orders/{order.code}")
    order = reload(order)
    assert order.status is OrderStatus.PAID
    assert all(po.status is PostOrderStatus.TO_SHIP for po in order.post_orders)
    assert intent(stripe_config["STRIPE_API_BASE"], order.payment_id)["status"] == "succeeded"
    assert attempts(order) == [(1, AttemptStatus.SUCCEEDED)]
    [paid] = mails("Payment received")
    assert paid.recipient == "claire@example.fr"
    assert order.code in paid.text_body
    assert mails("Your order") == []  # no "how to pay" mail for a card order

    shown = follow(client, response).get_data(as_text=True)
    assert "Thank you: your payment was received." in shown
    assert shown.count("Paid — being packed") == 2

    # A second click on the pay button changes nothing.
    again = pay(client, order, "success")
    assert path_of(again) == f"/orders/{order.code}"
    assert len(mails("Payment received")) == 1
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)


def test_a_declined_card_can_be_retried_with_a_new_intent(client, card_shop, stripe_config):
    shop = card_shop
    order = card_order(client, shop)
    first_intent = order.payment_id

    declined = pay(client, order, "decline")
    assert (declined.status_code, path_of(declined)) == (303, f"/orders/{order.code}/pay")
    html = follow(client, declined).get_data(as_text=True)
    assert "Your last card payment was declined. Nothing was charged." in html
    assert "You can try 2 more times, or cancel the order and pay another way." in html
    assert reload(order).status is OrderStatus.PENDING_PAYMENT
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)  # still held for the buyer
    assert attempts(order) == [(1, AttemptStatus.DECLINED)]

    paid = pay(client, order, "success")
    assert path_of(paid) == f"/orders/{order.code}"
    order = reload(order)
    assert order.status is OrderStatus.PAID
    assert attempts(order) == [(1, AttemptStatus.DECLINED), (2, AttemptStatus.SUCCEEDED)]
    assert order.payment_id != first_intent
    base = stripe_config["STRIPE_API_BASE"]
    assert intent(base, first_intent)["status"] == "requires_payment_method"
    assert intent(base, order.payment_id)["metadata"]["attempt"] == "2"
    assert len(mails("Payment received")) == 1


def test_decline_then_cancel_gives_the_stock_back_and_refills_the_cart(
    client, card_shop, stripe_config
):
    shop = card_shop
    order = card_order(client, shop)
    pay(client, order, "decline")
    url = PORTAL + f"/orders/{order.code}/cancel"
    token = csrf_token(client, PORTAL + f"/orders/{order.code}")
    response = client.post(url, data={"csrf_token": token})
    assert (response.status_code, path_of(response)) == (303, f"/orders/{order.code}")
    assert "2 items are back in your cart" in follow(client, response).get_data(as_text=True)
    order = reload(order)
    assert order.status is OrderStatus.CANCELLED
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 5)
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}
    assert intent(stripe_config["STRIPE_API_BASE"], order.payment_id)["status"] == "canceled"
    # The pay page no longer takes a card for it.
    assert path_of(pay(client, order, "success")) == f"/orders/{order.code}"
    assert reload(order).status is OrderStatus.CANCELLED


def test_too_many_declines_cancel_the_order(client, card_shop, app):
    shop = card_shop
    order = card_order(client, shop)
    for _ in range(app.config["CARD_MAX_ATTEMPTS"] - 1):
        assert path_of(pay(client, order, "decline")) == f"/orders/{order.code}/pay"
    last = pay(client, order, "decline")
    assert (last.status_code, path_of(last)) == (303, "/cart")
    assert "declined too many times" in follow(client, last).get_data(as_text=True)
    assert reload(order).status is OrderStatus.CANCELLED
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 5)
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}
    assert [status for _n, status in attempts(order)] == [AttemptStatus.DECLINED] * 3


def test_the_return_from_stripe_js_records_the_payment(client, card_shop, stripe_config):
    """Live mode's road, with the browser's part played by the gateway: Stripe.js confirms
    the intent, then the buyer lands on /pay/complete, which asks Stripe."""
    order = card_order(client, card_shop)
    browser = StripeGateway.from_config(stripe_config)
    browser.confirm_test_card(order.payment_id, "success", f"browser-{uuid.uuid4().hex}")
    response = client.get(PORTAL + f"/orders/{order.code}/pay/complete")
    assert path_of(response) == f"/orders/{order.code}"
    assert reload(order).status is OrderStatus.PAID
    assert len(mails("Payment received")) == 1


@pytest.mark.parametrize("card", ["success", "nonsense", ""])
def test_the_test_card_form_refuses_anything_else(client, card_shop, card):
    order = card_order(client, card_shop)
    url = PORTAL + f"/orders/{order.code}/pay"
    data = {"card": card, "csrf_token": csrf_token(client, url)}
    if card == "success":
        data.pop("csrf_token")
    assert client.post(url, data=data).status_code == 400
    assert reload(order).status is OrderStatus.PENDING_PAYMENT


def kwd_review(client, shop) -> Any:
    """Two booklets of the Netherlands in KWD: 21.90 EUR → 7.251 KWD, shipping 9.95 EUR →
    3.294 KWD, 10.545 KWD in all — a total no card can pay as it is (Stripe takes KWD in
    steps of 10 fils)."""
    add_to_cart(client, shop["booklet"], 2)
    choose_currency(client, "KWD")
    give_address(client)
    choose_shipping(client, {shop["nl"]: shop["nl_registered"]})
    page = review(client)
    assert not can_charge(Money(10545, "KWD"))
    return page


def dd(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, f"no #{element_id}"
    return plain(match.group(1))


def plain(text: str) -> str:
    """Babel puts a no-break space between code and amount: read it as a space."""
    return text.replace("\xa0", " ")


def test_a_kwd_total_is_rounded_for_the_card_before_paying_and_charged_as_shown(
    client, card_shop, stripe_config
):
    page = kwd_review(client, card_shop)
    assert plain(page.total) == "KWD 10.545"  # the exact total, what a bank transfer pays
    assert dd(page.html, "card-rounding-amount") == "+KWD 0.005"
    assert dd(page.html, "card-total") == "KWD 10.550"
    assert "You pay KWD 10.550 by card." in plain(page.html)
    assert not re.search(r'value="card" required\s+disabled', page.html)

    response = place(client, page.form("card"))
    order = latest_order()
    assert (response.status_code, path_of(response)) == (303, f"/orders/{order.code}/pay")
    # What the buyer was shown is what the order holds and what Stripe is asked for.
    assert (order.goods_minor + order.shipping_minor, order.rounding_minor) == (10545, 5)
    assert order.total == Money(10550, "KWD")
    sent = intent(stripe_config["STRIPE_API_BASE"], order.payment_id)
    assert (sent["amount"], sent["currency"]) == (10550, "kwd")
    # Money balances: the posts' shares plus the operator's rounding are the total, exactly.
    shares = sum(po.presentment_total.amount for po in order.post_orders)
    assert shares + order.rounding_minor == order.total_minor

    pay_page = plain(client.get(PORTAL + f"/orders/{order.code}/pay").get_data(as_text=True))
    assert "KWD 10.550" in pay_page
    assert "rounding for card payment KWD 0.005" in pay_page
    paid = pay(client, order, "success")
    assert path_of(paid) == f"/orders/{order.code}"
    order = reload(order)
    assert order.status is OrderStatus.PAID
    shown = follow(client, paid).get_data(as_text=True)
    assert "Rounding for card payment" in shown
    assert dd(shown, "card-rounding-amount") == "+KWD 0.005"
    assert dd(shown, "order-total") == "KWD 10.550"
    [mail] = mails("Payment received")
    assert "Rounding for card payment: KWD 0.005" in plain(mail.text_body)
    assert "Paid: KWD 10.550" in plain(mail.text_body)


def test_a_kwd_order_paid_without_a_card_is_not_rounded(client, card_shop):
    page = kwd_review(client, card_shop)
    response = place(client, page.form("bank_transfer"))
    assert response.status_code == 303
    order = latest_order()
    assert (order.total_minor, order.rounding_minor) == (10545, 0)
    shown = follow(client, response).get_data(as_text=True)
    assert "Rounding for card payment" not in shown
    assert dd(shown, "order-total") == "KWD 10.545"


def test_a_card_order_that_needs_no_rounding_shows_none(client, card_shop):
    order = card_order(client, card_shop, "USD")
    assert order.rounding_minor == 0
    page = client.get(PORTAL + f"/orders/{order.code}").get_data(as_text=True)
    assert "Rounding for card payment" not in page


# --- webhooks -------------------------------------------------------------------------


def signed(body: dict[str, Any], secret: str = WEBHOOK_SECRET, age: int = 0) -> tuple[bytes, str]:
    payload = json.dumps(body).encode()
    header = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=int(time.time()) - age
    )
    return payload, header


def event(kind: str, order: Order, payment_id: str | None = None, *,
          amount: int | None = None, event_id: str | None = None) -> dict[str, Any]:
    units, currency = to_stripe(order.total)
    obj: dict[str, Any] = {
        "id": payment_id or order.payment_id,
        "object": "payment_intent",
        "amount": units if amount is None else amount,
        "currency": currency,
        "metadata": {"order_ref": order.code},
        "status": "succeeded" if kind == "succeeded" else "requires_payment_method",
    }
    if kind == "payment_failed":
        obj["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": f"payment_intent.{kind}",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def deliver(client, body: dict[str, Any] | bytes, header: str | None = None) -> Any:
    if isinstance(body, dict):
        body, header = signed(body)
    headers = {"Stripe-Signature": header} if header is not None else {}
    return client.post(WEBHOOK, data=body, headers=headers, content_type="application/json")


def test_a_webhook_delivered_three_times_changes_the_order_once(client, card_shop):
    order = card_order(client, card_shop)
    succeeded = event("succeeded", order)
    outcomes = [deliver(client, succeeded) for _ in range(3)]
    assert [r.status_code for r in outcomes] == [200, 200, 200]
    assert [r.json["outcome"] for r in outcomes] == ["paid", "duplicate", "duplicate"]
    order = reload(order)
    paid_at = order.paid_at
    assert order.status is OrderStatus.PAID
    assert len(mails("Payment received")) == 1
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 1

    # Stripe may also send a second event about the same payment: it changes nothing.
    assert deliver(client, event("succeeded", order)).json["outcome"] == "already_paid"
    assert reload(order).paid_at == paid_at
    assert len(mails("Payment received")) == 1


def test_a_failure_delivered_after_the_success_does_not_unpay(client, card_shop):
    shop = card_shop
    order = card_order(client, shop)
    assert deliver(client, event("succeeded", order)).json["outcome"] == "paid"
    late = deliver(client, event("payment_failed", order))
    assert (late.status_code, late.json["outcome"]) == (200, "already_paid")
    order = reload(order)
    assert order.status is OrderStatus.PAID
    assert attempts(order) == [(1, AttemptStatus.SUCCEEDED)]
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)


def test_a_failure_then_a_success_of_the_same_intent_pays(client, card_shop):
    order = card_order(client, card_shop)
    failed = deliver(client, event("payment_failed", order))
    assert failed.json["outcome"] == "declined"
    assert "Your last card payment was declined." in client.get(
        PORTAL + f"/orders/{order.code}/pay").get_data(as_text=True)
    assert reload(order).status is OrderStatus.PENDING_PAYMENT
    assert deliver(client, event("succeeded", order)).json["outcome"] == "paid"
    assert reload(order).status is OrderStatus.PAID


def test_the_webhook_after_the_page_paid_changes_nothing(client, card_shop, localstripe):
    """The real delivery localstripe makes for the payment, replayed to the portal after the
    synchronous path marked the order paid."""
    with _receiver(localstripe) as receiver:
        order = card_order(client, card_shop)
        pay(client, order, "success")
        body, header = receiver.wait_for("payment_intent.succeeded", order.payment_id)
    response = deliver(client, body, header)
    assert (response.status_code, response.json["outcome"]) == (200, "already_paid")
    assert len(mails("Payment received")) == 1


def test_a_real_delivery_from_localstripe_pays_the_order(client, card_shop, localstripe,
                                                          stripe_config):
    with _receiver(localstripe) as receiver:
        order = card_order(client, card_shop)
        browser = StripeGateway.from_config(stripe_config)
        browser.confirm_test_card(order.payment_id, "success", f"browser-{uuid.uuid4().hex}")
        body, header = receiver.wait_for("payment_intent.succeeded", order.payment_id)
    assert deliver(client, body, header).json["outcome"] == "paid"
    assert reload(order).status is OrderStatus.PAID


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("wrong secret", "No signatures found matching"),
        ("no header", "Missing Stripe-Signature header"),
        ("stale", "tolerance"),
        ("altered body", "No signatures found matching"),
        ("not json", "No signatures found matching"),
    ],
)
def test_a_bad_signature_is_a_400_with_a_reason_and_changes_nothing(client, card_shop, tamper,
                                                                     reason):
    order = card_order(client, card_shop)
    body = event("succeeded", order)
    payload, header = signed(body, "whsec_someone_else" if tamper == "wrong secret" else
                             WEBHOOK_SECRET, age=600 if tamper == "stale" else 0)
    if tamper == "altered body":
        payload = payload.replace(b'"amount": ', b'"amount": 1')
    if tamper == "not json":
        payload = b"{not json"
    response = deliver(client, payload, None if tamper == "no header" else header)
    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"
    assert reason in response.json["reason"]
    assert reload(order).status is OrderStatus.PENDING_PAYMENT
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


def test_events_of_no_interest_are_acknowledged(client, card_shop):
    order = card_order(client, card_shop)
    other = {**event("succeeded", order), "type": "charge.refunded"}
    assert deliver(client, other).json["outcome"] == "ignored"
    stranger = event("succeeded", order, payment_id="pi_not_ours")
    stranger["data"]["object"]["metadata"] = {"order_ref": "NOTOURS1"}
    assert deliver(client, stranger).json["outcome"] == "unknown payment"
    assert reload(order).status is OrderStatus.PENDING_PAYMENT
    assert client.get(WEBHOOK).status_code == 405


def test_a_success_for_the_wrong_amount_does_not_pay(client, card_shop):
    order = card_order(client, card_shop)
    response = deliver(client, event("succeeded", order, amount=to_stripe(order.total)[0] - 1))
    assert response.status_code == 200
    assert reload(order).status is OrderStatus.PENDING_PAYMENT


def test_money_for_a_cancelled_order_goes_back(client, card_shop, stripe_config):
    """The reservation ran out and the order was cancelled, but the buyer's card was charged
    anyway (a slow 3-D Secure, a second tab): the webhook refunds it."""
    order = card_order(client, card_shop)
    cancel(db.session, order, CancelReason.EXPIRED, utcnow())
    db.session.commit()
    browser = StripeGateway.from_config(stripe_config)
    browser.confirm_test_card(order.payment_id, "success", f"browser-{uuid.uuid4().hex}")
    response = deliver(client, event("succeeded", order))
    assert (response.status_code, response.json["outcome"]) == (200, "cancelled")
    assert reload(order).status is OrderStatus.CANCELLED
    assert browser.retrieve(order.payment_id).amount_refunded == order.total
    assert db.session.scalar(select(func.sum(Product.stock))) == 5 + 40 + 5


# --- a loopback receiver for localstripe's own deliveries -------------------------------


class _Receiver:
    def __init__(self) -> None:
        deliveries: queue.Queue[tuple[bytes, str]] = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                deliveries.put((body, self.headers.get("Stripe-Signature", "")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.deliveries = deliveries
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, kind: str, payment_id: str, timeout: float = 10.0) -> tuple[bytes, str]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                body, header = self.deliveries.get(timeout=left)
            except queue.Empty:
                break
            sent = json.loads(body)
            if sent["type"] == kind and sent["data"]["object"]["id"] == payment_id:
                return body, header
        raise AssertionError(f"no {kind} for {payment_id}")


class _receiver:  # noqa: N801 - used as a context manager, like a function
    """localstripe delivers to a loopback receiver signed with the app's webhook secret."""

    def __init__(self, localstripe: str) -> None:
        self.endpoint = f"{localstripe}/_config/webhooks/{uuid.uuid4().hex}"
        self.session = requests.Session()
        self.session.trust_env = False

    def __enter__(self) -> _Receiver:
        self.receiver = _Receiver()
        response = self.session.post(
            self.endpoint, data={"url": self.receiver.url, "secret": WEBHOOK_SECRET}, timeout=10
        )
        assert response.status_code == 200, response.text
        return self.receiver

    def __exit__(self, *exc: object) -> None:
        self.session.delete(self.endpoint, timeout=10)
        self.session.close()
        self.receiver.server.shutdown()
        self.receiver.server.server_close()
        self.receiver.thread.join()


def test_live_mode_serves_stripe_js_with_its_csp(client, card_shop, app):
    """Outside test mode the pay page carries Stripe's Payment Element (the browser side is
    not run here) and no test cards; the page's CSP lets Stripe.js in, and only there."""
    app.config.update(STRIPE_SECRET_KEY="sk_live_postmall", STRIPE_PUBLISHABLE_KEY="pk_live_x")
    try:
        fill(client, card_shop)
        page = go_to_review(client, card_shop)
        assert "TEST MODE" not in page.html
        order_page = follow(client, place(client, page.form("card")))
        html = order_page.get_data(as_text=True)
        assert 'id="payment-element"' in html
        assert 'data-publishable-key="pk_live_x"' in html
        assert f'data-client-secret="{latest_order().payment_id}_secret' in html
        assert "Pay with test card" not in html
        csp = order_page.headers["Content-Security-Policy"]
        assert "script-src 'self' https://js.stripe.com" in csp
        assert "frame-src 'self' https://js.stripe.com https://hooks.stripe.com" in csp
        assert "js.stripe.com" not in client.get(PORTAL + "/cart").headers[
            "Content-Security-Policy"]
        url = PORTAL + f"/orders/{latest_order().code}/pay"
        token = csrf_token(client, PORTAL + "/cart")
        assert client.post(url, data={"card": "success", "csrf_token": token}).status_code == 404
    finally:
        app.config.update(STRIPE_SECRET_KEY=TEST_KEY, STRIPE_PUBLISHABLE_KEY="")
