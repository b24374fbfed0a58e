"""Shipping options and quotes against the database: weight bands and zones, the free-shipping
threshold to the minor unit, tenancy, inactive methods, a constant number of queries for a
cart of many posts, and the demo tariffs seeded idempotently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mall.demo.posts import COUNTRIES
from mall.demo.seed import SeedReport
from mall.demo.shipping import SHIPPING, seed_shipping_methods
from mall.extensions import db
from mall.money import CurrencyMismatch, Money
from mall.posts.models import Post
from mall.shipping.models import DEFAULT_PACKAGING_G, ShippingKind, ShippingMethod, ShippingRate
from mall.shipping.services import (
    Consignment,
    ShippingUnavailable,
    options_for,
    options_for_posts,
    quote_option,
    quote_shipping,
)
from mall.shipping.zones import UnknownCountry, Zone

D, R, W = Zone.DOMESTIC, Zone.REGION, Zone.WORLD
UYU = "UYU"

#: A Uruguayan ordinary letter: (max grams, price in centésimos) per zone.
LETTER_RATES = {
    D: [(20, 5000), (100, 9000), (2000, 39000)],
    R: [(20, 10000), (100, 21000), (2000, 145000)],
    W: [(20, 13500), (50, 20000), (100, 28000), (2000, 195000)],
}

MakeMethod = Callable[..., ShippingMethod]


@pytest.fixture
def make_method() -> MakeMethod:
    """`make_method(post, kind, {zone: [(max_g, price_minor)]}, **fields)`; letters get the
    default 20 g envelope unless `packaging_g` says otherwise."""

    def make(
        post: Post,
        kind: ShippingKind = ShippingKind.LETTER,
        rates: dict[Zone, list[tuple[int, int]]] | None = None,
        **values: Any,
    ) -> ShippingMethod:
        fields = {
            "slug": f"{kind.value}-{values.get('position', 0)}",
            "name": {"en": kind.value.replace("_", " ").capitalize()},
            "currency": post.currency,
            **values,
        }
        method = ShippingMethod(post_id=post.id, kind=kind, **fields)
        for zone, bands in (LETTER_RATES if rates is None else rates).items():
            for max_g, price in bands:
                method.rates.append(
                    ShippingRate(zone=zone, max_weight_g=max_g, price_minor=price,
                                 min_days=5, max_days=10)
                )
        db.session.add(method)
        db.session.commit()
        return method

    return make


def _uyu(amount: int) -> Money:
    return Money(amount, UYU)


# --- weight bands and zones ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("goods_g", "price"),
    [
        (0, 13500),  # the envelope alone: 20 g
        (5, 20000),  # 25 g with the envelope: the 50 g band
        (30, 20000),  # exactly 50 g
        (31, 28000),
        (1980, 195000),  # exactly 2 kg shipped
    ],
)
def test_letter_price_follows_the_weight_band_with_packaging(
    make_post: Callable[..., Post], make_method: MakeMethod, goods_g: int, price: int
) -> None:
    post = make_post("uy")
    make_method(post)
    [option] = options_for(db.session, post, "US", goods_g, _uyu(0))
    assert option.price == _uyu(price)
    assert option.shipped_weight_g == goods_g + DEFAULT_PACKAGING_G[ShippingKind.LETTER]
    assert option.zone is W
    assert (option.estimate.min_days, option.estimate.max_days) == (5, 10)


def test_a_letter_over_two_kilos_is_not_offered_but_a_parcel_is(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    make_method(post)
    parcel = make_method(post, ShippingKind.PARCEL, {W: [(5000, 430000)]}, position=1)
    options = options_for(db.session, post, "US", 1981, _uyu(0))
    assert [option.method.id for option in options] == [parcel.id]
    assert options[0].shipped_weight_g == 1981 + 150


@pytest.mark.parametrize(
    ("destination", "zone", "price"),
    [("UY", D, 5000), ("ar", R, 10000), ("BR", R, 10000), ("US", W, 13500), ("JP", W, 13500)],
)
def test_price_follows_the_destination_zone(
    make_post: Callable[..., Post],
    make_method: MakeMethod,
    destination: str,
    zone: Zone,
    price: int,
) -> None:
    post = make_post("uy")
    make_method(post)
    [option] = options_for(db.session, post, destination, 0, _uyu(0))
    assert (option.zone, option.price) == (zone, _uyu(price))


def test_a_method_without_a_rate_for_the_zone_is_not_offered(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    make_method(post, ShippingKind.EMS, {R: [(500, 145000)], W: [(500, 180000)]})
    assert options_for(db.session, post, "UY", 100, _uyu(0)) == []
    assert len(options_for(db.session, post, "AR", 100, _uyu(0))) == 1


def test_the_cheapest_band_that_fits_wins(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    """A tariff where a larger band is cheaper (a promotion) still gives the buyer the
    cheaper price."""
    post = make_post("uy")
    make_method(post, ShippingKind.PARCEL, {W: [(1000, 300000), (2000, 250000)]}, packaging_g=0)
    [option] = options_for(db.session, post, "US", 500, _uyu(0))
    assert option.price == _uyu(250000)


def test_methods_come_in_the_posts_order_and_inactive_ones_are_hidden(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    ems = make_method(post, ShippingKind.EMS, {W: [(500, 180000)]}, position=3)
    letter = make_method(post, position=1)
    make_method(post, ShippingKind.PARCEL, {W: [(1000, 165000)]}, position=2, active=False)
    options = options_for(db.session, post, "US", 10, _uyu(0))
    assert [option.method.id for option in options] == [letter.id, ems.id]
    assert [option.method.tracked for option in options] == [False, True]


def test_goods_in_another_currency_are_a_bug(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    make_method(post)
    with pytest.raises(CurrencyMismatch):
        options_for(db.session, post, "US", 10, Money(1000, "EUR"))


def test_unknown_destination(make_post: Callable[..., Post], make_method: MakeMethod) -> None:
    post = make_post("uy")
    method = make_method(post)
    with pytest.raises(UnknownCountry):
        options_for(db.session, post, "XX", 10, _uyu(0))
    with pytest.raises(UnknownCountry):
        quote_shipping(db.session, method.id, post.id, "", 10, _uyu(0))


# --- free-shipping threshold --------------------------------------------------------------


@pytest.mark.parametrize(
    ("goods", "free"),
    [(399999, False), (400000, True), (400001, True), (2_000_000, True)],
)
def test_free_shipping_from_the_threshold_exactly(
    app: Flask,
    make_post: Callable[..., Post],
    make_method: MakeMethod,
    goods: int,
    free: bool,
) -> None:
    post = make_post("uy")
    method = make_method(
        post, ShippingKind.REGISTERED_LETTER, {W: [(100, 40000)]}, free_over_minor=400000
    )
    [option] = options_for(db.session, post, "US", 10, _uyu(goods))
    assert option.free is free
    assert option.price == (_uyu(0) if free else _uyu(40000))
    assert option.regular_price == _uyu(40000)
    assert option.free_over == _uyu(400000)
    assert quote_shipping(db.session, method.id, post.id, "US", 10, _uyu(goods)) == option.price
    with app.test_request_context():
        assert (str(option.note) if option.note else None) == ("Free shipping" if free else None)


def test_no_threshold_is_never_free(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    make_method(post)
    [option] = options_for(db.session, post, "US", 0, _uyu(10**9))
    assert (option.free, option.free_over, option.price) == (False, None, _uyu(13500))


# --- quotes: the price checkout charges ---------------------------------------------------


def test_quote_returns_the_options_price(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    post = make_post("uy")
    method = make_method(post)
    assert quote_shipping(db.session, method.id, post.id, "us", 31, _uyu(0)) == _uyu(28000)
    option = quote_option(db.session, method.id, post.id, "AR", 31, _uyu(0))
    assert (option.method_id, option.zone, option.price) == (method.id, R, _uyu(21000))


def test_another_posts_method_is_refused(
    app: Flask, make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    """A form that sends PostNL's method id for the Uruguayan part of the order gets no
    price, even though PostNL's method would be offered to that destination."""
    uy, nl = make_post("uy"), make_post("nl")
    make_method(uy)
    dutch = make_method(nl, rates={W: [(20, 205)], R: [(20, 205)]})
    assert quote_shipping(db.session, dutch.id, nl.id, "US", 0, Money(0, "EUR")) == Money(
        205, "EUR"
    )
    with pytest.raises(ShippingUnavailable) as raised:
        quote_shipping(db.session, dutch.id, uy.id, "US", 0, _uyu(0))
    with app.test_request_context():  # a sentence for the buyer, as for a missing id
        assert str(raised.value.message).startswith("This shipping method is not available")


