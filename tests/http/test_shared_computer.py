"""A shared computer: buyer A signs in, orders, keeps a cart, a saved address and a checkout
half typed in, then signs out — here, on a storefront, or everywhere from another browser.
Every route of the buyer's data (the URL map's, not a hand-picked list) is then tried at
that browser, before and after buyer B signs in there: nothing of A shows, and nothing of
A's changes. Guest orders stay reachable by their guest through the signed link of their
mails, and by nobody else."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask, url_for
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select
from werkzeug.routing import Rule

from mall.accounts.models import Address, Buyer
from mall.accounts.passwords import hash_password
from mall.cart.models import Cart, CartLine
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.orders.guest_links import guest_pass
from mall.orders.lifecycle import record_payment
from mall.orders.models import Order, OrderStatus
from tests.support.checkout import (
    ADDRESS,
    add_to_cart,
    checkout,
    give_address,
)
from tests.support.hosts import PORTAL, csrf_token, link, storefront

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

UY = storefront("uy")
PASSWORD = "correct horse battery"
#: The blueprints whose routes show or change a buyer's data.
BUYER_BLUEPRINTS = {"orders", "checkout", "placing", "cart", "profile", "accounts"}
#: A value for every URL parameter those routes take.
PARAMETERS = ("code", "post_code", "address_id", "line_id", "token", "site")


# --- the shared browser -------------------------------------------------------------------


def make_buyer(email: str, name: str) -> Buyer:
    buyer = Buyer(email=email, password_hash=hash_password(PASSWORD), name=name)
    db.session.add(buyer)
    db.session.commit()
    return buyer


def sign_in(client, email: str) -> None:
    url = PORTAL + "/account/sign-in"
    response = client.post(url, data={"email": email, "password": PASSWORD,
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)


def sign_out(client, base: str = PORTAL) -> None:
    response = client.post(base + "/account/sign-out",
                           data={"csrf_token": csrf_token(client, base + "/")})
    assert response.status_code == 302


def paid(order: Order) -> Order:
    record_payment(db.session, order, order.total, utcnow())
    db.session.commit()
    return order


class Trace:
    """Everything of A's that must not show or change: the words and the rows."""

    def __init__(self, client, shop: dict[str, Any]) -> None:
        self.buyer = make_buyer("ana@example.org", "Ana Almeida")
        sign_in(client, self.buyer.email)
        link(client, UY)  # the storefront knows A too
        add_to_cart(client, shop["sheet"])
        self.paid = paid(checkout(client, shop))
        add_to_cart(client, shop["booklet"])
        self.unpaid = checkout(client, shop)
        add_to_cart(client, shop["stamp"], 2)
        assert give_address(client, line1="9 Rua Augusta").status_code == 303  # half typed
        self.address = Address(buyer_id=self.buyer.id, name="Ana Almeida",
                               line1="7 Avenida Brasil", city="Lisboa", country="PT")
        db.session.add(self.address)
        db.session.commit()
        self.cart = db.session.scalars(select(Cart).where(Cart.buyer_id == self.buyer.id)).one()
        self.line_id = db.session.scalars(
            select(CartLine.id).where(CartLine.cart_id == self.cart.id)
        ).one()
        self.words = [
            "Ana Almeida", self.buyer.email, ADDRESS["name"], ADDRESS["email"],
            "rue de la Poste", "Rua Augusta", "Avenida Brasil", self.paid.code, self.unpaid.code,
        ]

    def shown_in(self, html: str) -> list[str]:
        return [word for word in self.words if word in html]

    def rows(self) -> tuple:
        """What A's data is now, to compare after the sweep."""
        db.session.expire_all()
        return (
            db.session.get(Order, self.paid.id).status,
            db.session.get(Order, self.unpaid.id).status,
            _address_fields(db.session.get(Address, self.address.id)),
            sorted((line.product_id, line.quantity) for line in db.session.scalars(
                select(CartLine).where(CartLine.cart_id == self.cart.id))),
            db.session.get(Buyer, self.buyer.id).name,
        )


def _address_fields(address: Address | None) -> tuple | None:
    return None if address is None else (address.name, address.line1, address.city)


@pytest.fixture
def trace(client, shop) -> Trace:
    return Trace(client, shop)


def signed_out_here(client, trace, other_client) -> None:
    sign_out(client, PORTAL)


def signed_out_on_a_storefront(client, trace, other_client) -> None:
    sign_out(client, UY)


def signed_out_everywhere_from_another_browser(client, trace, other_client) -> None:
    sign_in(other_client, trace.buyer.email)
    sign_out(other_client, PORTAL)


SIGN_OUTS = [signed_out_here, signed_out_on_a_storefront,
             signed_out_everywhere_from_another_browser]


# --- the sweep ----------------------------------------------------------------------------


