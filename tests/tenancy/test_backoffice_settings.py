"""A manager sets the storefront's languages, names, colours and contact details; the
storefront shows them at once; the currency stays the operator's."""

from __future__ import annotations

import pytest

from mall.extensions import db
from mall.posts.models import Post
from tests.support.hosts import csrf_token, storefront
from tests.tenancy.factories import become

UY = storefront("uy")
GOOD = {
    "locales": ["es", "en"], "default_locale": "es",
    "shop_name_es": "Tienda Filatélica", "shop_name_en": "Philatelic Shop",
    "tagline_es": "Sellos del Uruguay", "primary_color": "#003399", "accent_color": "#ffcc00",
    "email": "filatelia@correo.example.uy", "phone": "+598 2916 0200",
    "address": "Buenos Aires 451, Montevideo",
}


def _save(client, **changes):
    url = UY + "/manage/settings"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **GOOD, **changes})


def test_a_manager_changes_the_storefront(client, staff):
    become(client, "manager", staff, UY)
    assert _save(client).status_code == 302
    db.session.expire_all()
    post = db.session.get(Post, staff["uy"].id)
    assert post.shop_name == {"es": "Tienda Filatélica", "en": "Philatelic Shop"}
    assert post.tagline == {"es": "Sellos del Uruguay"}
    assert post.primary_color == "#003399"
    assert post.currency == "UYU"
    home = client.get(UY + "/").get_data(as_text=True)
    assert "Philatelic Shop" in home  # this browser reads English
    assert "#003399" in client.get(UY + "/theme.css").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"primary_color": "#12345z"}, "#rrggbb"),
        ({"primary_color": "red;}body{"}, ""),
        ({"default_locale": "fr"}, "default language"),
        ({"locales": []}, ""),
        ({"shop_name_es": ""}, "name in its default language"),
        ({"email": "not an address"}, ""),
    ],
)
def test_bad_settings_are_explained_and_nothing_changes(client, staff, changes, message):
    become(client, "manager", staff, UY)
    before = dict(staff["uy"].shop_name), staff["uy"].primary_color
    response = _save(client, **changes)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    post = db.session.get(Post, staff["uy"].id)
    assert (post.shop_name, post.primary_color) == before


def test_the_currency_cannot_be_changed_here(client, staff):
    become(client, "manager", staff, UY)
    _save(client, currency="EUR")
    db.session.expire_all()
    assert db.session.get(Post, staff["uy"].id).currency == "UYU"
