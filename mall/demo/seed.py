"""Load the demo mall (six posts, their catalogues, pages and news) into a database.

Every row is upserted by its natural key — post code, theme slug, issue slug, product SKU,
collection slug, page kind, news slug — and a field is written only when its value differs,
so a second run finds nothing to change: the report then says "0 created, 0 updated".
Demo rows are never deleted: orders may already point at them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mall.catalogue.models import Collection, Issue, Product, Theme
from mall.catalogue.search import rebuild_index
from mall.content.models import NewsItem, Page, PageKind
from mall.demo.applications import seed_demo_application
from mall.demo.backoffice import seed_back_office
from mall.demo.buyer import seed_demo_buyer
from mall.demo.history import seed_history
from mall.demo.issues import build_issues
from mall.demo.payouts import seed_payout_account
from mall.demo.posts import COUNTRIES
from mall.demo.shipping import seed_shipping_methods
from mall.demo.specs import Country, IssueSpec
from mall.demo.themes import THEMES
from mall.operator.demo import seed_demo_operator, seed_demo_post_staff
from mall.posts.models import Post, PostStatus
from mall.posts.services import go_live
from mall.rates.conversion import RateTable, load_rate_table
from mall.rates.services import import_demo_rates


@dataclass
class SeedReport:
    """What the seed found and did, for the command's summary and for tests."""

    created: int = 0
    updated: int = 0
    #: Rows per kind that the demo defines (whether created, updated or unchanged).
    counts: dict[str, int] = field(default_factory=dict)
    #: One line per exchange-rate import.
    rates: list[str] = field(default_factory=list)

    def saw(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def summary(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        lines = [f"Demo mall: {kinds} ({self.created} created, {self.updated} updated)."]
        return "\n".join([*lines, *(f"Rates {line}" for line in self.rates)])


def seed(session: Session) -> SeedReport:
    """Upsert the whole demo, load the dated exchange-rate snapshot the demo prices need, and
    rebuild the search index. Flushes but never commits: the caller owns the transaction."""
    report = SeedReport()
    report.rates = [result.summary() for result in import_demo_rates(session)]
    rates = load_rate_table(session)
    themes = _seed_themes(session, report)
    for country in COUNTRIES:
        post = _seed_post(session, country, rates, report)
        issues = _seed_issues(session, post, build_issues(country), themes, report)
        _seed_collections(session, post, country, issues, report)
        _seed_pages(session, post, country, report)
        _seed_news(session, post, country, report)
        seed_shipping_methods(session, post, report)  # mall/demo/shipping.py
        seed_demo_post_staff(session, post, report)  # mall/operator/demo.py: back office
        go_live(session, post, rates)  # verified, named, a rate, a manager: it opens
        seed_history(session, post, rates, report)  # mall/demo/history.py: past sales
        seed_back_office(session, post, report)  # mall/demo/backoffice.py: work to do
        seed_payout_account(session, post, report)  # mall/demo/payouts.py: how it is paid
    session.flush()
    seed_demo_operator(session, report)  # mall/operator/demo.py: the payment desk's account
    seed_demo_buyer(session, report)
    seed_demo_application(session, report)  # mall/demo/applications.py: one to verify
    rebuild_index(session)
    return report


def _apply(obj: Any, values: Mapping[str, Any], report: SeedReport) -> None:
    """Write only the fields that differ, so an unchanged row stays clean (no UPDATE)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed and obj.id is not None:
        report.updated += 1


def _create(session: Session, model: type, values: Mapping[str, Any], report: SeedReport) -> Any:
    obj = model(**values)
    session.add(obj)
    report.created += 1
    return obj


def _seed_themes(session: Session, report: SeedReport) -> dict[str, Theme]:
    existing = {t.slug: t for t in session.scalars(select(Theme).where(Theme.slug.in_(THEMES)))}
    for slug, name in THEMES.items():
        if slug in existing:
            _apply(existing[slug], {"name": name}, report)
        else:
            existing[slug] = _create(session, Theme, {"slug": slug, "name": name}, report)
    report.saw("themes", len(THEMES))
    return existing


def _seed_post(session: Session, country: Country, rates: RateTable, report: SeedReport) -> Post:
    """A demo post is verified when created; it goes live as any post would, once it has
    its manager (`seed`)."""
    post = session.scalar(select(Post).where(Post.code == country.code))
    if post is None:
        post = _create(session, Post, {**country.post, "status": PostStatus.VERIFIED}, report)
    else:
        _apply(post, country.post, report)
    session.flush()  # the post's id is needed by its products
    report.saw("posts")
    return post


def _seed_issues(
    session: Session,
    post: Post,
    specs: list[IssueSpec],
    themes: dict[str, Theme],
    report: SeedReport,
) -> dict[str, Issue]:
    existing = {
        issue.slug: issue
        for issue in session.scalars(
            select(Issue)
            .where(Issue.post_id == post.id)
            .options(selectinload(Issue.themes))
        )
    }
    products = {
        p.sku: p for p in session.scalars(select(Product).where(Product.post_id == post.id))
    }
    report.saw("issues", len(specs))
    for spec in specs:
        values = {
            "title": spec.title,
            "description": spec.description,
            "issue_date": spec.issue_date,
            "wns_numbers": list(spec.wns_numbers),
            "designer": spec.designer,
            "printer": spec.printer,
            "process": spec.process,
            "perforation": spec.perforation,
            "print_run": spec.print_run,
        }
        issue = existing.get(spec.slug)
        if issue is None:
            # On sale since its issue date, as a real shop's back catalogue is.
            published = (None if spec.draft
                         else datetime.combine(spec.issue_date, time(9), tzinfo=UTC))
            issue = _create(session, Issue, {"post": post, "slug": spec.slug,
                                             "published_at": published, **values}, report)
            existing[spec.slug] = issue
        else:
            _apply(issue, values, report)
        wanted = [themes[slug] for slug in sorted(spec.themes)]
        if [t.slug for t in issue.themes] != [t.slug for t in wanted]:
            issue.themes = wanted
        for product_spec in spec.products:
            product_values = {
                "format": product_spec.format,
                "condition": product_spec.condition,
                "face_value": product_spec.face_value,
                "price_minor": product_spec.price_minor,
                "currency": product_spec.currency,
                "stock": product_spec.stock,
                "weight_g": product_spec.weight_g,
                "hs_code": product_spec.hs_code,
                "position": product_spec.position,
            }
            product = products.get(product_spec.sku)
            if product is None:
                products[product_spec.sku] = _create(
                    session,
                    Product,
                    {"post_id": post.id, "issue": issue, "sku": product_spec.sku,
                     **product_values},
                    report,
                )
            else:
                _apply(product, product_values, report)
        report.saw("products", len(spec.products))
    return existing


def _seed_collections(
    session: Session, post: Post, country: Country, issues: dict[str, Issue], report: SeedReport
) -> None:
    existing = {
        c.slug: c
        for c in session.scalars(
            select(Collection)
            .where(Collection.post_id == post.id)
            .options(selectinload(Collection.issues))
        )
    }
    for position, spec in enumerate(country.collections):
        chosen = sorted(
            (
                issue
                for issue in issues.values()
                if spec.selects(issue.slug, tuple(t.slug for t in issue.themes), issue.year)
            ),
            key=lambda issue: (issue.issue_date, issue.slug),
            reverse=True,
        )
        if not chosen:
            raise ValueError(f"{country.code}: collection {spec.slug!r} selects no issue")
        values = {"name": spec.name, "description": spec.description, "position": position}
        collection = existing.get(spec.slug)
        if collection is None:
            collection = _create(
                session, Collection, {"post_id": post.id, "slug": spec.slug, **values}, report
            )
            collection.issues = chosen
        else:
            _apply(collection, values, report)
            if {i.slug for i in collection.issues} != {i.slug for i in chosen}:
                collection.issues = chosen
                report.updated += 1
    report.saw("collections", len(country.collections))


def _seed_pages(session: Session, post: Post, country: Country, report: SeedReport) -> None:
    existing = {p.kind: p for p in session.scalars(select(Page).where(Page.post_id == post.id))}
    for kind_value, (title, body) in country.pages.items():
        kind = PageKind(kind_value)
        values = {"title": title, "body": body}
        if kind in existing:
            _apply(existing[kind], values, report)
        else:
            _create(session, Page, {"post_id": post.id, "kind": kind, **values}, report)
    report.saw("pages", len(country.pages))


def _seed_news(session: Session, post: Post, country: Country, report: SeedReport) -> None:
    existing = {
        n.slug: n for n in session.scalars(select(NewsItem).where(NewsItem.post_id == post.id))
    }
    for spec in country.news:
        values = {"published_on": spec.published_on, "title": spec.title, "body": spec.body}
        if spec.slug in existing:
            _apply(existing[spec.slug], values, report)
        else:
            _create(session, NewsItem, {"post_id": post.id, "slug": spec.slug, **values}, report)
    report.saw("news items", len(country.news))
