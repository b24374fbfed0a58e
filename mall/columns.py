"""Column types shared by the models of every feature package."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, ForeignKeyConstraint, Index
from sqlalchemy.types import TypeDecorator

from mall.money import Money

#: The largest id an `INTEGER` primary key holds on PostgreSQL (32 bits; SQLite's are wider):
#: an id above it is no row of ours, and must be a 404, not the driver's overflow error.
MAX_ID = 2**31 - 1

#: Text in several languages: {"es": "Humedales", "en": "Wetlands"}.
Translations = dict[str, str]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which forgets zones) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime; use mall.columns.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def money_attribute(minor: str, doc: str = "") -> property:
    """A read-only `Money` over an integer minor-units column and the row's `currency`, so
    models store plain integers (exact, summable in SQL) and code reads amounts."""

    def read(row: Any) -> Money:
        return Money(getattr(row, minor), row.currency)

    return property(read, doc=doc or f"`{minor}` as Money")


def translated() -> JSON:
    return JSON()


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Stored as the enum's value in a VARCHAR with a CHECK, the same on every database."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        name=enum_class.__name__.lower(),
        validate_strings=True,
    )


def in_same_post(table: str, column: str, target: str, **options: Any
                 ) -> tuple[ForeignKeyConstraint, Index]:
    """A row's reference to a `target` row of the same post (`column`, `post_id`) →
    (`target`.id, `target`.post_id), which the database checks, and the index its joins
    use. Without that index SQLite reads the references through the `post_id` index alone:
    an issue page read every product of its post (26 ms at 200,000 issues, not 0.1)."""
    return (
        ForeignKeyConstraint([column, "post_id"], [f"{target}.id", f"{target}.post_id"],
                             **options),
        Index(f"ix_{table}_{column}_post_id", column, "post_id"),
    )
