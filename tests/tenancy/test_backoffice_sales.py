"""The sales page of the back office: this post's figures as charts, tables and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.extensions import db
from mall.orders.models import PostOrderStatus
from tests.support.hosts import storefront
from tests.tenancy.factories import become, order_with_line

UY = storefront("uy")


def _sold(post, sku: str, price_minor: int, paid: datetime, country: str) -> None:
    issue = Issue(post=post, slug=f"issue-{sku}", title={"en": f"Issue {sku}"},
                  issue_date=date(2019, 1, 1))
    product = Product(post_id=post.id, issue=issue, sku=sku, format=ProductFormat.SINGLE,
                      condition=Condition.MINT, price_minor=price_minor,
                      currency=post.currency, stock=5)
    db.session.add(product)
    db.session.commit()
    post_order = order_with_line(product, PostOrderStatus.SHIPPED)
    post_order.order.paid_at = paid
    post_order.order.ship_country = country
    db.session.commit()


def test_a_clerk_sees_this_posts_sales_per_year_and_country(client, staff):
    _sold(staff["uy"], "UY-1", 10000, datetime(2024, 3, 1, tzinfo=UTC), "FR")
    _sold(staff["uy"], "UY-2", 30000, datetime(2025, 3, 1, tzinfo=UTC), "DE")
    _sold(staff["nl"], "NL-1", 99900, datetime(2025, 3, 1, tzinfo=UTC), "BE")
    become(client, "clerk", staff, UY)
    page = client.get(UY + "/manage/sales").get_data(as_text=True)
    assert "<svg" in page
    assert "2024" in page
    assert "2025" in page
    assert "Issue UY-2" in page
    assert "Issue NL-1" not in page  # another post's sale
    rows = list(csv.DictReader(io.StringIO(
        client.get(UY + "/manage/sales.csv").get_data(as_text=True))))
    assert rows
    assert not any("NL-1" in ",".join(row.values()) for row in rows)


def test_no_sales_yet_says_so(client, staff):
    become(client, "manager", staff, UY)
    response = client.get(UY + "/manage/sales")
    assert response.status_code == 200
    assert "first sale" in response.get_data(as_text=True)
