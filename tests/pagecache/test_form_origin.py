"""The forms of shared pages (add to cart, display currency) carry no token: a post is
accepted when the browser says it comes from this host, or with a valid token when it says
nothing, and refused with the reason otherwise."""

from __future__ import annotations

import pytest

from tests.support.hosts import csrf_token, storefront

UY = storefront("uy")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Origin": UY},
        {"Origin": UY, "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_a_post_from_this_host_is_accepted_without_a_token(app, cached, uruguay, headers):
    response = app.test_client().post(
        UY + "/currency", headers=headers, data={"currency": "USD", "next": "/"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # another .post host is another site to the mall
        {"Sec-Fetch-Site": "none"},
        {"Origin": "https://evil.example"},
        {"Origin": storefront("nl")},
        {"Origin": "null"},
        {"Origin": UY, "Sec-Fetch-Site": "cross-site"},  # Fetch Metadata decides
    ],
)
def test_a_post_from_elsewhere_is_refused_with_the_reason(app, cached, uruguay, headers):
    for path, data in (
        ("/currency", {"currency": "USD", "next": "/"}),
        ("/cart/add", {"product_id": uruguay.products[0].id, "quantity": 1,
                       "key": "k" * 22, "next": "/"}),
    ):
        client = app.test_client()
        client.get(UY + "/language/en?next=/")  # Uruguay's storefront speaks Spanish first
        response = client.post(UY + path, headers=headers, data=data)
        assert response.status_code == 400
        assert "sent from another site" in response.get_data(as_text=True)


def test_a_browser_that_says_nothing_needs_the_token(app, cached, uruguay, monkeypatch):
    client = app.test_client()
    client.get(UY + "/language/en?next=/")
    bare = client.post(UY + "/currency", data={"currency": "USD", "next": "/"})
    assert bare.status_code == 400
    assert "did not say which page" in bare.get_data(as_text=True)
    forged = client.post(UY + "/currency", data={"currency": "USD", "csrf_token": "forged"})
    assert forged.status_code == 400
    monkeypatch.setitem(app.config, "PAGE_CACHE", False)  # pages drawn with a token
    token = csrf_token(client, UY + "/")
    good = client.post(UY + "/currency", data={"currency": "USD", "csrf_token": token})
    assert good.status_code == 302


def test_other_forms_keep_their_token(app, cached, uruguay):
    client = app.test_client()
    client.get(UY + "/language/en?next=/")
    response = client.post(
        UY + "/contact", headers={"Sec-Fetch-Site": "same-origin", "Origin": UY},
        data={"name": "A", "email": "a@example.org", "message": "Hello there"},
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
