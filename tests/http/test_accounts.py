"""Buyer accounts through the test client, on the real hosts: registering, signing in once at
the portal and being known on every storefront, signing out everywhere, remember-me,
throttling, password reset through the outbox, profile and addresses, and `next`."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from mall.accounts.models import Address, AttemptKind, Buyer, SignInAttempt
from mall.accounts.passwords import hash_password
from mall.cart.models import Cart, CartLine
from mall.columns import utcnow
from mall.extensions import db
from mall.mail.models import OutboxMessage
from mall.visitors.models import Visitor
from tests.support.hosts import PORTAL, csrf_token, link, storefront

UY = storefront("uy")
NL = storefront("nl")
PASSWORD = "correct horse battery"
SIGN_IN = PORTAL + "/account/sign-in"


@pytest.fixture
def new_browser(app):
    return app.test_client


@pytest.fixture(autouse=True)
def posts(make_post):
    return {"uy": make_post("uy"), "nl": make_post("nl")}


@pytest.fixture
def make_buyer():
    def make(email: str = "ana@example.org", password: str = PASSWORD, **values) -> Buyer:
        buyer = Buyer(email=email, password_hash=hash_password(password), name="Ana Collector")
        for key, value in values.items():
            setattr(buyer, key, value)
        db.session.add(buyer)
        db.session.commit()
        return buyer

    return make


def sign_in(client: FlaskClient, email="ana@example.org", password=PASSWORD, *, remember=False,
            next_url=None, address="127.0.0.1"):
    token = csrf_token(client, SIGN_IN)
    data = {"email": email, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    query = {"next": next_url} if next_url is not None else {}
    return client.post(SIGN_IN, data=data, query_string=query,
                       environ_base={"REMOTE_ADDR": address})


def register(client: FlaskClient, **fields):
    data = {"name": "Ana Collector", "email": "ana@example.org", "password": PASSWORD,
            "confirm": PASSWORD, **fields}
    data["csrf_token"] = csrf_token(client, PORTAL + "/account/register")
    return client.post(PORTAL + "/account/register", data=data)


def sign_out(client: FlaskClient, base: str):
    token = csrf_token(client, base + "/")
    return client.post(base + "/account/sign-out", data={"csrf_token": token})


def shown_name(client: FlaskClient, url: str) -> str | None:
    """The buyer's name in the top bar, or None when the page shows "Sign in"."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'class="account-name"[^>]*>([^<]*)<', html)
    return match.group(1) if match else None


def host_user_id(client: FlaskClient, base: str) -> str | None:
    with client.session_transaction(base_url=base) as session:
        return session.get("_user_id")


def follow_link(client: FlaskClient, response) -> str:
    """Follow a sign-in's redirect through the storefront's /link/begin and the portal's
    /link back to the storefront; the path the browser lands on."""
    location = response.headers["Location"]
    assert urlsplit(location).path == "/link/begin"
    portal = client.get(location)
    assert portal.status_code == 302
    assert portal.headers["Location"].startswith(PORTAL + "/link?")
    completion = client.get(portal.headers["Location"])
    assert completion.status_code == 302
    landed = client.get(completion.headers["Location"])
    assert landed.status_code == 302
    return landed.headers["Location"]


def visitor_of(client: FlaskClient, base: str = PORTAL) -> Visitor:
    with client.session_transaction(base_url=base) as session:
        visitor_id = session["visitor_id"]
    db.session.expire_all()
    return db.session.get(Visitor, visitor_id)


# --- registering ------------------------------------------------------------------------


def test_register_creates_the_account_signs_in_and_mails_a_welcome(client):
    response = register(client, email="  Ana@Example.ORG ")
    assert response.status_code == 302
    buyer = db.session.scalars(select(Buyer)).one()
    assert buyer.email == "ana@example.org"
    assert buyer.password_hash.startswith("$argon2id$")
    assert PASSWORD not in buyer.password_hash
    assert shown_name(client, PORTAL + "/") == "Ana Collector"
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "ana@example.org"
    assert "http://stamps.post.localhost:5000/account/" in mail.text_body


def test_register_refuses_an_email_that_has_an_account(client, make_buyer):
    make_buyer()
    response = register(client, email="ANA@example.org", name="Someone Else")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "exists already" in html
    assert 'value="Someone Else"' in html  # nothing typed is lost
    assert db.session.scalar(select(func.count()).select_from(Buyer)) == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 10 characters"),
        ("ana@example.org", "must not be your email address"),
        ("ANA@EXAMPLE.ORG", "must not be your email address"),
    ],
)
def test_register_refuses_weak_passwords(client, password, message):
    response = register(client, password=password, confirm=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Buyer)).all() == []


