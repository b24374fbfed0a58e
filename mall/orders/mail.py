"""The mail an order sends its buyer when it is placed and when it is paid."""

from __future__ import annotations

import contextlib

from mall.i18n import lazy_translate as _l
from mall.mail import MailError, send_templated_mail
from mall.orders.guest_links import order_link
from mall.orders.models import Order, PaymentMethod
from mall.orders.references import format_reference


def send_order_mail(order: Order, kind: str) -> None:
    """"placed" (with how to pay without a card) or "paid" (the confirmation), in the
    buyer's language. A mail server that is down does not undo the order: it is logged."""
    if kind == "placed":
        subject = _l("Your order %(code)s at stamps.post", code=order.code)
    else:
        subject = _l("Payment received for your order %(code)s", code=order.code)
    with contextlib.suppress(MailError):
        send_templated_mail(
            order.email,
            f"order_{kind}",
            subject,
            order.locale,
            order=order,
            reference=format_reference(order.payment_reference),
            order_url=order_link(order),
            offline=order.payment_method is not PaymentMethod.CARD,
        )
