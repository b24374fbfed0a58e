"""Which writes move which version, and when (unit level, on the test database)."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from mall.catalogue.models import Product
from mall.extensions import db
from mall.pagecache.versions import touched_versions, watched_tables

WATCHED = {"issue": "catalogue", "product": "catalogue", "exchange_rate": "rates"}


@pytest.mark.parametrize(("statement", "expected"), [
    ("SELECT * FROM product", set()),
    ("INSERT INTO product (sku) VALUES (?)", {"catalogue"}),
    ("INSERT OR REPLACE INTO issue (id) VALUES (1)", {"catalogue"}),
    ('UPDATE "product" SET price_minor=?', {"catalogue"}),
    ("  delete from exchange_rate where id = 1", {"rates"}),
    ("UPDATE cart_line SET quantity=2", set()),
    ("UPDATE product SET stock=(product.stock - ?) WHERE product.id = ? AND product.stock >= ?",
     {"stock"}),
    ("UPDATE product SET stock=? WHERE product.id = ?", {"stock"}),
    ("UPDATE product SET stock=(product.stock - ?)", {"stock"}),
    ("UPDATE product SET stock=?, price_minor=?", {"catalogue"}),
    ("UPDATE product SET price_minor=?, stock=? WHERE product.id = ?", {"catalogue"}),
    ("UPDATE product SET stock=?, price_minor=? WHERE product.id = ?", {"catalogue"}),
    ("UPDATE issue SET stock=? WHERE issue.id = ?", {"catalogue"}),
    ("DELETE FROM product_archive", set()),
    ('TRUNCATE "cart", "issue" RESTART IDENTITY CASCADE', {"catalogue", "rates", "stock"}),
])
def test_a_statement_touches_the_versions_of_the_tables_it_writes(statement, expected):
    assert touched_versions(statement, WATCHED) == expected


def test_the_watched_tables_are_what_shared_pages_show():
    watched = watched_tables(db.metadata, db.Model.registry)
    for table in ("issue", "product", "collection", "issue_theme", "collection_issue",
                  "post", "post_host", "page", "news_item", "issue_search", "theme"):
        assert watched[table] == "catalogue", table
    assert watched["exchange_rate"] == "rates"
    for table in ("cart", "cart_line", "applied_cart_form", "visitor", "buyer", "buyer_order",
                  "outbox_task", "ledger_entry", "sign_in_attempt", "stock_movement",
                  "contact_message"):
        assert table not in watched, table


def versions(cache):
    return cache.lookup("nothing")[0]


def test_a_session_moves_the_version_after_its_commit(cached, uruguay):
    before = versions(cached)
    db.session.execute(update(Product).values(price_minor=1))
    db.session.flush()
    assert versions(cached) == before  # not yet committed
    db.session.commit()
    catalogue, rates, stock = versions(cached)
    assert (catalogue != before[0], rates, stock) == (True, before[1], before[2])


def test_a_sale_moves_the_stock_version_only(cached, uruguay):
    before = versions(cached)
    db.session.execute(update(Product).values(stock=Product.stock - 1))
    db.session.commit()
    catalogue, rates, stock = versions(cached)
    assert (catalogue, rates, stock != before[2]) == (before[0], before[1], True)


def test_a_rollback_moves_nothing(cached, uruguay):
    before = versions(cached)
    db.session.execute(update(Product).values(stock=1))
    db.session.rollback()
    db.session.commit()
    assert versions(cached) == before


def test_a_bare_connection_moves_the_version_at_its_commit(cached, uruguay):
    before = versions(cached)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE exchange_rate SET per_eur = per_eur"))
    catalogue, rates, stock = versions(cached)
    assert (catalogue, rates != before[1], stock) == (before[0], True, before[2])


def test_reads_move_nothing(cached, uruguay):
    before = versions(cached)
    db.session.scalars(db.select(Product)).all()
    db.session.commit()
    assert versions(cached) == before


def test_versions_move_with_the_page_cache_off_too(app, uruguay, monkeypatch):
    """The workers' memos (the rate table, the currency menu) are kept under them."""
    from mall.pagecache import cache

    monkeypatch.setitem(app.config, "PAGE_CACHE", False)
    before = versions(cache())
    db.session.execute(update(Product).values(stock=1))
    db.session.commit()
    assert versions(cache()) != before
