"""What a post's staff change in their catalogue: issues (drafts until published), the
products they are sold as, and stock by hand with a reason. The back office and the CSV
import both come through here, so the rules hold whichever way a change arrives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel.speaklater import LazyString
from sqlalchemy import select, update
from sqlalchemy.orm import Session

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
from mall.i18n import lazy_translate as _l
from mall.money import Money, precision
from mall.posts.models import Post

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MAX_STOCK = 1_000_000


class CatalogueRefused(ValueError):
    """A change that breaks a catalogue rule; `field` names what to correct."""

    def __init__(self, field_name: str, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.field = field_name
        self.message = message


@dataclass
class IssueValues:
    slug: str
    issue_date: date
    #: Per locale; empty texts are dropped.
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    wns_numbers: list[str] = field(default_factory=list)
    designer: str = ""
    printer: str = ""
    process: str = ""
    perforation: str = ""
    print_run: int | None = None
    themes: list[str] = field(default_factory=list)


@dataclass
class ProductValues:
    sku: str
    format: ProductFormat
    condition: Condition
    #: In the post's currency, as a person writes it ("12.50").
    price: str
    weight_g: int
    hs_code: str | None = None
    face_value: str = ""
    position: int = 0


def save_issue(
    session: Session, post: Post, values: IssueValues, issue: Issue | None = None
) -> Issue:
    """Create (as a draft) or update one of `post`'s issues, and reindex it for search."""
    slug = values.slug.strip().lower()
    if not SLUG.fullmatch(slug) or len(slug) > 120:
        raise CatalogueRefused("slug", _l("Use lower-case letters, digits and hyphens, like "
                                          "birds-of-the-wetlands."))
    taken = session.scalar(select(Issue.id).where(Issue.post_id == post.id, Issue.slug == slug))
    if taken is not None and (issue is None or taken != issue.id):
        raise CatalogueRefused("slug", _l("Another issue of yours has this address already."))
    title = _texts(values.title)
    if not title:
        raise CatalogueRefused("title", _l("Give the issue a title in at least one language."))
    try:
        wns = [str(parse_wns(number, post.code)) for number in values.wns_numbers if number.strip()]
    except InvalidWNS as invalid:
        raise CatalogueRefused("wns_numbers", _l(
            "WNS numbers look like %(example)s: your country's code, a 3-digit number, a dot "
            "and the year (2002 or later).", example=f"{post.code.upper()}003.18",
        )) from invalid
    if values.print_run is not None and not 0 < values.print_run <= 2_000_000_000:
        raise CatalogueRefused("print_run", _l("A print run is a positive number."))
    themes = list(session.scalars(select(Theme).where(Theme.slug.in_(values.themes))))
    if len(themes) != len(set(values.themes)):
        raise CatalogueRefused("themes", _l("Choose themes from the list."))
    if issue is None:
        issue = Issue(post=post, post_id=post.id)
        session.add(issue)
    issue.slug = slug
    issue.issue_date = values.issue_date
    issue.title = title
    issue.description = _texts(values.description)
    issue.wns_numbers = wns
    issue.designer, issue.printer = values.designer.strip(), values.printer.strip()
    issue.process, issue.perforation = values.process.strip(), values.perforation.strip()
    issue.print_run = values.print_run
    issue.themes = sorted(themes, key=lambda theme: theme.slug)
    session.flush()
    index_issues(session, [issue])
    return issue


def publish(session: Session, issue: Issue, now: datetime) -> bool:
    """Put a draft on sale and announce it; False when it was on sale already (a replayed
    button)."""
    if issue.published_at is not None:
        return False
    if not issue.products:
        raise CatalogueRefused("products", _l("Add at least one product before publishing."))
    issue.published_at = now
    announce(session, [issue])
    return True


def unpublish(issue: Issue) -> bool:
    """Take an issue off sale (carts keep nothing of it that can still be bought)."""
    if issue.published_at is None:
        return False
    issue.published_at = None
    return True


