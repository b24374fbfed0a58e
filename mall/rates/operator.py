"""The operator's own rates, for currencies the ECB does not publish (UYU, KHR, UGX, BWP,
TZS, KWD…), as CSV with the same meaning as the ECB's rates: units of the currency per euro,
on a date::

    currency,rate_per_eur,date
    UYU,46.20,2026-11-27
    KHR,4710,2026-11-27

The header line is optional; blank lines and lines starting with `#` are ignored. The whole
file is checked before anything is stored, and every bad line is reported at once, so the
operator fixes the file in one round."""

from __future__ import annotations

import csv
import io
from datetime import date

from mall.rates.records import RateRecord, RatesFormatError, parse_currency, parse_date, parse_rate

HEADER = ("currency", "rate_per_eur", "date")
#: Enough reasons to fix a file in one go without flooding the terminal.
MAX_REPORTED_ERRORS = 20


def parse_operator_csv(text: str) -> list[RateRecord]:
    """Every row of the file as a validated `RateRecord`, or `RatesFormatError` naming each
    bad line (unknown currency, non-positive or non-decimal rate, non-ISO date, duplicate)."""
    records: list[RateRecord] = []
    errors: list[str] = []
    seen: dict[tuple[str, date], int] = {}
    for line_number, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not records and not errors and tuple(cell.lower() for cell in cells) == HEADER:
            continue
        try:
            record = parse_operator_row(cells, f"line {line_number}")
        except RatesFormatError as error:
            errors.append(error.reason)
            continue
        key = (record.currency, record.rate_date)
        if key in seen:
            errors.append(
                f"line {line_number}: {record.currency} on {record.rate_date} "
                f"already given on line {seen[key]}"
            )
            continue
        seen[key] = line_number
        records.append(record)
    if errors:
        shown = errors[:MAX_REPORTED_ERRORS]
        more = len(errors) - len(shown)
        raise RatesFormatError("; ".join(shown) + (f"; and {more} more" if more else ""))
    if not records:
        raise RatesFormatError("the file holds no rates")
    return records


def parse_operator_row(cells: list[str], where: str) -> RateRecord:
    """One `currency,rate_per_eur,date` row; also what an operator form would call."""
    if len(cells) != len(HEADER):
        raise RatesFormatError(f"{where}: expected {','.join(HEADER)}, got {len(cells)} fields")
    currency, rate, rate_date = cells
    return RateRecord(
        currency=parse_currency(currency, where),
        per_eur=parse_rate(rate, where),
        rate_date=parse_date(rate_date, where),
    )