@pytest.mark.parametrize(
    "case", ["inactive", "too heavy", "no rate for the zone", "no such method", "no such post"]
)
def test_quote_refuses_what_is_not_offered(
    make_post: Callable[..., Post], make_method: MakeMethod, case: str
) -> None:
    post = make_post("uy")
    method = make_method(post, rates={W: [(2000, 195000)]})
    method_id, post_id, destination, weight = method.id, post.id, "US", 10
    if case == "inactive":
        method.active = False
        db.session.commit()
    elif case == "too heavy":
        weight = 1981
    elif case == "no rate for the zone":
        destination = "AR"
    elif case == "no such method":
        method_id += 1000
    else:
        post_id += 1000
    with pytest.raises(ShippingUnavailable):
        quote_shipping(db.session, method_id, post_id, destination, weight, _uyu(0))


# --- a cart of several posts --------------------------------------------------------------


def test_options_for_posts_answers_each_post_in_its_own_zone(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    uy, nl, jp = make_post("uy"), make_post("nl"), make_post("jp")
    make_method(uy)
    make_method(nl, rates={D: [(50, 121)], R: [(50, 205)], W: [(50, 205)]})
    answer = options_for_posts(
        db.session,
        [Consignment(uy, 10, _uyu(0)), (nl, 10, Money(0, "EUR")), (jp, 10, Money(0, "JPY"))],
        "de",
    )
    assert [option.zone for option in answer[uy.id]] == [W]
    assert [option.price for option in answer[nl.id]] == [Money(205, "EUR")]
    assert answer[jp.id] == []  # a post without methods offers nothing


def test_options_for_posts_with_choices_answers_only_each_posts_chosen_method(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    nl, de, fr = (make_post(code, currency="EUR") for code in ("nl", "de", "fr"))
    letters = {post: make_method(post, rates={W: [(50, 205)], R: [(50, 165)]})
               for post in (nl, de, fr)}
    parcels = {post: make_method(post, ShippingKind.PARCEL, {R: [(2000, 1550)]}, position=1)
               for post in (nl, de, fr)}
    heavy = make_method(de, ShippingKind.PARCEL, {R: [(20, 900)]}, position=2)  # too light
    chosen = {nl.id: parcels[nl].id, de.id: heavy.id}  # nothing chosen for France
    answer = options_for_posts(
        db.session, [(post, 25, Money(0, "EUR")) for post in (nl, de, fr)], "ES", chosen)
    assert [(option.method_id, option.price) for option in answer[nl.id]] == [
        (parcels[nl].id, Money(1550, "EUR"))]
    assert answer[de.id] == []  # chosen, but the parcel does not fit it
    assert answer[fr.id] == []
    every = options_for_posts(db.session, [(nl, 25, Money(0, "EUR"))], "ES")
    assert [option.method_id for option in every[nl.id]] == [letters[nl].id, parcels[nl].id]


def test_a_post_may_appear_once(make_post: Callable[..., Post]) -> None:
    post = make_post("uy")
    with pytest.raises(ValueError, match="once"):
        options_for_posts(db.session, [(post, 1, _uyu(0)), (post, 2, _uyu(0))], "US")


def test_options_for_posts_takes_one_query_whatever_the_number_of_posts(
    make_post: Callable[..., Post],
    make_method: MakeMethod,
    count_queries: Callable[[], Any],
) -> None:
    posts = [make_post(code, currency="EUR") for code in ("nl", "de", "fr", "be", "at", "it")]
    for post in posts:
        make_method(post, rates={W: [(500, 205)], R: [(500, 165)]})
        make_method(post, ShippingKind.PARCEL, {R: [(2000, 1550)]}, position=1)
    db.session.scalars(select(Post)).all()  # the cart's posts are loaded before shipping

    def ask(some: list[Post]) -> tuple[int, dict[int, list[Any]]]:
        with count_queries() as queries:
            answer = options_for_posts(
                db.session, [(post, 100, Money(0, "EUR")) for post in some], "ES"
            )
        return len(queries), answer

    two, answer_two = ask(posts[:2])
    six, answer_six = ask(posts)
    assert two == six == 1
    assert all(len(options) == 2 for options in answer_six.values())
    assert answer_six[posts[0].id][0].price == Money(165, "EUR")
    assert set(answer_two) == {posts[0].id, posts[1].id}


# --- the schema guards what the services assume ------------------------------------------


def test_rates_stay_in_their_methods_post(
    make_post: Callable[..., Post], make_method: MakeMethod
) -> None:
    uy, nl = make_post("uy"), make_post("nl")
    method = make_method(uy)
    db.session.add(
        ShippingRate(method_id=method.id, post_id=nl.id, zone=W, max_weight_g=50, price_minor=1)
    )
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize(
    "values",
    [
        {"price_minor": -1},
        {"max_weight_g": 0},
        {"max_weight_g": 20},  # the (method, zone, weight) band exists already
        {"min_days": 5, "max_days": None},
        {"min_days": 7, "max_days": 3},
    ],
)
def test_rate_constraints(
    make_post: Callable[..., Post], make_method: MakeMethod, values: dict[str, Any]
) -> None:
    post = make_post("uy")
    method = make_method(post)
    fields = {"zone": W, "max_weight_g": 75, "price_minor": 100, **values}
    method.rates.append(ShippingRate(**fields))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_tracked_follows_the_kind_unless_set(make_post: Callable[..., Post]) -> None:
    post = make_post("uy")
    assert ShippingMethod(post_id=post.id, kind=ShippingKind.LETTER).tracked is False
    assert ShippingMethod(post_id=post.id, kind=ShippingKind.EMS).tracked is True
    assert ShippingMethod(post_id=post.id, kind=ShippingKind.LETTER, tracked=True).tracked


# --- the demo's tariffs -------------------------------------------------------------------

DEMO_CURRENCIES = {"uy": "UYU", "nl": "EUR", "kh": "KHR", "ug": "UGX", "bw": "BWP", "tz": "TZS"}


def test_demo_shipping_seeds_once(make_post: Callable[..., Post]) -> None:
    posts = [make_post(code, currency=currency) for code, currency in DEMO_CURRENCIES.items()]
    first = SeedReport()
    for post in posts:
        seed_shipping_methods(db.session, post, first)
    db.session.commit()
    methods = db.session.scalar(select(func.count()).select_from(ShippingMethod))
    rates = db.session.scalar(select(func.count()).select_from(ShippingRate))
    assert first.created == methods + rates > 0
    assert first.counts == {"shipping methods": methods, "shipping rates": rates}

    again = SeedReport()
    for post in posts:
        seed_shipping_methods(db.session, post, again)
    assert (again.created, again.updated) == (0, 0)
    assert not db.session.new
    assert not db.session.dirty
    assert not db.session.deleted


def test_demo_shipping_repairs_a_changed_tariff(make_post: Callable[..., Post]) -> None:
    post = make_post("uy")
    seed_shipping_methods(db.session, post, SeedReport())
    db.session.commit()
    letter = db.session.scalar(select(ShippingMethod).filter_by(post_id=post.id, slug="letter"))
    letter.rates[0].price_minor += 1
    letter.rates.append(ShippingRate(zone=W, max_weight_g=3000, price_minor=1))
    letter.active = False
    db.session.commit()
    report = SeedReport()
    seed_shipping_methods(db.session, post, report)
    db.session.commit()
    assert (report.created, report.updated) == (0, 3)
    [option] = [
        option for option in options_for(db.session, post, "US", 0, _uyu(0))
        if option.method.slug == "letter"
    ]
    assert option.price == _uyu(13500)  # the 2025 international stamp, $ 135


def test_every_demo_post_has_a_tariff_in_its_currency() -> None:
    assert {country.code: country.post["currency"] for country in COUNTRIES} == DEMO_CURRENCIES
    assert set(SHIPPING) == set(DEMO_CURRENCIES)


@pytest.mark.parametrize("code", sorted(SHIPPING))
def test_demo_tariffs_are_coherent(code: str) -> None:
    """Heavier never costs less within a zone, and farther never costs less for a band."""
    for spec in SHIPPING[code].methods:
        by_zone = {
            zone: dict(bands) for zone, (_days, bands) in spec.tariff.items()
        }
        for bands in by_zone.values():
            prices = [float(bands[weight]) for weight in sorted(bands)]
            assert prices == sorted(prices), (code, spec.kind)
        for near, far in ((D, R), (R, W)):
            common = by_zone.get(near, {}).keys() & by_zone.get(far, {}).keys()
            for weight in common:
                assert float(by_zone[near][weight]) <= float(by_zone[far][weight])
