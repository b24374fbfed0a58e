"""Linking a storefront's session to the visitor known at the portal, by a signed,
single-use token carried through top-level redirects."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from sqlalchemy import select, update

from mall.accounts.models import Buyer
from mall.accounts.passwords import hash_password
from mall.cart.forms import new_form_key
from mall.cart.models import Cart
from mall.columns import utcnow
from mall.extensions import db
from mall.posts.models import Post
from mall.visitors.linking import LinkRefused, redeem_link
from mall.visitors.models import LinkToken, Visitor
from tests.support.hosts import PORTAL, csrf_token, storefront

UY = storefront("uy")


@pytest.fixture(autouse=True)
def _posts(make_post):
    make_post("uy")
    make_post("nl")


def _issue(client, base: str = UY, path: str = "/"):
    """Start a link on the storefront `base` (its nonce stays in this browser's session
    there) and let the portal issue the token; the portal's answer (a redirect to
    `/link/complete`), not followed."""
    begun = client.get(base + "/link/begin", query_string={"next": path})
    assert begun.status_code == 302
    assert begun.headers["Location"].startswith(PORTAL + "/link?")
    return client.get(begun.headers["Location"])


def _start(client, next_url: str, nonce: str = "n" * 43):
    """The portal's `/link`, asked directly (as an attacker would, or with a bad `next`)."""
    return client.get(PORTAL + "/link", query_string={"next": next_url, "nonce": nonce})


def _nonce(client, base: str = UY) -> str | None:
    with client.session_transaction(base_url=base) as session:
        return session.get("link_nonce")


def _visitor_id(client, base: str) -> int | None:
    with client.session_transaction(base_url=base) as session:
        return session.get("visitor_id")


def test_link_round_trip_joins_storefront_to_the_portals_visitor(client):
    response = _issue(client, UY, "/issues/x?ref=home")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert (target.netloc, target.path) == ("stamps.uy.post.localhost:5000", "/link/complete")
    assert parse_qs(target.query)["next"] == ["/issues/x?ref=home"]

    done = client.get(response.headers["Location"])
    assert done.status_code == 302
    assert done.headers["Location"] == "/issues/x?ref=home"
    portal_visitor = _visitor_id(client, PORTAL)
    assert portal_visitor is not None
    assert _visitor_id(client, UY) == portal_visitor
    assert db.session.scalars(select(Visitor)).all()[0].id == portal_visitor


def test_second_storefront_links_to_the_same_visitor(client):
    client.get(_issue(client, UY).headers["Location"])
    client.get(_issue(client, storefront("nl")).headers["Location"])
    assert _visitor_id(client, UY) == _visitor_id(client, storefront("nl"))
    assert len(db.session.scalars(select(Visitor)).all()) == 1


def _token(location: str) -> str:
    return parse_qs(urlsplit(location).query)["token"][0]


def test_replayed_token_is_refused_and_logged(client, caplog):
    location = _issue(client).headers["Location"]
    nonce = _nonce(client)
    assert client.get(location).status_code == 302
    with caplog.at_level(logging.WARNING):
        replay = client.get(location)
    assert replay.status_code == 400
    assert "started in another browser" in caplog.text  # the nonce is used up
    # Even with the nonce it was issued for, the token itself is single-use.
    with pytest.raises(LinkRefused, match="replayed or expired"):
        redeem_link(db.session, _token(location), "stamps.uy.post.localhost:5000", nonce,
                    utcnow())


def test_token_replayed_by_another_browser_is_refused(client, app):
    location = _issue(client).headers["Location"]
    assert client.get(location).status_code == 302
    thief = app.test_client()
    assert thief.get(location).status_code == 400
    assert _visitor_id(thief, UY) is None


