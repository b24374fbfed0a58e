"""A sweep over every route of the app, with the cache on: only the allow-listed GET pages
are ever served from (or stored in) the cache; and every form a shared page carries posts
to an endpoint that checks its origin (shared pages have no CSRF token)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import Rule

from mall.pagecache.hooks import STATE_HEADER
from mall.pagecache.keys import SHARED_ENDPOINTS
from mall.pagecache.origin import FORM_ENDPOINTS
from tests.support.hosts import DOMAIN, PORTAL, link, storefront

UY = storefront("uy")
_DUMMY = {"country": "uy", "site": "stamps.uy", "int": "1", "path": "x"}
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def url_for_rule(rule: Rule) -> str:
    """The rule's address with a plausible value for each argument, on a host it answers."""
    host = _ARGUMENT.sub(lambda m: _DUMMY.get(m.group(1) or "", "x"), rule.subdomain)
    path = _ARGUMENT.sub(lambda m: _DUMMY.get(m.group(1) or "", "x"), rule.rule)
    return f"http://{host}.{DOMAIN}{path}"


def test_the_allow_list_is_pages_of_the_portal_and_storefronts_read_with_get(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint in SHARED_ENDPOINTS:
        assert endpoint in rules, endpoint
        assert rules[endpoint].methods <= {"GET", "HEAD", "OPTIONS"}, endpoint
        assert endpoint.split(".")[0] in {"portal", "storefront"}, endpoint


def test_only_the_allow_list_is_ever_served_from_the_cache(app, cached, uruguay):
    seen_shared = set()
    for rule in app.url_map.iter_rules():
        url = url_for_rule(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for _attempt in range(2):  # the second would be the hit
                response = app.test_client().open(url, method=method)
                shared = response.headers.get(STATE_HEADER)
                response.close()
                if shared is not None:
                    assert (rule.endpoint, method) in {(e, "GET") for e in SHARED_ENDPOINTS}
                    seen_shared.add(rule.endpoint)
    assert {"portal.home", "storefront.home", "storefront.catalogue"} <= seen_shared


def test_a_linked_visit_is_never_served_from_the_cache(app, cached, uruguay):
    client = app.test_client()
    link(client, UY)
    for path in ("/", "/catalogue", "/issues/humedales", "/search?q=humedales"):
        app.test_client().get(UY + path)  # stored for anybody
        response = client.get(UY + path)
        assert response.status_code == 200
        assert STATE_HEADER not in response.headers
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", [
    PORTAL + "/", PORTAL + "/search?q=humedales", UY + "/", UY + "/catalogue",
    UY + "/issues/humedales", UY + "/search?q=humedales", UY + "/collections",
])
def test_every_form_of_a_shared_page_posts_where_the_origin_is_checked(
    app, cached, uruguay, url
):
    response = app.test_client().get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    forms = re.findall(r'<form\b[^>]*\bmethod="post"[^>]*>', html)
    assert forms
    host = urlsplit(url).netloc.split(":")[0]
    adapter = app.url_map.bind(host.removesuffix(".localhost") + ".localhost:5000",
                               subdomain=host.removesuffix(".post.localhost"))
    for form in forms:
        action = re.search(r'action="([^"]+)"', form).group(1)
        endpoint, _args = adapter.match(urlsplit(action).path, method="POST")
        assert endpoint in FORM_ENDPOINTS, (url, action)
