"""The mall's icon: linked from every page as SVG, and at /favicon.ico on every host for
what asks there without reading a page (bookmarks, feed readers, older browsers) — always
the mall's own file, never a third party's."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from tests.support.hosts import PORTAL, storefront

_ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


@pytest.fixture
def hosts(make_post):
    make_post("uy")
    return [PORTAL, storefront("uy")]


def test_favicon_ico_is_served_on_the_portal_and_every_storefront(client, hosts):
    for base in hosts:
        with client.get(base + "/favicon.ico") as response:
            assert response.status_code == 200, base
            assert response.mimetype == "image/vnd.microsoft.icon"
            assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO header, not a page


def test_every_page_links_the_svg_icon_of_its_own_host(client, hosts):
    for base in hosts:
        page = client.get(base + "/").get_data(as_text=True)
        match = _ICON_LINK.search(page)
        assert match, f"no SVG icon linked on {base}"
        href = urljoin(base + "/", match.group(1))
        assert href.startswith(base + "/static/")
        with client.get(href) as icon:
            assert icon.status_code == 200
            assert icon.mimetype == "image/svg+xml"
            assert b"<svg" in icon.data
        touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', page)
        assert touch, f"no touch icon linked on {base}"
        with client.get(urljoin(base + "/", touch.group(1))) as png:
            assert png.status_code == 200
            assert png.mimetype == "image/png"

