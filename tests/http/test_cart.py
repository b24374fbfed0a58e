"""One cart across every host, through the test client: adds on storefronts that link
themselves through the portal, changes at the portal, stock caps, bad input, and the
cart's prices in the buyer's currency, exact to the minor unit."""

from __future__ import annotations

import re
import secrets
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from babel import Locale
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from mall.accounts.models import Buyer
from mall.cart.models import AppliedCartForm, Cart, CartLine
from mall.cart.services import add_to_cart, cart_for, find_cart, merge_on_sign_in
from mall.columns import utcnow
from mall.extensions import db
from mall.money import Money, format_money, precision
from mall.posts.models import PostStatus
from mall.rates.services import set_operator_rate
from mall.visitors.models import Visitor
from tests.support.hosts import PORTAL, csrf_token, storefront

UY, NL, KH = storefront("uy"), storefront("nl"), storefront("kh")
RATES = {"UYU": "46.20", "KHR": "4710", "USD": "1.0547", "JPY": "163.55", "KWD": "0.3245"}
RATES_DAY = date(2026, 11, 27)


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty `g`, as it does in production: the suite keeps
    one application context per test, which requests would otherwise share."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return FreshRequestClient(app, app.response_class, use_cookies=True)


@pytest.fixture(autouse=True)
def _english(client):
    """Messages are checked in English: each host remembers its own language."""
    for base in (UY, NL, KH, PORTAL):
        client.get(base + "/language/en?next=/")


@pytest.fixture
def rates():
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, rate, RATES_DAY)
    db.session.commit()


@pytest.fixture
def shop(make_post, make_issue, make_product):
    """Three storefronts: Uruguay (pesos), the Netherlands (euros), Cambodia (riel)."""
    uy, nl, kh = make_post("uy"), make_post("nl"), make_post("kh")
    humedales = make_issue(uy, slug="humedales", title={"es": "Humedales", "en": "Wetlands"})
    tulpen = make_issue(nl, slug="tulpen", title={"nl": "Tulpen", "en": "Tulips"})
    angkor = make_issue(kh, slug="angkor", title={"en": "Angkor Wat"})
    return {
        "uy": make_product(humedales, price_minor=1500, stock=10),
        "uy_sheet": make_product(humedales, price_minor=9000, stock=3),
        "uy_sold_out": make_product(humedales, price_minor=24000, stock=0),
        "nl": make_product(tulpen, price_minor=91, stock=50),
        "kh": make_product(angkor, price_minor=800000, stock=5),
        "posts": (uy, nl, kh),
    }


# --- helpers ------------------------------------------------------------------------------


def follow(client, response, limit: int = 8) -> tuple[Any, list[str]]:
    """Follow redirects across the mall's hosts (the test client only follows within one
    host); returns the last response and every URL visited on the way."""
    visited: list[str] = []
    while response.status_code in (301, 302, 303, 307) and limit:
        url = urljoin(response.request.url, response.headers["Location"])
        visited.append(url)
        response = client.get(url)
        limit -= 1
    return response, visited


def issue_url(base: str, product) -> str:
    return f"{base}/issues/{product.issue.slug}"


def post_add(client, base: str, product, quantity: Any = 1, key: str | None = None,
             token: str | None = None):
    page = issue_url(base, product)
    return client.post(base + "/cart/add", data={
        "csrf_token": token or csrf_token(client, page),
        "product_id": product.id,
        "quantity": quantity,
        "key": key or secrets.token_urlsafe(16),
        "next": urlsplit(page).path,
    })


def add(client, base: str, product, quantity: Any = 1, **kwargs: Any):
    response, _visited = follow(client, post_add(client, base, product, quantity, **kwargs))
    return response


def lines() -> dict[int, int]:
    """product id → quantity, over every cart."""
    db.session.expire_all()
    return {line.product_id: line.quantity for line in db.session.scalars(select(CartLine))}