def test_expired_token_is_refused(client):
    location = _issue(client).headers["Location"]
    db.session.execute(update(LinkToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(location).status_code == 400
    assert _visitor_id(client, UY) is None


def test_signature_expires_after_a_minute(app, client):
    location = _issue(client).headers["Location"]
    later = utcnow() + timedelta(seconds=61)
    with pytest.raises(LinkRefused, match="replayed or expired"):
        redeem_link(db.session, _token(location), "stamps.uy.post.localhost:5000",
                    _nonce(client), later)


def test_tampered_token_is_refused(client):
    location = _issue(client).headers["Location"]
    tampered = location.replace("token=", "token=x")
    assert client.get(tampered).status_code == 400


def test_token_for_one_storefront_is_refused_on_another(client):
    location = _issue(client).headers["Location"]
    client.get(storefront("nl") + "/link/begin")  # a link pending there too
    other = location.replace("stamps.uy.", "stamps.nl.")
    assert client.get(other).status_code == 400
    assert _visitor_id(client, storefront("nl")) is None


@pytest.mark.parametrize("nonce", ["", "x" * 65, "bad\x00nonce", "caf\u00e9"])
def test_the_portal_issues_no_token_without_a_proper_nonce(client, nonce):
    response = _start(client, UY + "/", nonce=nonce)
    assert response.status_code == 400
    assert db.session.scalars(select(LinkToken)).all() == []


def test_no_token_without_a_nonce_at_all(client):
    response = client.get(PORTAL + "/link", query_string={"next": UY + "/"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "next_url",
    [
        "http://evil.example/",
        "http://stamps.uy.post.localhost:5000.evil.example/",
        "http://user@stamps.uy.post.localhost:5000/",
        "https://stamps.uy.post.localhost:5000/",  # another scheme than the mall's
        "javascript:alert(1)",
        "//stamps.uy.post.localhost:5000/",
        "",
    ],
)
def test_link_only_returns_to_the_malls_own_hosts(client, next_url):
    response = _start(client, next_url)
    assert response.status_code == 400
    assert db.session.scalars(select(LinkToken)).all() == []


def test_completion_never_redirects_off_the_host(client):
    location = _issue(client).headers["Location"]
    evil = location.split("&next=")[0] + "&next=//evil.example/"
    assert client.get(evil).headers["Location"] == "/"


def test_plain_page_views_are_never_bounced(client):
    for url in (UY + "/", UY + "/catalogue", PORTAL + "/"):
        response = client.get(url, headers={"User-Agent": "Googlebot/2.1"})
        assert response.status_code == 200
    assert db.session.scalars(select(Visitor)).all() == []


# --- a token in someone else's browser ----------------------------------------------------


PASSWORD = "correct horse battery"


def _buyer(email: str) -> Buyer:
    buyer = Buyer(email=email, password_hash=hash_password(PASSWORD), name=email.split("@")[0])
    db.session.add(buyer)
    db.session.commit()
    return buyer


def _sign_in(client, email: str, next_url: str | None = None) -> None:
    url = PORTAL + "/account/sign-in"
    response = client.post(url, query_string={"next": next_url} if next_url else {},
                           data={"email": email, "password": PASSWORD,
                                 "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
    if next_url:
        landed = client.get(response.headers["Location"])  # /link/begin on the storefront
        landed = client.get(landed.headers["Location"])
        assert client.get(landed.headers["Location"]).status_code == 302


def _signed_in_as(client, base: str) -> str | None:
    with client.session_transaction(base_url=base) as session:
        visitor_id = session.get("visitor_id")
    if visitor_id is None:
        return None
    db.session.expire_all()
    buyer = db.session.get(Visitor, visitor_id).signed_in_buyer(utcnow())
    return buyer.email if buyer is not None else None


def _attackers_links(app) -> list[str]:
    """Completion addresses an attacker can make: through the storefront's own start in
    the attacker's browser, and from the portal's `/link` with a nonce of their choosing."""
    attacker = app.test_client()
    _buyer("mallory@example.org")
    _sign_in(attacker, "mallory@example.org")
    through_storefront = _issue(attacker).headers["Location"]
    direct = _start(attacker, UY + "/").headers["Location"]
    return [through_storefront, direct]


@pytest.mark.parametrize("victim_state", ["new", "linked", "signed in"])
def test_a_token_started_in_another_browser_never_completes(client, app, victim_state):
    if victim_state == "linked":
        client.get(_issue(client).headers["Location"])
    elif victim_state == "signed in":
        _buyer("victim@example.org")
        _sign_in(client, "victim@example.org", next_url=UY + "/")
    before = _visitor_id(client, UY)
    for location in _attackers_links(app):
        client.get(UY + "/link/begin")  # even with a link of its own pending
        assert client.get(location).status_code == 400
        assert _visitor_id(client, UY) == before
    expected = "victim@example.org" if victim_state == "signed in" else None
    assert _signed_in_as(client, UY) == expected


def test_what_the_victim_adds_stays_in_the_victims_cart(client, app, make_issue, make_product):
    product = make_product(make_issue(db.session.scalars(select(Post)).first()))
    for location in _attackers_links(app):
        client.get(location)
    page = UY + f"/issues/{product.issue.slug}"
    response = client.post(UY + "/cart/add", data={
        "csrf_token": csrf_token(client, page), "product_id": product.id, "quantity": 1,
        "key": new_form_key(), "next": f"/issues/{product.issue.slug}",
    })
    while response.status_code == 302:
        response = client.get(urljoin(response.request.url, response.headers["Location"]))
    assert response.status_code == 200
    mallory = db.session.scalars(select(Buyer).where(Buyer.email == "mallory@example.org")).one()
    db.session.expire_all()
    carts = db.session.scalars(select(Cart)).all()
    assert [cart.buyer_id for cart in carts if cart.lines] == [None]  # the victim's, anonymous
    assert all(cart.buyer_id != mallory.id or not cart.lines for cart in carts)
    assert _visitor_id(client, UY) == _visitor_id(client, PORTAL)


def test_a_link_never_swaps_the_buyer_signed_in_on_the_storefront(client, app):
    """Even a token of this very browser (the portal's cookie was cleared, someone else
    signed in there) does not put another buyer in the place of the one signed in here."""
    _buyer("ana@example.org")
    _buyer("bruno@example.org")
    _sign_in(client, "ana@example.org", next_url=UY + "/")
    assert _signed_in_as(client, UY) == "ana@example.org"
    with client.session_transaction(base_url=PORTAL) as session:
        session.clear()
    _sign_in(client, "bruno@example.org")
    refused = client.get(_issue(client).headers["Location"])
    assert refused.status_code == 409
    assert "Salga aquí primero" in refused.get_data(as_text=True)  # the shop reads Spanish
    assert _signed_in_as(client, UY) == "ana@example.org"
