"""The post's orders in its back office: the list, packing, shipping with an S10 number,
delivery and the papers — for this post's orders only; the buyer sees the number."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from mall.catalogue.models import Condition, Issue, Product, ProductFormat
from mall.columns import utcnow
from mall.extensions import db
from mall.fulfilment.models import Shipment, TrackingRange
from mall.orders.guest_links import order_link
from mall.orders.lifecycle import record_payment
from mall.orders.models import OrderStatus, PostOrder, PostOrderStatus
from mall.outbox.models import OutboxTask
from mall.rates.services import import_demo_rates
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become, order_with_line

UY = storefront("uy")


@pytest.fixture
def product(staff) -> Product:
    issue = Issue(post=staff["uy"], slug="aves", title={"en": "Birds of Uruguay"},
                  issue_date=date(2020, 5, 1))
    product = Product(post_id=staff["uy"].id, issue=issue, sku="UY-AVES-1",
                      format=ProductFormat.SINGLE, condition=Condition.MINT,
                      price_minor=9000, currency="UYU", stock=10)
    db.session.add(product)
    db.session.commit()
    return product


@pytest.fixture
def clerk(client, staff):
    become(client, "clerk", staff, UY)
    return client


def _post(client, path: str, **data):
    token = csrf_token(client, UY + "/manage/orders")
    return client.post(UY + path, data={"csrf_token": token, **data})


def test_the_list_shows_this_posts_paid_orders_waiting_to_ship(clerk, staff, product):
    waiting = order_with_line(product, PostOrderStatus.TO_SHIP)
    unpaid = order_with_line(product)
    page = clerk.get(UY + "/manage/orders").get_data(as_text=True)
    assert waiting.order.code in page
    assert unpaid.order.code not in page
    page = clerk.get(UY + "/manage/orders?status=awaiting_payment").get_data(as_text=True)
    assert unpaid.order.code in page
    assert clerk.get(UY + "/manage/orders?status=nonsense").status_code == 200


def test_another_posts_order_is_not_found(client, staff, product):
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    become(client, "other_manager", staff, storefront("nl"))
    base = f"{storefront('nl')}/manage/orders/{post_order.id}"
    for path in ("", "/packing-slip.pdf", "/customs.pdf"):
        assert client.get(base + path).status_code == 404


def test_pack_ship_and_deliver_and_the_buyer_sees_the_number(app: Flask, clerk, product):
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    path = f"/manage/orders/{post_order.id}"
    assert _post(clerk, path + "/pack").status_code == 302
    again = _post(clerk, path + "/pack")  # replayed: refused, changes nothing
    assert again.status_code == 302
    assert "can be packed" in clerk.get(UY + path).get_data(as_text=True)
    response = _post(clerk, path + "/ship", tracking_number="ra473124829uy")
    assert response.status_code == 302
    db.session.expire_all()
    shipment = db.session.scalars(select(Shipment)).one()
    assert shipment.tracking_number == "RA473124829UY"
    assert db.session.get(PostOrder, post_order.id).status is PostOrderStatus.SHIPPED
    mail = [t.payload for t in db.session.scalars(select(OutboxTask)) if t.kind == "mail"]
    assert any("RA473124829UY" in m["text_body"] and m["to"] == "ana@example.org" for m in mail)
    link = order_link(db.session.get(PostOrder, post_order.id).order)
    buyer = app.test_client()
    page = buyer.get(link, follow_redirects=True).get_data(as_text=True)
    assert "RA473124829UY" in page
    assert _post(clerk, path + "/deliver").status_code == 302
    db.session.expire_all()
    assert db.session.get(PostOrder, post_order.id).status is PostOrderStatus.DELIVERED


@pytest.mark.parametrize(
    ("number", "message"),
    [("RA473124828UY", "check digit"), ("RA473124829NL", "country code"), ("hello", "2 letters"),
     ("X" * 21, "")],
)
def test_a_wrong_number_is_shown_on_the_form_and_nothing_ships(clerk, product, number, message):
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    response = _post(clerk, f"/manage/orders/{post_order.id}/ship", tracking_number=number)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Shipment.id)) is None
    db.session.expire_all()
    assert db.session.get(PostOrder, post_order.id).status is PostOrderStatus.TO_SHIP


def test_a_manager_adds_a_range_and_shipping_issues_from_it(client, staff, product):
    become(client, "manager", staff, UY)
    bad = client.post(UY + "/manage/tracking-numbers", data={
        "csrf_token": csrf_token(client, UY + "/manage/tracking-numbers"),
        "service": "ZZ", "first": "1", "last": "5"})
    assert bad.status_code == 400
    assert db.session.scalar(select(TrackingRange.id)) is None
    good = client.post(UY + "/manage/tracking-numbers", data={
        "csrf_token": csrf_token(client, UY + "/manage/tracking-numbers"),
        "service": "ra", "first": "4000", "last": "4999"})
    assert good.status_code == 302
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    # order_with_line has no shipping method: any S10 service of the post fits
    assert _post(client, f"/manage/orders/{post_order.id}/ship").status_code == 302
    assert db.session.scalar(select(Shipment.tracking_number)) == "RA000040000UY"


def test_papers_for_an_order_going_abroad(clerk, product):
    import_demo_rates(db.session)
    db.session.commit()
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)  # to France
    slip = clerk.get(f"{UY}/manage/orders/{post_order.id}/packing-slip.pdf")
    assert slip.content_type == "application/pdf"
    assert "UY-AVES-1" in _pdf_text(slip.data)
    customs = clerk.get(f"{UY}/manage/orders/{post_order.id}/customs.pdf")
    assert customs.content_type == "application/pdf"
    text = _pdf_text(customs.data)
    assert "CN23" in text  # no method known: declared as a parcel
    assert "4907" in text


def test_no_customs_form_for_a_domestic_order(clerk, product):
    import_demo_rates(db.session)
    post_order = order_with_line(product, PostOrderStatus.TO_SHIP)
    post_order.order.ship_country = "UY"
    db.session.commit()
    assert clerk.get(f"{UY}/manage/orders/{post_order.id}/customs.pdf").status_code == 404


def test_the_list_takes_the_same_queries_for_3_or_30_orders(clerk, product, count_queries):
    def queries() -> int:
        clerk.get(UY + "/manage/orders")  # what the worker keeps (the rates) is read once
        with count_queries() as statements:
            assert clerk.get(UY + "/manage/orders").status_code == 200
        return len(statements)

    for _ in range(3):
        order_with_line(product, PostOrderStatus.TO_SHIP)
    few = queries()
    for _ in range(27):
        order_with_line(product, PostOrderStatus.TO_SHIP)
    assert queries() == few


def test_the_post_is_mailed_when_an_order_is_paid(staff, product):
    post_order = order_with_line(product)
    staff["uy"].email = "filatelia@correo.example.uy"
    order = post_order.order
    record_payment(db.session, order, order.total, utcnow())
    db.session.commit()
    assert order.status is OrderStatus.PAID
    mail = [t.payload for t in db.session.scalars(select(OutboxTask)) if t.kind == "mail"]
    to_post = [m for m in mail if m["to"] == "filatelia@correo.example.uy"]
    assert len(to_post) == 1
    assert order.code in to_post[0]["subject"]
    assert f"/manage/orders/{post_order.id}" in to_post[0]["text_body"]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