def cart_html(client) -> str:
    response = client.get(PORTAL + "/cart")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def line_id(product) -> int:
    return db.session.scalars(select(CartLine.id).where(CartLine.product_id == product.id)).one()


def portal_token(client) -> str:
    return csrf_token(client, PORTAL + "/cart")


def visitor_of(client, base: str) -> int | None:
    with client.session_transaction(base_url=base) as session:
        return session.get("visitor_id")


def badge(html: str) -> str:
    match = re.search(r'<a class="cart-badge"[^>]*>(.*?)</a>', html, re.S)
    assert match, "no cart badge"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


# --- adding from storefronts that are not linked yet ---------------------------------------


def test_add_on_an_unlinked_storefront_links_it_through_the_portal_then_adds(client, shop):
    response = post_add(client, UY, shop["uy"], 2)
    assert response.status_code == 302
    link = urlsplit(response.headers["Location"])
    assert (link.netloc, link.path) == ("stamps.post.localhost:5000", "/link")
    assert parse_qs(link.query)["next"] == [UY + "/cart/resume"]
    assert lines() == {}  # nothing is added before the host is linked

    page, visited = follow(client, response)
    assert [urlsplit(url).path for url in visited] == [
        "/link", "/link/complete", "/cart/resume", "/issues/humedales",
    ]
    assert page.status_code == 200
    assert "2 × Wetlands (Single stamp) added to your cart." in page.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 2}
    assert visitor_of(client, UY) == visitor_of(client, PORTAL) is not None
    assert "Wetlands" in cart_html(client)


def test_resume_applies_the_pending_add_once(client, shop):
    add(client, UY, shop["uy"], 2)
    again, visited = follow(client, client.get(UY + "/cart/resume"))
    assert visited == [PORTAL + "/cart"]  # nothing pending: on to the cart
    assert again.status_code == 200
    assert lines() == {shop["uy"].id: 2}


def test_one_cart_across_two_storefronts_and_the_portal(client, shop):
    add(client, UY, shop["uy"])
    add(client, NL, shop["nl"], 3)
    direct = post_add(client, PORTAL, shop["kh"], token=portal_token(client))
    assert direct.status_code == 302  # the portal is the hub: no link needed
    assert urlsplit(direct.headers["Location"]).path == "/issues/angkor"

    assert lines() == {shop["uy"].id: 1, shop["nl"].id: 3, shop["kh"].id: 1}
    assert db.session.scalar(select(func.count()).select_from(Cart)) == 1
    assert db.session.scalar(select(func.count()).select_from(Visitor)) == 1
    html = cart_html(client)
    for name in ("Uruguayan Post", "PostNL", "Cambodia Post", "Wetlands", "Tulips", "Angkor"):
        assert name in html
    assert badge(client.get(UY + "/").get_data(as_text=True)) == "Cart 5"
    assert badge(client.get(NL + "/").get_data(as_text=True)) == "Cart 5"


def test_a_linked_storefront_adds_directly(client, shop):
    add(client, UY, shop["uy"])
    response = post_add(client, UY, shop["uy_sheet"], 2)
    assert response.status_code == 302
    assert response.headers["Location"] == "/issues/humedales"
    assert lines() == {shop["uy"].id: 1, shop["uy_sheet"].id: 2}


def test_the_same_form_posted_twice_adds_once(client, shop):
    add(client, UY, shop["uy"])
    key = secrets.token_urlsafe(16)
    first = post_add(client, UY, shop["uy_sheet"], key=key)
    second = post_add(client, UY, shop["uy_sheet"], key=key)
    assert first.status_code == second.status_code == 302
    assert lines()[shop["uy_sheet"].id] == 1
    page = client.get(issue_url(UY, shop["uy_sheet"])).get_data(as_text=True)
    assert "This was already added to your cart." in page
    assert post_add(client, UY, shop["uy_sheet"]).status_code == 302  # a new form adds
    assert lines()[shop["uy_sheet"].id] == 2


