"""Order numbers and payment references.

A buyer who pays by bank transfer or at a post office counter copies the payment reference
by hand; a typo must be caught before money is matched to the wrong order. The reference is
an ISO 11649 structured creditor reference ("RF" + 2 check digits + the order's code): banks
across Europe validate it, and its mod-97 check catches every digit mistyped as another digit
and every letter as another letter, and almost every other slip (a letter counts as two
digits, so a letter typed as a digit slips through about once in 97)."""

from __future__ import annotations

import secrets
import string

#: Order codes avoid letters a person confuses with digits (I, L, O, U).
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 8


class InvalidReference(ValueError):
    """Not a well-formed payment reference, or its check digits do not match."""


def new_order_code() -> str:
    """A random order code such as `K7MPQ2ZA`: unguessable, so one buyer cannot find another's
    order by counting, and short enough to read out at a counter."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _numeric(text: str) -> int:
    """ISO 7064 letters-to-digits: A=10 … Z=35."""
    return int("".join(str(int(char, 36)) for char in text))


def payment_reference(code: str) -> str:
    """The RF reference for an order code: `RF` + check digits + code."""
    if not code or not all(char in string.ascii_uppercase + string.digits for char in code):
        raise InvalidReference(f"{code!r} cannot carry a reference")
    check = 98 - _numeric(code + "RF00") % 97
    return f"RF{check:02d}{code}"


def parse_payment_reference(text: str) -> str:
    """The order code inside a reference a person typed (spaces and case forgiven)."""
    reference = "".join(text.split()).upper()
    if len(reference) < 5 or not reference.startswith("RF") or not reference[2:4].isdigit():
        raise InvalidReference(f"{text!r} is not a payment reference like RF18K7MPQ2ZA")
    if not reference[4:].isalnum():
        raise InvalidReference(f"{text!r} contains characters a reference never has")
    if _numeric(reference[4:] + reference[:4]) % 97 != 1:
        raise InvalidReference(f"{text!r} has a typing error: its check digits do not match")
    return reference[4:]


def order_code_in(text: str) -> str:
    """The order code a person typed, or the one inside the payment reference they typed
    (spaces and case forgiven). A code may itself begin with RF (`RFRZGVA2`): its length,
    not its first letters, tells it from a reference. Raises `InvalidReference` for a
    reference that is malformed or mistyped."""
    typed = "".join(text.split()).upper()
    if len(typed) == CODE_LENGTH or not typed.startswith("RF"):
        return typed
    return parse_payment_reference(typed)


def format_reference(reference: str) -> str:
    """Grouped by four for reading aloud and copying: `RF18 K7MP Q2ZA`."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
