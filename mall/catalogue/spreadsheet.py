"""A post's catalogue as CSV, one row per product: exported for a spreadsheet, imported back
all or nothing. A file with one bad cell changes nothing, and says where every problem is.

Columns are documented in docs/catalogue-csv.md. The issue's columns repeat on each of its
products' rows; they must agree."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mall.catalogue.editing import (
    SKU,
    SLUG,
    CatalogueRefused,
    default_hs_code,
    parse_price,
)
from mall.catalogue.models import (
    Condition,
    HSCode,
    Issue,
    Product,
    ProductFormat,
    StockMovement,
    StockReason,
    Theme,
)
from mall.catalogue.publishing import announce, announce_restock
from mall.catalogue.search import index_issues
from mall.catalogue.wns import InvalidWNS, parse_wns
from mall.money import Money
from mall.posts.models import Post

ISSUE_COLUMNS = ["issue_slug", "issue_date", "published", "wns_numbers", "themes", "designer",
                 "printer", "process", "perforation", "print_run"]
PRODUCT_COLUMNS = ["sku", "format", "condition", "face_value", "price", "stock", "weight_g",
                   "hs_code", "position"]
MAX_ROWS = 50_000
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
#: The column a value of an issue comes from, where its name differs.
_COLUMN_OF = {"slug": "issue_slug", "title": "title_*", "description": "description_*"}


def columns(post: Post) -> list[str]:
    """Every column, with a title and a description per language of the post (and English)."""
    texts = [f"{kind}_{code}" for code in _locales(post) for kind in ("title", "description")]
    return ISSUE_COLUMNS[:2] + texts + ISSUE_COLUMNS[2:] + PRODUCT_COLUMNS


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class ImportFailed(Exception):
    """Nothing was imported; `problems` lists every cell to correct."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class ImportResult:
    issues_created: int = 0
    issues_updated: int = 0
    products_created: int = 0
    products_updated: int = 0
    rows: int = 0


@dataclass
class _IssueRow:
    row: int
    values: dict[str, Any]
    products: list[dict[str, Any]] = field(default_factory=list)


def export_csv(session: Session, post: Post) -> str:
    """The post's whole catalogue, drafts included, in the import's own format."""
    header = columns(post)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    issues = session.scalars(
        select(Issue).where(Issue.post_id == post.id)
        .options(selectinload(Issue.products), selectinload(Issue.themes))
        .order_by(Issue.issue_date, Issue.slug)
    )
    for issue in issues:
        base = {
            "issue_slug": issue.slug, "issue_date": issue.issue_date.isoformat(),
            "published": "yes" if issue.is_published else "no",
            "wns_numbers": " ".join(issue.wns_numbers),
            "themes": " ".join(theme.slug for theme in issue.themes),
            "designer": issue.designer, "printer": issue.printer, "process": issue.process,
            "perforation": issue.perforation,
            "print_run": "" if issue.print_run is None else str(issue.print_run),
        }
        for code in _locales(post):
            base[f"title_{code}"] = issue.title.get(code, "")
            base[f"description_{code}"] = issue.description.get(code, "")
        for product in issue.products:
            writer.writerow({k: _cell(v) for k, v in {
                **base, "sku": product.sku, "format": product.format.value,
                "condition": product.condition.value, "face_value": product.face_value,
                "price": str(Money(product.price_minor, product.currency).to_decimal()),
                "stock": str(product.stock), "weight_g": str(product.weight_g),
                "hs_code": product.hs_code, "position": str(product.position),
            }.items()})
    return out.getvalue()