def test_a_replayed_form_adds_once_even_through_the_link(client, shop):
    key = secrets.token_urlsafe(16)
    add(client, UY, shop["uy"], key=key)
    add(client, UY, shop["uy"], key=key)
    assert lines() == {shop["uy"].id: 1}



def test_an_add_claims_its_rows_in_one_statement_each(client, shop, count_queries):
    """The storefront's post, the visitor, the cart, the product, its line (locked), old
    form keys pruned, the form's key claimed, the line inserted, the cart touched: no look
    before a claim, no savepoint around one (`mall.database.insert_new`)."""
    add(client, UY, shop["uy"])
    first, second = shop["uy"].id, shop["uy_sheet"].id
    page = issue_url(UY, shop["uy_sheet"])
    form = {"csrf_token": csrf_token(client, page), "product_id": second, "quantity": 1,
            "key": secrets.token_urlsafe(16), "next": urlsplit(page).path}
    db.session.remove()  # nothing already loaded may spare the add a query
    with count_queries() as queries:
        assert client.post(UY + "/cart/add", data=form).status_code == 302
    assert not [q for q in queries if "SAVEPOINT" in q.upper()]
    assert len(queries) == 9, "\n".join(q[:90] for q in queries)
    assert lines() == {first: 1, second: 1}

# --- stock, sold out, posts that do not sell ----------------------------------------------


def test_quantity_is_capped_by_stock_with_a_clear_message(client, shop):
    add(client, UY, shop["uy_sheet"], 2)
    page = add(client, UY, shop["uy_sheet"], 2)
    assert "Only 3 left: your cart now holds 3." in page.get_data(as_text=True)
    assert lines() == {shop["uy_sheet"].id: 3}


def test_sold_out_is_refused_without_linking_the_host(client, shop):
    response = post_add(client, UY, shop["uy_sold_out"])
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc == ""  # back to the page, no link
    page = client.get(UY + response.headers["Location"]).get_data(as_text=True)
    assert "Sorry, Wetlands (Single stamp) is sold out." in page
    assert lines() == {}
    assert db.session.scalars(select(Visitor)).all() == []


def test_sold_out_on_a_linked_host_adds_nothing(client, shop):
    add(client, UY, shop["uy"])
    page = add(client, UY, shop["uy_sold_out"])
    assert "is sold out" in page.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 1}


def test_products_of_a_post_that_is_not_live_are_refused(client, shop):
    add(client, UY, shop["uy"])
    token = portal_token(client)
    shop["posts"][2].status = PostStatus.SUSPENDED
    db.session.commit()
    response = post_add(client, PORTAL, shop["kh"], token=token)
    assert response.status_code == 404
    assert "This product is not for sale." in response.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 1}


def test_a_storefront_sells_only_its_own_posts_products(client, shop):
    add(client, UY, shop["uy"])
    response = client.post(UY + "/cart/add", data={
        "csrf_token": csrf_token(client, UY + "/"), "product_id": shop["nl"].id,
        "quantity": 1, "key": secrets.token_urlsafe(16), "next": "/",
    })
    assert response.status_code == 404
    assert lines() == {shop["uy"].id: 1}


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "2.5", "", "1000", "9" * 30])
def test_bad_quantities_are_refused_with_a_reason(client, shop, quantity):
    add(client, UY, shop["uy"])
    response = post_add(client, UY, shop["uy_sheet"], quantity)
    assert response.status_code == 400
    assert "Enter a whole number from 1 to 999." in response.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 1}


@pytest.mark.parametrize(
    ("field", "value"),
    [("product_id", "999999"), ("product_id", "abc"), ("product_id", "9" * 30),
     ("product_id", "0"), ("key", "short"), ("key", "")],
)
def test_bad_product_or_form_key(client, shop, field, value):
    token = portal_token(client)
    data = {"csrf_token": token, "product_id": shop["uy"].id, "quantity": 1,
            "key": secrets.token_urlsafe(16), field: value}
    response = client.post(PORTAL + "/cart/add", data=data)
    assert response.status_code == (404 if value == "999999" else 400)
    assert lines() == {}


