"""The operator's payment desk through the test client: orders placed for real (stock taken,
split by post), money recorded as a person types it, and every way it can be wrong.

An exact payment pays the order once, mails the buyer and leaves one `ReceivedPayment`; a
replayed form changes nothing; a typo, a short, over or wrong-currency payment, too many
decimals or a cancelled order is a form error with the reason, and the order stays as it was."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from flask import render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mall.cart.services import add_to_cart, cart_for
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.money import Money
from mall.operator.forms import AmountError, parse_amount
from mall.operator.models import PaymentChannel, ReceivedPayment
from mall.orders.lifecycle import cancel_order
from mall.orders.models import CancelReason, Order, OrderStatus, PaymentMethod, PostOrderStatus
from mall.orders.placement import OrderRequest, ShippingAddress, lock_quote, place_order
from mall.orders.references import format_reference, payment_reference
from mall.shipping.models import ShippingKind, ShippingMethod, ShippingRate
from mall.shipping.zones import Zone
from mall.visitors.models import Visitor
from tests.orders.conftest import RATES
from tests.support.client import BrowserClient as Browser
from tests.support.hosts import PORTAL, csrf_token
from tests.support.references import TYPED_AS, one_digit_mistyped, typed_order

DESK = PORTAL + "/operator/payments"


@pytest.fixture
def shop(make_post, make_issue, make_product):
    """Two posts, a product and a registered-letter tariff each."""
    products = {}
    for code, price, postage in (("uy", 9000, 40000), ("nl", 1095, 995)):
        post = make_post(code)
        products[code] = make_product(make_issue(post), price_minor=price, stock=5)
        method = ShippingMethod(post_id=post.id, slug=f"registered-{code}",
                                kind=ShippingKind.REGISTERED_LETTER, name={"en": "Registered"},
                                tracked=True, currency=post.currency)
        method.rates = [ShippingRate(post_id=post.id, zone=zone, max_weight_g=2000,
                                     price_minor=postage) for zone in Zone]
        db.session.add(method)
        db.session.commit()
        products[f"{code}_ship"] = method
    return products


@pytest.fixture
def place(shop):
    """`place()` places a real order (stock taken, one post order per post) and returns it."""
    serial = iter(range(1, 1000))

    def place(method: PaymentMethod = PaymentMethod.BANK_TRANSFER, currency: str = "EUR",
              reserve: timedelta = timedelta(days=5), email: str = "claire@example.fr") -> Order:
        n = next(serial)
        visitor = Visitor()
        db.session.add(visitor)
        db.session.flush()
        cart = cart_for(db.session, visitor, None)
        add_to_cart(db.session, cart, shop["uy"].id, 1)
        add_to_cart(db.session, cart, shop["nl"].id, 1)
        quote = lock_quote(db.session, visitor.id, currency, RATES, {"UYU", "EUR"}, 0,
                           utcnow(), 15)
        request = OrderRequest(
            visitor_id=visitor.id, buyer_id=None, email=email, locale="fr",
            address=ShippingAddress(name="Claire Martin", line1="12 rue de la Poste",
                                    city="Lyon", postal_code="69002", country="FR"),
            shipping={shop["uy"].post_id: shop["uy_ship"].id,
                      shop["nl"].post_id: shop["nl_ship"].id},
            payment_method=method, placement_key=f"key-{n}",
        )
        order = place_order(db.session, cart, request, quote, utcnow(), reserve, 1000)
        db.session.commit()
        return order

    return place


def record(client: FlaskClient, order: Order | None = None, **fields):
    """Post the desk's form as a person would fill it for `order`."""
    data = {
        "reference": format_reference(order.payment_reference).lower() if order else "",
        "amount": str(order.total.to_decimal()) if order else "",
        "currency": order.currency if order else "EUR",
        "received_on": date.today().isoformat(),
        "channel": "bank_transfer",
        "note": "Statement 2026-11-29, line 4",
        **fields,
    }
    if "csrf_token" not in data:
        data["csrf_token"] = csrf_token(client, DESK)
    return client.post(DESK, data=data)


def text_of(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def payments_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ReceivedPayment))


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)))


def still_pending(order: Order) -> bool:
    db.session.refresh(order)
    return order.status is OrderStatus.PENDING_PAYMENT and order.paid_at is None


