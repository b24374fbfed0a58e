"""An order's code or payment reference as a person types it, or mistypes it, for the tests
that must see it found or the typo caught."""

from typing import Any

from mall.extensions import db
from mall.orders.references import format_reference, payment_reference


def one_digit_mistyped(reference: str) -> str:
    """The reference with one check digit typed wrong.

    A digit typed as another digit is always caught by the mod-97 check; a letter typed as a
    digit (or a digit as a letter) slips through about once in 97, since a letter counts as
    two digits, so a test that mistyped a random order code's last character failed now and
    then. Every reference has digits in positions 2 and 3."""
    digit = int(reference[3])
    return reference[:3] + str((digit + 1) % 10) + reference[4:]


#: The ways a person finds an order: its code, a code that begins as a reference does (RF and
#: digits are code characters too), its payment reference, and that reference as typed.
TYPED_AS = ["code", "code like a reference", "reference", "typed reference"]


def typed_order(order: Any, typed_as: str) -> str:
    """What a person types to find `order`, one of TYPED_AS. For "code like a reference" the
    order is given the code RF23KMPQ first (committed)."""
    if typed_as == "code like a reference":
        order.code = "RF23KMPQ"
        order.payment_reference = payment_reference(order.code)
        db.session.commit()
    return {
        "code": order.code.lower(),
        "code like a reference": order.code,
        "reference": order.payment_reference,
        "typed reference": format_reference(order.payment_reference).lower(),
    }[typed_as]
