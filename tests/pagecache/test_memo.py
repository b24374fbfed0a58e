"""The worker's memos: built once, kept while their data's version holds, rebuilt after it
moves or after the stated bound, never kept when the versions cannot be read."""

from __future__ import annotations

from datetime import date

import pytest

from mall.extensions import db
from mall.memo import memoized
from mall.rates.services import set_operator_rate
from tests.support.hosts import PORTAL, storefront

pytestmark = pytest.mark.usefixtures("uruguay")


def _counting(calls: list[int]):
    def build() -> int:
        calls.append(1)
        return len(calls)
    return build


def test_a_value_is_built_once_while_its_version_holds(app):
    calls: list[int] = []
    with app.test_request_context():
        first = memoized("test", "k", ("rates",), _counting(calls))
    with app.test_request_context():
        again = memoized("test", "k", ("rates",), _counting(calls))
    assert (first, again, len(calls)) == (1, 1, 1)


def test_a_write_to_its_tables_rebuilds_it_and_others_keep_theirs(app):
    calls: list[int] = []
    other: list[int] = []
    with app.test_request_context():
        memoized("test", "k", ("rates",), _counting(calls))
        memoized("other", "k", ("catalogue",), _counting(other))
    set_operator_rate(db.session, "UYU", "47.00", date(2026, 11, 28))
    db.session.commit()
    with app.test_request_context():
        assert memoized("test", "k", ("rates",), _counting(calls)) == 2
        assert memoized("other", "k", ("catalogue",), _counting(other)) == 1


def test_a_write_outside_the_app_shows_after_the_stated_bound(app, monkeypatch):
    calls: list[int] = []
    with app.test_request_context():
        memoized("test", "k", ("rates",), _counting(calls))
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 0)
    with app.test_request_context():
        assert memoized("test", "k", ("rates",), _counting(calls)) == 2


def test_nothing_is_kept_when_the_versions_cannot_be_read(app, monkeypatch):
    monkeypatch.setattr(app.extensions["pagecache"], "versions", lambda: None)
    calls: list[int] = []
    for _ in range(2):
        with app.test_request_context():
            memoized("test", "k", ("rates",), _counting(calls))
    assert len(calls) == 2


def test_pages_load_the_rates_once_per_worker_and_again_when_they_change(client,
                                                                         count_queries):
    def rate_queries() -> int:
        with count_queries() as queries:
            assert client.get(PORTAL + "/").status_code == 200
        return sum("exchange_rate" in statement for statement in queries)

    rate_queries()
    assert rate_queries() == 0
    set_operator_rate(db.session, "GBP", "0.9000", date(2026, 11, 28))
    db.session.commit()
    assert rate_queries() == 1
    assert rate_queries() == 0


def test_the_catalogues_years_are_read_once_and_again_when_an_issue_is_published(
    client, count_queries, make_issue, uruguay
):
    def years() -> tuple[int, str]:
        with count_queries() as queries:
            reply = client.get(storefront("uy") + "/catalogue")
        assert reply.status_code == 200
        return sum("RECURSIVE" in statement for statement in queries), reply.get_data(True)

    years()
    read, page = years()
    assert read == 0
    assert "?year=1999" not in page
    make_issue(uruguay.post, issue_date=date(1999, 5, 1))
    db.session.commit()
    read, page = years()
    assert read == 1
    assert "?year=1999" in page


def test_checkout_quotes_with_the_rates_the_database_holds(app):
    """A quote is money: it reads the rates as they are, never a worker's copy."""
    from mall.currency import quoting_rate_table, rate_table

    with app.test_request_context():
        shown = rate_table().per_eur("GBP")
        set_operator_rate(db.session, "GBP", "0.9100", date(2026, 11, 29))
        db.session.flush()  # not committed: no version has moved yet
        assert rate_table().per_eur("GBP") == shown
        assert str(quoting_rate_table().per_eur("GBP")) == "0.9100"


def test_a_page_drawn_for_the_cache_reads_the_versions_once(app, cached, client, monkeypatch):
    """The lookup's versions serve the memos of the page it then draws."""
    read = cached.versions
    calls: list[int] = []

    def counted():
        calls.append(1)
        return read()

    monkeypatch.setattr(cached, "versions", counted)
    assert client.get(PORTAL + "/").headers["X-Page-Cache"] == "miss"
    assert len(calls) == 1