# --- the pending list -------------------------------------------------------------------------


def test_pending_list_shows_orders_waiting_for_money_without_a_card(desk, place):
    transfer = place(email="claire@example.fr")
    counter = place(method=PaymentMethod.COUNTER, email="kim@example.org")
    place(method=PaymentMethod.CARD, email="card@example.org")
    paid = place(email="paid@example.org")
    paid.status = OrderStatus.PAID
    db.session.commit()

    page = text_of(desk.get(DESK))
    for order in (transfer, counter):
        assert order.code in page
        assert format_reference(order.payment_reference) in page
    assert "claire@example.fr" in page
    assert "kim@example.org" in page
    assert "card@example.org" not in page
    assert "paid@example.org" not in page
    assert "2 orders wait for their payment." in page
    counter_row = re.search(rf'id="order-{counter.code}".*?</tr>', page).group(0)
    assert "Post office counter" in counter_row


def test_pending_list_is_paginated(desk, place, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPERATOR_PAGE_SIZE", 2)
    orders = [place() for _ in range(3)]  # the same deadline order as placed
    first, second = text_of(desk.get(DESK)), text_of(desk.get(DESK, query_string={"page": 2}))
    assert orders[0].code in first
    assert orders[1].code in first
    assert orders[2].code not in first
    assert orders[2].code in second
    assert "Page 2 of 2" in second


def test_pending_list_queries_do_not_grow_with_the_orders(desk, place, count_queries):
    place()
    with count_queries() as one:
        assert desk.get(DESK).status_code == 200
    for _ in range(4):
        place()
    with count_queries() as five:
        assert desk.get(DESK).status_code == 200
    assert len(five) == len(one)


# --- recording a payment ------------------------------------------------------------------


def test_an_exact_payment_pays_the_order_mails_the_buyer_and_keeps_a_record(
    desk, place, operator, shop
):
    order = place()
    typed = "  " + format_reference(order.payment_reference).lower().replace(" ", "  ") + " "
    amount = str(order.total.to_decimal()).replace(".", ",")  # a comma is a decimal point too
    response = record(desk, order, reference=typed, amount=amount, channel="counter")
    assert response.status_code == 302
    assert response.headers["Location"] == "/operator/payments"
    page = text_of(desk.get(DESK))
    assert f"order {order.code} is paid" in page
    assert "No order is waiting" in page

    db.session.refresh(order)
    assert order.status is OrderStatus.PAID
    assert order.paid_at is not None
    assert {po.status for po in order.post_orders} == {PostOrderStatus.TO_SHIP}
    payment = db.session.scalars(select(ReceivedPayment)).one()
    assert (payment.order_id, payment.amount, payment.channel, payment.recorded_by_id) == (
        order.id, order.total, PaymentChannel.COUNTER, operator.id)
    assert payment.received_on == date.today()
    assert payment.note == "Statement 2026-11-29, line 4"
    assert {po.post_id for po in payment.order.post_orders} == {
        shop["uy"].post_id, shop["nl"].post_id}

    (mail,) = mails_to("claire@example.fr")
    assert order.code in mail.subject
    assert order.code in mail.text_body
    assert format_reference(order.payment_reference) in mail.text_body
    assert PORTAL + "/" in mail.text_body  # the order page, or the portal
    assert "Page" not in mail.subject  # the buyer's language, not a leftover of the desk
    assert "Recently recorded" in page
    assert "Desk Officer" in page


def test_replaying_the_form_changes_nothing_and_says_so(desk, place):
    order = place()
    token = csrf_token(desk, DESK)
    assert record(desk, order, csrf_token=token).status_code == 302
    db.session.refresh(order)
    paid_at = order.paid_at

    replay = record(desk, order, csrf_token=token)
    assert replay.status_code == 302
    page = text_of(desk.get(DESK))
    assert f"Order {order.code} was already paid" in page
    assert "nothing was changed" in page
    assert "recorded by Desk Officer" in page
    db.session.refresh(order)
    assert order.paid_at == paid_at
    assert payments_count() == 1
    assert len(mails_to("claire@example.fr")) == 1


def test_a_typo_in_the_reference_is_caught_by_its_check_digits(desk, place):
    order = place()
    reference = order.payment_reference
    typo = one_digit_mistyped(reference)
    response = record(desk, order, reference=typo)
    assert response.status_code == 400
    assert "the check digits do not match" in text_of(response)
    assert still_pending(order)
    assert payments_count() == 0


@pytest.mark.parametrize(
    ("reference", "message"),
    [("K7MPQ2ZA", "This is not a payment reference"),
     ("RF18 K7MP-Q2ZA", "only letters and digits"),
     ("", "This field is required.")],
)
def test_what_is_not_a_reference_says_so(desk, place, reference, message):
    order = place()
    response = record(desk, order, reference=reference)
    assert response.status_code == 400
    assert message in text_of(response)
    assert still_pending(order)


def test_a_valid_reference_of_no_order_is_refused(desk, place):
    order = place()
    response = record(desk, order, reference=payment_reference("ZZZZ2222"))
    assert response.status_code == 400
    assert "No order has this reference" in text_of(response)
    assert still_pending(order)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("short", "Short payment: order"),
        ("over", "Overpayment: order"),
        ("currency", "is to be paid in EUR"),
        ("decimals", "Amounts in EUR have at most 2 decimals."),
        ("zero", "The amount must be more than zero."),
        ("letters", "Write the amount in digits"),
        ("both separators", "without thousands separators"),
    ],
)
def test_an_amount_that_does_not_settle_the_order_is_refused_with_the_reason(
    desk, place, change, message
):
    order = place()
    total = order.total.to_decimal()
    fields = {
        "short": {"amount": str(total - Decimal("0.01"))},
        "over": {"amount": str(total + Decimal("1"))},
        "currency": {"currency": "USD"},
        "decimals": {"amount": f"{total}0"},
        "zero": {"amount": "0.00"},
        "letters": {"amount": "twelve"},
        "both separators": {"amount": "1,234.50"},
    }[change]
    response = record(desk, order, **fields)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert still_pending(order)
    assert payments_count() == 0
    assert mails_to("claire@example.fr") == []
    assert 'value="' + fields.get("amount", str(total)) + '"' in response.get_data(as_text=True)


