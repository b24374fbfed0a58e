"""Erasing an account: what the law and the ledger need stays (orders, anonymised: amounts
and lines kept), the rest goes; confirmed by the password, signed out everywhere, mailed."""

from __future__ import annotations

from sqlalchemy import func, select

from mall.accounts.models import Address, Buyer, SignInAttempt
from mall.cart.models import Cart, CartLine
from mall.extensions import db
from mall.orders.models import Order, OrderLine
from mall.orders.personal_data import ERASED_EMAIL, ERASED_NAME
from mall.outbox.models import OutboxTask
from mall.visitors.models import Visitor
from tests.http.test_accounts import register, shown_name
from tests.privacy.conftest import post_form, shipped
from tests.support.accounts import PASSWORD, sign_in
from tests.support.hosts import PORTAL, storefront

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

UY = storefront("uy")


def _erase(client, password: str = PASSWORD, confirm: bool = True):
    fields = {"password": password, **({"confirm": "y"} if confirm else {})}
    return post_form(client, "/account/privacy/erase", "erase", **fields)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _unchanged(collector) -> None:
    db.session.expire_all()
    assert db.session.get(Buyer, collector.buyer.id) is not None
    assert _count(Address) == 1
    assert db.session.get(Order, collector.order.id).email == "claire@example.fr"


def test_erasing_keeps_the_order_for_the_books_without_the_buyer(client, collector):
    order = shipped(collector.order)
    before = {
        "total": order.total_minor, "currency": order.currency, "country": order.ship_country,
        "lines": [(line.sku, line.quantity, line.unit_price_minor)
                  for post_order in order.post_orders for line in post_order.lines],
    }
    response = _erase(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Order, order.id)
    assert (kept.buyer_id, kept.visitor_id) == (None, None)
    assert kept.email == ERASED_EMAIL
    assert kept.ship_name == ERASED_NAME
    assert (kept.ship_line1, kept.ship_city, kept.ship_postal_code, kept.ship_phone) == (
        "", "", "", "")
    assert {"total": kept.total_minor, "currency": kept.currency, "country": kept.ship_country,
            "lines": [(line.sku, line.quantity, line.unit_price_minor)
                      for post_order in kept.post_orders for line in post_order.lines]} == before


def test_erasing_removes_the_rest(client, collector):
    shipped(collector.order)
    assert _erase(client).status_code == 302
    db.session.expire_all()
    assert db.session.get(Buyer, collector.buyer.id) is None
    assert _count(Address) == 0
    assert _count(Cart) == 0
    assert _count(CartLine) == 0
    assert _count(Visitor) == 0
    assert db.session.scalar(
        select(func.count()).select_from(SignInAttempt)
        .where(SignInAttempt.email == "ana@example.org")) == 0
    assert _count(OrderLine) == 1


def test_the_buyer_is_signed_out_everywhere_and_mailed(client, other_client, collector):
    shipped(collector.order)
    sign_in(other_client)
    assert shown_name(client, UY + "/") == "Ana Collector"
    response = _erase(client)
    assert response.headers["Location"] == "/"
    assert "Your account is erased" in client.get(PORTAL + "/").get_data(as_text=True)
    assert shown_name(client, PORTAL + "/cart") is None
    assert shown_name(client, UY + "/") is None
    assert shown_name(other_client, PORTAL + "/cart") is None
    mails = [t.payload for t in db.session.scalars(select(OutboxTask)) if t.kind == "mail"]
    assert [(m["to"], m["subject"]) for m in mails] == [
        ("ana@example.org", "Your stamps.post account is erased")]
    assert "Your orders are kept" in mails[0]["text_body"]


def test_the_address_can_open_a_new_account_afterwards(app, client, collector):
    shipped(collector.order)
    assert _erase(client).status_code == 302
    again = register(app.test_client(), email="ana@example.org")
    assert again.status_code == 302, again.get_data(as_text=True)


def test_an_order_still_to_ship_stops_the_erasure(client, collector):
    response = _erase(client)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert collector.order.code in html
    assert "not shipped yet" in html
    _unchanged(collector)
    assert _count(Visitor) == 1


def test_a_wrong_password_or_no_confirmation_erases_nothing(client, collector):
    shipped(collector.order)
    wrong = _erase(client, password="guess")
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.get_data(as_text=True)
    unconfirmed = _erase(client, confirm=False)
    assert unconfirmed.status_code == 400
    assert "Please tick the box to confirm." in unconfirmed.get_data(as_text=True)
    _unchanged(collector)


def test_the_erasure_is_a_post_with_the_forms_token(client, collector):
    shipped(collector.order)
    assert client.get(PORTAL + "/account/privacy/erase").status_code == 405
    refused = client.post(PORTAL + "/account/privacy/erase",
                          data={"erase-password": PASSWORD, "erase-confirm": "y"})
    assert refused.status_code == 400
    _unchanged(collector)
