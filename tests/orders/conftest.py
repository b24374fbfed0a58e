"""Fixtures for orders: posts with shipping, a filled cart, a locked quote."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from mall.cart.services import add_to_cart, cart_for
from mall.columns import utcnow
from mall.extensions import db
from mall.orders.models import PaymentMethod
from mall.orders.placement import OrderRequest, ShippingAddress, lock_quote
from mall.posts.models import Post
from mall.rates.conversion import RateTable
from mall.shipping.models import ShippingKind, ShippingMethod
from mall.shipping.zones import Zone
from mall.visitors.models import Visitor
from tests.support.checkout import add_method

RATES = RateTable.from_rates(
    {"UYU": Decimal("46.2100"), "JPY": Decimal("163.42"), "KWD": Decimal("0.3311"),
     "USD": Decimal("1.0512")},
    date(2026, 11, 27),
)


@pytest.fixture
def shop(make_post, make_issue, make_product) -> dict[str, Any]:
    """Two posts with a product each and a registered-letter method each."""
    uy = make_post("uy")
    nl = make_post("nl")
    sheet = make_product(make_issue(uy, title={"es": "Humedales"}), price_minor=9000, stock=5)
    booklet = make_product(make_issue(nl, title={"nl": "Tulpen"}), price_minor=1095, stock=5)
    return {
        "uy": uy, "nl": nl, "sheet": sheet, "booklet": booklet,
        "uy_ship": _registered_letter(uy, 40000),
        "nl_ship": _registered_letter(nl, 995),
    }


def _registered_letter(post: Post, price_minor: int) -> ShippingMethod:
    """One method for the post, the same price to every zone."""
    return add_method(post, f"registered-{post.code}", ShippingKind.REGISTERED_LETTER,
                      dict.fromkeys(Zone, price_minor))


@pytest.fixture
def visitor() -> Visitor:
    visitor = Visitor()
    db.session.add(visitor)
    db.session.commit()
    return visitor


@pytest.fixture
def filled_cart(shop, visitor):
    def fill(sheets: int = 2, booklets: int = 1, for_visitor: Visitor | None = None):
        cart = cart_for(db.session, for_visitor or visitor, None)
        if sheets:
            add_to_cart(db.session, cart, shop["sheet"].id, sheets)
        if booklets:
            add_to_cart(db.session, cart, shop["booklet"].id, booklets)
        db.session.commit()
        return cart

    return fill


@pytest.fixture
def quote_in(visitor):
    def lock(currency: str = "EUR", minutes: int = 15, spread_bps: int = 0,
             for_visitor: Visitor | None = None):
        quote = lock_quote(db.session, (for_visitor or visitor).id, currency, RATES,
                           {"UYU", "EUR"}, spread_bps, utcnow(), minutes)
        db.session.commit()
        return quote

    return lock


@pytest.fixture
def order_request(shop, visitor):
    def build(key: str = "form-key-1", for_visitor: Visitor | None = None,
              method: PaymentMethod = PaymentMethod.BANK_TRANSFER, **changes: Any):
        fields = {
            "visitor_id": (for_visitor or visitor).id,
            "buyer_id": None,
            "email": "collector@example.fr",
            "locale": "fr",
            "address": ShippingAddress(name="Claire Martin", line1="12 rue de la Poste",
                                       city="Lyon", postal_code="69002", country="FR"),
            "shipping": {shop["uy"].id: shop["uy_ship"].id, shop["nl"].id: shop["nl_ship"].id},
            "payment_method": method,
            "placement_key": key,
            **changes,
        }
        return OrderRequest(**fields)

    return build
