"""WNS numbers: the UPU's WADP Numbering System for stamps issued since 2002.

`UY003.18` is Uruguay's third stamp registered in 2018: two letters of the issuing
country, a 3-digit number within the year, a dot, the 2-digit year."""

from __future__ import annotations

import re
from dataclasses import dataclass

WNS_PATTERN = re.compile(r"^[A-Z]{2}\d{3}\.\d{2}$")
#: The WNS started with the stamps of 2002.
FIRST_YEAR = 2002


class InvalidWNS(ValueError):
    """The text is not a WNS number of the expected country."""


@dataclass(frozen=True, slots=True)
class WNSNumber:
    country: str
    number: int
    year: int

    def __str__(self) -> str:
        return f"{self.country}{self.number:03d}.{self.year % 100:02d}"


def parse_wns(text: str, country: str | None = None) -> WNSNumber:
    """Parse and check a WNS number; with `country`, it must be that post's."""
    text = text.strip().upper()
    if not WNS_PATTERN.match(text):
        raise InvalidWNS(f"{text!r} is not a WNS number like UY003.18")
    code, number, year = text[:2], int(text[2:5]), 2000 + int(text[6:8])
    if number == 0:
        raise InvalidWNS(f"{text!r}: the number within the year starts at 001")
    if year < FIRST_YEAR:
        raise InvalidWNS(f"{text!r}: WNS numbers start with the stamps of {FIRST_YEAR}")
    if country is not None and code != country.upper():
        raise InvalidWNS(f"{text!r} belongs to {code}, not {country.upper()}")
    return WNSNumber(code, number, year)