def import_csv(
    session: Session,
    post: Post,
    text: str,
    now: datetime,
    staff_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update `post`'s issues (by slug) and products (by SKU) from `text`; raise
    ImportFailed with every problem, having changed nothing, if any row is wrong."""
    problems: list[Problem] = []
    issues = _read(post, text, problems, session)
    if problems:
        raise ImportFailed(problems)
    header = csv.DictReader(io.StringIO(text.lstrip("\ufeff"))).fieldnames or []
    result = _apply(session, post, issues, now, staff_id, progress, set(header))
    return result


def _read(post: Post, text: str, problems: list[Problem],
          session: Session) -> dict[str, _IssueRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("issue_slug", "issue_date", "sku", "format", "price")
               if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(Problem(1, ", ".join(missing), _("required column missing")))
        return {}
    themes = set(session.scalars(select(Theme.slug)))
    issues: dict[str, _IssueRow] = {}
    skus: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(Problem(number, "-", _("more than %(n)d rows", n=MAX_ROWS)))
            break
        if None in raw:
            problems.append(Problem(number, "-", _("more cells than columns")))
            continue
        row = {key: _uncell((value or "").strip()) for key, value in raw.items() if key}
        report = _reporter(problems, number)
        values = _issue_values(post, row, themes, report)
        product = _product_values(post, row, report)
        slug, sku = row.get("issue_slug", ""), row.get("sku", "")
        if sku in skus:
            report("sku", _("the same SKU is on row %(row)d", row=skus[sku]))
        skus[sku] = number
        if slug in issues:
            first = issues[slug]
            for name, value in values.items():
                if first.values.get(name) != value:
                    report(_COLUMN_OF.get(name, name),
                           _("differs from row %(row)d of the same issue", row=first.row))
        else:
            issues[slug] = _IssueRow(number, values)
        issues[slug].products.append({**product, "row": number})
    return issues


def _reporter(problems: list[Problem], row: int) -> Callable[[str, str], None]:
    return lambda column, reason: problems.append(Problem(row, column, str(reason)))


def _issue_values(post: Post, row: dict[str, str], themes: set[str],
                  report: Callable[[str, str], None]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    slug = row.get("issue_slug", "").lower()
    if not SLUG.fullmatch(slug) or len(slug) > 120:
        report("issue_slug", _("lower-case letters, digits and hyphens, like birds-of-2026"))
    values["slug"] = slug
    try:
        values["issue_date"] = date.fromisoformat(row.get("issue_date", ""))
    except ValueError:
        report("issue_date", _("a date written YYYY-MM-DD"))
    values["title"] = {code: row[f"title_{code}"] for code in _locales(post)
                       if row.get(f"title_{code}")}
    values["description"] = {code: row[f"description_{code}"] for code in _locales(post)
                             if row.get(f"description_{code}")}
    if not values["title"]:
        report("title_" + post.default_locale, _("a title in at least one language"))
    try:
        values["wns_numbers"] = tuple(str(parse_wns(n, post.code))
                                      for n in row.get("wns_numbers", "").split())
    except InvalidWNS:
        report("wns_numbers", _("WNS numbers of this post, like %(example)s",
                                example=f"{post.code.upper()}003.18"))
    wanted = tuple(sorted(set(row.get("themes", "").split())))
    unknown = [slug for slug in wanted if slug not in themes]
    if unknown:
        report("themes", _("unknown themes: %(themes)s", themes=", ".join(unknown)))
    values["themes"] = wanted
    published = row.get("published", "").lower()
    if published not in YES | NO:
        report("published", _("one of: %(values)s", values="yes, no"))
    values["published"] = published in YES
    for column, limit in (("designer", 200), ("printer", 200), ("process", 80),
                          ("perforation", 40)):
        if len(row.get(column, "")) > limit:
            report(column, _("at most %(n)d characters", n=limit))
        values[column] = row.get(column, "")
    values["print_run"] = _integer(row, "print_run", 1, 2_000_000_000, report, optional=True)
    return values


def _product_values(post: Post, row: dict[str, str],
                    report: Callable[[str, str], None]) -> dict[str, Any]:
    values: dict[str, Any] = {"sku": row.get("sku", "")}
    if not SKU.fullmatch(values["sku"]):
        report("sku", _("up to 40 letters, digits, dots, hyphens or underscores"))
    values["format"] = _choice(row, "format", ProductFormat, report)
    values["condition"] = _choice(row, "condition", Condition, report, default="mint")
    try:
        values["price_minor"] = parse_price(row.get("price", ""), post.currency).amount
    except CatalogueRefused as refused:
        report("price", str(refused.message))
    values["stock"] = _integer(row, "stock", 0, 1_000_000, report, default=0)
    values["weight_g"] = _integer(row, "weight_g", 1, 30_000, report, default=5)
    values["position"] = _integer(row, "position", 0, 1000, report, default=0)
    hs_code = row.get("hs_code", "")
    if hs_code and hs_code not in {code.value for code in HSCode}:
        report("hs_code", _("4907 or 9704"))
    values["hs_code"] = hs_code or None
    if len(row.get("face_value", "")) > 80:
        report("face_value", _("at most %(n)d characters", n=80))
    values["face_value"] = row.get("face_value", "")
    return values


def _apply(session: Session, post: Post, issues: dict[str, _IssueRow], now: datetime,
           staff_id: int | None, progress: Callable[[int], None] | None,
           present: set[str]) -> ImportResult:
    """Write what the file holds. A column the file leaves out keeps what the catalogue has
    (a prices-only file neither empties the stock nor takes issues off sale); new issues and
    products take the defaults."""
    result = ImportResult()
    existing = {issue.slug: issue for issue in session.scalars(
        select(Issue).where(Issue.post_id == post.id).options(selectinload(Issue.themes)))}
    products = {p.sku: p for p in session.scalars(
        select(Product).where(Product.post_id == post.id))}
    themes = {theme.slug: theme for theme in session.scalars(select(Theme))}
    touched: list[Issue] = []
    put_on_sale: list[Issue] = []
    movements: list[tuple[Product, int]] = []
    for slug, found in issues.items():
        values = found.values
        issue = existing.get(slug)
        if issue is None:
            issue = Issue(post=post, post_id=post.id, slug=slug)
            session.add(issue)
            result.issues_created += 1
        else:
            result.issues_updated += 1
        new = issue.id is None

        def given(column: str, *, _new: bool = new) -> bool:
            return _new or column in present

        issue.issue_date = values["issue_date"]
        issue.title = _texts(issue.title, values["title"], "title", present, new)
        issue.description = _texts(issue.description, values["description"], "description",
                                   present, new)
        if given("wns_numbers"):
            issue.wns_numbers = list(values["wns_numbers"])
        if given("themes"):
            issue.themes = [themes[t] for t in values["themes"]]
        for column in ("designer", "printer", "process", "perforation", "print_run"):
            if given(column):
                setattr(issue, column, values[column])
        if given("published"):
            if values["published"] and issue.published_at is None:
                issue.published_at = now
                put_on_sale.append(issue)
            elif not values["published"]:
                issue.published_at = None
        for row in found.products:
            product = products.get(row["sku"])
            fresh = product is None
            if product is None:
                product = Product(post_id=post.id, issue=issue, currency=post.currency, stock=0)
                session.add(product)
                products[row["sku"]] = product
                result.products_created += 1
            else:
                product.issue = issue
                result.products_updated += 1
            for column in ("sku", "format", "price_minor"):
                setattr(product, column, row[column])
            for column in ("condition", "weight_g", "position", "face_value"):
                if fresh or column in present:
                    setattr(product, column, row[column])
            if fresh or "hs_code" in present:
                product.hs_code = (row["hs_code"]
                                   or default_hs_code(product.condition, product.format))
            if (fresh or "stock" in present) and row["stock"] != product.stock:
                movements.append((product, int(row["stock"]) - product.stock))
                product.stock = row["stock"]
            result.rows += 1
            if progress is not None:
                progress(1)
        touched.append(issue)
    session.flush()
    session.add_all(
        StockMovement(product_id=product.id, post_id=post.id, delta=delta,
                      stock_after=product.stock, reason=StockReason.CORRECTION,
                      note="CSV import", staff_id=staff_id, at=now)
        for product, delta in movements
    )
    index_issues(session, touched)
    announce(session, put_on_sale)
    announce_restock(session, [product.id for product, delta in movements if delta > 0])
    session.flush()
    return result


def _texts(current: dict[str, str], read: dict[str, str], kind: str, present: set[str],
           new: bool) -> dict[str, str]:
    """The texts of the languages the file has a column for, over those it leaves out."""
    if new:
        return dict(read)
    kept = {code: text for code, text in current.items() if f"{kind}_{code}" not in present}
    return {**kept, **read}


def _choice(row: dict[str, str], column: str, kind: type, report: Callable[[str, str], None],
            default: str | None = None) -> object:
    value = row.get(column, "").lower() or default or ""
    try:
        return kind(value)
    except ValueError:
        report(column, _("one of: %(values)s", values=", ".join(m.value for m in kind)))
        return None


def _integer(row: dict[str, str], column: str, low: int, high: int,
             report: Callable[[str, str], None], *, default: int | None = None,
             optional: bool = False) -> int | None:
    text = row.get(column, "")
    if not text and (optional or default is not None):
        return default
    try:
        number = int(text)
    except ValueError:
        report(column, _("a whole number"))
        return default
    if not low <= number <= high:
        report(column, _("a number from %(low)d to %(high)d", low=low, high=high))
    return number


FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value: str) -> str:
    """Defuse cells a spreadsheet would run as a formula (=, +, -, @ first)..."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _uncell(value: str) -> str:
    """...and take the quote off again on the way back in, so a round trip changes nothing."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _locales(post: Post) -> Iterable[str]:
    return list(dict.fromkeys([*post.locales, "en"]))