@pytest.mark.parametrize(
    "fields",
    [{"email": "not-an-email"}, {"confirm": "something else entirely"}, {"name": ""},
     {"password": "x" * 300, "confirm": "x" * 300}],
)
def test_register_bad_input_is_a_form_error(client, fields):
    response = register(client, **fields)
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Buyer)).all() == []


def test_forms_refuse_posts_without_a_csrf_token(client, make_buyer):
    make_buyer()
    response = client.post(SIGN_IN, data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert host_user_id(client, PORTAL) is None


# --- signing in, on every host ---------------------------------------------------------


def test_sign_in_at_the_portal_then_on_a_storefront_through_the_link(client, make_buyer):
    make_buyer()
    page = UY + "/catalogue?year=2018"
    html = client.get(page).get_data(as_text=True)
    sign_in_link = re.search(r'href="([^"]*/account/sign-in[^"]*)"', html).group(1)
    assert parse_qs(urlsplit(sign_in_link.replace("&amp;", "&")).query)["next"] == [page]

    response = sign_in(client, next_url=page)
    assert response.status_code == 302
    assert follow_link(client, response) == "/catalogue?year=2018"

    assert shown_name(client, page) == "Ana Collector"
    assert shown_name(client, PORTAL + "/") == "Ana Collector"
    buyer = db.session.scalars(select(Buyer)).one()
    assert host_user_id(client, UY) == f"{buyer.id}:{buyer.session_version}"
    assert host_user_id(client, PORTAL) == f"{buyer.id}:{buyer.session_version}"
    assert visitor_of(client, UY).id == visitor_of(client, PORTAL).id


def test_storefronts_already_linked_are_signed_in_at_once(client, make_buyer):
    make_buyer()
    link(client, NL)
    assert shown_name(client, NL + "/") is None
    assert sign_in(client).status_code == 302
    assert shown_name(client, NL + "/") == "Ana Collector"


def test_a_storefront_sign_in_link_when_already_signed_in_just_links(client, make_buyer):
    make_buyer()
    sign_in(client)
    response = client.get(SIGN_IN, query_string={"next": UY + "/news"})
    assert response.status_code == 302
    assert follow_link(client, response) == "/news"
    assert shown_name(client, UY + "/") == "Ana Collector"


def test_wrong_password_and_unknown_email_read_the_same(client, make_buyer):
    make_buyer()
    wrong = sign_in(client, password="wrong password!")
    unknown = sign_in(client, email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email address and password do not match."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert 'value="nobody@example.org"' in unknown.get_data(as_text=True)
    assert host_user_id(client, PORTAL) is None


def test_sign_in_renews_the_session_keys(client, make_buyer):
    """No key from before the sign-in survives it: an old CSRF token no longer works."""
    make_buyer()
    before = csrf_token(client, SIGN_IN)
    response = client.post(SIGN_IN, data={"email": "ana@example.org", "password": PASSWORD,
                                          "csrf_token": before})
    assert response.status_code == 302
    stale = client.post(PORTAL + "/account/sign-out", data={"csrf_token": before})
    assert stale.status_code == 400
    assert shown_name(client, PORTAL + "/") == "Ana Collector"


def test_no_cookie_spans_hosts_and_no_remember_cookie(client, make_buyer):
    make_buyer()
    response = sign_in(client, remember=True, next_url=UY + "/")
    begun = client.get(response.headers["Location"])
    completion = client.get(begun.headers["Location"])
    landed = client.get(completion.headers["Location"])
    for answer in (response, begun, completion, landed):
        for header in answer.headers.getlist("Set-Cookie"):
            assert "domain=" not in header.lower(), header
            assert not header.startswith("remember_token"), header


# --- signing out, everywhere ------------------------------------------------------------


def test_sign_out_on_a_storefront_signs_out_the_portal(client, make_buyer):
    buyer = make_buyer()
    follow_link(client, sign_in(client, next_url=UY + "/"))
    assert shown_name(client, UY + "/") == "Ana Collector"

    response = sign_out(client, UY)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert shown_name(client, UY + "/") is None
    assert shown_name(client, PORTAL + "/") is None
    db.session.refresh(buyer)
    assert buyer.session_version == 2
    # whatever id a host's cookie still holds names a version that no longer loads
    assert host_user_id(client, PORTAL) != f"{buyer.id}:{buyer.session_version}"


def test_sign_out_signs_out_every_other_browser_too(client, new_browser, make_buyer):
    make_buyer()
    other = new_browser()
    sign_in(client)
    sign_in(other)
    sign_out(client, PORTAL)
    assert shown_name(other, PORTAL + "/") is None


def test_sign_out_replayed_or_anonymous_changes_nothing(client, make_buyer):
    buyer = make_buyer()
    response = sign_out(client, UY)
    assert response.status_code == 302
    db.session.refresh(buyer)
    assert buyer.session_version == 1


def test_sign_out_is_a_post_with_a_csrf_token(client, make_buyer):
    make_buyer()
    sign_in(client)
    assert client.get(PORTAL + "/account/sign-out").status_code == 405
    assert client.post(PORTAL + "/account/sign-out").status_code == 400
    assert shown_name(client, PORTAL + "/") == "Ana Collector"


def test_password_change_signs_out_other_browsers_but_not_this_one(client, new_browser, make_buyer):
    make_buyer()
    other = new_browser()
    follow_link(client, sign_in(client, next_url=UY + "/"))
    sign_in(other)
    assert shown_name(other, PORTAL + "/") == "Ana Collector"

    token = csrf_token(client, PORTAL + "/account/password")
    response = client.post(PORTAL + "/account/password", data={
        "current": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret",
        "csrf_token": token})
    assert response.status_code == 302

    assert shown_name(client, PORTAL + "/") == "Ana Collector"
    assert shown_name(client, UY + "/") == "Ana Collector"
    assert shown_name(other, PORTAL + "/") is None
    assert sign_in(other).status_code == 400
    assert sign_in(other, password="a brand new secret").status_code == 302
    notice = db.session.scalars(select(OutboxMessage)).one()
    assert "was just changed" in notice.text_body


def test_password_change_needs_the_current_password(client, make_buyer):
    make_buyer()
    sign_in(client)
    token = csrf_token(client, PORTAL + "/account/password")
    response = client.post(PORTAL + "/account/password", data={
        "current": "not it at all", "password": "a brand new secret",
        "confirm": "a brand new secret", "csrf_token": token})
    assert response.status_code == 400
    assert "not your current password" in response.get_data(as_text=True)


# --- remember me --------------------------------------------------------------------------


@pytest.mark.parametrize(("remember", "hours"), [(False, 12), (True, 30 * 24)])
def test_sign_in_lasts_on_the_server_for_every_host(client, make_buyer, remember, hours):
    make_buyer()
    follow_link(client, sign_in(client, remember=remember, next_url=UY + "/"))
    visitor = visitor_of(client)
    left = visitor.signed_in_until - utcnow()
    assert timedelta(hours=hours) - timedelta(minutes=1) < left <= timedelta(hours=hours)


def test_when_the_sign_in_lapses_every_host_is_signed_out(client, make_buyer):
    make_buyer()
    follow_link(client, sign_in(client, remember=True, next_url=UY + "/"))
    db.session.execute(update(Visitor).values(signed_in_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert shown_name(client, UY + "/") is None
    assert shown_name(client, PORTAL + "/") is None
    assert host_user_id(client, UY) is None


# --- carts --------------------------------------------------------------------------------


def _add(client: FlaskClient, product_id: int, quantity: int) -> None:
    token = csrf_token(client, PORTAL + "/")
    key = f"form-key-{product_id}-{quantity}-abcdefgh"
    response = client.post(PORTAL + "/cart/add", data={
        "product_id": product_id, "quantity": quantity, "key": key, "next": "/",
        "csrf_token": token})
    assert response.status_code == 302


def test_sign_in_merges_the_anonymous_cart_into_the_buyers(
    client, new_browser, posts, make_buyer, make_issue, make_product
):
    buyer = make_buyer()
    issue = make_issue(posts["uy"])
    sheet, single = make_product(issue, stock=10), make_product(issue, stock=10)
    sheet_id, single_id = sheet.id, single.id
    elsewhere = new_browser()
    sign_in(elsewhere)
    _add(elsewhere, sheet_id, 1)
    _add(client, sheet_id, 2)
    _add(client, single_id, 1)

    assert sign_in(client).status_code == 302

    db.session.expire_all()
    carts = db.session.scalars(select(Cart)).all()
    assert [cart.buyer_id for cart in carts] == [buyer.id]
    lines = {line.product_id: line.quantity for line in db.session.scalars(select(CartLine))}
    assert lines == {sheet_id: 3, single_id: 1}
    assert "cart-count" in client.get(PORTAL + "/").get_data(as_text=True)


# --- throttling ---------------------------------------------------------------------------


def _age_attempts(minutes: int) -> None:
    for attempt in db.session.scalars(select(SignInAttempt)):
        attempt.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_failures_for_one_account_are_throttled_from_any_address(client, make_buyer):
    make_buyer()
    for n in range(5):
        wrong = sign_in(client, password=f"guess number {n}", address=f"10.0.0.{n}")
        assert wrong.status_code == 400
    refused = sign_in(client, address="10.9.9.9")  # the right password, from elsewhere
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many attempts" in html
    assert "in 15 minutes" in html
    assert 880 <= int(refused.headers["Retry-After"]) <= 900
    assert host_user_id(client, PORTAL) is None

    _age_attempts(16)
    assert sign_in(client, address="10.9.9.9").status_code == 302


def test_failures_from_one_address_are_throttled_for_every_account(client, make_buyer):
    make_buyer()
    make_buyer(email="ben@example.org")
    for n in range(20):
        assert sign_in(client, email=f"guess{n}@example.org", password="whatever it is",
                       address="203.0.113.7").status_code == 400
    assert sign_in(client, address="203.0.113.7").status_code == 429
    assert sign_in(client, email="ben@example.org", address="203.0.113.7").status_code == 429
    assert sign_in(client, address="198.51.100.1").status_code == 302


def test_own_success_does_not_reset_the_address_count(client, new_browser, make_buyer):
    make_buyer()
    for n in range(19):
        sign_in(client, email=f"victim{n}@example.org", password="whatever it is")
    assert sign_in(new_browser()).status_code == 302  # the attacker's own account
    assert sign_in(client, email="victim@example.org", password="whatever it is").status_code == 400
    assert sign_in(client, email="victim@example.org", password="whatever it is").status_code == 429


def test_an_accounts_count_restarts_after_its_own_success(client, new_browser, make_buyer):
    make_buyer()
    for _round in range(2):
        for n in range(3):  # the free failures before any delay
            typo = sign_in(client, password=f"typo {n} in it", address="10.1.1.1")
            assert typo.status_code == 400
        assert sign_in(new_browser(), address="10.1.1.1").status_code == 302


def test_throttled_attempts_do_not_extend_the_lock(client, make_buyer):
    make_buyer()
    for n in range(5):
        sign_in(client, password=f"guess number {n}", address=f"10.0.0.{n}")
    for _ in range(3):
        assert sign_in(client, address="10.0.9.9").status_code == 429
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.kind == AttemptKind.SIGN_IN)) == 5


# --- password reset -----------------------------------------------------------------------


def _request_reset(client: FlaskClient, email: str = "ana@example.org", address="127.0.0.1"):
    token = csrf_token(client, PORTAL + "/account/reset")
    return client.post(PORTAL + "/account/reset", data={"email": email, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _reset_link() -> str:
    body = db.session.scalars(
        select(OutboxMessage.text_body).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"http://\S+/account/reset/\S+", body).group(0)


def _set_new_password(client: FlaskClient, link: str, password: str):
    return client.post(link, data={"password": password, "confirm": password,
                                   "csrf_token": csrf_token(client, link)})


def test_password_reset_end_to_end_through_the_outbox(client, new_browser, make_buyer):
    make_buyer(preferred_locale="es")
    signed_in_elsewhere = new_browser()
    sign_in(signed_in_elsewhere)

    response = _request_reset(client, "ANA@example.org")
    assert response.status_code == 302
    assert "If an account exists" in client.get(SIGN_IN).get_data(as_text=True)

    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipient == "ana@example.org"
    assert "contraseña" in mail.subject  # in the buyer's language, not the page's
    link = _reset_link()
    assert link.startswith("http://stamps.post.localhost:5000/account/reset/")

    outbox = client.get(PORTAL + f"/outbox/{mail.id}").get_data(as_text=True)
    assert f'<a href="{link}">' in outbox

    assert client.get(link).status_code == 200
    done = _set_new_password(client, link, "a fresh new secret")
    assert done.status_code == 302
    assert sign_in(client, password=PASSWORD).status_code == 400
    assert sign_in(client, password="a fresh new secret").status_code == 302
    assert shown_name(signed_in_elsewhere, PORTAL + "/") is None

    again = client.get(link)  # single use: the password it was made for is gone
    assert again.status_code == 400
    assert 'href="/account/reset"' in again.get_data(as_text=True)  # "send me a new link"


def test_reset_for_an_unknown_email_answers_the_same_and_sends_nothing(client):
    response = _request_reset(client, "nobody@example.org")
    assert response.status_code == 302
    assert "If an account exists" in client.get(SIGN_IN).get_data(as_text=True)
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_expired_reset_link_is_refused(client, make_buyer, monkeypatch):
    make_buyer()
    _request_reset(client)
    link = _reset_link()
    monkeypatch.setitem(client.application.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400
    assert "no longer works" in response.get_data(as_text=True)


def test_tampered_reset_link_is_refused(client, make_buyer):
    make_buyer()
    _request_reset(client)
    link = _reset_link()
    token = link.rsplit("/", 1)[1]
    payload, timestamp, signature = token.rsplit(".", 2)
    forged = f"{payload[:-2]}AA.{timestamp}.{signature}"
    for bad in (forged, token[:-3], "nonsense"):
        assert client.get(PORTAL + "/account/reset/" + bad).status_code == 400
    assert _set_new_password(client, link, "still works fine").status_code == 302


def test_reset_mails_per_account_are_limited_without_saying_so(client, make_buyer):
    make_buyer()
    for _ in range(5):
        assert _request_reset(client).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 3


def test_reset_requests_per_address_are_throttled(client):
    for n in range(10):
        assert _request_reset(client, f"someone{n}@example.org").status_code == 302
    refused = _request_reset(client, "ana@example.org")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_a_reset_lifts_the_accounts_sign_in_throttle(client, make_buyer):
    make_buyer()
    for n in range(5):
        sign_in(client, password=f"attacker guess {n}", address=f"192.0.2.{n}")
    assert sign_in(client).status_code == 429
    _request_reset(client)
    _set_new_password(client, _reset_link(), "the owner's new one")
    assert sign_in(client, password="the owner's new one").status_code == 302


def test_outbox_is_only_there_with_the_outbox_transport(client, monkeypatch):
    assert client.get(PORTAL + "/outbox").status_code == 200
    assert 'href="/outbox"' in client.get(SIGN_IN).get_data(as_text=True)
    monkeypatch.setitem(client.application.config, "MAIL_TRANSPORT", "smtp")
    assert client.get(PORTAL + "/outbox").status_code == 404
    assert client.get(PORTAL + "/outbox/1").status_code == 404
    assert client.get(UY + "/outbox").status_code == 404
    assert 'href="/outbox"' not in client.get(SIGN_IN).get_data(as_text=True)


def test_outbox_page_can_be_off_even_with_the_outbox_transport(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "MAIL_OUTBOX_PAGE", False)
    assert client.get(PORTAL + "/outbox").status_code == 404


def test_production_never_shows_an_outbox():
    from mall.config import ProductionConfig

    assert ProductionConfig.MAIL_TRANSPORT == "smtp"
    assert ProductionConfig.MAIL_OUTBOX_PAGE is False


# --- profile and addresses -----------------------------------------------------------------


def test_account_pages_need_a_signed_in_buyer(client):
    for path in ("/account/", "/account/addresses", "/account/addresses/1", "/account/password"):
        response = client.get(PORTAL + path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/sign-in?next=")
    html = client.get(PORTAL + response.headers["Location"]).get_data(as_text=True)
    assert "Please sign in to see this page." in html


def test_profile_saves_name_country_language_and_currency(client, make_buyer):
    buyer = make_buyer()
    sign_in(client)
    form = client.get(PORTAL + "/account/").get_data(as_text=True)
    assert '<option value="UY">Uruguay</option>' in form
    response = client.post(PORTAL + "/account/", data={
        "name": "Ana María", "country": "UY", "preferred_locale": "es",
        "preferred_currency": "EUR", "csrf_token": csrf_token(client, PORTAL + "/account/")})
    assert response.status_code == 302
    db.session.refresh(buyer)
    assert (buyer.name, buyer.country, buyer.preferred_locale, buyer.preferred_currency) == (
        "Ana María", "UY", "es", "EUR")
    assert 'lang="es"' in client.get(PORTAL + "/").get_data(as_text=True)
    assert visitor_of(client).currency == "EUR"


@pytest.mark.parametrize(
    "changes",
    [{"country": "XX"}, {"preferred_locale": "de"}, {"preferred_currency": "ABC"}, {"name": ""}],
)
def test_profile_bad_input_is_a_form_error(client, make_buyer, changes):
    make_buyer()
    sign_in(client)
    data = {"name": "Ana María", "country": "UY", "preferred_locale": "", "preferred_currency": "",
            **changes, "csrf_token": csrf_token(client, PORTAL + "/account/")}
    response = client.post(PORTAL + "/account/", data=data)
    assert response.status_code == 400
    assert db.session.scalars(select(Buyer.name)).one() == "Ana Collector"


ADDRESS = {"name": "Ana Collector", "line1": "Buenos Aires 451", "line2": "", "city": "Montevideo",
           "postal_code": "11000", "region": "", "country": "UY", "phone": "+598 2916 0200"}


def _save_address(client: FlaskClient, path: str, **changes):
    form_url = PORTAL + path
    data = {**ADDRESS, **changes, "csrf_token": csrf_token(client, form_url)}
    return client.post(form_url, data=data)


def test_addresses_can_be_added_edited_and_deleted(client, make_buyer):
    buyer = make_buyer()
    sign_in(client)
    assert _save_address(client, "/account/addresses/new", city="  Montevideo ").status_code == 302
    address = db.session.scalars(select(Address)).one()
    assert (address.buyer_id, address.city, address.country) == (buyer.id, "Montevideo", "UY")
    assert "Buenos Aires 451" in client.get(PORTAL + "/account/addresses").get_data(as_text=True)

    edit = f"/account/addresses/{address.id}"
    assert _save_address(client, edit, line2="Apto 3").status_code == 302
    db.session.refresh(address)
    assert address.line2 == "Apto 3"

    token = csrf_token(client, PORTAL + "/account/addresses")
    assert client.post(PORTAL + edit + "/delete", data={"csrf_token": token}).status_code == 302
    assert db.session.scalars(select(Address)).all() == []


@pytest.mark.parametrize(
    "changes",
    [{"city": ""}, {"country": ""}, {"country": "ZZ"}, {"phone": "call me maybe"},
     {"postal_code": "<script>"}, {"line1": "x" * 201}],
)
def test_bad_addresses_are_form_errors_and_nothing_is_lost(client, make_buyer, changes):
    make_buyer()
    sign_in(client)
    response = _save_address(client, "/account/addresses/new", **changes)
    assert response.status_code == 400
    assert 'value="Ana Collector"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Address)).all() == []


def test_another_buyers_address_is_a_404(client, new_browser, make_buyer):
    make_buyer()
    make_buyer(email="ben@example.org")
    ben = new_browser()
    sign_in(ben, email="ben@example.org")
    _save_address(ben, "/account/addresses/new", line1="Ben's street 1")
    address_id = db.session.scalars(select(Address.id)).one()

    sign_in(client)
    path = PORTAL + f"/account/addresses/{address_id}"
    token = csrf_token(client, PORTAL + "/account/addresses")
    assert client.get(path).status_code == 404
    assert client.post(path, data={**ADDRESS, "csrf_token": token}).status_code == 404
    assert client.post(path + "/delete", data={"csrf_token": token}).status_code == 404
    assert "Ben's street" not in client.get(PORTAL + "/account/addresses").get_data(as_text=True)
    assert db.session.scalars(select(Address.line1)).one() == "Ben's street 1"


# --- where the browser goes next --------------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    [
        "http://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "https://stamps.uy.post.localhost:5000/",  # not the mall's scheme
        "http://stamps.uy.post.localhost:5000.evil.example/",
        "http://user@stamps.uy.post.localhost:5000/",
        "javascript:alert(1)",
        "http://evil.example/?http://stamps.uy.post.localhost:5000/",
    ],
)
def test_next_never_leaves_the_mall(client, make_buyer, next_url):
    make_buyer()
    html = client.get(SIGN_IN, query_string={"next": next_url}).get_data(as_text=True)
    action = re.search(r'<form class="form" method="post" action="([^"]*)"', html).group(1)
    assert action == "/account/sign-in"  # an unsafe `next` is not carried on
    response = sign_in(client, next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_on_the_portal_goes_straight_there(client, make_buyer):
    make_buyer()
    response = sign_in(client, next_url=PORTAL + "/search?q=birds")
    assert response.headers["Location"] == "/search?q=birds"
    response = client.get(SIGN_IN, query_string={"next": "/account/addresses"})
    assert response.headers["Location"] == "/account/addresses"
