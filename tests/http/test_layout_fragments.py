"""The parts of the layout a worker keeps drawn (`mall.templating.kept`): a shop's header,
nav and footer, the trust footer. Kept, they must still follow the post's edits at once,
the page's language and the section the visitor is in."""

from __future__ import annotations

import pytest

from mall.extensions import db
from tests.support.hosts import PORTAL, storefront

UY = storefront("uy")
NL = storefront("nl")


@pytest.fixture
def shops(make_post):
    return (make_post("uy", phone="+598 2916 0200", address="Buenos Aires 451, Montevideo"),
            make_post("nl"))


def test_a_posts_edit_shows_at_once_in_its_header_and_footer(client, shops):
    uruguay, _netherlands = shops
    before = client.get(UY + "/catalogue").get_data(as_text=True)
    assert "Philatelic shop UY" in before
    assert "+598 2916 0200" in before

    uruguay.shop_name = {"en": "Filatelia del Correo Uruguayo"}
    uruguay.phone = "+598 2916 0999"
    db.session.commit()

    after = client.get(UY + "/catalogue").get_data(as_text=True)
    assert "Filatelia del Correo Uruguayo" in after
    assert "+598 2916 0999" in after
    assert "Philatelic shop UY" not in after
    assert "+598 2916 0200" not in after


def test_each_shop_has_its_own_header_and_footer(client, shops):
    for shop in (UY, NL):  # one language for both: only the host tells them apart
        client.get(shop + "/language/en?next=/")
    assert "Philatelic shop UY" in client.get(UY + "/").get_data(as_text=True)
    netherlands = client.get(NL + "/").get_data(as_text=True)
    assert "Philatelic shop NL" in netherlands
    assert "Philatelic shop UY" not in netherlands
    assert "+598" not in netherlands


def test_the_nav_marks_the_section_the_visitor_is_in(client, shops):
    catalogue = client.get(UY + "/catalogue").get_data(as_text=True)
    assert 'href="/catalogue" aria-current="page"' in catalogue
    assert 'href="/" aria-current="page"' not in catalogue
    home = client.get(UY + "/").get_data(as_text=True)
    assert 'href="/" aria-current="page"' in home
    assert 'href="/catalogue" aria-current="page"' not in home


def test_the_kept_parts_follow_the_pages_language(client, shops):
    spanish = client.get(UY + "/catalogue").get_data(as_text=True)
    assert "Correo verificado" in spanish
    assert "Secciones de la tienda" in spanish
    client.get(UY + "/language/en?next=/")
    english = client.get(UY + "/catalogue").get_data(as_text=True)
    assert "Verified post" in english
    assert "Shop sections" in english
    assert "Correo verificado" not in english
    assert "Why you can trust this shop" in english


def test_the_portals_footer_links_on_the_portal_and_a_shops_across_hosts(client, shops):
    portal = client.get(PORTAL + "/").get_data(as_text=True)
    assert 'href="/privacy"' in portal
    shop = client.get(UY + "/").get_data(as_text=True)
    assert f'href="{PORTAL}/privacy"' in shop
