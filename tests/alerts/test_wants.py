"""The want list: a sold-out stamp a collector waits for is mailed once when stock comes back
— by hand, from a spreadsheet, or when an unpaid order gives its stamps back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mall.alerts.models import WantedProduct
from mall.catalogue.editing import adjust_stock
from mall.catalogue.models import Product, StockReason, Theme
from mall.catalogue.spreadsheet import import_csv
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.orders.lifecycle import cancel_order
from mall.orders.models import CancelReason
from mall.outbox.models import OutboxTask
from mall.outbox.services import dispatch_committed
from tests.support.accounts import sign_in
from tests.support.checkout import add_to_cart, checkout
from tests.support.hosts import PORTAL, csrf_token, storefront
from tests.tenancy.test_catalogue_csv import _csv, _row

pytest_plugins = ["tests.support.checkout_fixtures"]


@pytest.fixture
def sold_out(shop):
    """Uruguay's sheet, sold out."""
    sheet = shop["sheet"]
    sheet.stock = 0
    db.session.commit()
    return sheet


def _want(client, product) -> object:
    url = f"{PORTAL}/account/wants/add/{product.id}"
    return client.post(url, data={"csrf_token": csrf_token(client, url)})


def _restock(product, delta: int = 3) -> None:
    adjust_stock(db.session, product, delta, StockReason.RECEIVED, "", None, utcnow())
    db.session.commit()
    dispatch_committed(db.session)


def _mails(to: str = "ana@example.org") -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == to)))


def test_a_sold_out_stamp_links_to_the_want_list(client, sold_out):
    client.get(storefront("uy") + "/language/en?next=/")
    page = client.get(storefront("uy") + "/issues/humedales").get_data(as_text=True)
    assert f"{PORTAL}/account/wants/add/{sold_out.id}" in page
    assert "Tell me when it is back" in page


def test_back_in_stock_is_mailed_once(client, sold_out):
    sign_in(client)
    assert _want(client, sold_out).status_code == 302
    _restock(sold_out)
    [mail] = _mails()
    assert mail.subject == "Back in stock: Wetlands"
    assert "/issues/humedales" in mail.text_body
    _restock(sold_out)  # more stock: nothing more to say
    assert len(_mails()) == 1
    page = client.get(PORTAL + "/account/alerts").get_data(as_text=True)
    assert "Back in stock: we mailed you on" in page
    assert re.search(r"<title>\s*Alerts — stamps.post\s*</title>", page)
    assert page.count('id="wants"') == 1


def test_asking_again_after_it_sold_out_again_rearms(client, sold_out):
    sign_in(client)
    _want(client, sold_out)
    _restock(sold_out)
    adjust_stock(db.session, sold_out, -3, StockReason.CORRECTION, "", None, utcnow())
    db.session.commit()
    _want(client, sold_out)
    assert db.session.scalars(select(WantedProduct)).one().notified_at is None
    _restock(sold_out)
    assert len(_mails()) == 2


def test_an_unpaid_order_giving_stock_back_tells_the_waiting(client, other_client, shop):
    add_to_cart(other_client, shop["sheet"], 5)  # the last five
    order = checkout(other_client, shop)
    db.session.refresh(shop["sheet"])
    assert shop["sheet"].stock == 0
    sign_in(client)
    _want(client, shop["sheet"])
    assert cancel_order(db.session, order, CancelReason.EXPIRED, utcnow())
    db.session.commit()
    dispatch_committed(db.session)
    assert [mail.subject for mail in _mails()] == ["Back in stock: Wetlands"]


def test_a_spreadsheet_restock_tells_the_waiting(client, make_post):
    db.session.add(Theme(slug="birds", name={"en": "Birds"}))
    uy = make_post("uy")
    sign_in(client)
    import_csv(db.session, uy, _csv(uy, [_row(stock="0")]), utcnow())
    db.session.commit()
    aves = db.session.scalars(select(Product).where(Product.sku == "AVES-1")).one()
    _want(client, aves)
    import_csv(db.session, uy, _csv(uy, [_row(stock="12")]), utcnow())
    db.session.commit()
    dispatch_committed(db.session)
    assert [mail.subject for mail in _mails()] == ["Back in stock: Birds"]


def test_nobody_waiting_records_no_announcement(shop):
    _restock(shop["stamp"])
    assert db.session.scalars(select(OutboxTask)).all() == []


def test_the_list_removes_and_another_collectors_entry_is_not_found(client, other_client,
                                                                    sold_out):
    sign_in(client)
    _want(client, sold_out)
    entry = db.session.scalars(select(WantedProduct)).one()
    sign_in(other_client, "ben@example.org")
    token = csrf_token(other_client, PORTAL + "/account/alerts")
    assert other_client.post(f"{PORTAL}/account/wants/{entry.id}/remove",
                             data={"csrf_token": token}).status_code == 404
    token = csrf_token(client, PORTAL + "/account/alerts")
    assert client.post(f"{PORTAL}/account/wants/{entry.id}/remove",
                       data={"csrf_token": "forged"}).status_code == 400
    assert client.post(f"{PORTAL}/account/wants/{entry.id}/remove",
                       data={"csrf_token": token}).status_code == 302
    assert db.session.scalars(select(WantedProduct)).all() == []


@pytest.mark.parametrize("product_id", ["999999", "0"])
def test_wanting_what_is_not_on_sale_is_a_404(client, sold_out, product_id):
    sign_in(client)
    assert client.get(f"{PORTAL}/account/wants/add/{product_id}").status_code == 404


def test_a_draft_is_not_wanted(client, sold_out):
    sold_out.issue.published_at = None
    db.session.commit()
    sign_in(client)
    assert client.get(f"{PORTAL}/account/wants/add/{sold_out.id}").status_code == 404


def test_the_alerts_page_costs_the_same_queries_for_a_longer_want_list(client, shop,
                                                                      count_queries):
    sign_in(client)
    _want(client, shop["sheet"])
    with count_queries() as few:
        client.get(PORTAL + "/account/alerts")
    _want(client, shop["stamp"])
    _want(client, shop["booklet"])
    with count_queries() as many:
        client.get(PORTAL + "/account/alerts")
    assert len(many) == len(few)
