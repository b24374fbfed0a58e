"""The ECB euro foreign exchange reference rates, in the ECB's own XML formats.

Both `eurofxref-daily.xml` (one day) and `eurofxref-hist-90d.xml` / `eurofxref-hist.xml`
(one `Cube time=…` per working day, newest first) look like::

    <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
                     xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
      <gesmes:subject>Reference rates</gesmes:subject>
      <Cube>
        <Cube time="2026-11-27">
          <Cube currency="USD" rate="1.0412"/>
          …

The parser is pure (bytes in, dataclasses out) and strict: anything unexpected raises
`RatesFormatError` with a reason, so a bad download can never replace good rates.

Entity expansion ("billion laughs") and external entities need a DTD; the ECB files have
none, so any `<!DOCTYPE`/`<!ENTITY` declaration is refused before the XML parser sees the
text. The text is decoded as UTF-8 first and handed to the parser as `str`, so a declared
exotic encoding cannot smuggle a declaration past that check."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date

from mall.money import known_currencies
from mall.rates.records import RateRecord, RatesFormatError, parse_date, parse_rate

GESMES_NS = "http://www.gesmes.org/xml/2002-08-01"
EUROFXREF_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
_ENVELOPE = f"{{{GESMES_NS}}}Envelope"
_CUBE = f"{{{EUROFXREF_NS}}}Cube"

#: Where the ECB publishes the files (for help texts; fetching is `services.read_source`).
DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
HIST_90D_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"

_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CODE_SHAPE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class EcbDay:
    """The reference rates of one working day."""

    rate_date: date
    rates: tuple[RateRecord, ...]


@dataclass(frozen=True, slots=True)
class EcbRates:
    """A parsed ECB file: its days, newest first, and the codes that were left out."""

    days: tuple[EcbDay, ...]
    #: Well-formed codes that this installation's CLDR data does not know (so `Money` could
    #: not use them): left out rather than failing the whole, otherwise good, file.
    skipped: tuple[str, ...] = ()

    @property
    def latest(self) -> EcbDay:
        return self.days[0]

    def records(self) -> list[RateRecord]:
        return [record for day in self.days for record in day.rates]


def parse_ecb(data: bytes) -> EcbRates:
    """Parse a daily or historical ECB reference rates file.

    Raises `RatesFormatError` for empty, non-UTF-8, DTD-bearing, malformed or incomplete
    files, and for any rate that is not a positive decimal."""
    root = _parse_xml(data)
    if root.tag != _ENVELOPE:
        raise RatesFormatError(f"not an ECB reference rates file (root element is {root.tag})")
    outer = root.findall(_CUBE)
    if not outer:
        raise RatesFormatError("the Cube element holding the rates is missing")
    if len(outer) > 1:
        raise RatesFormatError("more than one top-level Cube element")
    skipped: set[str] = set()
    days: list[EcbDay] = []
    seen_dates: set[date] = set()
    for dated in outer[0]:
        if dated.tag != _CUBE:
            continue
        day = _parse_day(dated, skipped)
        if day.rate_date in seen_dates:
            raise RatesFormatError(f"{day.rate_date}: the date appears twice")
        seen_dates.add(day.rate_date)
        days.append(day)
    if not days:
        raise RatesFormatError("the file holds no dated Cube: no rates to import")
    days.sort(key=lambda day: day.rate_date, reverse=True)
    return EcbRates(days=tuple(days), skipped=tuple(sorted(skipped)))


def _parse_xml(data: bytes) -> ET.Element:
    if not data.strip():
        raise RatesFormatError("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RatesFormatError(f"not UTF-8 text (byte {error.start})") from None
    if _DECLARATION.search(text):
        raise RatesFormatError("DOCTYPE and ENTITY declarations are refused")
    try:
        return ET.fromstring(text)  # noqa: S314 - DTDs were refused above: nothing to expand
    except ET.ParseError as error:
        raise RatesFormatError(f"malformed or truncated XML: {error}") from None


def _parse_day(cube: ET.Element, skipped: set[str]) -> EcbDay:
    time = cube.get("time")
    if time is None:
        raise RatesFormatError("a Cube of rates has no time attribute")
    rate_date = parse_date(time, "Cube time")
    records: list[RateRecord] = []
    currencies: set[str] = set()
    for element in cube:
        if element.tag != _CUBE:
            continue
        currency, rate = element.get("currency"), element.get("rate")
        if currency is None or rate is None:
            raise RatesFormatError(f"{rate_date}: a Cube lacks its currency or rate attribute")
        where = f"{rate_date} {currency}"
        if not _CODE_SHAPE.fullmatch(currency) or currency == "EUR":
            raise RatesFormatError(f"{where}: not a currency code the ECB publishes")
        if currency in currencies:
            raise RatesFormatError(f"{where}: the currency appears twice")
        currencies.add(currency)
        per_eur = parse_rate(rate, where)
        if currency not in known_currencies():
            skipped.add(currency)
            continue
        records.append(RateRecord(currency=currency, rate_date=rate_date, per_eur=per_eur))
    if not records:
        raise RatesFormatError(f"{rate_date}: no rates for this date")
    return EcbDay(rate_date=rate_date, rates=tuple(records))