def buyer_routes(app: Flask) -> list[Rule]:
    rules = [
        rule for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in BUYER_BLUEPRINTS
    ]
    for rule in rules:  # a route with a parameter the sweep cannot fill would be skipped
        assert set(rule.arguments) <= set(PARAMETERS), rule
    return rules


def route_urls(rule: Rule, trace: Trace) -> list[str]:
    """The rule's address for each of A's orders (or once, without an order)."""
    values: dict[str, Any] = {
        "post_code": "uy", "address_id": trace.address.id, "line_id": trace.line_id,
        "token": "x", "site": "stamps",
    }
    codes = [trace.paid.code, trace.unpaid.code] if "code" in rule.arguments else [None]
    urls = []
    for code in codes:
        arguments = {k: v for k, v in {**values, "code": code}.items() if k in rule.arguments}
        urls.append(url_for(rule.endpoint, _external=True, **arguments))
    return urls


#: Form fields that would act on A's data if anything let them through.
ACTING_FORM = {
    "quantity": "7", "card": "success", "payment_method": "bank_transfer", "name": "Mallory",
    "line1": "1 Taken Street", "city": "Elsewhere", "country": "FR", "email": "m@example.org",
    "method-1": "1", "use": "saved", "saved-address": "0",
}


def _without_address(page: str, url: str) -> str:
    """The page without the address asked for (echoed in language links, `next`): an order
    code there is what the browser sent, not something shown."""
    path = urlsplit(url).path
    for form in (path, quote(path, safe=""), quote(path)):
        page = page.replace(form, "")
    return page


def sweep(client, app: Flask, trace: Trace) -> list[str]:
    """Try every buyer route at this browser; return what showed A's data."""
    before = trace.rows()
    leaks = []
    token = csrf_token(client, PORTAL + "/cart")
    for rule in buyer_routes(app):
        if rule.endpoint == "accounts.sign_out":
            continue  # tried by every scenario itself
        for url in route_urls(rule, trace):
            for method in sorted(rule.methods & {"GET", "POST"}):
                data = {**ACTING_FORM, "saved-address": str(trace.address.id),
                        "csrf_token": token} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                page = response.get_data(as_text=True) + response.headers.get("Location", "")
                shown = trace.shown_in(_without_address(page, url))
                if shown:
                    leaks.append(f"{method} {url}: {shown}")
                if rule.endpoint.startswith("orders.") and rule.endpoint != "orders.history":
                    assert response.status_code == 404, (method, url, response.status_code)
    assert trace.rows() == before, "A's data changed"
    return leaks


@pytest.mark.parametrize("signing_out", SIGN_OUTS)
def test_after_sign_out_no_route_shows_or_changes_anything_of_a(
    client, other_client, app, trace, signing_out
):
    signing_out(client, trace, other_client)
    assert sweep(client, app, trace) == []
    for base in (PORTAL, UY):
        assert trace.shown_in(client.get(base + "/").get_data(as_text=True)) == []


@pytest.mark.parametrize("signing_out", SIGN_OUTS)
def test_b_signing_in_after_a_sees_nothing_of_a(client, other_client, app, trace, signing_out):
    signing_out(client, trace, other_client)
    make_buyer("bruno@example.org", "Bruno Braga")
    sign_in(client, "bruno@example.org")
    assert "Bruno Braga" in client.get(PORTAL + "/account/").get_data(as_text=True)
    assert sweep(client, app, trace) == []


def test_signing_out_leaves_a_new_visitor_no_checkout_and_an_empty_cart(
    client, other_client, trace, shop
):
    def visitor_ids() -> dict[str, int | None]:
        ids = {}
        for base in (PORTAL, UY):
            with client.session_transaction(base_url=base) as session:
                ids[base] = session.get("visitor_id")
        return ids

    def checkout_kept() -> bool:
        with client.session_transaction(base_url=PORTAL) as session:
            return "checkout" in session

    first = visitor_ids()[PORTAL]
    assert checkout_kept()
    sign_out(client, UY)
    client.get(PORTAL + "/")  # the portal forgets the visit at its next request
    assert visitor_ids() == {PORTAL: None, UY: None}
    assert not checkout_kept()
    cart = client.get(PORTAL + "/cart").get_data(as_text=True)
    assert "Wetlands" not in cart
    add_to_cart(client, shop["booklet"])  # the next person's own visit, and own cart
    assert visitor_ids()[PORTAL] not in (None, first)
    checkout_page = client.get(PORTAL + "/checkout").get_data(as_text=True)
    assert trace.shown_in(checkout_page) == []
    assert re.search(r'name="email"[^>]*value="[^"]', checkout_page) is None  # not pre-filled


def test_the_next_checkout_is_not_prefilled_after_b_signs_in(client, trace, shop):
    sign_out(client)
    make_buyer("bruno@example.org", "Bruno Braga")
    sign_in(client, "bruno@example.org")
    add_to_cart(client, shop["booklet"])
    page = client.get(PORTAL + "/checkout")
    assert page.status_code == 200
    assert trace.shown_in(page.get_data(as_text=True)) == []


