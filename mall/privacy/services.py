"""A buyer's copy of their data, and the erasure of their account, over every section
(`mall.privacy.sections`). Both take a session and values, flush and never commit."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from mall.accounts.models import Buyer
from mall.privacy.registry import PersonalData, Tables
from mall.privacy.sections import SECTIONS


def collect(
    session: Session, buyer: Buyer, sections: Sequence[PersonalData] = SECTIONS
) -> dict[str, Tables]:
    """Every section's rows about `buyer`, by section name."""
    return {
        section.name: section.export(session, buyer)
        for section in sections
        if section.export is not None
    }


def export_archive(data: dict[str, Tables], now: datetime) -> bytes:
    """A zip of `data.json` (everything, by section) and one CSV per table (header row
    first, UTF-8 with a byte order mark so that spreadsheet programs read accents right)."""
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {"exported_at": now.isoformat(), "sections": data}
        archive.writestr(zipfile.ZipInfo("data.json", stamp),
                         json.dumps(document, ensure_ascii=False, indent=2))
        for tables in data.values():
            for name, rows in tables.items():
                archive.writestr(zipfile.ZipInfo(f"{name}.csv", stamp), _csv(rows))
    return buffer.getvalue()


def _csv(rows: list[dict]) -> bytes:
    text = io.StringIO()
    if rows:
        writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode()


def erase(
    session: Session, buyer: Buyer, now: datetime, sections: Sequence[PersonalData] = SECTIONS
) -> None:
    """Erase the buyer's account: every section's rows go or are anonymised, in order, or —
    when one raises `ErasureRefused` — none at all (a savepoint holds them together)."""
    with session.begin_nested():
        for section in sections:
            if section.erase is not None:
                section.erase(session, buyer, now)
        session.flush()
