"""Linking a storefront's session to the visitor known at the portal, by a signed,
single-use token carried through top-level redirects."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from mall.columns import utcnow
from mall.extensions import db
from mall.visitors.linking import LinkRefused, redeem_link
from mall.visitors.models import LinkToken, Visitor
from tests.support.hosts import PORTAL, storefront

UY = storefront("uy")


@pytest.fixture(autouse=True)
def _posts(make_post):
    make_post("uy")
    make_post("nl")


def _start(client, next_url: str):
    return client.get(PORTAL + "/link", query_string={"next": next_url})


def _visitor_id(client, base: str) -> int | None:
    with client.session_transaction(base_url=base) as session:
        return session.get("visitor_id")


def test_link_round_trip_joins_storefront_to_the_portals_visitor(client):
    response = _start(client, UY + "/issues/x?ref=home")
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
    client.get(_start(client, UY + "/").headers["Location"])
    client.get(_start(client, storefront("nl") + "/").headers["Location"])
    assert _visitor_id(client, UY) == _visitor_id(client, storefront("nl"))
    assert len(db.session.scalars(select(Visitor)).all()) == 1


def test_replayed_token_is_refused_and_logged(client, caplog):
    location = _start(client, UY + "/").headers["Location"]
    assert client.get(location).status_code == 302
    with caplog.at_level(logging.WARNING):
        replay = client.get(location)
    assert replay.status_code == 400
    assert "replayed" in caplog.text


def test_token_replayed_by_another_browser_is_refused(client, app):
    location = _start(client, UY + "/").headers["Location"]
    assert client.get(location).status_code == 302
    thief = app.test_client()
    assert thief.get(location).status_code == 400
    assert _visitor_id(thief, UY) is None


def test_expired_token_is_refused(client):
    location = _start(client, UY + "/").headers["Location"]
    db.session.execute(update(LinkToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert client.get(location).status_code == 400
    assert _visitor_id(client, UY) is None


def test_signature_expires_after_a_minute(app, client):
    location = _start(client, UY + "/").headers["Location"]
    token = parse_qs(urlsplit(location).query)["token"][0]
    later = utcnow() + timedelta(seconds=61)
    with pytest.raises(LinkRefused, match="replayed or expired"):
        redeem_link(db.session, token, "stamps.uy.post.localhost:5000", later)


def test_tampered_token_is_refused(client):
    location = _start(client, UY + "/").headers["Location"]
    tampered = location.replace("token=", "token=x")
    assert client.get(tampered).status_code == 400


def test_token_for_one_storefront_is_refused_on_another(client):
    location = _start(client, UY + "/").headers["Location"]
    other = location.replace("stamps.uy.", "stamps.nl.")
    assert client.get(other).status_code == 400
    assert _visitor_id(client, storefront("nl")) is None


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
    location = _start(client, UY + "/").headers["Location"]
    evil = location.split("&next=")[0] + "&next=//evil.example/"
    assert client.get(evil).headers["Location"] == "/"


def test_plain_page_views_are_never_bounced(client):
    for url in (UY + "/", UY + "/catalogue", PORTAL + "/"):
        response = client.get(url, headers={"User-Agent": "Googlebot/2.1"})
        assert response.status_code == 200
    assert db.session.scalars(select(Visitor)).all() == []