def test_adding_without_a_csrf_token_is_refused(client, shop):
    response = client.post(UY + "/cart/add", data={
        "product_id": shop["uy"].id, "quantity": 1, "key": secrets.token_urlsafe(16),
    })
    assert response.status_code == 400
    assert lines() == {}


# --- changing and removing at the portal --------------------------------------------------


def test_change_quantity_and_remove_at_the_portal(client, shop):
    add(client, UY, shop["uy"])
    add(client, NL, shop["nl"])
    token = portal_token(client)
    changed, _ = follow(client, client.post(
        PORTAL + f"/cart/lines/{line_id(shop['uy'])}", data={"csrf_token": token, "quantity": 4}
    ))
    assert "Quantity of Wetlands (Single stamp) updated." in changed.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 4, shop["nl"].id: 1}

    capped, _ = follow(client, client.post(
        PORTAL + f"/cart/lines/{line_id(shop['uy'])}", data={"csrf_token": token, "quantity": 40}
    ))
    assert "Only 10 left: your cart now holds 10." in capped.get_data(as_text=True)

    removed, _ = follow(client, client.post(
        PORTAL + f"/cart/lines/{line_id(shop['nl'])}/remove", data={"csrf_token": token}
    ))
    assert "Tulips (Single stamp) was removed from your cart." in removed.get_data(as_text=True)
    assert lines() == {shop["uy"].id: 10}
    assert badge(client.get(UY + "/").get_data(as_text=True)) == "Cart 10"


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "100000"])
def test_a_bad_quantity_on_the_cart_page_is_a_form_error(client, shop, quantity):
    add(client, UY, shop["uy"], 2)
    response = client.post(PORTAL + f"/cart/lines/{line_id(shop['uy'])}", data={
        "csrf_token": portal_token(client), "quantity": quantity,
    })
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert">Enter a whole number from 1 to 999.</p>' in html
    assert "Humedales" in html or "Wetlands" in html  # the cart is still there, whole
    assert lines() == {shop["uy"].id: 2}


def test_changes_from_a_storefront_show_at_the_portal(client, shop):
    add(client, UY, shop["uy"])
    token = csrf_token(client, UY + "/")
    response = client.post(
        UY + f"/cart/lines/{line_id(shop['uy'])}",
        data={"csrf_token": token, "quantity": 3, "next": "/issues/humedales"},
    )
    assert response.headers["Location"] == "/issues/humedales"
    assert 'value="3"' in cart_html(client)


def test_another_visitors_line_is_not_found(client, app, shop):
    add(client, UY, shop["uy"])
    theirs = line_id(shop["uy"])
    other = FreshRequestClient(app, app.response_class, use_cookies=True)
    add(other, NL, shop["nl"])
    token = portal_token(other)
    assert other.post(PORTAL + f"/cart/lines/{theirs}",
                      data={"csrf_token": token, "quantity": 5}).status_code == 404
    assert other.post(PORTAL + f"/cart/lines/{theirs}/remove",
                      data={"csrf_token": token}).status_code == 404
    for missing in ("999999", "9" * 30):
        assert other.post(PORTAL + f"/cart/lines/{missing}/remove",
                          data={"csrf_token": token}).status_code == 404
    assert lines() == {shop["uy"].id: 1, shop["nl"].id: 1}


def test_removing_twice_is_a_404_the_second_time(client, shop):
    add(client, UY, shop["uy"])
    url = PORTAL + f"/cart/lines/{line_id(shop['uy'])}/remove"
    token = portal_token(client)
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert client.post(url, data={"csrf_token": token}).status_code == 404


def test_a_storefronts_cart_address_leads_to_the_portal(client, shop):
    response = client.get(UY + "/cart")
    assert response.status_code == 302
    assert response.headers["Location"] == PORTAL + "/cart"


