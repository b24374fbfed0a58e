"""Refunds from a post's back office: a manager refunds some stamps and the shipping of a
paid order through the order page's form, once however often the form is sent; bad input
is a form error that changes nothing; the buyer's order page shows what came back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.catalogue.models import Product
from mall.columns import utcnow
from mall.extensions import db
from mall.operator.models import StaffMember, StaffRole
from mall.orders.models import Order, OrderLine, PaymentMethod, PostOrder
from mall.settlement.models import Refund, RefundStatus
from mall.settlement.refunds import record_bank_refund
from tests.settlement.factories import Part, operator, paid_order
from tests.support.hosts import PORTAL, csrf_token, storefront
from tests.tenancy.factories import become

UY = storefront("uy")


@pytest.fixture
def people(make_post) -> dict[str, Any]:
    """The UY post's manager and clerk, NL's manager, and a buyer: `become`'s cast."""
    uy, nl = make_post("uy"), make_post("nl")

    def member(email: str, role: StaffRole, post_id: int) -> StaffMember:
        person = StaffMember(email=email, password_hash="x", name=email.split("@")[0].title(),
                             role=role, post_id=post_id)
        db.session.add(person)
        return person

    cast = {
        "uy": uy, "nl": nl,
        "manager": member("manager@uy.example", StaffRole.POST_MANAGER, uy.id),
        "clerk": member("clerk@uy.example", StaffRole.POST_CLERK, uy.id),
        "other_manager": member("manager@nl.example", StaffRole.POST_MANAGER, nl.id),
        "buyer": Buyer(email="ana@example.org", password_hash=hash_password("pass phrase 1"),
                       name="Ana"),
    }
    db.session.add(cast["buyer"])
    db.session.commit()
    return cast


@pytest.fixture
def products(people, make_issue, make_product) -> dict[str, Product]:
    issue = make_issue(people["uy"], title={"en": "Birds of Uruguay"})
    return {"sheet": make_product(issue, sku="UY-SHEET", price_minor=45000, stock=20),
            "stamp": make_product(issue, sku="UY-STAMP", price_minor=3250, stock=50)}


@pytest.fixture
def post_order(people, products) -> PostOrder:
    """A paid order of the buyer's: 2 sheets and 3 stamps from UY with 120 UYU shipping,
    paid by bank transfer in euros."""
    order = paid_order([Part([(products["sheet"], 2), (products["stamp"], 3)],
                             shipping_minor=12000)],
                       method=PaymentMethod.BANK_TRANSFER, now=utcnow())
    order.buyer_id = people["buyer"].id
    db.session.commit()
    return order.post_orders[0]


