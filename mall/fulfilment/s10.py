"""UPU S10 item identifiers: `RA473124829UY` — two letters of service, an eight-digit serial,
a check digit and the ISO code of the post that issued it.

The check digit lets a clerk's typo be caught at the counter, before a parcel leaves with a
number no one can track."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mall.shipping.models import ShippingKind

_PATTERN = re.compile(r"[A-Z]{2}\d{8}\d[A-Z]{2}")
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

#: The first letter of the service indicator that fits each way of shipping (S10 annex:
#: R registered, E EMS, C and V parcels, L and U letter post).
SERVICE_LETTERS: dict[ShippingKind, tuple[str, ...]] = {
    ShippingKind.LETTER: ("L", "U"),
    ShippingKind.REGISTERED_LETTER: ("R",),
    ShippingKind.PARCEL: ("C", "V"),
    ShippingKind.EMS: ("E",),
}


class InvalidTrackingNumber(ValueError):
    """A number that is not a valid S10 identifier for this post and service."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TrackingNumber:
    service: str
    serial: int
    country: str

    @property
    def check_digit(self) -> int:
        return check_digit(self.serial)

    def __str__(self) -> str:
        return f"{self.service}{self.serial:08d}{self.check_digit}{self.country}"


def check_digit(serial: int) -> int:
    """C = 11 − (Σ digit × weight mod 11), with 10 → 0 and 11 → 5."""
    if not 0 <= serial <= 99_999_999:
        raise ValueError("an S10 serial has eight digits")
    digits = f"{serial:08d}"
    value = 11 - sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(value, value)


def normalise(text: str) -> str:
    """What a clerk types or scans: spaces and lower case are forgiven."""
    return "".join(text.split()).upper()


def parse(text: str) -> TrackingNumber:
    """The identifier in `text`; InvalidTrackingNumber says what is wrong with it."""
    value = normalise(text)
    if not _PATTERN.fullmatch(value):
        raise InvalidTrackingNumber("format")
    number = TrackingNumber(service=value[:2], serial=int(value[2:10]), country=value[11:])
    if int(value[10]) != number.check_digit:
        raise InvalidTrackingNumber("check digit")
    return number


def validate_for(text: str, country: str, kind: ShippingKind) -> TrackingNumber:
    """`text` as a number this post (`country`, ISO alpha-2) may put on an item sent by `kind`."""
    number = parse(text)
    if number.country != country.upper():
        raise InvalidTrackingNumber("country")
    if number.service[0] not in SERVICE_LETTERS[kind]:
        raise InvalidTrackingNumber("service")
    return number
