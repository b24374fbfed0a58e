"""The health endpoint: "ok" through every hook, without a session or a query."""

from __future__ import annotations

from tests.support.hosts import PORTAL, storefront


def test_healthz_answers_ok_without_touching_the_database(client, make_post, count_queries):
    make_post("uy")
    with count_queries() as queries:
        response = client.get(PORTAL + "/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert queries == []
    assert client.get(storefront("uy") + "/healthz").status_code == 404  # the portal's only