def _page(client: FlaskClient, post_order: PostOrder) -> str:
    response = client.get(UY + f"/manage/orders/{post_order.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _form(client: FlaskClient, post_order: PostOrder) -> dict[str, str]:
    """The refund form's hidden fields, as the order page draws them."""
    html = _page(client, post_order).split('class="form refund-form"', 1)[1]
    return {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
            for name in ("csrf_token", "key")}


def _refund(client: FlaskClient, post_order: PostOrder, hidden: dict[str, str] | None = None,
            **fields: str) -> Any:
    data = {**(hidden or _form(client, post_order)), **fields}
    return client.post(UY + f"/manage/orders/{post_order.id}/refund", data=data)


def _lines(post_order: PostOrder) -> tuple[OrderLine, OrderLine]:
    sheets, stamps = sorted(post_order.lines, key=lambda line: line.sku)
    return sheets, stamps


def _unchanged(post_order: PostOrder, products: dict[str, Product]) -> None:
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
    assert [line.refunded_quantity for line in post_order.lines] == [0, 0]
    assert not post_order.shipping_refunded
    assert (products["sheet"].stock, products["stamp"].stock) == (18, 47)


def test_a_manager_refunds_stamps_and_shipping_and_the_buyer_sees_it(client, people, products,
                                                                    post_order):
    sheets, stamps = _lines(post_order)
    become(client, "manager", people, UY)
    response = _refund(client, post_order, **{
        f"quantity_{sheets.id}": "1", f"quantity_{stamps.id}": "0", "shipping": "y",
        "restock": "y", "reason": "One sheet arrived creased",
    })
    assert response.status_code == 302
    page = client.get(UY + response.location).get_data(as_text=True)
    assert "is refunded: the buyer gets" in page
    made = db.session.scalars(select(Refund)).one()
    assert (made.gross_minor, made.shipping_minor, made.restock) == (45000 + 12000, 12000, True)
    assert made.reason == "One sheet arrived creased"
    assert made.status is RefundStatus.PENDING  # a bank refund waits for the operator
    db.session.expire_all()
    assert (sheets.refunded_quantity, stamps.refunded_quantity) == (1, 0)
    assert post_order.shipping_refunded
    assert (products["sheet"].stock, products["stamp"].stock) == (19, 47)  # one sheet back
    # The back office lists it, and offers only what is left.
    assert f'id="refund-{made.id}"' in page
    assert "Stamps put back in stock" in page
    assert f'name="quantity_{sheets.id}"' in page
    assert 'name="shipping"' not in page
    assert "The shipping is refunded." in page

    become(client, "buyer", people, PORTAL)
    order = db.session.get(Order, post_order.order_id)
    buyer_page = client.get(PORTAL + f"/orders/{order.code}").get_data(as_text=True)
    refund_item = buyer_page.split(f'id="refund-{made.id}"', 1)[1].split("</li>", 1)[0]
    assert "1 × Stamp" in refund_item
    assert "shipping" in refund_item
    assert "Refund on its way" in refund_item
    assert _digits(f"{made.presentment.to_decimal():.2f}") in _digits(refund_item)

    record_bank_refund(db.session, made, "SEPA-42", operator(), utcnow())
    db.session.commit()
    buyer_page = client.get(PORTAL + f"/orders/{order.code}").get_data(as_text=True)
    assert "Refunded" in buyer_page.split(f'id="refund-{made.id}"', 1)[1].split("</li>", 1)[0]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_stock_stays_sold_unless_the_manager_asks(client, people, products, post_order):
    _, stamps = _lines(post_order)
    become(client, "manager", people, UY)
    assert _refund(client, post_order, **{f"quantity_{stamps.id}": "2"}).status_code == 302
    db.session.expire_all()
    assert stamps.refunded_quantity == 2
    assert products["stamp"].stock == 47


def test_a_replayed_form_makes_one_refund(client, people, products, post_order):
    sheets, _ = _lines(post_order)
    become(client, "manager", people, UY)
    hidden = _form(client, post_order)
    fields = {f"quantity_{sheets.id}": "2", "restock": "y"}
    assert _refund(client, post_order, hidden, **fields).status_code == 302
    again = _refund(client, post_order, hidden, **fields)
    assert again.status_code == 302
    assert "already made" in client.get(UY + again.location).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1
    assert sheets.refunded_quantity == 2
    assert products["sheet"].stock == 20  # put back once


def test_more_than_is_left_is_a_form_error_and_changes_nothing(client, people, products,
                                                              post_order):
    sheets, stamps = _lines(post_order)
    become(client, "manager", people, UY)
    response = _refund(client, post_order, **{f"quantity_{sheets.id}": "3",
                                              f"quantity_{stamps.id}": "1", "shipping": "y"})
    assert response.status_code == 400
    assert "Type a number from 0 to 2." in response.get_data(as_text=True)
    _unchanged(post_order, products)
    # After a first refund, the stale form's maximum is no longer what is left.
    hidden = _form(client, post_order)
    assert _refund(client, post_order, **{f"quantity_{sheets.id}": "1"}).status_code == 302
    stale = _refund(client, post_order, hidden, **{f"quantity_{sheets.id}": "2"})
    assert stale.status_code == 400
    assert "Type a number from 0 to 1." in stale.get_data(as_text=True)


@pytest.mark.parametrize("value", ["abc", "-1", str(10**12), "1.5", "1e3", "2\x00", "9" * 5000])
def test_bad_quantities_are_form_errors_not_500s(client, people, products, post_order, value):
    sheets, _ = _lines(post_order)
    become(client, "manager", people, UY)
    response = _refund(client, post_order, **{f"quantity_{sheets.id}": value, "restock": "y"})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    _unchanged(post_order, products)


@pytest.mark.parametrize("key", ["", "x" * 32, "A" * 32, "a" * 31, "a\x00" * 16])
def test_a_form_without_a_good_key_is_refused(client, people, products, post_order, key):
    sheets, _ = _lines(post_order)
    become(client, "manager", people, UY)
    hidden = {**_form(client, post_order), "key": key}
    response = _refund(client, post_order, hidden, **{f"quantity_{sheets.id}": "1"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    _unchanged(post_order, products)


def test_nothing_chosen_is_explained(client, people, products, post_order):
    become(client, "manager", people, UY)
    response = _refund(client, post_order, reason="Just because")
    assert response.status_code == 400
    assert "Choose how many stamps to refund, or the shipping." in response.get_data(as_text=True)
    _unchanged(post_order, products)


def test_shipping_refunded_twice_is_explained(client, people, products, post_order):
    become(client, "manager", people, UY)
    hidden = _form(client, post_order)
    assert _refund(client, post_order, shipping="y").status_code == 302
    response = _refund(client, post_order, {**hidden, "key": "b" * 32}, shipping="y")
    assert response.status_code == 400
    assert "The shipping was already refunded." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 1


def test_an_unpaid_order_has_no_refund_form_and_cannot_be_refunded(client, people, products):
    from tests.settlement.factories import pending_order

    order = pending_order([Part([(products["stamp"], 1)])], now=utcnow())
    db.session.commit()
    unpaid = order.post_orders[0]
    become(client, "manager", people, UY)
    assert "refund-form" not in _page(client, unpaid)
    paid = paid_order([Part([(products["stamp"], 1)])], now=utcnow())
    db.session.commit()
    hidden = _form(client, paid.post_orders[0])
    response = _refund(client, unpaid, hidden, **{f"quantity_{unpaid.lines[0].id}": "1"})
    assert response.status_code == 400
    assert "This order is not paid" in response.get_data(as_text=True)


def test_only_managers_refund(client, people, products, post_order):
    sheets, _ = _lines(post_order)
    become(client, "manager", people, UY)
    hidden = _form(client, post_order)
    become(client, "clerk", people, UY)
    assert "refund-form" not in _page(client, post_order)
    hidden["csrf_token"] = csrf_token(client, UY + f"/manage/orders/{post_order.id}")
    assert _refund(client, post_order, hidden,
                   **{f"quantity_{sheets.id}": "1"}).status_code == 403
    nl = storefront("nl")
    become(client, "other_manager", people, nl)
    hidden["csrf_token"] = csrf_token(client, nl + "/contact")
    path = f"{nl}/manage/orders/{post_order.id}/refund"
    assert client.post(path, data={**hidden, f"quantity_{sheets.id}": "1"}).status_code == 404
    _unchanged(post_order, products)


def test_the_buyers_page_costs_the_same_queries_for_one_refund_or_three(
    client, people, products, post_order, count_queries
):
    sheets, stamps = _lines(post_order)
    order = db.session.get(Order, post_order.order_id)
    become(client, "manager", people, UY)
    assert _refund(client, post_order, **{f"quantity_{sheets.id}": "1"}).status_code == 302
    become(client, "buyer", people, PORTAL)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(PORTAL + f"/orders/{order.code}").status_code == 200
        return len(statements)

    one = queries()
    become(client, "manager", people, UY)
    for fields in ({f"quantity_{stamps.id}": "2"}, {"shipping": "y"}):
        assert _refund(client, post_order, **fields).status_code == 302
    become(client, "buyer", people, PORTAL)
    client.get(PORTAL + f"/orders/{order.code}")
    assert queries() == one