def save_product(
    session: Session, issue: Issue, values: ProductValues, product: Product | None = None
) -> Product:
    post = issue.post
    sku = values.sku.strip()
    if not SKU.fullmatch(sku):
        raise CatalogueRefused("sku", _l("A SKU has up to 40 letters, digits, dots, hyphens "
                                         "or underscores."))
    taken = session.scalar(select(Product.id).where(Product.post_id == post.id,
                                                    Product.sku == sku))
    if taken is not None and (product is None or taken != product.id):
        raise CatalogueRefused("sku", _l("Another product of yours has this SKU already."))
    price = parse_price(values.price, post.currency)
    if not 1 <= values.weight_g <= 30_000:
        raise CatalogueRefused("weight_g", _l("The weight is in grams, from 1 to 30,000."))
    hs_code = values.hs_code or default_hs_code(values.condition, values.format)
    if hs_code not in {code.value for code in HSCode}:
        raise CatalogueRefused("hs_code", _l("Stamps are declared under HS 4907 (mint) or "
                                             "9704 (used, covers, collectors' pieces)."))
    if product is None:
        product = Product(post_id=post.id, issue=issue, stock=0, currency=post.currency)
        session.add(product)
    product.sku, product.format, product.condition = sku, values.format, values.condition
    product.price_minor, product.currency = price.amount, post.currency
    product.weight_g, product.hs_code = values.weight_g, hs_code
    product.face_value, product.position = values.face_value.strip(), values.position
    session.flush()
    return product


def parse_price(text: str, currency: str) -> Money:
    """A price as typed, exact to the currency's minor unit (no silent rounding)."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value > Decimal("99999999"):
        raise CatalogueRefused("price", _l("Write the price as a number, like 12.50."))
    if value != value.quantize(Decimal(1).scaleb(-precision(currency))):
        raise CatalogueRefused("price", _l("%(currency)s has %(digits)d decimals at most.",
                                           currency=currency, digits=precision(currency)))
    return Money.from_decimal(value, currency)


def adjust_stock(
    session: Session,
    product: Product,
    delta: int,
    reason: StockReason,
    note: str,
    staff_id: int | None,
    now: datetime,
) -> StockMovement:
    """Change the stock by `delta` with one conditional update, so a sale that takes stock
    at the same moment is never overwritten and stock never goes below zero."""
    if delta == 0 or abs(delta) > MAX_STOCK:
        raise CatalogueRefused("delta", _l("Change the stock by a whole number other than 0."))
    stock_after = session.execute(
        update(Product)
        .where(Product.id == product.id, Product.stock + delta >= 0,
               Product.stock + delta <= MAX_STOCK)
        .values(stock=Product.stock + delta)
        .returning(Product.stock)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if stock_after is None:
        session.refresh(product, ["stock"])
        raise CatalogueRefused("delta", _l("Only %(stock)d in stock: the stock cannot go below "
                                           "zero.", stock=product.stock))
    movement = StockMovement(product_id=product.id, post_id=product.post_id, delta=delta,
                             stock_after=stock_after, reason=reason, note=note.strip()[:300],
                             staff_id=staff_id, at=now)
    session.add(movement)
    session.flush()
    session.refresh(product, ["stock"])
    if delta > 0:
        announce_restock(session, [product.id])
    return movement


def stock_history(session: Session, product: Product, limit: int = 50) -> list[StockMovement]:
    return list(session.scalars(
        select(StockMovement)
        .where(StockMovement.product_id == product.id)
        .order_by(StockMovement.at.desc(), StockMovement.id.desc())
        .limit(limit)
    ))


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {locale: text.strip() for locale, text in values.items() if text and text.strip()}


def default_hs_code(condition: Condition, product_format: ProductFormat) -> str:
    """Mint stamps are 4907; used and cancelled ones, and covers, collectors' pieces (9704)."""
    if condition is Condition.MINT and product_format is not ProductFormat.FIRST_DAY_COVER:
        return HSCode.MINT_STAMPS.value
    return HSCode.COLLECTORS_PIECES.value