def test_the_short_payment_says_how_much_is_missing(desk, place):
    order = place()
    response = record(desk, order, amount=str(order.total.to_decimal() - Decimal("2.50")))
    assert "€2.50 more than the" in text_of(response)


def test_a_payment_for_a_cancelled_order_is_refused_with_what_to_do(desk, place, shop):
    order = place()
    cancel_order(db.session, order, CancelReason.EXPIRED, utcnow())
    db.session.commit()
    response = record(desk, order)
    assert response.status_code == 409
    page = text_of(response)
    assert f"Order {order.code} was cancelled on" in page
    assert "not paid before its reservation ran out" in page
    assert "Refund the buyer, or re-open the order" in page
    assert "re-opening is not available at this desk yet" in page
    db.session.refresh(order)
    assert order.status is OrderStatus.CANCELLED
    assert payments_count() == 0
    stock = db.session.scalar(select(Product.stock).where(Product.id == shop["uy"].id))
    assert stock == 5  # the stamps stayed back on sale


def test_a_card_order_is_not_paid_at_the_desk(desk, place):
    order = place(method=PaymentMethod.CARD)
    response = record(desk, order)
    assert response.status_code == 409
    assert "is paid by card" in text_of(response)
    assert still_pending(order)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"received_on": "29/11/2026"}, "Not a valid date value."),
        ({"received_on": (date.today() + timedelta(days=3)).isoformat()},
         "This date is in the future."),
        ({"currency": "XYZ"}, "Not a valid choice."),
        ({"channel": "cash"}, "Not a valid choice."),
        ({"note": "x" * 501}, "Field cannot be longer than 500 characters."),
        ({"amount": "9" * 40}, "Field cannot be longer than 32 characters."),
    ],
)
def test_bad_input_is_a_form_error_not_a_crash(desk, place, fields, message):
    order = place()
    response = record(desk, order, **fields)
    assert response.status_code == 400
    assert message in text_of(response)
    assert still_pending(order)


def test_the_form_needs_a_csrf_token(desk, place):
    order = place()
    response = record(desk, order, csrf_token="")
    assert response.status_code == 400
    assert still_pending(order)


