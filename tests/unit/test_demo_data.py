"""The demo mall: six live posts with believable catalogues, loaded idempotently.

Seeding takes a couple of seconds, so the module seeds once (twice, to prove idempotency),
copies what the tests look at into plain data, and lets the per-test wipe do its work."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mall.catalogue.artwork import render_stamp_svg
from mall.catalogue.models import Collection, Condition, Issue, Product, ProductFormat, Theme
from mall.catalogue.search import IssueSearch
from mall.catalogue.wns import parse_wns
from mall.content.models import NewsItem, Page, PageKind
from mall.demo.history import LAST_DAY, TO_SHIP_DAYS
from mall.demo.seed import SeedReport, seed
from mall.demo.themes import THEMES
from mall.extensions import db
from mall.orders.models import Order, OrderStatus, PaymentMethod, PostOrder, PostOrderStatus
from mall.payments.stripe_units import to_stripe
from mall.posts.models import Post, PostStatus
from mall.sales.figures import SalesFigures, sales_figures

CODES = {"uy", "nl", "kh", "ug", "bw", "tz"}
#: The tables the demo writes, dumped whole to compare two runs.
DEMO_TABLES = (
    "post", "theme", "issue", "issue_theme", "product", "collection", "collection_issue",
    "page", "news_item", "buyer_order", "post_order", "order_line",
)


@dataclass(frozen=True)
class Seeded:
    first: SeedReport
    second: SeedReport
    dump_after_first: dict[str, list[str]]
    dump_after_second: dict[str, list[str]]
    posts: dict[str, dict[str, Any]]
    indexed: int
    #: Per post: its sales figures, and what is wrong with any of its past orders.
    sales: dict[str, SalesFigures]
    order_faults: dict[str, list[str]]


def _dump() -> dict[str, list[str]]:
    """Every row of every demo table, ids and timestamps included: a second run that deleted
    and re-inserted rows, or touched one, would show."""
    dump = {}
    for name in DEMO_TABLES:
        table = db.metadata.tables[name]
        rows = db.session.execute(select(table)).all()
        dump[name] = sorted(repr(tuple(row)) for row in rows)
    return dump


def _snapshot() -> dict[str, dict[str, Any]]:
    """What the tests check, per post, as plain data that outlives the database wipe."""
    posts: dict[str, dict[str, Any]] = {}
    for post in db.session.scalars(select(Post)):
        issues = db.session.scalars(
            select(Issue)
            .where(Issue.post_id == post.id)
            .options(selectinload(Issue.products), selectinload(Issue.themes))
            .order_by(Issue.issue_date, Issue.id)
        ).all()
        collections = db.session.scalars(
            select(Collection)
            .where(Collection.post_id == post.id)
            .options(selectinload(Collection.issues))
        ).all()
        posts[post.code] = {
            "post": {c.key: getattr(post, c.key) for c in Post.__table__.columns},
            "issues": [
                {
                    "slug": issue.slug,
                    "title": issue.title,
                    "description": issue.description,
                    "issue_date": issue.issue_date,
                    "wns_numbers": issue.wns_numbers,
                    "themes": [theme.slug for theme in issue.themes],
                    "designer": issue.designer,
                    "printer": issue.printer,
                    "process": issue.process,
                    "perforation": issue.perforation,
                    "print_run": issue.print_run,
                    "products": [
                        {c.key: getattr(p, c.key) for c in Product.__table__.columns}
                        for p in issue.products
                    ],
                }
                for issue in issues
            ],
            "collections": [
                {"slug": c.slug, "name": c.name, "post_ids": {i.post_id for i in c.issues},
                 "size": len(c.issues)}
                for c in collections
            ],
            "pages": {
                page.kind: (page.title, page.body)
                for page in db.session.scalars(select(Page).where(Page.post_id == post.id))
            },
            "news": [
                (n.slug, n.title, n.body)
                for n in db.session.scalars(select(NewsItem).where(NewsItem.post_id == post.id))
            ],
        }
    return posts


def _order_faults() -> dict[str, list[str]]:
    """Each past order checked as checkout would have placed it: the post's own products,
    exact sums, money that balances, a card total Stripe takes, paid and shipped."""
    faults: dict[str, list[str]] = defaultdict(list)
    products = {
        p.id: p for p in db.session.scalars(select(Product).options(selectinload(Product.issue)))
    }
    orders = db.session.scalars(
        select(Order).options(selectinload(Order.post_orders).selectinload(PostOrder.lines))
    )
    for order in orders:
        [post_order] = order.post_orders
        post = db.session.get(Post, post_order.post_id)
        fault = faults[post.code].append
        if not order.placement_key.startswith(f"demo-{post.code}-"):
            fault(f"{order.code}: key {order.placement_key}")
        if order.status is not OrderStatus.PAID or order.paid_at is None:
            fault(f"{order.code}: not paid")
        recent = order.created_at.date() > LAST_DAY - TO_SHIP_DAYS
        wanted = PostOrderStatus.TO_SHIP if recent else PostOrderStatus.SHIPPED
        if post_order.status is not wanted:
            fault(f"{order.code}: {post_order.status.value}, not {wanted.value}")
        if not 2019 <= order.paid_at.year <= 2026 or order.paid_at < order.created_at:
            fault(f"{order.code}: paid {order.paid_at}")
        if post_order.commission_bps != 1000 or post_order.shipping_method_id is None:
            fault(f"{order.code}: commission or shipping")
        for line in post_order.lines:
            product = products[line.product_id]
            if product.post_id != post.id or line.unit_price_minor != product.price_minor:
                fault(f"{order.code}: line {line.sku}")
            if product.issue.issue_date > order.created_at.date():
                fault(f"{order.code}: {line.sku} sold before its issue")
        if post_order.goods_minor != sum(line.amount.amount for line in post_order.lines):
            fault(f"{order.code}: goods")
        shares = post_order.goods_presentment_minor + post_order.shipping_presentment_minor
        if (order.goods_minor + order.shipping_minor != shares
                or order.total_minor != shares + order.rounding_minor):
            fault(f"{order.code}: money does not balance")
        if order.payment_method is PaymentMethod.CARD:
            to_stripe(order.total)  # raises for a total no card can pay
        elif order.rounding_minor:
            fault(f"{order.code}: rounded without a card")
    return dict(faults)


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Seeded:
    with app.app_context():
        first = seed(db.session)
        db.session.commit()
        dump_after_first = _dump()
        db.session.remove()

        second = seed(db.session)
        db.session.commit()
        dump_after_second = _dump()
        data = Seeded(
            first=first,
            second=second,
            dump_after_first=dump_after_first,
            dump_after_second=dump_after_second,
            posts=_snapshot(),
            indexed=db.session.scalar(select(func.count()).select_from(IssueSearch)) or 0,
            sales={post.code: sales_figures(db.session, post)
                   for post in db.session.scalars(select(Post))},
            order_faults=_order_faults(),
        )
        db.session.remove()
    return data


def test_seeding_twice_leaves_exactly_the_same_rows(seeded: Seeded) -> None:
    assert seeded.second.created == 0
    assert seeded.second.updated == 0
    assert seeded.second.counts == seeded.first.counts
    for table in DEMO_TABLES:
        assert seeded.dump_after_second[table] == seeded.dump_after_first[table], table
    rows = sum(len(seeded.dump_after_first[name]) for name in DEMO_TABLES
               if name not in ("issue_theme", "collection_issue"))
    assert seeded.first.created >= rows  # other demo parts (shipping) count their rows too


def test_the_report_counts_what_was_loaded(seeded: Seeded) -> None:
    counts = seeded.first.counts
    assert counts["posts"] == 6
    assert counts["themes"] == len(THEMES)
    assert counts["issues"] == sum(len(p["issues"]) for p in seeded.posts.values())
    assert "6 posts" in seeded.first.summary()
    assert "0 created, 0 updated" in seeded.second.summary()


def test_the_six_posts_are_live_verified_and_branded(seeded: Seeded) -> None:
    assert set(seeded.posts) == CODES
    for code, data in seeded.posts.items():
        post = data["post"]
        assert post["status"] is PostStatus.LIVE
        assert post["verified_at"] is not None
        assert re.fullmatch(rf"POST-{code.upper()}-\d{{4}}", post["community_id"])
        assert re.fullmatch(r"#[0-9a-f]{6}", post["primary_color"])
        assert re.fullmatch(r"#[0-9a-f]{6}", post["accent_color"])
        assert post["primary_color"] != post["accent_color"]
        assert "@" in post["email"]
        assert post["phone"].startswith("+")
        assert post["address"]
        assert post["default_locale"] in post["locales"]
        for field in ("name", "shop_name", "tagline", "country_name"):
            for locale in {post["default_locale"], "en"}:
                assert post[field].get(locale), (code, field, locale)


@pytest.mark.parametrize(
    ("code", "currency", "locales"),
    [
        ("uy", "UYU", ["es", "en"]),
        ("nl", "EUR", ["nl", "en"]),
        ("kh", "KHR", ["km", "en"]),
        ("ug", "UGX", ["en"]),
        ("bw", "BWP", ["en"]),
        ("tz", "TZS", ["sw", "en"]),
    ],
)
def test_each_post_sells_in_its_currency_and_languages(
    seeded: Seeded, code: str, currency: str, locales: list[str]
) -> None:
    post = seeded.posts[code]["post"]
    assert post["currency"] == currency
    assert post["locales"] == locales
    assert post["default_locale"] == locales[0]


def test_every_post_has_at_least_forty_issues_over_the_years(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        issues = data["issues"]
        assert len(issues) >= 40, code
        years = {issue["issue_date"].year for issue in issues}
        assert years == set(range(2011, 2027)), code  # every year has something


def test_every_wns_number_is_valid_of_its_country_and_sequential(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        per_year: dict[int, list[int]] = defaultdict(list)
        for issue in data["issues"]:
            assert issue["wns_numbers"], issue["slug"]
            for text in issue["wns_numbers"]:
                number = parse_wns(text, code)
                assert str(number) == text
                assert number.year == issue["issue_date"].year
                per_year[number.year].append(number.number)
        for year, numbers in per_year.items():
            assert numbers == list(range(1, len(numbers) + 1)), (code, year)


def test_titles_and_descriptions_speak_the_posts_language_and_english(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        default = data["post"]["default_locale"]
        for issue in data["issues"]:
            for locale in {default, "en"}:
                assert issue["title"].get(locale), (code, issue["slug"], locale)
                assert issue["description"].get(locale), (code, issue["slug"], locale)
            assert "lorem" not in str(issue).lower()
        titles = [issue["title"][default] for issue in data["issues"]]
        assert len(set(titles)) == len(titles), code


def test_khmer_and_swahili_are_really_written_in_them(seeded: Seeded) -> None:
    khmer = [i["title"]["km"] for i in seeded.posts["kh"]["issues"]]
    assert all(re.search("[\u1780-\u17ff]", title) for title in khmer)
    swahili = " ".join(i["description"]["sw"] for i in seeded.posts["tz"]["issues"])
    assert "Usanifu" in swahili
    assert " ya " in swahili


def test_issues_carry_their_technical_details_and_known_themes(seeded: Seeded) -> None:
    for data in seeded.posts.values():
        for issue in data["issues"]:
            assert issue["themes"]
            assert set(issue["themes"]) <= set(THEMES)
            assert all(issue[field] for field in ("designer", "printer", "perforation"))
            assert issue["process"].startswith("Offset")
            assert issue["print_run"] >= 5_000


def test_every_issue_has_one_to_five_well_formed_products(seeded: Seeded) -> None:
    formats: Counter[ProductFormat] = Counter()
    conditions: Counter[Condition] = Counter()
    for code, data in seeded.posts.items():
        skus = [p["sku"] for issue in data["issues"] for p in issue["products"]]
        assert len(skus) == len(set(skus)), code
        for issue in data["issues"]:
            products = issue["products"]
            assert 1 <= len(products) <= 5, issue["slug"]
            year = issue["issue_date"].year
            for product in products:
                formats[product["format"]] += 1
                conditions[product["condition"]] += 1
                assert re.fullmatch(rf"{code.upper()}-{year}-\d{{3}}-[A-Z]+(-U|-CTO)?",
                                    product["sku"])
                assert isinstance(product["price_minor"], int)
                assert product["price_minor"] > 0
                assert product["currency"] == data["post"]["currency"]
                assert 0 <= product["stock"] <= 200
                assert 5 <= product["weight_g"] <= 80
                assert 0 < len(product["face_value"]) <= 80
                collectors = (product["condition"] is not Condition.MINT
                              or product["format"] is ProductFormat.FIRST_DAY_COVER)
                assert product["hs_code"] == ("9704" if collectors else "4907"), product["sku"]
    assert set(formats) == set(ProductFormat)
    assert conditions[Condition.MINT] > 5 * conditions[Condition.USED] > 0
    assert 0 < conditions[Condition.CTO] < conditions[Condition.USED]


def test_some_products_are_sold_out_but_most_are_in_stock(seeded: Seeded) -> None:
    stocks = [p["stock"] for data in seeded.posts.values()
              for issue in data["issues"] for p in issue["products"]]
    sold_out = stocks.count(0)
    assert 0 < sold_out < len(stocks) / 4


@pytest.mark.parametrize(
    ("code", "pattern", "lowest", "highest"),
    [
        # Prices in minor units: pesos, euros, riel and pula have 2 decimals, shillings of
        # Uganda none; a single stamp costs what a letter does.
        ("uy", r"\$ \d+", 15_00, 135_00),
        ("nl", r"€ \d,\d\d", 46, 2_05),
        ("kh", r"\d+ ៛", 1_500_00, 8_000_00),
        ("ug", r"UGX \d{1,2},\d{3}|UGX \d{3}", 700, 9_000),
        ("bw", r"P \d+\.\d\d", 3_30, 18_00),
        ("tz", r"TSh \d{1,2},\d{3}|TSh \d{3}", 500_00, 5_000_00),
    ],
)
def test_face_values_and_prices_look_like_the_countrys(
    seeded: Seeded, code: str, pattern: str, lowest: int, highest: int
) -> None:
    singles = [p for issue in seeded.posts[code]["issues"] for p in issue["products"]
               if p["format"] is ProductFormat.SINGLE and p["condition"] is Condition.MINT]
    assert singles
    for product in singles:
        assert re.fullmatch(pattern, product["face_value"]), product["face_value"]
        assert lowest <= product["price_minor"] <= highest, product


def test_every_post_has_history_about_and_faq_pages(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        default = data["post"]["default_locale"]
        assert set(data["pages"]) == set(PageKind), code
        for kind, (title, body) in data["pages"].items():
            for locale in {default, "en"}:
                assert title.get(locale), (code, kind, locale)
                blocks = body[locale].split("\n\n")
                assert any(block.startswith("## ") for block in blocks), (code, kind)
                assert sum(not block.startswith("## ") for block in blocks) >= 2, (code, kind)
        faq = data["pages"][PageKind.FAQ][1][default].split("\n\n")
        questions = [i for i, block in enumerate(faq) if block.startswith("## ")]
        assert len(questions) >= 4, code
        for i in questions:  # every question is answered by the paragraph below it
            assert not faq[i + 1].startswith("## "), (code, faq[i])


def test_history_pages_tell_the_countrys_own_story(seeded: Seeded) -> None:
    history = {code: data["pages"][PageKind.HISTORY][1]["en"]
               for code, data in seeded.posts.items()}
    expected = {
        "uy": ("1856", "Montevideo Suns"),
        "nl": ("1852", "William III"),
        "kh": ("1951", "Norodom Sihanouk"),
        "ug": ("1895", "Cowries"),
        "bw": ("1885", "Bechuanaland"),
        "tz": ("1961", "Tanganyika"),
    }
    for code, words in expected.items():
        for word in words:
            assert word in history[code], (code, word)


def test_every_post_has_six_to_ten_news_items(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        default = data["post"]["default_locale"]
        assert 6 <= len(data["news"]) <= 10, code
        for slug, title, body in data["news"]:
            for locale in {default, "en"}:
                assert title.get(locale), (code, slug, locale)
                assert body.get(locale), (code, slug, locale)


def test_every_post_has_five_to_eight_collections_of_its_own_issues(seeded: Seeded) -> None:
    for code, data in seeded.posts.items():
        default = data["post"]["default_locale"]
        post_id = data["post"]["id"]
        assert 5 <= len(data["collections"]) <= 8, code
        for collection in data["collections"]:
            assert collection["size"] >= 2, (code, collection["slug"])
            assert collection["post_ids"] == {post_id}
            assert collection["name"].get(default)
            assert collection["name"].get("en")


def test_the_search_index_covers_every_issue(seeded: Seeded) -> None:
    assert seeded.indexed == sum(len(data["issues"]) for data in seeded.posts.values())


def test_the_command_loads_the_demo_and_commits(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["mall", "seed-demo"])

    assert result.exit_code == 0, result.output
    assert "6 posts" in result.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 6
    themes = db.session.scalars(select(Theme)).all()
    assert {theme.slug for theme in themes} == set(THEMES)
    assert all(set(theme.name) >= {"en", "es", "fr", "nl"} for theme in themes)


def test_every_demo_issue_and_product_has_a_picture(app: Flask) -> None:
    seed(db.session)
    db.session.flush()
    issues = db.session.scalars(
        select(Issue).options(selectinload(Issue.products), selectinload(Issue.themes))
    ).all()
    for issue in issues:
        for product in [None, *issue.products]:
            svg = render_stamp_svg(issue, product)
            root = ET.fromstring(svg)  # noqa: S314 - our own output
            assert root.find("{http://www.w3.org/2000/svg}title") is not None


def test_every_post_has_years_of_past_paid_orders_that_balance(seeded: Seeded) -> None:
    assert seeded.first.counts["past orders"] == sum(f.orders for f in seeded.sales.values())
    assert 300 <= seeded.first.counts["past orders"] <= 600
    assert seeded.order_faults == {code: [] for code in CODES}
    for code, figures in seeded.sales.items():
        assert [y.year for y in figures.years] == list(range(2019, 2027)), code
        assert all(y.orders >= 2 for y in figures.years), code
        last, first = figures.years[-1].amount, figures.years[0].amount
        assert last.amount > first.amount, code  # a shop that grew
        assert figures.countries[-1].is_rest, code
        assert figures.countries[-1].countries >= 3, code
        assert len(figures.issues) == 10, code


def test_past_buyers_come_from_many_countries_and_the_posts_own(seeded: Seeded) -> None:
    for code, figures in seeded.sales.items():
        named = {c.country for c in figures.countries if not c.is_rest}
        everyone = len(named) + figures.countries[-1].countries
        assert everyone >= 12, code
        assert "DE" in named or "US" in named, code
