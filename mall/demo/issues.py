"""Turn a country's hand-written subjects into issues with dates, WNS numbers and products.

Everything random comes from one `random.Random` seeded by the post's code, so the demo is the
same on every machine and on every run: that is what makes `seed-demo` idempotent and lets
screenshots, tests and people talk about "UY-2018-003-SS" and mean the same sheet."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

from mall.catalogue.models import Condition, HSCode, ProductFormat
from mall.catalogue.wns import WNSNumber
from mall.demo.specs import Country, IssueSpec, ProductSpec, Stationery, Subject
from mall.money import Money

#: The demo catalogue spans these years (WNS numbers exist from 2002 on).
YEARS = tuple(range(2011, 2027))
#: The last month of the demo's final year, so no issue is dated after the demo was written.
LAST_MONTH = 10

_SKU_FORMAT = {
    ProductFormat.SINGLE: "S",
    ProductFormat.SET: "SET",
    ProductFormat.SOUVENIR_SHEET: "SS",
    ProductFormat.SHEETLET: "SL",
    ProductFormat.FIRST_DAY_COVER: "FDC",
    ProductFormat.BOOKLET: "BK",
    ProductFormat.PRESENTATION_PACK: "PP",
}
_SKU_CONDITION = {Condition.MINT: "", Condition.USED: "-U", Condition.CTO: "-CTO"}
_WEIGHTS = {
    ProductFormat.SINGLE: (5, 5),
    ProductFormat.SET: (5, 10),
    ProductFormat.SOUVENIR_SHEET: (8, 15),
    ProductFormat.SHEETLET: (15, 25),
    ProductFormat.FIRST_DAY_COVER: (15, 25),
    ProductFormat.BOOKLET: (10, 20),
    ProductFormat.PRESENTATION_PACK: (40, 80),
}


def build_issues(country: Country) -> list[IssueSpec]:
    """The post's issues, oldest first, with WNS numbers running on within each year."""
    rng = random.Random(f"post-mall-demo:{country.code}")
    dated = _date_subjects(country.subjects, rng)
    per_year: Counter[int] = Counter()
    issues = []
    for issue_date, subject in dated:
        issue = _build_issue(country, subject, issue_date, per_year, rng)
        issues.append(issue)
    slugs = Counter(issue.slug for issue in issues)
    duplicates = [slug for slug, n in slugs.items() if n > 1]
    if duplicates:
        raise ValueError(f"{country.code}: duplicate issue slugs {duplicates}")
    return issues


def _date_subjects(subjects: tuple[Subject, ...], rng: random.Random) -> list[tuple[date, Subject]]:
    """Pinned subjects keep their year; the others fill the emptiest years, so every year of
    the catalogue has a few issues, as a real post's has."""
    load: Counter[int] = Counter(s.year for s in subjects if s.year is not None)
    free = [s for s in subjects if s.year is None]
    rng.shuffle(free)
    years: dict[str, int] = {s.key: s.year for s in subjects if s.year is not None}
    for subject in free:
        fewest = min(load[y] for y in YEARS)
        year = rng.choice([y for y in YEARS if load[y] == fewest])
        years[subject.key] = year
        load[year] += 1
    dated = []
    for subject in subjects:
        year = years[subject.key]
        last = LAST_MONTH if year == YEARS[-1] else 12
        month = subject.month or rng.randint(1, last)
        day = rng.randint(1, 28)
        dated.append((date(year, min(month, last), subject.day or day), subject))
    dated.sort(key=lambda pair: (pair[0], pair[1].key))
    return dated


def _build_issue(
    country: Country,
    subject: Subject,
    issue_date: date,
    per_year: Counter[int],
    rng: random.Random,
) -> IssueSpec:
    kit = country.stationery
    main, stamps = _main_format(subject, kit, rng)
    first = per_year[issue_date.year] + 1
    per_year[issue_date.year] += stamps
    cc = country.code.upper()
    wns = tuple(str(WNSNumber(cc, first + i, issue_date.year)) for i in range(stamps))
    designer = rng.choice(kit.designers)
    printer, process = rng.choice(kit.printers)
    perforation = rng.choice(kit.perforations)
    print_run = rng.randrange(kit.print_runs[0], kit.print_runs[1] + 1, 500)
    details = _Details(designer, printer, process, perforation, print_run)
    description = {
        loc: f"{subject.blurb[loc]}\n\n{details.note(loc)}"
        for loc in subject.title
        if loc in subject.blurb
    }
    sku_base = f"{cc}-{issue_date.year}-{first:03d}"
    products = _products(country, subject, issue_date, main, stamps, sku_base, rng)
    return IssueSpec(
        slug=subject.key,
        themes=subject.themes,
        title=dict(subject.title),
        description=description,
        issue_date=issue_date,
        wns_numbers=wns,
        designer=designer,
        printer=printer,
        process=process,
        perforation=perforation,
        print_run=print_run,
        products=products,
        draft=subject.draft,
    )


def _main_format(
    subject: Subject, kit: Stationery, rng: random.Random
) -> tuple[ProductFormat, int]:
    """What the issue is above all (one stamp, a set, a sheet) and how many stamps it has."""
    if subject.sheet:
        return ProductFormat.SOUVENIR_SHEET, subject.stamps or 1
    if rng.random() < kit.sheetlet_share:
        designs = [n for n in (1, 2, 5, 10) if kit.sheetlet_size % n == 0]
        return ProductFormat.SHEETLET, subject.stamps or rng.choice(designs)
    stamps = subject.stamps or rng.choices((1, 2, 3, 4, 6), weights=(35, 30, 15, 12, 8))[0]
    return (ProductFormat.SINGLE if stamps == 1 else ProductFormat.SET), stamps


