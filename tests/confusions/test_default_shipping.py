"""The shipping option ticked before the buyer chooses: the cheapest, and the cheapest
tracked one when the goods are worth more than an untracked letter should carry. Ten packs
to Germany no longer pre-select a €28.70 letter beside a €15.50 parcel."""

from __future__ import annotations

import re

import pytest

from mall.extensions import db
from mall.money import Money
from mall.rates.conversion import load_rate_table
from mall.shipping.defaults import preselected, untracked_limit
from mall.shipping.models import ShippingKind
from mall.shipping.services import options_for
from mall.shipping.zones import Zone
from tests.support.checkout import add_method, add_to_cart, choose_shipping, give_address
from tests.support.hosts import PORTAL

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

GERMANY = {"line1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117",
           "country": "DE"}


@pytest.fixture
def postnl(make_post, make_issue, make_product, rates):
    nl = make_post("nl")
    issue = make_issue(nl, slug="kinderzegels")
    return {
        "post": nl,
        "pack": make_product(issue, price_minor=850, weight_g=100, stock=50),
        "sheet": make_product(issue, price_minor=4000, weight_g=20, stock=5),
        "stamp": make_product(issue, price_minor=150, weight_g=5, stock=50),
    }


def _methods(post, letter: int, registered: int, parcel: int | None) -> dict:
    made = {
        "letter": add_method(post, "letter", ShippingKind.LETTER, {Zone.REGION: letter}),
        "registered": add_method(post, "registered", ShippingKind.REGISTERED_LETTER,
                                 {Zone.REGION: registered}),
    }
    if parcel is not None:
        made["parcel"] = add_method(post, "parcel", ShippingKind.PARCEL, {Zone.REGION: parcel})
    return made


def _ticked(client) -> int:
    assert give_address(client, **GERMANY).status_code == 303
    html = client.get(PORTAL + "/checkout/shipping").get_data(as_text=True)
    checked = re.findall(r'name="method-\d+" value="(\d+)" checked', html)
    assert len(checked) == 1, checked
    return int(checked[0])


def test_ten_packs_to_germany_tick_the_cheaper_tracked_parcel(client, postnl):
    methods = _methods(postnl["post"], letter=2870, registered=1995, parcel=1550)
    add_to_cart(client, postnl["pack"], 10)
    assert _ticked(client) == methods["parcel"].id


def test_a_valuable_sheet_goes_tracked_even_when_a_letter_is_cheaper(client, postnl):
    methods = _methods(postnl["post"], letter=205, registered=1295, parcel=1550)
    add_to_cart(client, postnl["sheet"])
    assert _ticked(client) == methods["registered"].id


def test_a_stamp_or_two_go_by_the_cheapest_letter(client, postnl):
    methods = _methods(postnl["post"], letter=205, registered=1295, parcel=1550)
    add_to_cart(client, postnl["stamp"], 2)
    assert _ticked(client) == methods["letter"].id


def test_the_buyers_own_choice_stays_ticked(client, postnl):
    methods = _methods(postnl["post"], letter=205, registered=1295, parcel=1550)
    add_to_cart(client, postnl["sheet"])
    _ticked(client)
    assert choose_shipping(client, {postnl["post"]: methods["letter"]}).status_code == 303
    html = client.get(PORTAL + "/checkout/shipping").get_data(as_text=True)
    assert f'value="{methods["letter"].id}" checked' in html


# --- the rule itself ----------------------------------------------------------------------


def test_without_a_tracked_option_the_cheapest_is_ticked(postnl):
    methods = _methods(postnl["post"], letter=205, registered=1295, parcel=None)
    db.session.delete(methods["registered"])
    db.session.commit()
    options = options_for(db.session, postnl["post"], "DE", 20, Money(4000, "EUR"))
    assert preselected(options, Money(4000, "EUR"), Money(2500, "EUR")).method_id == (
        methods["letter"].id)
    assert preselected([], Money(4000, "EUR"), None) is None


def test_the_limit_is_in_the_posts_currency_and_unknown_without_a_rate(app, rates):
    table = load_rate_table(db.session)
    assert untracked_limit(app.config, table, "EUR") == Money(2500, "EUR")
    assert untracked_limit(app.config, table, "UYU") == table.convert(Money(2500, "EUR"), "UYU")
    assert untracked_limit(app.config, table, "XAF") is None


def test_with_no_known_limit_tracking_is_preferred(postnl):
    methods = _methods(postnl["post"], letter=205, registered=1295, parcel=1550)
    options = options_for(db.session, postnl["post"], "DE", 5, Money(150, "EUR"))
    assert preselected(options, Money(150, "EUR"), None).method_id == methods["registered"].id
