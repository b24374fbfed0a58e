"""The standing order pages of a collector's account: create, edit, pause, resume and
cancel with validated forms (bad input is a form error, never a 500), the orders each
placed, another collector's standing order a 404, and the privacy export and erasure."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from mall.catalogue.models import Condition
from mall.extensions import db
from mall.orders.models import Order
from mall.outbox.models import OutboxTask
from mall.privacy.services import collect, erase
from mall.standing.models import StandingOrder, StandingStatus, StoredCard
from mall.standing.personal_data import STANDING
from tests.standing.conftest import count, make_buyer, put_on_sale, sign_in
from tests.support.hosts import PORTAL, csrf_token

pytest_plugins = ["tests.support.checkout_fixtures"]

LIST = PORTAL + "/account/standing-orders"
NEW = LIST + "/new"


_KEY = re.compile(r'name="creation_key" type="hidden" value="([^"]+)"')


def _form(client, shop, buyer, url: str = NEW, **changes: Any) -> dict[str, Any]:
    page = client.get(url).get_data(as_text=True)
    key = _KEY.search(page)
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client, url),
        "creation_key": key.group(1) if key else None,
        "scope": f"post:{shop['uy'].id}",
        "formats": ["single", "first_day_cover"],
        "condition": "mint",
        "quantity": "2",
        "currency": "EUR",
        "max_per_issue": "25.50",
        "max_per_month": "",
        "payment_method": "bank_transfer",
        "address": str(buyer.addresses[0].id) if buyer.addresses else "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_a_standing_order_is_made_listed_and_serves_new_issues(client, collector, shop, draft):
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, data=_form(client, shop, collector))
    assert response.status_code == 303
    standing = db.session.scalar(select(StandingOrder))
    assert standing.buyer_id == collector.id
    assert standing.post_id == shop["uy"].id
    assert standing.formats == ["first_day_cover", "single"]
    assert (standing.quantity, standing.currency, standing.max_per_issue_minor) == (2, "EUR", 2550)
    assert standing.max_per_month_minor is None
    put_on_sale(draft["issue"])
    page = client.get(LIST).get_data(as_text=True)
    assert "Every new issue of Uruguayan Post" in page
    assert "Birds of Uruguay" in page
    order = db.session.scalar(select(Order))
    assert f"/orders/{order.code}" in page


def test_the_same_form_posted_twice_makes_one_standing_order(client, collector, shop):
    data = _form(client, shop, collector)
    assert client.post(NEW, data=data).status_code == 303
    assert client.post(NEW, data=data).status_code == 303
    assert count(StandingOrder) == 1
    assert client.post(NEW, data={**data, "creation_key": ""}).status_code == 400
    assert client.post(NEW, data={**data, "creation_key": "short"}).status_code == 400
    assert count(StandingOrder) == 1


def test_a_theme_and_a_monthly_budget_in_yen(client, collector, shop, draft):
    birds = draft["issue"].themes[0]
    response = client.post(NEW, data=_form(client, shop, collector, scope=f"theme:{birds.id}",
                                           currency="JPY", max_per_issue="",
                                           max_per_month="5000"))
    assert response.status_code == 303
    standing = db.session.scalar(select(StandingOrder))
    assert (standing.theme_id, standing.post_id) == (birds.id, None)
    assert (standing.currency, standing.max_per_month_minor) == ("JPY", 5000)


@pytest.mark.parametrize(("changes", "message"), [
    ({"formats": None}, "Please tick at least one format."),
    ({"formats": ["stolen"]}, "not a valid choice"),
    ({"quantity": "0"}, "From 1 to 20 of each."),
    ({"quantity": "21"}, "From 1 to 20 of each."),
    ({"quantity": "two"}, "Not a valid integer value"),
    ({"quantity": ""}, "Please say how many of each."),
    ({"max_per_issue": ""}, "Please set a budget"),
    ({"max_per_issue": "-5"}, "Please give a positive amount."),
    ({"max_per_issue": "ten"}, "Not a valid decimal value"),
    ({"max_per_issue": "1.005"}, "no smaller unit than 0.01"),
    ({"max_per_month": "NaN"}, "Please give a positive amount."),
    ({"max_per_issue": "1e400"}, "Please give a positive amount."),
    ({"scope": "post:99999"}, "Not a valid choice"),
    ({"scope": "nothing"}, "Not a valid choice"),
    ({"condition": "pristine"}, "Not a valid choice"),
    ({"currency": "XXX"}, "Not a valid choice"),
    ({"payment_method": "counter"}, "Not a valid choice"),
    ({"payment_method": "card"}, "Save a card first"),
    ({"address": "99999"}, "Not a valid choice"),
    ({"scope": "post:1\x00"}, "Not a valid choice"),
])
def test_bad_input_is_a_form_error(client, collector, shop, changes, message):
    response = client.post(NEW, data=_form(client, shop, collector, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(StandingOrder) == 0


def test_the_yen_has_no_cents(client, collector, shop):
    response = client.post(NEW, data=_form(client, shop, collector, currency="JPY",
                                           max_per_issue="100.5"))
    assert response.status_code == 400
    assert "no smaller unit than 1" in response.get_data(as_text=True)


def test_without_an_address_the_form_asks_for_one(client, collector, shop):
    db.session.delete(collector.addresses[0])
    db.session.commit()
    response = client.post(NEW, data=_form(client, shop, collector, address=""))
    assert response.status_code == 400
    assert "Please add an address first" in response.get_data(as_text=True)
    assert count(StandingOrder) == 0


def test_without_the_token_nothing_is_saved(client, collector, shop):
    data = _form(client, shop, collector)
    del data["csrf_token"]
    assert client.post(NEW, data=data).status_code == 400
    assert count(StandingOrder) == 0


def test_another_collectors_address_is_not_a_choice(client, collector, shop):
    other = make_buyer("ben@example.org")
    response = client.post(NEW, data=_form(client, shop, collector,
                                           address=str(other.addresses[0].id)))
    assert response.status_code == 400
    assert count(StandingOrder) == 0


def test_edit_pause_resume_and_cancel(client, collector, shop, make_standing, draft):
    standing = make_standing(collector)
    url = f"{LIST}/{standing.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="100.00"' in page  # the budget as the collector typed it
    response = client.post(url, data=_form(client, shop, collector, url=url, quantity="3",
                                           condition="used"))
    assert response.status_code == 303
    db.session.refresh(standing)
    assert (standing.quantity, standing.condition) == (3, Condition.USED)
    assert client.post(url, data=_form(client, shop, collector, url=url,
                                       quantity="x")).status_code == 400

    def act(action: str) -> int:
        return client.post(url + "/status", data={
            "action": action, "csrf_token": csrf_token(client, LIST)}).status_code

    assert act("pause") == 303
    db.session.refresh(standing)
    assert standing.status is StandingStatus.PAUSED
    put_on_sale(draft["issue"])  # a paused standing order lets it pass
    assert standing.status is StandingStatus.PAUSED
    assert "No new issue for it yet." in client.get(LIST).get_data(as_text=True)
    assert act("resume") == 303
    assert act("explode") == 400
    assert act("cancel") == 303
    db.session.refresh(standing)
    assert standing.status is StandingStatus.CANCELLED
    assert "You have no standing order yet." in client.get(LIST).get_data(as_text=True)
    assert client.get(url).status_code == 404  # cancelled: gone from the account


def test_another_collectors_standing_order_is_not_found(
        client, other_client, collector, shop, make_standing):
    standing = make_standing(collector)
    ben = make_buyer("ben@example.org")
    sign_in(other_client, ben)
    url = f"{LIST}/{standing.id}"
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, data=_form(other_client, shop, ben, url=NEW)).status_code == 404
    response = other_client.post(url + "/status", data={
        "action": "cancel", "csrf_token": csrf_token(other_client, LIST)})
    assert response.status_code == 404
    assert "Uruguayan Post" not in other_client.get(LIST).get_data(as_text=True)
    db.session.refresh(standing)
    assert standing.status is StandingStatus.ACTIVE
    assert client.get(f"{LIST}/999999").status_code == 404


def test_signed_out_the_pages_ask_to_sign_in(client, shop):
    for url in (LIST, NEW, PORTAL + "/account/card"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/account/sign-in" in response.headers["Location"]


def test_export_and_erasure_take_the_standing_orders_and_the_card(
        collector, make_standing, draft):
    make_standing(collector)
    put_on_sale(draft["issue"])
    db.session.add(StoredCard(buyer_id=collector.id, customer_id="cus_1",
                              payment_method_id="pm_1", brand="visa", last4="4242",
                              exp_month=12, exp_year=2030))
    db.session.commit()
    data = collect(db.session, collector)["standing_orders"]
    assert [row["quantity"] for row in data["standing_orders"]] == [2]
    assert data["standing_order_issues"][0]["outcome"] == "placed"
    assert data["saved_cards"] == [{"brand": "visa", "last4": "4242", "exp_month": 12,
                                    "exp_year": 2030,
                                    "created_at": data["saved_cards"][0]["created_at"]}]
    erase(db.session, collector, datetime(2026, 12, 5, tzinfo=UTC), sections=(STANDING,))
    db.session.commit()
    assert count(StandingOrder) == 0
    assert count(StoredCard) == 0
    task = db.session.scalar(select(OutboxTask).where(OutboxTask.kind == "standing.detach_card"))
    assert task.payload == {"payment_method_id": "pm_1"}



def test_the_list_says_why_an_issue_was_skipped(client, collector, make_standing, draft):
    make_standing(collector, max_per_issue_minor=100,
                  formats=["single", "first_day_cover"])
    put_on_sale(draft["issue"])
    page = client.get(LIST).get_data(as_text=True)
    assert "Skipped: over your budget" in page
    assert "2 of each: Single stamp, First day cover (Mint)." in page
    assert "At most €1.00 per issue." in page
