"""The display currency: its default from the reader's territory, the selector on every
host, the choice following the buyer to every linked host and to their account, and
prices shown as the post's own plus an approximate conversion, exact to the minor unit."""

from __future__ import annotations

import re
import secrets
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urljoin

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from mall.accounts.models import Buyer
from mall.columns import utcnow
from mall.extensions import db
from mall.rates.services import set_operator_rate
from mall.visitors.models import Visitor
from tests.support.hosts import PORTAL, csrf_token, storefront

UY, NL = storefront("uy"), storefront("nl")
RATES = {"UYU": "46.20", "USD": "1.0547", "GBP": "0.8418", "JPY": "163.55"}


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty `g`, as in production (the suite keeps one
    application context per test, which requests would otherwise share)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return FreshRequestClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def rates():
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, date(2026, 11, 27))
    db.session.commit()


@pytest.fixture
def catalogue(make_post, make_issue, make_product):
    uy, nl = make_post("uy"), make_post("nl")
    humedales = make_issue(uy, slug="humedales", title={"es": "Humedales", "en": "Wetlands"})
    make_product(humedales, price_minor=1500, stock=10)
    tulpen = make_issue(nl, slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    return {"uy": humedales, "nl": tulpen, "uy_product": humedales.products[0],
            "nl_product": make_product(tulpen, price_minor=91, stock=10)}


def selected(html: str) -> str | None:
    match = re.search(r'<option value="([A-Z]{3})" selected', html)
    return match.group(1) if match else None


def offered(html: str) -> list[str]:
    form = html[html.index('id="display-currency"'):]
    return re.findall(r'<option value="([A-Z]{3})"', form[: form.index("</select>")])


def prices(html: str) -> list[str]:
    cells = re.findall(r'<td class="price"[^>]*>(.*?)</td>', html, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def choose(client, base: str, code: str, next_path: str = "/", token: str | None = None):
    return client.post(base + "/currency", data={
        "csrf_token": token or csrf_token(client, base + "/"), "currency": code,
        "next": next_path,
    })


def follow(client, response):
    while response.status_code in (301, 302, 303):
        response = client.get(urljoin(response.request.url, response.headers["Location"]))
    return response


def add_on(client, base: str, product) -> None:
    page = f"{base}/issues/{product.issue.slug}"
    follow(client, client.post(base + "/cart/add", data={
        "csrf_token": csrf_token(client, page), "product_id": product.id, "quantity": 1,
        "key": secrets.token_urlsafe(16), "next": f"/issues/{product.issue.slug}",
    }))


def converted(minor: int, source: str, target: str) -> Decimal:
    per_eur = {**{code: Decimal(rate) for code, rate in RATES.items()}, "EUR": Decimal(1)}
    exact = Decimal(minor).scaleb(-2) * per_eur[target] / per_eur[source]
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the default ---------------------------------------------------------------------------


def test_default_is_the_currency_of_the_pages_territory(client, catalogue, rates):
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert selected(html) == "UYU"  # a Spanish page on stamps.uy.post is es_UY
    assert prices(html) == ["$\xa015,00"]  # the post's own currency: nothing to convert


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en-GB,en;q=0.8", "GBP"), ("ja-JP", "JPY"), ("en-US", "USD"), ("en", "EUR"),
     ("es-UY", "UYU"), ("sw-TZ", "EUR"), ("", "EUR")],
)
def test_at_the_portal_the_browsers_territory_decides(client, catalogue, rates,
                                                     accept_language, expected):
    html = client.get(PORTAL + "/", headers={"Accept-Language": accept_language})
    assert selected(html.get_data(as_text=True)) == expected  # TZS has no rate: the euro


def test_only_currencies_with_a_rate_are_offered(client, catalogue, rates):
    html = client.get(PORTAL + "/").get_data(as_text=True)
    assert offered(html) == ["EUR", "GBP", "JPY", "USD", "UYU"]


def test_without_any_rates_prices_show_as_they_are(client, catalogue):
    client.get(UY + "/language/en?next=/")
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert prices(html) == ["UYU\xa015.00"]
    assert offered(html) == ["EUR"]


# --- prices --------------------------------------------------------------------------------


def test_issue_page_shows_the_posts_price_and_an_approximate_conversion(
    client, catalogue, rates
):
    client.get(UY + "/language/en?next=/")  # English: no territory, so the euro by default
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    euros = converted(1500, "UYU", "EUR")
    assert euros == Decimal("0.32")
    assert prices(html) == [f"UYU\xa015.00 · ≈ €{euros}"]
    assert 'class="approx" title="Approximate: the exact amount is fixed at checkout."' in html


def face_values(html: str) -> list[str]:
    return re.findall(r'<td data-label="[^"]*">([^<]*\d[^<]*)</td>', html)


def test_face_values_carry_the_same_sign_as_prices(client, catalogue, rates):
    """A face value printed "$ 15" means pesos: an English reader, whose "$" is dollars,
    reads it with the code its prices carry; a Uruguayan reader keeps the "$" of both."""
    catalogue["uy_product"].face_value = "$ 15 + $ 25"
    db.session.commit()
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert (face_values(html), prices(html)) == (["$ 15 + $ 25"], ["$\xa015,00"])
    client.get(UY + "/language/en?next=/")
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert face_values(html) == ["UYU 15 + UYU 25"]
    assert prices(html)[0].startswith("UYU\xa015.00")


def test_listing_cards_show_the_conversion_too(client, catalogue, rates):
    choose(client, NL, "USD")
    client.get(NL + "/language/en?next=/")
    html = client.get(NL + "/").get_data(as_text=True)
    dollars = f"{converted(91, 'EUR', 'USD')}".replace(".", ",")  # en_NL: decimal comma
    cards = [re.sub(r"<[^>]+>", "", card) for card in re.findall(
        r'<p class="price">(.*?)</p>', html, re.S)]
    assert cards == [f"from €\xa00,91 · ≈ US$\xa0{dollars}"]


