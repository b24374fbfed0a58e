"""The privacy page says what is kept, why and how long, and every page's footer links to
it; "Your data" is the signed-in buyer's, in a constant number of queries."""

from __future__ import annotations

import pytest

from tests.privacy.conftest import DATA
from tests.support.accounts import sign_in
from tests.support.hosts import PORTAL, storefront

#: client, other_client, rates, shop
pytest_plugins = ["tests.support.checkout_fixtures"]

PRIVACY = PORTAL + "/privacy"


def test_the_privacy_page_states_what_the_code_keeps(app, client):
    response = client.get(PRIVACY)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    config = app.config
    assert f"Deleted {config['VISIT_RETENTION_DAYS']} days after its last use" in html
    assert f"{config['CONTACT_MESSAGE_RETENTION_DAYS']} days, with the post" in html
    assert f"{config['SENT_MAIL_RETENTION_DAYS']} days after it was sent" in html
    for kept in ("accounting law", "ledger", "audit log", "Stripe", "session cookie"):
        assert kept in html
    assert 'href="/account/privacy"' in html


@pytest.mark.parametrize("url", [
    PORTAL + "/", storefront("uy") + "/", storefront("uy") + "/contact",
    storefront("uy") + "/manage/sign-in", PORTAL + "/no-such-page",
])
def test_every_page_links_to_it_in_its_footer(client, shop, url):
    html = client.get(url).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">'):]
    assert f'href="{PRIVACY}"' in footer or 'href="/privacy"' in footer


def test_your_data_page_in_constant_queries(client, shop, count_queries):
    sign_in(client)
    client.get(DATA)
    with count_queries() as queries:
        page = client.get(DATA)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Download my data" in html
    assert "Erase my account" in html
    # the visit, the cart badge (the rates are the worker's, read by the first request)
    assert len(queries) == 2, queries
