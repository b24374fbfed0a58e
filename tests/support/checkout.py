"""Checkout through the test client, as a buyer does it: fill the cart at the portal, give an
address, choose shipping, read the review page, place the order. The fixtures are in
`tests.support.checkout_fixtures` (a plugin the test modules name in `pytest_plugins`).

Shared by tests/http/test_checkout.py, test_card_payment.py and test_order_pages.py, and
by tests/browser/test_checkout.py."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from mall.cart.models import CartLine
from mall.catalogue.models import Product
from mall.extensions import db
from mall.orders.models import Order
from mall.posts.models import Post
from mall.shipping.models import ShippingKind, ShippingMethod, ShippingRate
from mall.shipping.zones import Zone
from tests.support.hosts import PORTAL, csrf_token

#: Units per euro on the test day; EUR itself is 1.
RATES = {"UYU": "46.2100", "USD": "1.0512", "JPY": "163.42", "KWD": "0.3311"}
RATES_DAY = date(2026, 11, 27)
TEST_KEY = "sk_test_postmall_checkout"
WEBHOOK_SECRET = "whsec_postmall_checkout"

ADDRESS = {
    "email": "claire@example.fr",
    "name": "Claire Martin",
    "line1": "12 rue de la Poste",
    "line2": "",
    "city": "Lyon",
    "postal_code": "69002",
    "region": "",
    "country": "FR",
    "phone": "",
}


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty `g`, as it does in production: the suite keeps one
    application context per test, which requests would otherwise share."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


METHOD_NAMES = {
    ShippingKind.LETTER: "Ordinary letter",
    ShippingKind.REGISTERED_LETTER: "Registered letter",
    ShippingKind.PARCEL: "Parcel",
    ShippingKind.EMS: "EMS",
}


def add_method(
    post: Post,
    slug: str,
    kind: ShippingKind,
    prices: dict[Zone, int],
    *,
    free_over_minor: int | None = None,
    max_weight_g: int = 2000,
) -> ShippingMethod:
    method = ShippingMethod(
        post_id=post.id, slug=slug, kind=kind, name={"en": METHOD_NAMES[kind]},
        currency=post.currency, free_over_minor=free_over_minor, packaging_g=0,
    )
    method.rates = [
        ShippingRate(post_id=post.id, zone=zone, max_weight_g=max_weight_g, price_minor=price)
        for zone, price in prices.items()
    ]
    db.session.add(method)
    db.session.commit()
    return method


# --- the cart ---------------------------------------------------------------------------


def add_to_cart(client: FlaskClient, product: Product, quantity: int = 1) -> None:
    """Add at the portal (the hub adds any post's stamps without linking)."""
    response = client.post(PORTAL + "/cart/add", data={
        "csrf_token": csrf_token(client, PORTAL + "/cart"),
        "product_id": product.id,
        "quantity": quantity,
        "key": secrets.token_urlsafe(16),
        "next": "/cart",
    })
    assert response.status_code == 302, response.get_data(as_text=True)


def cart_lines() -> dict[int, int]:
    """product id → quantity, over every cart."""
    db.session.expire_all()
    return {line.product_id: line.quantity for line in db.session.scalars(select(CartLine))}


def stock(product: Product) -> int:
    return db.session.scalar(select(Product.stock).where(Product.id == product.id))


def choose_currency(client: FlaskClient, code: str) -> None:
    response = client.post(PORTAL + "/currency", data={
        "csrf_token": csrf_token(client, PORTAL + "/cart"), "currency": code, "next": "/cart",
    })
    assert response.status_code == 302, response.get_data(as_text=True)


# --- the steps --------------------------------------------------------------------------


def follow(client: FlaskClient, response: Any, limit: int = 6) -> Any:
    """Follow redirects, across the mall's hosts."""
    while response.status_code in (301, 302, 303) and limit:
        response = client.get(urljoin(response.request.url, response.headers["Location"]))
        limit -= 1
    return response


def give_address(client: FlaskClient, **changes: str) -> Any:
    data = {**ADDRESS, **changes, "use": "new"}
    data["csrf_token"] = csrf_token(client, PORTAL + "/checkout")
    return client.post(PORTAL + "/checkout", data=data)


def choose_shipping(client: FlaskClient, choices: dict[Post, ShippingMethod]) -> Any:
    data = {f"method-{post.id}": str(method.id) for post, method in choices.items()}
    data["csrf_token"] = csrf_token(client, PORTAL + "/checkout/shipping")
    return client.post(PORTAL + "/checkout/shipping", data=data)


_HIDDEN = re.compile(
    r'<input type="hidden" name="(quote_id|fingerprint|placement_key)" value="([^"]*)"'
)
_TOTAL = re.compile(r'<p class="total-amount" id="order-total">([^<]*)</p>')


@dataclass
class Review:
    """The review page as the buyer reads it, and its "place order" form."""

    status: int
    html: str
    fields: dict[str, str]

    @property
    def total(self) -> str:
        match = _TOTAL.search(self.html)
        assert match, "no total on the review page"
        return match.group(1)

    def form(self, method: str = "bank_transfer") -> dict[str, str]:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.html)
        assert token
        return {**self.fields, "payment_method": method, "csrf_token": token.group(1)}


def read_review(response: Any) -> Review:
    html = response.get_data(as_text=True)
    return Review(response.status_code, html, dict(_HIDDEN.findall(html)))


def review(client: FlaskClient) -> Review:
    review = read_review(client.get(PORTAL + "/checkout/review"))
    assert review.status == 200, review.html
    return review


def place(client: FlaskClient, form: dict[str, str]) -> Any:
    return client.post(PORTAL + "/checkout/place", data=form)


def go_to_review(client: FlaskClient, shop: dict[str, Any], **address: str) -> Review:
    """Address and shipping (Uruguay by registered letter, the Netherlands registered)."""
    assert give_address(client, **address).status_code == 303
    shipping = choose_shipping(client, {shop["uy"]: shop["uy_registered"],
                                        shop["nl"]: shop["nl_registered"]})
    assert shipping.status_code == 303, shipping.get_data(as_text=True)
    return review(client)


def checkout(client: FlaskClient, shop: dict[str, Any], method: str = "bank_transfer") -> Order:
    """The whole way from a filled cart to a placed order."""
    response = place(client, go_to_review(client, shop).form(method))
    assert response.status_code == 303, response.get_data(as_text=True)
    return latest_order()


def latest_order() -> Order:
    db.session.expire_all()
    order = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert order is not None
    return order


def path_of(response: Any) -> str:
    return urlsplit(response.headers["Location"]).path
