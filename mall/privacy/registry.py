"""What a feature tells the privacy package about the data it keeps on a buyer.

A section names the tables it answers for (the sweep in `tests/privacy` checks that every
table pointing at a buyer or a visit is named by one), how to copy a buyer's rows out of
them, and how to erase them. Erasing runs every section in the order of `SECTIONS` inside
one transaction; a section that must keep the buyer's data for now (an order still to be
shipped) raises `ErasureRefused` before it changes anything, and nothing is erased."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from mall.accounts.models import Buyer

#: A value of a row as the export writes it: JSON's scalars only.
Value = str | int | bool | None
#: Rows by the name of the file they are written to (`addresses`, `order_lines`).
Tables = dict[str, list[dict[str, Value]]]


class ErasureRefused(Exception):
    """The account cannot be erased yet; `reason` tells the buyer what to do first."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PersonalData:
    """One feature's data about a buyer."""

    #: Names the section in the export's JSON.
    name: str
    #: The tables whose rows this section exports or erases (the sweep reads this).
    tables: tuple[str, ...]
    #: The buyer's rows, by file name; None when nothing here is worth a copy.
    export: Callable[[Session, Buyer], Tables] | None
    #: Removes or anonymises the buyer's rows; flushes, never commits.
    erase: Callable[[Session, Buyer, datetime], None] | None


def plain(value: Any) -> Value:
    """A column's value as the export writes it: enums by their value, moments and days in
    ISO 8601, translated texts as JSON-ready dicts are left to `row`."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"no plain form for {type(value).__name__}")


def row(obj: object, fields: Iterable[str], **extra: Any) -> dict[str, Value]:
    """`fields` of `obj` (and `extra` values) as plain values; a translated text (a dict of
    locale to text) is written as "en: …; fr: …" so that a CSV cell can hold it."""
    values = {name: getattr(obj, name) for name in fields}
    values.update(extra)
    return {name: _texts(value) if isinstance(value, Mapping) else plain(value)
            for name, value in values.items()}


def _texts(value: Mapping[str, str]) -> str:
    return "; ".join(f"{locale}: {text}" for locale, text in sorted(value.items()))
