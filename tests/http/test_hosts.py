"""Hosts: the portal, one storefront per live post, the mall's 404 elsewhere, foreign hosts
refused, and links that cross hosts."""

from __future__ import annotations

import pytest

from mall.posts.models import PostStatus
from tests.support.hosts import PORTAL, storefront


def test_portal_lists_live_posts_with_links_to_their_hosts(client, make_post):
    make_post("uy")
    make_post("nl")
    make_post("kh", status=PostStatus.VERIFIED)

    html = client.get(PORTAL + "/").get_data(as_text=True)

    assert 'href="http://stamps.uy.post.localhost:5000/"' in html
    assert 'href="http://stamps.nl.post.localhost:5000/"' in html
    assert "stamps.kh.post.localhost" not in html


def test_storefront_links_back_to_the_portal(client, make_post):
    make_post("uy")
    html = client.get(storefront("uy") + "/").get_data(as_text=True)
    assert 'href="http://stamps.post.localhost:5000/"' in html
    assert 'href="/catalogue"' in html  # same-host links stay relative


@pytest.mark.parametrize("status", [PostStatus.APPLIED, PostStatus.VERIFIED])
def test_storefront_of_a_post_that_is_not_live_is_the_malls_404(client, make_post, status):
    make_post("uy", status=status)
    response = client.get(storefront("uy") + "/")
    assert response.status_code == 404
    assert 'href="http://stamps.post.localhost:5000/"' in response.get_data(as_text=True)


def test_the_storefront_of_a_suspended_post_says_it_is_closed(client, make_post):
    make_post("uy", status=PostStatus.SUSPENDED)
    response = client.get(storefront("uy") + "/")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "is closed for now" in page
    assert 'href="http://stamps.post.localhost:5000/"' in page


def test_unknown_country_host_is_the_malls_404_in_the_visitors_language(client):
    response = client.get(storefront("zz") + "/", headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "stamps.post" in html
    assert 'lang="es"' in html


@pytest.mark.parametrize(
    "host", ["evil.example", "stamps.post.evil.example", "stamps.uy.post"]
)
def test_foreign_hosts_are_refused(client, host):
    assert client.get("/", base_url=f"http://{host}").status_code == 400


def test_static_files_and_artwork_load_on_every_host(client, make_post, make_issue, make_product):
    post = make_post("uy")
    issue = make_issue(post, title={"es": "Humedales"})
    make_product(issue)
    for base in (PORTAL, storefront("uy")):
        with client.get(base + "/static/css/mall.css") as css:
            assert css.status_code == 200
            assert "text/css" in css.content_type
        art = client.get(base + f"/artwork/issues/{issue.id}.svg")
        assert art.status_code == 200
        assert art.content_type.startswith("image/svg+xml")
        assert "Humedales" in art.get_data(as_text=True)


def test_no_cookie_is_set_for_a_parent_domain(client, make_post):
    make_post("uy")
    client.get(storefront("uy") + "/language/fr?next=/")
    response = client.get(storefront("uy") + "/language/en?next=/")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the language choice is remembered in the host's session"
    for cookie in cookies:
        assert "domain=" not in cookie.lower()
