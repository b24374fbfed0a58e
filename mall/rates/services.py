"""Storing imported rates. Functions take a session and values, `flush()` and never commit:
the caller (a CLI command, the demo seeding, an operator view) commits once.

Every import parses and validates the whole input before the first write, so a bad file
leaves the stored rates exactly as they were."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from email.message import Message
from importlib import resources
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from mall.columns import utcnow
from mall.rates.ecb import parse_ecb
from mall.rates.models import ExchangeRate, RateSource
from mall.rates.operator import parse_operator_csv
from mall.rates.records import RateRecord, RatesFormatError, parse_currency, parse_rate

#: Far above the ECB's full history since 1999 (a few MB); refuses runaway downloads.
MAX_SOURCE_BYTES = 32 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30
DEMO_ECB_FILE = "data/eurofxref-daily.xml"
DEMO_OPERATOR_FILE = "data/operator-rates.csv"


class RatesSourceError(Exception):
    """A rates file or URL could not be read (missing file, refused scheme, network)."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did, for the operator's confirmation line."""

    source: RateSource
    created: int
    updated: int
    unchanged: int
    first_date: date
    last_date: date
    currencies: tuple[str, ...]
    #: Codes left out because this installation's CLDR data does not know them.
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        span = str(self.last_date)
        if self.first_date != self.last_date:
            span = f"{self.first_date} to {self.last_date}"
        text = (
            f"{self.source.value}: {len(self.currencies)} currencies, {span}: "
            f"{self.created} new, {self.updated} corrected, {self.unchanged} unchanged"
        )
        if self.skipped:
            text += f"; skipped unknown codes {', '.join(self.skipped)}"
        return text


def store_rates(
    session: Session, records: Iterable[RateRecord], source: RateSource
) -> ImportResult:
    """Insert new rates and correct changed ones for (source, currency, date); never delete.

    Existing rows are read in one query over the records' date range: re-importing a file
    changes nothing and duplicates nothing; a later record for the same key wins."""
    records = list(records)
    if not records:
        raise RatesFormatError("no rates to import")
    first = min(record.rate_date for record in records)
    last = max(record.rate_date for record in records)
    existing = {
        (row.currency, row.rate_date): row
        for row in session.scalars(
            select(ExchangeRate).where(
                ExchangeRate.source == source,
                ExchangeRate.rate_date.between(first, last),
                ExchangeRate.currency.in_(sorted({record.currency for record in records})),
            )
        )
    }
    now = utcnow()
    created = updated = unchanged = 0
    for record in records:
        row = existing.get((record.currency, record.rate_date))
        if row is None:
            row = ExchangeRate(
                source=source,
                currency=record.currency,
                rate_date=record.rate_date,
                per_eur=record.per_eur,
                imported_at=now,
            )
            session.add(row)
            existing[(record.currency, record.rate_date)] = row
            created += 1
        elif row.per_eur != record.per_eur:
            row.per_eur = record.per_eur
            row.imported_at = now
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return ImportResult(
        source=source,
        created=created,
        updated=updated,
        unchanged=unchanged,
        first_date=first,
        last_date=last,
        currencies=tuple(sorted({record.currency for record in records})),
    )


def import_ecb(session: Session, data: bytes) -> ImportResult:
    """Import an ECB daily or historical XML file (already read into memory)."""
    parsed = parse_ecb(data)
    result = store_rates(session, parsed.records(), RateSource.ECB)
    return replace(result, skipped=parsed.skipped)


def import_operator_csv(session: Session, data: bytes | str) -> ImportResult:
    """Import the operator's `currency,rate_per_eur,date` CSV, all rows or none."""
    return store_rates(session, parse_operator_csv(decode_text(data)), RateSource.OPERATOR)


def set_operator_rate(
    session: Session, currency: str, per_eur: Decimal | str, rate_date: date
) -> ImportResult:
    """Enter one operator rate by hand, validated exactly like a CSV row."""
    if not isinstance(per_eur, Decimal | str):
        raise TypeError(f"a rate is a Decimal or decimal text, not {type(per_eur).__name__}")
    where = f"{currency} on {rate_date}"
    record = RateRecord(
        currency=parse_currency(currency, where),
        per_eur=parse_rate(
            format(per_eur, "f") if isinstance(per_eur, Decimal) else per_eur, where
        ),
        rate_date=rate_date,
    )
    return store_rates(session, [record], RateSource.OPERATOR)


def import_demo_rates(session: Session, on: date | None = None) -> list[ImportResult]:
    """The sample rates shipped for the demo (ECB rates plus the operator's table for
    currencies the ECB does not publish), dated `on` (default: today, UTC). A demo built
    today must not open with a warning that its rates are a week old: the snapshot's values
    are samples, not a record of any day, so they take the day the demo is built."""
    day = on or utcnow().date()
    package = resources.files("mall.rates")
    ecb = parse_ecb(package.joinpath(DEMO_ECB_FILE).read_bytes())
    operator = parse_operator_csv(decode_text(package.joinpath(DEMO_OPERATOR_FILE).read_bytes()))
    return [
        replace(
            store_rates(session, _dated(ecb.records(), day), RateSource.ECB),
            skipped=ecb.skipped,
        ),
        store_rates(session, _dated(operator, day), RateSource.OPERATOR),
    ]


def _dated(records: Iterable[RateRecord], day: date) -> list[RateRecord]:
    """The latest rate of each currency in `records`, moved to `day`."""
    latest: dict[str, RateRecord] = {}
    for record in records:
        known = latest.get(record.currency)
        if known is None or record.rate_date > known.rate_date:
            latest[record.currency] = record
    return [replace(record, rate_date=day) for record in latest.values()]


def read_source(file_or_url: str, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a local file, or of an `https://` URL. Other URL schemes are refused:
    plain HTTP could be tampered with on the way, and `file:`/`ftp:` have no business here."""
    scheme = urlsplit(file_or_url).scheme.lower()
    if scheme == "https":
        return _fetch(file_or_url, max_bytes)
    if "://" in file_or_url or scheme in {"http", "ftp", "file", "data"}:
        raise RatesSourceError(f"only https:// URLs are fetched, not {file_or_url}")
    path = Path(file_or_url)
    try:
        if path.stat().st_size > max_bytes:
            raise RatesSourceError(f"{path} is larger than {max_bytes} bytes")
        return path.read_bytes()
    except OSError as error:
        raise RatesSourceError(f"cannot read {path}: {error.strerror or error}") from None


def decode_text(data: bytes | str) -> str:
    """CSV exported by spreadsheets often starts with a BOM; anything but UTF-8 is refused
    rather than guessed."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RatesFormatError(f"not UTF-8 text (byte {error.start})") from None


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects only while they stay on HTTPS."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() != "https":
            raise RatesSourceError(f"refused redirect to {newurl}: not https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(url: str, max_bytes: int) -> bytes:
    opener = urllib.request.build_opener(_HttpsOnlyRedirects)
    # Only reached for https:// (read_source checks the scheme; redirects are checked too).
    request = urllib.request.Request(url, headers={"User-Agent": "post-mall-rates/1"})  # noqa: S310
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            data: bytes = response.read(max_bytes + 1)
    except OSError as error:  # URLError, HTTPError and timeouts are all OSErrors
        reason = getattr(error, "reason", error)
        raise RatesSourceError(f"could not fetch {url}: {reason}") from None
    if len(data) > max_bytes:
        raise RatesSourceError(f"{url} sent more than {max_bytes} bytes")
    return data
