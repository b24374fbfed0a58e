"""A post's sales figures on hand-built orders: exact sums per year and growth, the country
split with its ties, the best-selling issues; the SVG charts and the CSV say the same; the
queries do not grow with the orders."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask, render_template_string

from mall.catalogue.models import Product
from mall.extensions import db
from mall.money import Money
from mall.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PostOrder,
    PostOrderStatus,
)
from mall.posts.models import Post
from mall.sales.charts import draw_charts
from mall.sales.export import COLUMNS, sales_csv
from mall.sales.figures import SalesFigures, growth, sales_figures

SVG = "{http://www.w3.org/2000/svg}"
_codes = itertools.count(1)

Sale = Callable[..., Order]


@pytest.fixture
def shop(make_post, make_issue, make_product) -> dict[str, Any]:
    uy = make_post("uy")
    nl = make_post("nl")
    tango = make_issue(uy, slug="tango", title={"es": "Tango", "en": "Tango"})
    gaucho = make_issue(uy, slug="gaucho", title={"es": "Gaucho"})
    return {
        "uy": uy,
        "nl": nl,
        "tango": make_product(tango, price_minor=1000),
        "gaucho": make_product(gaucho, price_minor=2500),
        "nl_stamp": make_product(make_issue(nl), price_minor=100),
    }


@pytest.fixture
def sale() -> Sale:
    """A paid order of one post, as placement leaves it: `sale(post, "DE", 2021,
    [(product, 2)])`; goods are the lines' sum in the post's currency."""

    def make(
        post: Post,
        country: str,
        paid: datetime | int,
        lines: list[tuple[Product, int]],
        *,
        status: OrderStatus = OrderStatus.PAID,
        post_status: PostOrderStatus = PostOrderStatus.SHIPPED,
        shipping: int = 300,
    ) -> Order:
        when = paid if isinstance(paid, datetime) else datetime(paid, 6, 1, 12, tzinfo=UTC)
        n = next(_codes)
        goods = sum(product.price_minor * quantity for product, quantity in lines)
        order = Order(
            code=f"S{n:07d}", payment_reference=f"RF00S{n:07d}", email="a@example.org",
            locale="en", currency=post.currency, goods_minor=goods, shipping_minor=shipping,
            total_minor=goods + shipping, rates={}, payment_method=PaymentMethod.CARD,
            status=status, placement_key=f"sale-{n}", ship_name="A", ship_line1="1 Road",
            ship_city="Town", ship_country=country, created_at=when - timedelta(hours=1),
            reserved_until=when, paid_at=when if status is OrderStatus.PAID else None,
            post_orders=[
                PostOrder(
                    post_id=post.id, currency=post.currency, goods_minor=goods,
                    shipping_minor=shipping, goods_presentment_minor=goods,
                    shipping_presentment_minor=shipping, commission_bps=1000,
                    shipping_method_name={"en": "Letter"}, status=post_status,
                    lines=[
                        OrderLine(
                            post_id=post.id, product_id=product.id, sku=product.sku,
                            title=dict(product.issue.title), format=product.format,
                            condition=product.condition, hs_code=product.hs_code,
                            weight_g=product.weight_g, quantity=quantity,
                            unit_price_minor=product.price_minor, currency=product.currency,
                            amount_presentment_minor=product.price_minor * quantity,
                        )
                        for product, quantity in lines
                    ],
                )
            ],
        )
        db.session.add(order)
        db.session.commit()
        return order

    return make


def uyu(amount: int) -> Money:
    return Money(amount, "UYU")


# --- per year ---------------------------------------------------------------------------


def test_sales_per_year_are_exact_sums_with_gaps_and_growth(shop, sale) -> None:
    uy, tango, gaucho = shop["uy"], shop["tango"], shop["gaucho"]
    sale(uy, "DE", 2020, [(tango, 1)])
    sale(uy, "DE", 2020, [(gaucho, 2)])  # 2020: 10.00 + 50.00
    sale(uy, "US", 2022, [(tango, 3), (gaucho, 1)])  # 2021 has nothing; 2022: 55.00
    sale(uy, "US", 2023, [(tango, 11)])  # 2023: 110.00
    figures = sales_figures(db.session, uy)
    assert [(y.year, y.orders, y.amount, y.growth) for y in figures.years] == [
        (2020, 2, uyu(6000), None),
        (2021, 0, uyu(0), Decimal("-1.0000")),
        (2022, 1, uyu(5500), None),  # no ratio after a year without sales
        (2023, 1, uyu(11000), Decimal("1.0000")),
    ]
    assert figures.total == uyu(22500)  # goods only: shipping pays for carrying
    assert figures.orders == 4
    assert growth(3, 4) == Decimal("0.3333")
    assert growth(3, 2) == Decimal("-0.3333")


def test_only_paid_uncancelled_sales_of_this_post_count(shop, sale) -> None:
    uy, tango = shop["uy"], shop["tango"]
    sale(uy, "DE", 2024, [(tango, 1)])
    sale(uy, "DE", 2024, [(tango, 7)], status=OrderStatus.PENDING_PAYMENT)
    sale(uy, "DE", 2024, [(tango, 7)], status=OrderStatus.CANCELLED)
    sale(uy, "DE", 2024, [(tango, 7)], post_status=PostOrderStatus.CANCELLED)
    sale(uy, "DE", 2024, [(tango, 2)], post_status=PostOrderStatus.TO_SHIP)
    sale(shop["nl"], "DE", 2024, [(shop["nl_stamp"], 9)])
    figures = sales_figures(db.session, uy)
    assert [(y.year, y.orders, y.amount) for y in figures.years] == [(2024, 2, uyu(3000))]
    assert sales_figures(db.session, shop["nl"]).total == Money(900, "EUR")


def test_a_sale_belongs_to_the_utc_year_its_payment_arrived(shop, sale) -> None:
    uy, tango = shop["uy"], shop["tango"]
    sale(uy, "DE", datetime(2021, 12, 31, 23, 59, 59, tzinfo=UTC), [(tango, 1)])
    sale(uy, "DE", datetime(2022, 1, 1, 0, 0, 1, tzinfo=UTC), [(tango, 2)])
    figures = sales_figures(db.session, uy)
    assert [(y.year, y.amount) for y in figures.years] == [(2021, uyu(1000)), (2022, uyu(2000))]


def test_a_post_without_sales_has_empty_figures(shop) -> None:
    figures = sales_figures(db.session, shop["uy"])
    assert figures.is_empty
    assert (figures.years, figures.countries, figures.issues) == ((), (), ())
    assert figures.total == uyu(0)


# --- countries ---------------------------------------------------------------------------


def test_main_countries_then_the_rest_with_ties_broken_stably(shop, sale) -> None:
    uy, tango, gaucho = shop["uy"], shop["tango"], shop["gaucho"]
    sale(uy, "US", 2024, [(tango, 3)])  # US 30.00 in one order
    sale(uy, "DE", 2024, [(tango, 1)])
    sale(uy, "DE", 2024, [(tango, 2)])  # DE 30.00 in two orders: ahead of the US
    sale(uy, "JP", 2024, [(tango, 1)])  # JP and FR tie on everything: by code
    sale(uy, "FR", 2024, [(tango, 1)])
    sale(uy, "BR", 2025, [(gaucho, 2)])  # BR 50.00: first
    figures = sales_figures(db.session, uy, top_countries=3)
    rows = [(c.country, c.orders, c.amount, c.share, c.countries) for c in figures.countries]
    assert rows == [
        ("BR", 1, uyu(5000), Decimal("0.3846"), 1),
        ("DE", 2, uyu(3000), Decimal("0.2308"), 1),
        ("US", 1, uyu(3000), Decimal("0.2308"), 1),
        (None, 2, uyu(2000), Decimal("0.1538"), 2),  # FR and JP
    ]
    assert sum((c.amount for c in figures.countries), uyu(0)) == figures.total
    everything = sales_figures(db.session, uy, top_countries=10).countries
    assert [c.country for c in everything] == ["BR", "DE", "US", "FR", "JP"]  # no "rest"


# --- issues ------------------------------------------------------------------------------


def test_best_selling_issues_by_items_then_amount(shop, sale, make_product) -> None:
    uy, tango, gaucho = shop["uy"], shop["tango"], shop["gaucho"]
    tango_sheet = make_product(tango.issue, price_minor=4000)
    sale(uy, "DE", 2024, [(tango, 2), (tango_sheet, 1), (gaucho, 3)])
    sale(uy, "US", 2025, [(gaucho, 1)])
    figures = sales_figures(db.session, uy)
    assert [(i.slug, i.title, i.quantity, i.amount) for i in figures.issues] == [
        ("gaucho", {"es": "Gaucho"}, 4, uyu(10000)),
        ("tango", {"es": "Tango", "en": "Tango"}, 3, uyu(6000)),
    ]
    sale(uy, "US", 2025, [(tango, 1)])  # 4 tango items now: tie on items, gaucho earned more
    assert [i.slug for i in sales_figures(db.session, uy).issues] == ["gaucho", "tango"]
    assert [i.slug for i in sales_figures(db.session, uy, top_issues=1).issues] == ["gaucho"]


def test_sales_of_a_deleted_product_still_count(shop, sale) -> None:
    uy, tango = shop["uy"], shop["tango"]
    sale(uy, "DE", 2024, [(tango, 2)])
    db.session.execute(
        OrderLine.__table__.update().values(product_id=None)
    )  # what ON DELETE SET NULL leaves
    db.session.commit()
    [gone] = sales_figures(db.session, uy).issues
    assert (gone.issue_id, gone.slug, gone.title, gone.quantity) == (None, None, {}, 2)


def test_queries_do_not_grow_with_the_orders(shop, sale, count_queries) -> None:
    uy = shop["uy"]
    counts = []
    for year in (2019, 2020, 2021):
        for country in ("DE", "US", "FR", "JP"):
            sale(uy, country, year, [(shop["tango"], 1), (shop["gaucho"], 2)])
        db.session.expire_all()
        assert uy.currency  # the post itself is loaded: the figures' queries are counted
        with count_queries() as queries:
            sales_figures(db.session, uy)
        counts.append(len(queries))
    assert counts == [4, 4, 4]


# --- charts, CSV and the template ----------------------------------------------------------


@pytest.fixture
def figures(shop, sale) -> SalesFigures:
    uy = shop["uy"]
    sale(uy, "DE", 2022, [(shop["gaucho"], 40)])  # 1.000,00
    sale(uy, "US", 2023, [(shop["tango"], 150)])  # 1.500,00
    sale(uy, "UY", 2023, [(shop["tango"], 1)])
    sale(uy, "FR", 2024, [(shop["gaucho"], 2)])
    return sales_figures(db.session, uy, top_countries=2)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def test_the_year_chart_is_accessible_svg_with_a_bar_per_year(app: Flask, figures) -> None:
    with app.test_request_context():
        charts = draw_charts(figures, "es")
    root = _parse(str(charts.years))
    bars = root.findall(f"{SVG}g[@class='bar']")
    assert len(bars) == len(figures.years) == 3
    heights = [float(bar.find(f"{SVG}rect").get("height")) for bar in bars]
    assert heights[1] == max(heights)
    assert heights[0] > heights[2] > 0
    tooltips = ["".join(bar.find(f"{SVG}title").itertext()) for bar in bars]
    # Babel's Spanish: a dot for thousands, a comma for decimals, the code after the amount.
    assert tooltips[0] == "2022: 1.000,00\xa0UYU"
    assert tooltips[1] == "2023: 1.510,00\xa0UYU (+51,0% on the year before)"
    assert {"2022", "2023", "2024"} <= set(_texts(root))
    assert "Total: 2.560,00\xa0UYU." in root.find(f"{SVG}desc").text


def test_the_country_chart_names_countries_in_the_readers_language(app: Flask, figures) -> None:
    with app.test_request_context():
        charts = draw_charts(figures, "es")
    root = _parse(str(charts.countries))
    bars = root.findall(f"{SVG}g")
    assert len(bars) == 3  # US, DE and the rest
    labels = _texts(root)
    assert labels[0] == "Estados Unidos"
    assert labels[2] == "Alemania"
    assert labels[4] == "Other countries (2)"
    assert "1.500,00\xa0UYU · 58,6%" in labels


def test_charts_of_a_post_without_sales_say_so(app: Flask, shop) -> None:
    with app.test_request_context():
        charts = draw_charts(sales_figures(db.session, shop["uy"]), "en")
    for svg in (charts.years, charts.countries):
        assert "No sales yet." in _texts(_parse(str(svg)))


def test_the_csv_holds_the_same_figures(app: Flask, figures) -> None:
    with app.test_request_context():
        text = sales_csv(figures, "en")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    years = [r for r in rows if r["section"] == "year"]
    assert [(int(r["key"]), int(r["orders"]), Decimal(r["amount"])) for r in years] == [
        (y.year, y.orders, y.amount.to_decimal()) for y in figures.years
    ]
    assert [r["ratio"] for r in years] == ["", "0.5100", "-0.9669"]
    countries = [r for r in rows if r["section"] == "country"]
    assert [(r["key"], r["label"], Decimal(r["ratio"])) for r in countries] == [
        ("US", "United States", Decimal("0.5859")),
        ("DE", "Germany", Decimal("0.3906")),
        ("other", "Other countries (2)", Decimal("0.0234")),
    ]
    assert sum(Decimal(r["amount"]) for r in countries) == figures.total.to_decimal()
    issues = [r for r in rows if r["section"] == "issue"]
    assert [(r["key"], r["label"], int(r["items"])) for r in issues] == [
        ("tango", "Tango", 151), ("gaucho", "Gaucho", 42),
    ]
    assert {r["currency"] for r in rows} == {"UYU"}


def test_csv_cells_that_look_like_formulas_are_defused(app: Flask, shop, sale, make_issue,
                                                       make_product) -> None:
    uy = shop["uy"]
    trap = make_product(make_issue(uy, slug="trap", title={"en": "=HYPERLINK(\"x\")"}))
    sale(uy, "DE", 2024, [(trap, 1)])
    with app.test_request_context():
        text = sales_csv(sales_figures(db.session, uy), "en")
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["section"] == "issue"]
    assert row["label"] == "'=HYPERLINK(\"x\")"


def test_the_template_lays_out_charts_and_tables(app: Flask, figures) -> None:
    with app.test_request_context():
        html = render_template_string(
            '{% from "sales/_figures.html" import sales_figures %}'
            "{{ sales_figures(figures, charts, csv_url='/sales.csv') }}",
            figures=figures,
            charts=draw_charts(figures, "en"),
        )
    assert html.count("<svg") == 2
    assert '<a href="/sales.csv" download>' in html
    assert "+51.0%" in html  # growth of 2023 in the year table
    assert "Other countries (2)" in html
    assert "<th scope=\"row\">Tango</th>" in html
