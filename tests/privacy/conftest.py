"""A buyer with something of everything: an account, an address, a visit linked to a
storefront, a cart line and a placed order (through the real checkout)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from mall.accounts.models import Address, Buyer
from mall.extensions import db
from mall.orders.models import Order, OrderStatus, PostOrderStatus
from tests.support.accounts import sign_in
from tests.support.checkout import add_to_cart, checkout
from tests.support.hosts import PORTAL, csrf_token, link, storefront

DATA = PORTAL + "/account/privacy"


@dataclass
class Collector:
    buyer: Buyer
    order: Order


def shipped(order: Order) -> Order:
    """Paid and shipped by every post: nothing more needs the buyer's address."""
    order.status = OrderStatus.PAID
    for post_order in order.post_orders:
        post_order.status = PostOrderStatus.SHIPPED
    db.session.commit()
    return order


@pytest.fixture
def collector(client: FlaskClient, shop: dict[str, Any]) -> Collector:
    buyer = sign_in(client)
    db.session.add(Address(buyer_id=buyer.id, name="Ana Collector", line1="3 quai Saint-Vincent",
                           city="Lyon", postal_code="69001", country="FR", phone="+33 4 00"))
    db.session.commit()
    add_to_cart(client, shop["sheet"])
    order = checkout(client, shop)
    add_to_cart(client, shop["booklet"], 2)  # in the cart, not ordered
    assert link(client, storefront("uy")) == "/"
    return Collector(buyer, order)


def post_form(client: FlaskClient, action: str, prefix: str, **fields: str) -> Any:
    """Post one of the two prefixed forms of "Your data", as the page fills it."""
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-csrf_token"] = csrf_token(client, DATA)
    return client.post(PORTAL + action, data=data)