def _products(
    country: Country,
    subject: Subject,
    issue_date: date,
    main: ProductFormat,
    stamps: int,
    sku_base: str,
    rng: random.Random,
) -> tuple[ProductSpec, ...]:
    kit = country.stationery
    currency = country.post["currency"]
    rates = kit.values_for(issue_date.year)
    values = sorted(rng.choice(rates) for _ in range(stamps))
    sheet_value = max(rates) * rng.choice((1, 2))
    if main is ProductFormat.SHEETLET:
        values = [rates[0]] * stamps
    elif main is ProductFormat.SOUVENIR_SHEET:
        values = [sheet_value] * stamps
    old = issue_date.year <= 2015
    christmas = "christmas" in subject.themes

    def face(values: list[Decimal]) -> str:
        if len(set(values)) == 1 and len(values) > 1:
            return f"{len(values)} × {kit.face_value(values[0])}"
        return " + ".join(kit.face_value(v) for v in values)

    made: list[tuple[ProductFormat, Condition, str, Decimal]] = []
    if main is ProductFormat.SHEETLET:
        sheet = [rates[0]] * kit.sheetlet_size
        made.append((main, Condition.MINT, face(sheet), sum(sheet, Decimal(0))))
    else:
        made.append((main, Condition.MINT, face(values), sum(values, Decimal(0))))
    stamps_total = sum(values, Decimal(0))
    if rng.random() < 0.45:
        made.append((ProductFormat.FIRST_DAY_COVER, Condition.MINT, face(values),
                     stamps_total + kit.cover_charge))
    if main is not ProductFormat.SOUVENIR_SHEET and rng.random() < 0.15:
        made.append((ProductFormat.SOUVENIR_SHEET, Condition.MINT, face([sheet_value]),
                     sheet_value))
    if main is not ProductFormat.SHEETLET and rng.random() < 0.12:
        sheet = [values[0]] * kit.sheetlet_size
        made.append((ProductFormat.SHEETLET, Condition.MINT, face(sheet), sum(sheet, Decimal(0))))
    if rng.random() < (0.5 if christmas else 0.08):
        booklet = [rates[0]] * kit.booklet_size
        made.append((ProductFormat.BOOKLET, Condition.MINT, face(booklet),
                     sum(booklet, Decimal(0))))
    if rng.random() < 0.12:
        made.append((ProductFormat.PRESENTATION_PACK, Condition.MINT, face(values),
                     stamps_total + 2 * kit.cover_charge))
    main_format, _, main_face, main_price = made[0]
    if rng.random() < (0.35 if old else 0.15):
        factor = Decimal(rng.choice(("0.6", "0.8", "1.2", "1.5")))
        made.append((main_format, Condition.USED, main_face, main_price * factor))
    if rng.random() < 0.06:
        made.append((main_format, Condition.CTO, main_face, main_price * Decimal("0.5")))
    made = made[:5]

    products = []
    for position, (fmt, condition, face_value, face_price) in enumerate(made):
        # New stamps sell at face value (plus the cover); used ones at a collector's price.
        price = Money.from_decimal(face_price, currency).amount
        if condition is not Condition.MINT:
            price = _price_minor(face_price, kit.price_step, currency)
        collectors = condition is not Condition.MINT or fmt is ProductFormat.FIRST_DAY_COVER
        low, high = _WEIGHTS[fmt]
        sold_out = rng.random() < (0.25 if old else 0.07)
        products.append(ProductSpec(
            sku=f"{sku_base}-{_SKU_FORMAT[fmt]}{_SKU_CONDITION[condition]}",
            format=fmt,
            condition=condition,
            face_value=face_value,
            price_minor=price,
            currency=currency,
            stock=0 if sold_out else rng.randint(1, 200 if condition is Condition.MINT else 30),
            weight_g=rng.randint(low, high),
            hs_code=(HSCode.COLLECTORS_PIECES if collectors else HSCode.MINT_STAMPS).value,
            position=position,
        ))
    return tuple(products)


def _price_minor(price: Decimal, step: Decimal, currency: str) -> int:
    """Round to the post's usual price step (5 pesos, 100 riel), then to minor units once."""
    steps = (price / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Money.from_decimal(max(steps, Decimal(1)) * step, currency).amount


@dataclass(frozen=True)
class _Details:
    designer: str
    printer: str
    process: str
    perforation: str
    print_run: int

    def note(self, locale: str) -> str:
        """The data line postal shops print under an issue, in the post's own words."""
        run = format_decimal(self.print_run, locale=locale)
        d = self
        notes = {
            "es": f"Diseño: {d.designer}. Impresión: {d.printer}, {d.process}. "
                  f"Dentado {d.perforation}. Tiraje: {run}.",
            "fr": f"Dessin : {d.designer}. Impression : {d.printer}, {d.process}. "
                  f"Dentelure {d.perforation}. Tirage : {run}.",
            "nl": f"Ontwerp: {d.designer}. Druk: {d.printer}, {d.process}. "
                  f"Tanding {d.perforation}. Oplage: {run}.",
            "km": f"រចនាដោយ {d.designer} ។ បោះពុម្ពដោយ {d.printer} ({d.process}) ។ "
                  f"ចំនួនបោះពុម្ព {run} ។",
            "sw": f"Usanifu: {d.designer}. Uchapishaji: {d.printer}, {d.process}. "
                  f"Idadi iliyochapishwa: {run}.",
        }
        return notes.get(locale) or (
            f"Design: {d.designer}. Printing: {d.printer}, {d.process}. "
            f"Perforation {d.perforation}. Print run: {run}."
        )
