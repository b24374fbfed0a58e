"""Checkout at the portal through the test client: address, shipping per post, a review with
a locked quote, placing the order; every way it can go wrong ends in a clear message with
the stock and the cart intact, never a 500; the total is the exact sum of its parts."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Address, Buyer
from mall.accounts.passwords import hash_password
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.money import Money
from mall.orders.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    PostOrderStatus,
    Quote,
)
from mall.orders.placement import quote_table
from mall.orders.references import format_reference, parse_payment_reference
from mall.rates.services import set_operator_rate
from mall.shipping.models import ShippingKind
from mall.shipping.zones import Zone
from tests.support.checkout import (
    RATES_DAY,
    add_method,
    add_to_cart,
    cart_lines,
    choose_currency,
    choose_shipping,
    follow,
    give_address,
    go_to_review,
    latest_order,
    path_of,
    place,
    read_review,
    review,
    stock,
)
from tests.support.hosts import PORTAL, csrf_token

#: client, other_client, rates, shop and stripe_config
pytest_plugins = ["tests.support.checkout_fixtures"]


def fill(client, shop, sheets: int = 2, booklets: int = 1) -> None:
    if sheets:
        add_to_cart(client, shop["sheet"], sheets)
    if booklets:
        add_to_cart(client, shop["booklet"], booklets)


def orders() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# --- the whole way ----------------------------------------------------------------------


def test_bank_transfer_checkout_places_a_pending_order_with_instructions(client, shop):
    fill(client, shop, sheets=2, booklets=1)
    choose_currency(client, "USD")
    page = go_to_review(client, shop)
    assert "Wetlands" in page.html
    assert "Tulips" in page.html
    # Each post's lines, shipping and subtotal, in its own currency and the buyer's.
    assert "UYU\xa0180.00" in page.html
    assert "In USD" in page.html
    assert "TEST MODE" not in page.html  # no Stripe configured: no card at all
    assert 'value="card"' not in page.html

    response = place(client, page.form("bank_transfer"))
    assert response.status_code == 303
    order = latest_order()
    assert path_of(response) == f"/orders/{order.code}"
    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.payment_method is PaymentMethod.BANK_TRANSFER
    assert order.currency == "USD"
    assert [po.post.code for po in order.post_orders] == ["uy", "nl"]
    assert all(po.status is PostOrderStatus.AWAITING_PAYMENT for po in order.post_orders)
    assert order.reserved_until - order.created_at == timedelta(days=5)
    assert (order.email, order.ship_country) == ("claire@example.fr", "FR")
    assert parse_payment_reference(order.payment_reference) == order.code
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)
    assert cart_lines() == {}

    shown = client.get(PORTAL + f"/orders/{order.code}")
    assert shown.status_code == 200
    html = text(shown)
    assert "How to pay without a card" in html
    assert format_reference(order.payment_reference) in html
    assert order.total.format("en") in shown.get_data(as_text=True)

    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.recipient == "claire@example.fr"
    assert order.code in mail.subject
    assert format_reference(order.payment_reference) in mail.text_body


@pytest.mark.parametrize("currency", ["USD", "JPY", "EUR", "KWD", "UYU"])
def test_total_charged_is_the_exact_sum_of_converted_lines_and_shipping(
    client, shop, currency
):
    """Invariant: total = Σ converted line amounts + Σ converted shipping, exactly; and the
    review page showed that very total."""
    add_to_cart(client, shop["stamp"], 7)
    add_to_cart(client, shop["sheet"], 1)
    add_to_cart(client, shop["booklet"], 3)
    choose_currency(client, currency)
    page = go_to_review(client, shop)
    place(client, page.form())
    order = latest_order()
    assert order.currency == currency

    table = quote_table(db.session.get(Quote, int(page.fields["quote_id"])))
    lines = [line for po in order.post_orders for line in po.lines]
    for line in lines:
        assert line.amount_presentment_minor == table.convert(line.amount, currency).amount
    for po in order.post_orders:
        assert po.shipping_presentment_minor == table.convert(po.shipping, currency).amount
        assert po.goods_presentment_minor == sum(
            line.amount_presentment_minor for line in po.lines
        )
    expected = sum(line.amount_presentment_minor for line in lines) + sum(
        po.shipping_presentment_minor for po in order.post_orders
    )
    assert order.total_minor == expected
    assert order.total == order.goods + order.shipping
    shown = re.sub(r"\s+", " ", page.total)
    assert shown == re.sub(r"\s+", " ", _formatted(client, order.total))


def _formatted(client, money: Money) -> str:
    """The total as the order page writes it (same locale as the review)."""
    html = client.get(PORTAL + f"/orders/{latest_order().code}").get_data(as_text=True)
    match = re.search(r'<p class="total-amount" id="order-total">([^<]*)</p>', html)
    assert match
    return match.group(1)


def test_free_shipping_over_the_threshold(client, shop):
    add_to_cart(client, shop["booklet"], 5)  # 54.75 EUR ≥ the 500.00 EUR threshold? no
    shop["nl_registered"].free_over_minor = 5000
    db.session.commit()
    give_address(client)
    choose_shipping(client, {shop["nl"]: shop["nl_registered"]})
    page = review(client)
    assert "Free shipping" in page.html
    place(client, page.form())
    [post_order] = latest_order().post_orders
    assert post_order.shipping == Money(0, "EUR")


# --- the address ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"country": "ZZ"}, "Not a valid choice"),
        ({"country": ""}, "This field is required."),
        ({"postal_code": "<script>"}, "Use letters, digits, spaces and dashes only."),
        ({"email": "not an email"}, "Invalid email address."),
        ({"email": ""}, "Please enter your email address"),
        ({"line1": "x" * 201}, "Field cannot be longer than 200 characters."),
    ],
)
def test_a_malformed_address_is_a_400_with_the_reason(client, shop, changes, message):
    fill(client, shop)
    response = give_address(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with client.session_transaction(base_url=PORTAL) as session:
        assert "checkout" not in session
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}
    # The next steps send the buyer back to the address.
    assert path_of(client.get(PORTAL + "/checkout/shipping")) == "/checkout"


def test_wtforms_own_messages_speak_each_readers_language(client, shop):
    """The catalogue of WTForms' messages is kept per language: readers in turn each get
    theirs, on a posted form as on the search form."""
    fill(client, shop)
    said = {"nl": "Ongeldige keuze.", "es": "Opción inválida.", "en": "Not a valid choice."}
    for language in ["nl", "es", "nl", "en", "es"]:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        posted = give_address(client, country="ZZ").get_data(as_text=True)
        searched = client.get(PORTAL + "/search?country=zz").get_data(as_text=True)
        for page in (posted, searched):
            assert said[language] in page
            assert not [text for other, text in said.items()
                        if other != language and text in page]


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, shop):
    response = client.get(PORTAL + "/checkout")
    assert (response.status_code, path_of(response)) == (303, "/cart")
    assert "Your cart is empty" in follow(client, response).get_data(as_text=True)
    assert path_of(client.get(PORTAL + "/checkout/review")) == "/cart"


def test_checkout_lives_at_the_portal_only(client, shop):
    fill(client, shop)
    assert client.get("http://stamps.uy.post.localhost:5000/checkout").status_code == 404


# --- shipping ---------------------------------------------------------------------------


def test_shipping_offers_each_posts_methods_priced_for_the_destination(client, shop):
    fill(client, shop)
    give_address(client, country="UY", city="Montevideo", postal_code="11000")
    page = text(client.get(PORTAL + "/checkout/shipping"))
    # Domestic for Uruguay (free in this tariff), "rest of the world" for the Netherlands.
    assert "Domestic" in page
    assert "Rest of the world" in page
    assert page.count('name="method-') == 3


def test_another_posts_shipping_method_is_refused(client, shop):
    fill(client, shop)
    give_address(client)
    response = choose_shipping(client, {shop["uy"]: shop["nl_registered"],
                                        shop["nl"]: shop["nl_registered"]})
    assert response.status_code == 400
    assert "Please choose one of the shipping methods Uruguayan Post offers." in text(response)
    assert path_of(client.get(PORTAL + "/checkout/review")) == "/checkout/shipping"


def test_a_post_that_cannot_ship_there_is_explained(client, shop, make_post, make_issue,
                                                   make_product):
    jp = make_post("jp")
    domestic_only = add_method(jp, "letter", ShippingKind.LETTER, {Zone.DOMESTIC: 84})
    add_to_cart(client, make_product(make_issue(jp), price_minor=84))
    set_operator_rate(db.session, "JPY", "163.42", RATES_DAY)
    give_address(client)
    page = text(client.get(PORTAL + "/checkout/shipping"))
    assert "Japan Post does not send these stamps to your country." in page
    response = choose_shipping(client, {jp: domestic_only})
    assert response.status_code == 400
    assert "Japan Post does not send these stamps to your country." in text(response)


# --- the quote --------------------------------------------------------------------------


def test_an_expired_quote_shows_the_new_total_and_asks_again(client, shop):
    fill(client, shop)
    choose_currency(client, "USD")
    page = go_to_review(client, shop)
    old_total = page.total
    quote = db.session.get(Quote, int(page.fields["quote_id"]))
    quote.expires_at = utcnow() - timedelta(seconds=1)
    set_operator_rate(db.session, "UYU", "40.0000", RATES_DAY + timedelta(days=1))
    db.session.commit()

    again = read_review(place(client, page.form()))
    assert again.status == 409
    assert orders() == 0
    assert (stock(shop["sheet"]), cart_lines()[shop["sheet"].id]) == (5, 2)
    assert "expired after 15 minutes" in again.html
    assert f"(it was {old_total})" in again.html
    assert again.total != old_total
    assert again.fields["quote_id"] != page.fields["quote_id"]

    response = place(client, again.form())
    assert response.status_code == 303
    order = latest_order()
    new_quote = db.session.get(Quote, int(again.fields["quote_id"]))
    assert Decimal(order.rates["UYU"]) == Decimal("40.0000") == Decimal(new_quote.rates["UYU"])
    assert _formatted(client, order.total) == again.total


def test_the_review_reuses_a_valid_quote(client, shop):
    fill(client, shop)
    first = go_to_review(client, shop)
    assert review(client).fields["quote_id"] == first.fields["quote_id"]
    assert db.session.scalar(select(func.count()).select_from(Quote)) == 1


def test_another_visitors_quote_is_refused(client, other_client, shop):
    fill(client, shop)
    mine = go_to_review(client, shop)
    fill(other_client, shop, sheets=1, booklets=0)
    theirs = go_to_review(other_client, shop)
    form = theirs.form()
    form["quote_id"] = mine.fields["quote_id"]
    response = place(other_client, form)
    assert response.status_code == 400
    assert "This order summary is not yours" in response.get_data(as_text=True)
    assert orders() == 0


# --- placing ----------------------------------------------------------------------------


def test_stock_gone_between_review_and_place(client, shop):
    """The review no longer holds: shown again with what can be bought, nothing charged."""
    fill(client, shop, sheets=2, booklets=3)
    page = go_to_review(client, shop)
    shop["booklet"].stock = 1
    db.session.commit()

    again = read_review(place(client, page.form()))
    assert again.status == 409
    html = re.sub(r"\s+", " ", again.html)
    assert "Left out of this order" in html
    assert "only 1 left, so 1 is in the order" in html
    assert again.total != page.total
    assert orders() == 0
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (5, 1)
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 3}

    placed = place(client, again.form())  # confirming the new total places what is left
    assert placed.status_code == 303
    assert orders() == 1
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 0)
    assert cart_lines() == {shop["booklet"].id: 2}  # what could not be bought stays


def test_a_sold_out_line_is_left_out_and_the_rest_is_placed(client, shop):
    fill(client, shop)
    page = go_to_review(client, shop)
    shop["sheet"].stock = 0
    db.session.commit()
    again = read_review(place(client, page.form()))
    assert again.status == 409
    assert "Wetlands" in again.html
    assert "sold out" in again.html
    assert place(client, again.form()).status_code == 303
    order = db.session.scalars(select(Order)).one()
    assert [po.post.code for po in order.post_orders] == ["nl"]
    assert cart_lines() == {shop["sheet"].id: 2}


def test_a_line_added_while_placing_is_neither_charged_nor_lost(client, shop):
    """Race of fault 5: the reviewed lines are placed, the one added meanwhile stays."""
    from mall.orders import placement

    fill(client, shop, sheets=1, booklets=0)
    page = go_to_review(client, shop)
    original = placement._cart_lines

    def cart_lines_after_another_tab_added(session, cart):
        # Another tab adds a booklet right after the place request priced the order.
        from mall.cart.services import add_to_cart

        add_to_cart(session, cart, shop["booklet"].id, 1)
        return original(session, cart)

    placement._cart_lines = cart_lines_after_another_tab_added
    try:
        response = place(client, page.form())
    finally:
        placement._cart_lines = original
    assert response.status_code == 303
    order = db.session.scalars(select(Order)).one()
    assert [(po.post.code, [line.quantity for line in po.lines]) for po in order.post_orders] == [
        ("uy", [1])]
    assert order.total_minor == _minor(page.total, order)
    assert cart_lines() == {shop["booklet"].id: 1}


def _minor(shown: str, order) -> int:
    """The review's total as the order stores it (minor units of a 2-decimal currency)."""
    assert order.currency in ("EUR", "USD")
    return int(re.sub(r"[^0-9]", "", shown))