def test_empty_cart(client, shop):
    html = cart_html(client)
    assert "Your cart is empty." in html
    assert db.session.scalars(select(Visitor)).all() == []  # looking links nothing


# --- the badge, and plain page views ------------------------------------------------------


def test_unlinked_hosts_show_a_plain_cart_link_and_link_nothing(client, shop):
    for url in (UY + "/", issue_url(UY, shop["uy"]), PORTAL + "/", PORTAL + "/cart"):
        html = client.get(url, headers={"User-Agent": "Googlebot/2.1"}).get_data(as_text=True)
        assert badge(html) == "Cart"
        assert 'class="cart-badge" href="http://stamps.post.localhost:5000/cart"' in html
    assert db.session.scalars(select(Visitor)).all() == []
    assert db.session.scalars(select(Cart)).all() == []


def test_a_linked_host_shows_the_count(client, shop):
    add(client, UY, shop["uy"], 2)
    add(client, UY, shop["uy_sheet"])
    assert badge(client.get(UY + "/").get_data(as_text=True)) == "Cart 3"
    assert badge(client.get(PORTAL + "/").get_data(as_text=True)) == "Cart 3"
    assert badge(client.get(NL + "/").get_data(as_text=True)) == "Cart"  # not linked yet


# --- prices in the buyer's currency -------------------------------------------------------


def expected_minor(amount_minor: int, source: str, target: str) -> int:
    """What the cart must show: amount × target/EUR ÷ source/EUR, half-up, once."""
    per_eur = {**{k: Decimal(v) for k, v in RATES.items()}, "EUR": Decimal(1)}
    exact = Decimal(amount_minor).scaleb(-precision(source)) * per_eur[target] / per_eur[source]
    step = Decimal(1).scaleb(-precision(target))
    return int(exact.quantize(step, rounding=ROUND_HALF_UP).scaleb(precision(target)))


def choose_currency(client, base: str, code: str, next_path: str = "/"):
    return client.post(base + "/currency", data={
        "csrf_token": csrf_token(client, base + "/"), "currency": code, "next": next_path,
    })


def test_cart_is_priced_in_the_chosen_currency_exactly(client, shop, rates):
    add(client, UY, shop["uy"], 2)  # UYU 30.00
    add(client, NL, shop["nl"], 3)  # EUR 2.73
    add(client, KH, shop["kh"], 1)  # KHR 8,000.00
    assert choose_currency(client, PORTAL, "USD", "/cart").status_code == 302

    usd = {
        "uy": expected_minor(3000, "UYU", "USD"),
        "nl": expected_minor(273, "EUR", "USD"),
        "kh": expected_minor(800000, "KHR", "USD"),
    }
    assert usd == {"uy": 68, "nl": 288, "kh": 179}  # the reference itself, by hand
    html = cart_html(client)
    en = Locale.parse("en")
    for cents in usd.values():
        assert "≈ " + format_money(Money(cents, "USD"), en) in html
    total = format_money(Money(sum(usd.values()), "USD"), en)
    assert f'<p class="total-amount">≈ {total}</p>' in html
    assert (
        "Approximate until checkout: converted at the exchange rates of November 27, 2026."
        in html
    )
    assert format_money(Money(3000, "UYU"), en) in html  # each post's own subtotal too


