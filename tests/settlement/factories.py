"""Orders for settlement tests, built row by row (no cart, no quote), then paid through the
mall's own `record_payment` so that the ledger books them as it books real ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

from mall.catalogue.models import Product
from mall.extensions import db
from mall.money import Money
from mall.operator.models import StaffMember, StaffRole
from mall.orders.lifecycle import record_payment
from mall.orders.models import Order, OrderLine, OrderStatus, PaymentMethod, PostOrder
from mall.orders.placement import payable_total
from mall.orders.references import payment_reference
from mall.rates.conversion import RateTable

RATES = RateTable.from_rates(
    {"UYU": Decimal("46.2100"), "JPY": Decimal("163.42"), "KWD": Decimal("0.3311"),
     "USD": Decimal("1.0512"), "SEK": Decimal("11.1250")},
    date(2026, 11, 27),
)
_serial = count(1)


@dataclass(frozen=True, slots=True)
class Part:
    """One post's part of an order: (product, quantity) pairs and a shipping charge in the
    post's currency."""

    lines: Sequence[tuple[Product, int]]
    shipping_minor: int = 0
    commission_bps: int = 1000


def operator() -> StaffMember:
    staff = StaffMember(email=f"op{next(_serial)}@stamps.post", password_hash="x",
                        name="Olga Operator", role=StaffRole.OPERATOR)
    db.session.add(staff)
    db.session.flush()
    return staff


def pending_order(
    parts: Sequence[Part], currency: str = "EUR", method: PaymentMethod = PaymentMethod.CARD,
    *, now: datetime, payment_id: str | None = None,
) -> Order:
    n = next(_serial)
    post_orders = []
    for part in parts:
        post = part.lines[0][0].post_id
        post_currency = part.lines[0][0].currency
        lines = [
            OrderLine(
                post_id=post, product_id=product.id, sku=product.sku, title={"en": "Stamp"},
                format=product.format, condition=product.condition, hs_code=product.hs_code,
                weight_g=product.weight_g, quantity=quantity,
                unit_price_minor=product.price_minor, currency=product.currency,
                amount_presentment_minor=RATES.convert(product.price * quantity, currency).amount,
            )
            for product, quantity in part.lines
        ]
        goods = sum(product.price_minor * quantity for product, quantity in part.lines)
        post_orders.append(PostOrder(
            post_id=post, currency=post_currency, goods_minor=goods,
            shipping_minor=part.shipping_minor,
            goods_presentment_minor=sum(line.amount_presentment_minor for line in lines),
            shipping_presentment_minor=RATES.convert(
                Money(part.shipping_minor, post_currency), currency).amount,
            commission_bps=part.commission_bps, shipping_method_name={"en": "Letter"},
            lines=lines,
        ))
    goods = sum(po.goods_presentment_minor for po in post_orders)
    shipping = sum(po.shipping_presentment_minor for po in post_orders)
    subtotal = Money(goods + shipping, currency)
    total = payable_total(subtotal, method)
    order = Order(
        code=f"S{n:07d}", payment_reference=payment_reference(f"S{n:07d}"), email="ana@example.org",
        locale="en", currency=currency, goods_minor=goods, shipping_minor=shipping,
        rounding_minor=(total - subtotal).amount, total_minor=total.amount, rates={},
        spread_bps=0, payment_method=method, placement_key=f"settle-{n}",
        payment_id=payment_id, ship_name="Ana", ship_line1="1 Rue", ship_city="Paris",
        ship_country="FR", reserved_until=now + timedelta(days=5),
        status=OrderStatus.PENDING_PAYMENT, created_at=now, post_orders=post_orders,
    )
    for product, quantity in (pair for part in parts for pair in part.lines):
        product.stock -= quantity
    db.session.add(order)
    db.session.flush()
    return order


def paid_order(parts: Sequence[Part], currency: str = "EUR",
               method: PaymentMethod = PaymentMethod.CARD, *, now: datetime,
               payment_id: str | None = None) -> Order:
    order = pending_order(parts, currency, method, now=now, payment_id=payment_id)
    record_payment(db.session, order, order.total, now)
    return order
