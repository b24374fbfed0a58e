"""Orders built directly in the database, for tests that need a post's orders without going
through checkout (tenancy and the back office's counts), and sessions as a sign-in makes them."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from flask.testing import FlaskClient

from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.auth import SESSION_KEY
from mall.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PostOrder,
    PostOrderStatus,
)
from mall.visitors.context import SESSION_KEY as VISITOR_KEY
from mall.visitors.models import Visitor

_serial = count(1)
PASSWORD = "a long staff passphrase"


def order_with_line(
    product: Product, status: PostOrderStatus = PostOrderStatus.AWAITING_PAYMENT
) -> PostOrder:
    """An order of one line of `product`, whose post order has `status`; committed."""
    n = next(_serial)
    order = Order(
        code=f"T{n:07d}", payment_reference=f"RF00T{n:07d}", email="ana@example.org",
        locale="en", currency=product.currency, goods_minor=product.price_minor,
        shipping_minor=0, total_minor=product.price_minor, rates={}, spread_bps=0,
        payment_method=PaymentMethod.BANK_TRANSFER, placement_key=f"key-{n}",
        ship_name="Ana", ship_line1="1 Rue", ship_city="Paris", ship_country="FR",
        reserved_until=utcnow() + timedelta(days=5),
        status=OrderStatus.PAID if status is not PostOrderStatus.AWAITING_PAYMENT
        else OrderStatus.PENDING_PAYMENT,
    )
    post_order = PostOrder(
        order=order, post_id=product.post_id, currency=product.currency,
        goods_minor=product.price_minor, shipping_minor=0,
        goods_presentment_minor=product.price_minor, shipping_presentment_minor=0,
        commission_bps=1000, shipping_method_name={"en": "Letter"}, status=status,
    )
    post_order.lines.append(OrderLine(
        product_id=product.id, sku=product.sku, title={"en": "Stamp"}, format=product.format,
        condition=product.condition, hs_code=product.hs_code, weight_g=product.weight_g,
        quantity=1, unit_price_minor=product.price_minor, currency=product.currency,
        amount_presentment_minor=product.price_minor,
    ))
    db.session.add(order)
    db.session.commit()
    return post_order


def become(client: FlaskClient, who: str, staff: dict[str, Any], base: str) -> None:
    """Start `client`'s session on the host `base` as `who`, as a sign-in there would."""
    with client.session_transaction(base_url=base) as session:
        session.clear()
        session["locale"] = "en"  # the assertions read English; pages are translated
        if who == "buyer":
            buyer = staff["buyer"]
            visitor = Visitor(buyer=buyer, buyer_session_version=buyer.session_version,
                              signed_in_until=utcnow() + timedelta(hours=1))
            db.session.add(visitor)
            db.session.commit()
            session[VISITOR_KEY] = visitor.id
        elif who != "anonymous":
            member = staff[who]
            session[SESSION_KEY] = {
                "id": member.id, "version": member.session_version,
                "until": int((utcnow() + timedelta(hours=1)).timestamp()),
            }