def test_a_double_submit_places_one_order(client, shop):
    fill(client, shop)
    form = go_to_review(client, shop).form()
    first = place(client, form)
    second = place(client, form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert orders() == 1
    assert (stock(shop["sheet"]), stock(shop["booklet"])) == (3, 4)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_cart_changed_after_the_review_is_shown_again(client, shop):
    fill(client, shop)
    page = go_to_review(client, shop)
    add_to_cart(client, shop["stamp"], 2)
    again = read_review(place(client, page.form()))
    assert again.status == 409
    assert "Your cart, a price or a shipping rate changed" in again.html
    assert orders() == 0
    assert place(client, again.form()).status_code == 303
    assert [len(po.lines) for po in latest_order().post_orders] == [2, 1]


@pytest.mark.parametrize(
    "change",
    [
        {"payment_method": "bitcoin"},
        {"payment_method": "card"},
        {"quote_id": "abc"},
        {"quote_id": "999999999999999999999999"},
        {"fingerprint": "nope"},
        {"placement_key": "short"},
    ],
)
def test_a_tampered_place_form_is_refused_without_a_500(client, shop, change):
    fill(client, shop)
    response = place(client, {**go_to_review(client, shop).form(), **change})
    assert response.status_code == 400
    assert orders() == 0
    assert cart_lines() == {shop["sheet"].id: 2, shop["booklet"].id: 1}


def test_placing_without_a_csrf_token_is_refused(client, shop):
    fill(client, shop)
    form = go_to_review(client, shop).form()
    del form["csrf_token"]
    assert place(client, form).status_code == 400
    assert orders() == 0


# --- signed-in buyers -------------------------------------------------------------------


def test_a_signed_in_buyer_ships_to_a_saved_address(client, other_client, shop):
    buyer = Buyer(email="ana@example.org", password_hash=hash_password("correct horse 1"),
                  name="Ana")
    buyer.addresses = [Address(name="Ana Collector", line1="Calle 1", city="Madrid",
                               country="ES", postal_code="28001")]
    db.session.add(buyer)
    db.session.commit()
    _sign_in(client)
    fill(client, shop)

    page = client.get(PORTAL + "/checkout").get_data(as_text=True)
    assert "Your saved addresses" in page
    assert "Calle 1" in page
    assert 'name="email"' not in page
    response = client.post(PORTAL + "/checkout", data={
        "use": "saved", "saved-address_id": buyer.addresses[0].id,
        "saved-csrf_token": csrf_token(client, PORTAL + "/checkout"),
    })
    assert (response.status_code, path_of(response)) == (303, "/checkout/shipping")
    choose_shipping(client, {shop["uy"]: shop["uy_registered"], shop["nl"]: shop["nl_registered"]})
    place(client, review(client).form())
    order = latest_order()
    assert (order.buyer_id, order.email, order.ship_country) == (buyer.id, "ana@example.org", "ES")

    # The same buyer, in another browser, finds it in the history and can open it.
    _sign_in(other_client)
    history = other_client.get(PORTAL + "/account/orders")
    assert history.status_code == 200
    assert order.code in history.get_data(as_text=True)
    assert other_client.get(PORTAL + f"/orders/{order.code}").status_code == 200


def test_a_saved_address_of_someone_else_is_refused(client, shop):
    other = Buyer(email="eve@example.org", password_hash="x", name="Eve")
    other.addresses = [Address(name="Eve", line1="1 Road", city="Leeds", country="GB")]
    mine = Buyer(email="ana@example.org", password_hash=hash_password("correct horse 1"),
                 name="Ana")
    db.session.add_all([other, mine])
    db.session.commit()
    _sign_in(client)
    fill(client, shop)
    response = client.post(PORTAL + "/checkout", data={
        "use": "saved", "saved-address_id": other.addresses[0].id,
        "saved-csrf_token": csrf_token(client, PORTAL + "/checkout"),
    })
    assert response.status_code == 400
    assert "Please choose one of your addresses." in response.get_data(as_text=True)


def _sign_in(client) -> None:
    url = PORTAL + "/account/sign-in"
    response = client.post(url, data={
        "email": "ana@example.org", "password": "correct horse 1",
        "csrf_token": csrf_token(client, url),
    })
    assert response.status_code == 302, response.get_data(as_text=True)


# --- queries ----------------------------------------------------------------------------


def test_the_review_page_costs_the_same_queries_for_one_post_or_two(
    client, other_client, shop, count_queries
):
    add_to_cart(client, shop["sheet"])
    give_address(client)
    choose_shipping(client, {shop["uy"]: shop["uy_registered"]})
    review(client)
    fill(other_client, shop, sheets=2, booklets=2)
    add_to_cart(other_client, shop["stamp"], 3)
    go_to_review(other_client, shop)
    with count_queries() as small:
        review(client)
    with count_queries() as large:
        review(other_client)
    assert len(small) == len(large), "\n\n".join(large)


def test_placing_costs_the_same_statements_for_one_line_or_three_from_two_posts(
    client, other_client, shop, count_queries
):
    """Release day: a big cart must not cost more round trips than a small one."""
    add_to_cart(client, shop["sheet"])
    give_address(client)
    choose_shipping(client, {shop["uy"]: shop["uy_registered"]})
    small_form = review(client).form()
    fill(other_client, shop, sheets=2, booklets=2)
    add_to_cart(other_client, shop["stamp"], 3)
    large_form = go_to_review(other_client, shop).form()
    with count_queries() as small:
        assert place(client, small_form).status_code == 303
    with count_queries() as large:
        assert place(other_client, large_form).status_code == 303
    assert orders() == 2
    assert _round_trips(small) == _round_trips(large), "\n\n".join(large)


def test_placing_reads_the_shipping_rates_once(client, shop, count_queries):
    """The review is priced again when the order is placed; the shipping options of that
    pricing are the order's, not read a second time."""
    fill(client, shop, sheets=1, booklets=1)
    form = go_to_review(client, shop).form()
    with count_queries() as statements:
        assert place(client, form).status_code == 303
    assert sum("JOIN shipping_method" in statement for statement in statements) == 1, \
        "\n\n".join(statements)


def _round_trips(statements: list[str]) -> int:
    """Statements as PostgreSQL sends them. There the new rows of a table are inserted in one
    batch; SQLite, which cannot promise the order of a batch's RETURNING rows, is sent one
    INSERT per row (in-process, no round trip): consecutive identical INSERTs count once."""
    return sum(
        1 for before, statement in zip(["", *statements], statements, strict=False)
        if not (statement.startswith("INSERT") and statement == before)
    )