def test_prices_do_not_add_queries_per_product(
    client, rates, make_post, make_issue, make_product, count_queries
):
    post = make_post("uy")
    issue = make_issue(post, slug="muchos", title={"es": "Muchos"})
    choose(client, storefront("uy"), "JPY")

    def measure() -> int:
        db.session.remove()
        with count_queries() as queries:
            html = client.get(UY + "/issues/muchos").get_data(as_text=True)
        assert "≈" in html
        return len(queries)

    make_product(issue)
    one = measure()
    for _ in range(12):
        make_product(db.session.merge(issue))
    assert measure() == one


# --- choosing ------------------------------------------------------------------------------


def test_choosing_a_currency_goes_back_and_sticks_on_that_host(client, catalogue, rates):
    response = choose(client, UY, "USD", "/issues/humedales")
    assert response.status_code == 302
    assert response.headers["Location"] == "/issues/humedales"
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert selected(html) == "USD"
    assert 'class="flash flash-success"' in html  # the confirmation, in Spanish one day
    assert prices(html)[0].endswith(f"≈ US$\xa0{converted(1500, 'UYU', 'USD')}".replace(".", ","))
    assert selected(client.get(NL + "/").get_data(as_text=True)) == "EUR"  # not linked
    assert db.session.scalars(select(Visitor)).all() == []  # a storefront never makes one


def test_a_choice_never_redirects_off_the_host(client, catalogue, rates):
    response = choose(client, UY, "USD", "//evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("code", ["KWD", "XYZ", "usd!", "", "EURO"])
def test_a_currency_without_a_rate_cannot_be_chosen(client, catalogue, rates, code):
    response = choose(client, PORTAL, code)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    if code in ("KWD", "XYZ"):
        assert f"Prices cannot be shown in {code}: the mall has no exchange rate for it." in html
    else:
        assert "Please choose a currency from the list." in html
    assert selected(client.get(PORTAL + "/").get_data(as_text=True)) == "EUR"


def test_choosing_without_a_csrf_token_is_refused(client, catalogue, rates):
    response = client.post(PORTAL + "/currency", data={"currency": "USD", "next": "/"})
    assert response.status_code == 400


def test_a_choice_at_the_portal_follows_to_every_host_once_linked(client, catalogue, rates):
    choose(client, PORTAL, "JPY")
    add_on(client, UY, catalogue["uy_product"])  # links stamps.uy to the portal's visitor
    html = client.get(UY + "/issues/humedales").get_data(as_text=True)
    assert selected(html) == "JPY"
    assert prices(html) == [f"$\xa015,00 · ≈ JPY\xa0{converted(1500, 'UYU', 'JPY'):.0f}"]


def test_a_choice_on_a_storefront_before_linking_is_kept_when_it_links(client, catalogue, rates):
    choose(client, UY, "GBP")
    add_on(client, UY, catalogue["uy_product"])
    assert db.session.scalars(select(Visitor.currency)).all() == ["GBP"]
    assert selected(client.get(PORTAL + "/cart").get_data(as_text=True)) == "GBP"


def test_a_choice_on_a_linked_host_changes_every_host(client, catalogue, rates):
    add_on(client, UY, catalogue["uy_product"])
    add_on(client, NL, catalogue["nl_product"])
    choose(client, NL, "USD")
    for base in (UY, NL, PORTAL):
        assert selected(client.get(base + "/").get_data(as_text=True)) == "USD"


def test_a_signed_in_buyers_choice_is_kept_on_the_account(client, app, catalogue, rates):
    buyer = Buyer(email="ana@example.com", password_hash="-", name="Ana")
    db.session.add(buyer)
    add_on(client, UY, catalogue["uy_product"])
    visitor = db.session.scalars(select(Visitor)).one()
    visitor.buyer, visitor.buyer_session_version = buyer, buyer.session_version
    visitor.signed_in_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    choose(client, UY, "GBP")
    db.session.expire_all()
    assert buyer.preferred_currency == "GBP"

    elsewhere = FreshRequestClient(app, app.response_class, use_cookies=True)
    assert selected(elsewhere.get(PORTAL + "/").get_data(as_text=True)) == "EUR"
    other = Visitor(buyer=buyer, buyer_session_version=buyer.session_version,
                    signed_in_until=visitor.signed_in_until)
    db.session.add(other)
    db.session.commit()
    with elsewhere.session_transaction(base_url=PORTAL) as session:
        session["visitor_id"] = other.id
    assert selected(elsewhere.get(PORTAL + "/").get_data(as_text=True)) == "GBP"


def test_no_cookie_is_set_for_a_parent_domain(client, catalogue, rates):
    responses = [choose(client, UY, "USD"), choose(client, PORTAL, "GBP")]
    responses += [client.get(UY + "/"), client.get(PORTAL + "/")]
    for response in responses:
        for header in response.headers.getlist("Set-Cookie"):
            assert "domain=" not in header.lower(), header


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en-GB", "£12.10"), ("en-US", "€12.10"), ("en", "€12.10"), ("fr-FR", "12,10\xa0€")],
)
def test_portal_formats_prices_for_the_readers_territory(client, accept_language, expected):
    from mall.i18n import formatting_locale
    from mall.money import Money, format_money

    currency = "GBP" if accept_language == "en-GB" else "EUR"
    with client.application.test_request_context(
        "/", base_url=PORTAL, headers={"Accept-Language": accept_language}
    ):
        assert format_money(Money(1210, currency), formatting_locale()) == expected