def test_the_spread_is_included_in_what_the_buyer_sees(client, app, shop, rates, monkeypatch):
    monkeypatch.setitem(app.config, "FX_SPREAD_BPS", 150)
    add(client, UY, shop["uy"], 2)
    choose_currency(client, PORTAL, "USD")
    per_eur = Decimal(RATES["USD"]) / Decimal(RATES["UYU"])
    exact = Decimal("30.00") * per_eur * Decimal("1.015")
    cents = int(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    assert "≈ " + format_money(Money(cents, "USD"), Locale.parse("en")) in cart_html(client)


def test_cart_page_queries_do_not_grow_with_lines_or_posts(
    client, shop, rates, make_post, make_issue, make_product, count_queries
):
    add(client, UY, shop["uy"])
    add(client, NL, shop["nl"])
    cart = db.session.scalars(select(Cart)).one()

    def measure() -> int:
        db.session.remove()  # nothing already loaded may spare the page a query
        with count_queries() as queries:
            assert "Tulips" in cart_html(client)
        return len(queries)

    two = measure()
    cart = db.session.get(Cart, cart.id)
    for code in ("jp", "fr", "de", "it", "es", "pt"):
        post = make_post(code, currency="JPY" if code == "jp" else "EUR")
        issue = make_issue(post)
        for _ in range(3):
            add_to_cart(db.session, cart, make_product(issue).id, 1)
    db.session.commit()
    assert len(lines()) == 20
    assert measure() == two


# --- signing in ---------------------------------------------------------------------------


@pytest.fixture
def buyer():
    buyer = Buyer(email="ana@example.com", password_hash="-", name="Ana")
    db.session.add(buyer)
    db.session.commit()
    return buyer


def test_merge_on_sign_in_adds_quantities_capped_by_stock(shop, buyer):
    visitor, elsewhere = Visitor(), Visitor()
    db.session.add_all([visitor, elsewhere])
    db.session.flush()
    theirs = cart_for(db.session, elsewhere, buyer)  # filled earlier, in another browser
    add_to_cart(db.session, theirs, shop["uy_sheet"].id, 2)
    add_to_cart(db.session, theirs, shop["nl"].id, 1)
    anonymous = cart_for(db.session, visitor, None)
    add_to_cart(db.session, anonymous, shop["uy_sheet"].id, 2, key="k" * 22)
    add_to_cart(db.session, anonymous, shop["kh"].id, 4)
    visitor.currency = "USD"

    merged = merge_on_sign_in(db.session, visitor, buyer)
    db.session.commit()
    assert merged is not None
    assert merged.id == theirs.id
    assert lines() == {shop["uy_sheet"].id: 3, shop["nl"].id: 1, shop["kh"].id: 4}
    assert find_cart(db.session, visitor, None) is None
    assert cart_for(db.session, visitor, buyer).id == theirs.id
    assert db.session.get(AppliedCartForm, "k" * 22).cart_id == theirs.id  # replays stay no-ops
    assert buyer.preferred_currency == "USD"


def test_merge_without_a_buyers_cart_hands_the_cart_over(shop, buyer):
    visitor = Visitor()
    db.session.add(visitor)
    db.session.flush()
    cart = cart_for(db.session, visitor, None)
    add_to_cart(db.session, cart, shop["uy"].id, 1)
    assert merge_on_sign_in(db.session, visitor, buyer) is cart
    db.session.commit()
    assert (cart.visitor_id, cart.buyer_id) == (None, buyer.id)
    assert merge_on_sign_in(db.session, visitor, buyer) is cart  # signing in again: no-op


def test_newcomer_adds_from_three_storefronts_switches_currency_signs_in(
    client, shop, rates, buyer
):
    """The issue's "done when", below the sign-in form: one cart, everything, converted."""
    add(client, UY, shop["uy"], 2)
    add(client, NL, shop["nl"])
    add(client, KH, shop["kh"])
    choose_currency(client, NL, "JPY")
    visitor = db.session.get(Visitor, visitor_of(client, PORTAL))
    merge_on_sign_in(db.session, visitor, buyer)
    visitor.buyer, visitor.buyer_session_version = buyer, buyer.session_version
    visitor.signed_in_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()

    html = cart_html(client)
    yen = sum((expected_minor(3000, "UYU", "JPY"), expected_minor(91, "EUR", "JPY"),
               expected_minor(800000, "KHR", "JPY")))
    total = format_money(Money(yen, "JPY"), Locale.parse("en"))
    assert f'<p class="total-amount">≈ {total}</p>' in html
    assert db.session.scalars(select(Cart.buyer_id)).all() == [buyer.id]
    assert badge(client.get(KH + "/").get_data(as_text=True)) == "Cart 4"
