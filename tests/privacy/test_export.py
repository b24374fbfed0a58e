"""A copy of all my data: a zip of JSON and CSV, for the signed-in buyer who types their
password again, and only theirs."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from sqlalchemy import func, select

from mall.accounts.models import AttemptKind, SignInAttempt
from mall.extensions import db
from tests.privacy.conftest import DATA, post_form
from tests.support.accounts import PASSWORD, sign_in
from tests.support.checkout import add_to_cart, checkout
from tests.support.hosts import PORTAL, csrf_token

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]


def _export(client, password: str = PASSWORD):
    return post_form(client, "/account/privacy/export", "export", password=password)


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_copy_holds_everything_of_the_buyer(client, collector, shop):
    response = _export(client)
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="stamps-post-')
    archive = _archive(response)
    data = json.loads(archive.read("data.json"))["sections"]
    assert data["profile"]["profile"][0]["email"] == "ana@example.org"
    assert data["addresses"]["addresses"][0]["line1"] == "3 quai Saint-Vincent"
    assert [o["code"] for o in data["orders"]["orders"]] == [collector.order.code]
    order = data["orders"]["orders"][0]
    assert order["ship_city"] == "Lyon"
    assert order["status"] == "pending_payment"
    assert order["total_minor"] == collector.order.total_minor
    lines = data["orders"]["order_lines"]
    assert [(line["order"], line["post"], line["quantity"]) for line in lines] == [
        (collector.order.code, "uy", 1)]
    assert lines[0]["sku"] == shop["sheet"].sku
    assert lines[0]["shipping_method"] == "en: Registered letter"
    assert [(line["sku"], line["quantity"]) for line in data["cart"]["cart"]] == [
        (shop["booklet"].sku, 2)]
    assert len(data["visits"]["visits"]) == 1
    assert any(a["succeeded"] for a in data["sign_in_attempts"]["sign_in_attempts"])


def test_every_table_is_also_a_csv_with_a_header(client, collector):
    archive = _archive(_export(client))
    names = set(archive.namelist())
    assert names == {"data.json", "profile.csv", "addresses.csv", "orders.csv",
                     "order_lines.csv", "cart.csv", "visits.csv", "sign_in_attempts.csv",
                     "follows.csv", "alerts.csv", "want_list.csv",
                     "standing_orders.csv", "standing_order_issues.csv", "saved_cards.csv"}
    text = archive.read("addresses.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["city"] == "Lyon"
    assert rows[0]["postal_code"] == "69001"
    orders = list(csv.DictReader(io.StringIO(archive.read("orders.csv").decode("utf-8-sig"))))
    assert orders[0]["code"] == collector.order.code


def test_another_buyers_data_is_not_in_the_copy(client, other_client, collector, shop):
    sign_in(other_client, "ben@example.org")
    add_to_cart(other_client, shop["stamp"])
    theirs = checkout(other_client, shop)
    data = json.loads(_archive(_export(other_client)).read("data.json"))["sections"]
    assert data["profile"]["profile"][0]["email"] == "ben@example.org"
    assert [o["code"] for o in data["orders"]["orders"]] == [theirs.code]
    assert data["addresses"]["addresses"] == []
    assert "ana@example.org" not in json.dumps(data)


def test_a_wrong_password_downloads_nothing_and_counts(client, collector):
    response = _export(client, "not my password")
    assert response.status_code == 400
    assert "That is not your password." in response.get_data(as_text=True)
    failed = db.session.scalar(
        select(func.count()).select_from(SignInAttempt).where(
            SignInAttempt.kind == AttemptKind.SIGN_IN, SignInAttempt.succeeded.is_(False)))
    assert failed == 1


def test_the_export_is_a_post_with_the_forms_token(client, collector):
    assert client.get(PORTAL + "/account/privacy/export").status_code == 405
    refused = client.post(PORTAL + "/account/privacy/export",
                          data={"export-password": PASSWORD})
    assert refused.status_code == 400
    assert refused.mimetype != "application/zip"


def test_nobody_signed_in_is_sent_to_sign_in(client):
    page = client.get(DATA)
    assert page.status_code == 302
    assert "/account/sign-in" in page.headers["Location"]
    token = csrf_token(client, PORTAL + "/account/sign-in")
    posted = client.post(PORTAL + "/account/privacy/export",
                         data={"export-csrf_token": token, "export-password": PASSWORD})
    assert posted.status_code == 302
    assert "/account/sign-in" in posted.headers["Location"]
