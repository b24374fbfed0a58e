"""The catalogue in the back office: a draft issue with its translations, a product, stock
by hand with a reason, publishing — and buyers see only what is published."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from mall.catalogue.editing import (
    CatalogueRefused,
    IssueValues,
    ProductValues,
    adjust_stock,
    parse_price,
    publish,
    save_issue,
    save_product,
)
from mall.catalogue.models import (
    Condition,
    Issue,
    Product,
    ProductFormat,
    StockMovement,
    StockReason,
    Theme,
)
from mall.catalogue.search import SearchQuery, search_issues
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money
from tests.support.hosts import PORTAL, csrf_token, storefront
from tests.tenancy.factories import become

UY, NL = storefront("uy"), storefront("nl")


def _form(client, url: str, **data) -> object:
    token = csrf_token(client, UY + "/manage/issues/new")
    return client.post(url, data={"csrf_token": token, **data})


def _issue_data(**changes: str) -> dict[str, str]:
    return {"slug": "aves-del-uruguay", "issue_date": "2026-12-01",
            "title_es": "Aves del Uruguay", "title_en": "Birds of Uruguay",
            "description_es": "Cuatro aves de los humedales.", "wns_numbers": "UY012.26",
            "designer": "Ana Pérez", "print_run": "20000", **changes}


def test_a_clerk_drafts_translates_stocks_and_publishes_an_issue(client, staff):
    db.session.add(Theme(slug="birds", name={"en": "Birds", "es": "Aves"}))
    db.session.commit()
    become(client, "clerk", staff, UY)
    created = _form(client, UY + "/manage/issues/new", **_issue_data(themes="birds"))
    assert created.status_code == 302
    issue = db.session.scalars(select(Issue)).one()
    assert issue.title == {"es": "Aves del Uruguay", "en": "Birds of Uruguay"}
    assert issue.wns_numbers == ["UY012.26"]
    assert [t.slug for t in issue.themes] == ["birds"]
    assert issue.published_at is None
    assert client.get(UY + "/issues/aves-del-uruguay").status_code == 404  # a draft
    refused = _form(client, f"{UY}/manage/issues/{issue.id}/publish")
    assert refused.status_code == 302  # no product yet: refused with a message
    db.session.expire_all()
    assert db.session.get(Issue, issue.id).published_at is None
    added = _form(client, f"{UY}/manage/issues/{issue.id}/products/new", sku="UY-AVES-SH",
                  format="souvenir_sheet", condition="mint", price="250,00", weight_g="15",
                  hs_code="", position="0")
    assert added.status_code == 302
    product = db.session.scalars(select(Product)).one()
    assert product.price == Money(25000, "UYU")
    assert product.hs_code == "4907"
    assert product.stock == 0
    stocked = _form(client, f"{UY}/manage/products/{product.id}/stock", delta="40",
                    reason="received", note="Delivery from the printer")
    assert stocked.status_code == 302
    assert _form(client, f"{UY}/manage/issues/{issue.id}/publish").status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, product.id).stock == 40
    assert db.session.get(Issue, issue.id).published_at is not None
    page = client.get(UY + "/issues/aves-del-uruguay").get_data(as_text=True)
    assert "Birds of Uruguay" in page  # this browser reads English
    results = search_issues(db.session, SearchQuery(words="humedales"))
    assert [i.slug for i in results.items] == ["aves-del-uruguay"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "Aves del Uruguay"}, "lower-case"),
        ({"wns_numbers": "NL012.26"}, "WNS numbers look like"),
        ({"title_es": "", "title_en": ""}, "at least one language"),
        ({"issue_date": "not a date"}, ""),
        ({"print_run": "-5"}, ""),
    ],
)
def test_bad_issue_input_is_shown_and_nothing_is_saved(client, staff, changes, message):
    become(client, "clerk", staff, UY)
    response = _form(client, UY + "/manage/issues/new", **_issue_data(**changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Issue.id)) is None


@pytest.mark.parametrize(
    ("price", "currency", "minor"),
    [("12.50", "UYU", 1250), ("12,5", "EUR", 1250), ("1000", "JPY", 1000), ("1.234", "KWD", 1234)],
)
def test_prices_are_read_exactly(price, currency, minor):
    assert parse_price(price, currency) == Money(minor, currency)


@pytest.mark.parametrize(("price", "currency"), [("12.505", "UYU"), ("1.5", "JPY"), ("-1", "EUR"),
                                                 ("abc", "EUR"), ("NaN", "EUR"), ("1e9", "EUR")])
def test_prices_that_are_not_exact_are_refused(price, currency):
    with pytest.raises(CatalogueRefused):
        parse_price(price, currency)


def _product(post, stock: int = 5) -> Product:
    issue = save_issue(db.session, post, IssueValues(slug="flores", issue_date=date(2025, 1, 1),
                                                      title={"en": "Flowers"}))
    product = save_product(db.session, issue, ProductValues(
        sku="FL-1", format=ProductFormat.SINGLE, condition=Condition.MINT, price="10",
        weight_g=5))
    if stock:
        adjust_stock(db.session, product, stock, StockReason.RECEIVED, "", None, utcnow())
    db.session.commit()
    return product


def test_stock_never_goes_below_zero_and_every_change_is_kept(staff):
    product = _product(staff["uy"], stock=5)
    with pytest.raises(CatalogueRefused):
        adjust_stock(db.session, product, -6, StockReason.DAMAGED, "", None, utcnow())
    adjust_stock(db.session, product, -2, StockReason.DAMAGED, "water", None, utcnow())
    db.session.commit()
    assert product.stock == 3
    movements = db.session.scalars(select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.delta, m.stock_after, m.reason) for m in movements] == [
        (5, 5, StockReason.RECEIVED), (-2, 3, StockReason.DAMAGED)]


def test_concurrent_removals_never_take_more_than_there_is(app, staff):
    product_id = _product(staff["uy"], stock=5).id
    db.session.rollback()  # reading the id began a transaction: SQLite's writers would wait
    results: list[str] = []
    start = threading.Barrier(6)

    def remove() -> None:
        with app.app_context():
            start.wait()  # before any query: a waiting thread holds no transaction
            target = db.session.get(Product, product_id)
            try:
                adjust_stock(db.session, target, -2, StockReason.DAMAGED, "", None, utcnow())
                db.session.commit()
                results.append("ok")
            except CatalogueRefused:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=remove) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    assert results.count("ok") == 2
    assert db.session.get(Product, product_id).stock == 1


def test_a_sku_or_slug_of_another_post_is_no_clash_but_ones_own_is(staff):
    _product(staff["uy"], stock=0)
    _product(staff["nl"], stock=0)  # the same slug and SKU at another post: fine
    with pytest.raises(CatalogueRefused):
        save_issue(db.session, staff["uy"], IssueValues(slug="flores", issue_date=date(2025, 1, 1),
                                                       title={"en": "Again"}))


def test_publishing_twice_changes_nothing(staff):
    product = _product(staff["uy"])
    issue = product.issue
    issue.published_at = None
    assert publish(db.session, issue, utcnow()) is True
    first = issue.published_at
    assert publish(db.session, issue, utcnow()) is False
    assert issue.published_at == first


def test_drafts_stay_out_of_the_portal_and_the_cart(client, staff):
    product = _product(staff["uy"])
    product.issue.published_at = None
    db.session.commit()
    assert "Flowers" not in client.get(PORTAL + "/").get_data(as_text=True)
    assert client.get(UY + "/issues/flores").status_code == 404
    assert "Flowers" not in client.get(UY + "/catalogue").get_data(as_text=True)


def test_another_posts_issue_and_product_are_not_found(client, staff):
    product = _product(staff["uy"])
    become(client, "other_manager", staff, NL)
    assert client.get(f"{NL}/manage/issues/{product.issue_id}").status_code == 404
    assert client.get(f"{NL}/manage/products/{product.id}").status_code == 404