def test_no_payment_can_be_recorded_without_an_operator(app, place):
    order = place()
    stranger = Browser(app, app.response_class, use_cookies=True)
    token = csrf_token(stranger, PORTAL + "/")
    response = stranger.post(DESK, data={
        "reference": order.payment_reference, "amount": str(order.total.to_decimal()),
        "currency": "EUR", "received_on": date.today().isoformat(),
        "channel": "bank_transfer", "csrf_token": token})
    assert response.status_code == 302
    assert still_pending(order)


# --- amounts, exactly -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("15", "EUR", 1500), ("15.5", "EUR", 1550), ("1 234,50", "EUR", 123450),
     ("1\u202f234.05", "EUR", 123405), ("1500", "JPY", 1500), ("1.234", "KWD", 1234),
     ("007.10", "UYU", 710)],
)
def test_amounts_are_read_exactly(app, text, currency, minor):
    with app.test_request_context():
        assert parse_amount(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency"),
    [("15.5", "JPY"), ("1.2345", "KWD"), ("0.001", "EUR"), ("-5", "EUR"), ("1e3", "EUR"),
     ("NaN", "EUR"), ("1.", "EUR"), (".5", "EUR"), ("1,234.50", "EUR")],
)
def test_amounts_that_are_not_exact_are_refused(app, text, currency):
    with app.test_request_context(), pytest.raises(AmountError):
        parse_amount(text, currency)


# --- what the buyer reads -------------------------------------------------------------------


@pytest.mark.parametrize("method", [PaymentMethod.BANK_TRANSFER, PaymentMethod.COUNTER])
def test_payment_instructions_show_amount_reference_account_and_deadline(app, place, method):
    order = place(method=method)
    with app.test_request_context(base_url=PORTAL):
        html = unescape(render_template("orders/_instructions.html", order=order))
        text = render_template("mail/payment_instructions.txt", order=order)
    for body in (html, text):
        assert format_reference(order.payment_reference) in body
        assert "Post Mall operator (UPU)" in body
        assert "CH93 0076 2011 6238 5295 7" in body
        assert "Demo: these bank details are examples" in body
        assert "any post office of a post that takes part" in body
        assert "never ask for your card number" in body
        assert str(order.reserved_until.year) in body
    first = "By bank transfer" if method is PaymentMethod.BANK_TRANSFER else "At a post office"
    assert html.index(first) < html.index("What happens next")
    assert min(html.index("By bank transfer"), html.index("At a post office")) == html.index(first)


def test_without_a_configured_account_there_are_no_bank_details(app, place, monkeypatch):
    monkeypatch.setitem(app.config, "OFFLINE_BANK_ACCOUNT", None)
    order = place()
    with app.test_request_context(base_url=PORTAL):
        html = unescape(render_template("orders/_instructions.html", order=order))
    assert "IBAN" not in html
    assert "Paying by bank transfer is not possible at the moment" in html
    assert format_reference(order.payment_reference) in html


def test_the_desk_warns_when_exchange_rates_are_stale(app, desk):
    from datetime import timedelta

    from mall.rates.services import set_operator_rate

    set_operator_rate(db.session, "UYU", "46.08", (utcnow() - timedelta(days=9)).date())
    db.session.commit()
    page = text_of(desk.get(DESK))
    assert "Exchange rates are out of date" in page
    assert "UYU (9 days old)" in page


# --- finding an order -------------------------------------------------------------------------


@pytest.mark.parametrize("typed_as", TYPED_AS)
def test_the_operator_finds_an_order_by_its_code_or_its_reference(desk, place, typed_as):
    order = place()
    typed = typed_order(order, typed_as)
    response = desk.get(PORTAL + "/operator/orders", query_string={"q": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/operator/orders/{order.code}")


@pytest.mark.parametrize("typed", ["K7MPQ2ZA", "RF00 K7MP Q2ZA", "RF18 K7MP Q2"])
def test_an_order_the_operator_cannot_find_is_a_404_that_says_so(desk, place, typed):
    place()
    response = desk.get(PORTAL + "/operator/orders", query_string={"q": typed})
    assert response.status_code == 404
    assert typed.replace(" ", "") in text_of(response)
