"""The shapes of the hand-written demo data, kept apart from the database models so that the
country modules read as plain data and the builder can check them before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from mall.catalogue.models import Condition, ProductFormat
from mall.columns import Translations


@dataclass(frozen=True)
class Subject:
    """One stamp subject of a country, the seed of one issue.

    `year`, `month` and `day` pin subjects that history dates (the Copa América of 2011);
    the others are spread over the years by the builder. `stamps` and `sheet` fix the issue's
    make-up where it is part of the story (a souvenir sheet for a Ramsar conference)."""

    key: str
    themes: tuple[str, ...]
    title: Translations
    blurb: Translations
    year: int | None = None
    month: int | None = None
    day: int | None = None
    stamps: int | None = None
    sheet: bool = False
    #: Ready in the back office but not on sale: staff publish it, and followers hear of it.
    draft: bool = False


def series(
    key: str,
    themes: tuple[str, ...],
    title: Translations,
    blurb: Translations,
    years: tuple[int, ...],
    month: int | None = None,
) -> list[Subject]:
    """A recurring issue (Christmas, Europa, America UPAEP): one subject per year, with
    `{year}` filled in the titles and blurbs."""
    return [
        Subject(
            key=f"{key}-{year}",
            themes=themes,
            title={loc: text.format(year=year) for loc, text in title.items()},
            blurb={loc: text.format(year=year) for loc, text in blurb.items()},
            year=year,
            month=month,
        )
        for year in years
    ]


def english_subject(
    key: str,
    themes: tuple[str, ...],
    title: str,
    blurb: str,
    *,
    year: int | None = None,
    month: int | None = None,
    day: int | None = None,
    stamps: int | None = None,
    sheet: bool = False,
) -> Subject:
    """A subject of a post that publishes in English only (Uganda, Botswana)."""
    return Subject(key, themes, {"en": title}, {"en": blurb}, year=year, month=month, day=day,
                   stamps=stamps, sheet=sheet)


@dataclass(frozen=True)
class CollectionSpec:
    """A post's shelf of issues, chosen by theme, by subject key or by year."""

    slug: str
    name: Translations
    description: Translations
    themes: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    since_year: int | None = None

    def selects(self, key: str, themes: tuple[str, ...], year: int) -> bool:
        if self.since_year is not None and year >= self.since_year:
            return True
        return any(key.startswith(k) for k in self.keys) or bool(set(themes) & set(self.themes))


@dataclass(frozen=True)
class NewsSpec:
    slug: str
    published_on: date
    title: Translations
    body: Translations


@dataclass(frozen=True)
class Stationery:
    """How a post prints and prices its stamps: the people and works behind its issues,
    its postal rates over the years and how it writes a face value."""

    designers: tuple[str, ...]
    #: (printer, process) pairs: a printing works and what it prints with.
    printers: tuple[tuple[str, str], ...]
    perforations: tuple[str, ...]
    print_runs: tuple[int, int]
    #: Face values in use from a year on, in major units ("45", "1.21").
    rates: dict[int, tuple[str, ...]]
    #: Writes one face value the way the post's stamps print it ("$ 45", "€ 1,21").
    face_value: Callable[[Decimal], str]
    #: What a first day cover or presentation pack costs above its stamps, in major units.
    cover_charge: Decimal
    #: Stamps in a sheetlet and in a booklet.
    sheetlet_size: int = 6
    booklet_size: int = 6
    #: Share of issues whose main product is a sheetlet (PostNL's "velletje").
    sheetlet_share: float = 0.15
    #: Prices of used and cancelled stamps are rounded to this step (5 pesos, 100 riel).
    price_step: Decimal = Decimal("1")

    def values_for(self, year: int) -> tuple[Decimal, ...]:
        since = max(y for y in self.rates if y <= year)
        return tuple(Decimal(value) for value in self.rates[since])


@dataclass(frozen=True)
class Country:
    """Everything the demo knows about one post: its record, its stamps and its pages."""

    #: Field values for `Post`, upserted by `code`.
    post: dict[str, Any]
    stationery: Stationery
    subjects: tuple[Subject, ...]
    collections: tuple[CollectionSpec, ...]
    #: Page title and body per page kind ("history", "about", "faq").
    pages: dict[str, tuple[Translations, Translations]]
    news: tuple[NewsSpec, ...]

    @property
    def code(self) -> str:
        return str(self.post["code"])


@dataclass(frozen=True)
class ProductSpec:
    sku: str
    format: ProductFormat
    condition: Condition
    face_value: str
    price_minor: int
    currency: str
    stock: int
    weight_g: int
    hs_code: str
    position: int


@dataclass(frozen=True)
class IssueSpec:
    slug: str
    themes: tuple[str, ...]
    title: Translations
    description: Translations
    issue_date: date
    wns_numbers: tuple[str, ...]
    designer: str
    printer: str
    process: str
    perforation: str
    print_run: int
    products: tuple[ProductSpec, ...] = field(default_factory=tuple)
    draft: bool = False


class SeedCounter(Protocol):
    """What a seeding step reports to: rows created, and rows the demo defines per kind."""

    created: int

    def saw(self, kind: str, n: int = 1) -> None: ...