def test_a_lapsed_sign_in_is_forgotten_like_a_sign_out(client, trace, app):
    from mall.visitors.models import Visitor

    db.session.execute(Visitor.__table__.update().values(signed_in_until=utcnow()))
    db.session.commit()
    assert sweep(client, app, trace) == []


def test_pages_of_a_linked_visit_are_not_stored_by_the_browser(client, trace):
    for url in (PORTAL + f"/orders/{trace.unpaid.code}", PORTAL + "/cart", UY + "/"):
        assert client.get(url).headers["Cache-Control"] == "no-store"


# --- guest orders -------------------------------------------------------------------------


def guest_order(client, shop) -> Order:
    add_to_cart(client, shop["sheet"])
    return checkout(client, shop)


def mailed_link(order: Order) -> str:
    """The order's address in the mail about it."""
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains(order.code))
    ).first()
    assert mail is not None
    match = re.search(r"http://\S+/orders/" + order.code + r"\S*", mail.text_body)
    assert match
    return match.group(0)


def test_b_signing_in_at_a_guests_browser_does_not_see_the_guests_order(client, shop):
    order = guest_order(client, shop)
    assert client.get(PORTAL + f"/orders/{order.code}").status_code == 200  # the guest's own
    add_to_cart(client, shop["stamp"])
    assert give_address(client, line1="9 Rua Augusta").status_code == 303  # half typed
    make_buyer("bruno@example.org", "Bruno Braga")
    sign_in(client, "bruno@example.org")
    review = client.get(PORTAL + "/checkout").get_data(as_text=True)
    assert "Rua Augusta" not in review
    assert ADDRESS["email"] not in review
    for suffix in ("", "/pay", "/pay/complete", "/receipt/uy"):
        assert client.get(PORTAL + f"/orders/{order.code}{suffix}").status_code == 404
    cancel = client.post(PORTAL + f"/orders/{order.code}/cancel",
                         data={"csrf_token": csrf_token(client, PORTAL + "/cart")})
    assert cancel.status_code == 404
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PENDING_PAYMENT
    assert order.code not in client.get(PORTAL + "/account/orders").get_data(as_text=True)


def test_a_guest_order_is_reachable_by_its_signed_link_in_any_browser(
    client, other_client, shop
):
    order = guest_order(client, shop)
    url = mailed_link(order)
    assert "access=" in url
    mail = db.session.scalars(select(OutboxMessage)).first()
    assert "keep it to yourself" in mail.text_body
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 404
    opened = other_client.get(url)
    assert opened.status_code == 303  # the pass leaves the address bar at once
    assert opened.headers["Location"].endswith(f"/orders/{order.code}")
    page = other_client.get(PORTAL + f"/orders/{order.code}")
    assert page.status_code == 200
    assert ADDRESS["name"] in page.get_data(as_text=True)
    cancel = other_client.post(PORTAL + f"/orders/{order.code}/cancel",
                               data={"csrf_token": csrf_token(other_client, PORTAL + "/cart")})
    assert cancel.status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.CANCELLED


def test_a_guest_link_is_dropped_at_sign_in_and_sign_out(client, other_client, shop):
    order = guest_order(client, shop)
    other_client.get(mailed_link(order))
    make_buyer("bruno@example.org", "Bruno Braga")
    sign_in(other_client, "bruno@example.org")
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 404
    other_client.get(mailed_link(order))  # opened while signed in: good until sign-out
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 200
    sign_out(other_client)
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 404


def _expired_pass(order: Order, app: Flask, monkeypatch) -> str:
    age = int(app.config["GUEST_ORDER_LINK_MAX_AGE"]) + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - age)
    token = guest_pass(order)
    monkeypatch.undo()
    return token


@pytest.mark.parametrize("kind", ["expired", "tampered", "another order", "a buyer's order",
                                  "empty"])
def test_a_bad_guest_link_opens_nothing(client, other_client, app, shop, kind, monkeypatch):
    order = guest_order(client, shop)
    target = order
    if kind == "expired":
        token = _expired_pass(order, app, monkeypatch)
    elif kind == "tampered":
        good = guest_pass(order)
        token = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    elif kind == "another order":
        token = guest_pass(order)
        target = guest_order(client, shop)
    elif kind == "a buyer's order":
        make_buyer("bruno@example.org", "Bruno Braga")
        sign_in(client, "bruno@example.org")
        target = guest_order(client, shop)  # placed signed in: Bruno's
        assert target.buyer_id is not None
        assert "access=" not in mailed_link(target)
        token = guest_pass(target)
    else:
        token = ""
    opened = other_client.get(PORTAL + f"/orders/{target.code}", query_string={"access": token})
    assert opened.status_code == 303
    for suffix in ("", "/pay", "/receipt/uy"):
        assert other_client.get(PORTAL + f"/orders/{target.code}{suffix}").status_code == 404
