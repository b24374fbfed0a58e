"""Search and catalogue pages at two sizes of catalogue: the same number of SQL statements
whatever the size, counts capped ("more than 1000 issues found"), and next/previous links
that need no full count."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest

from mall.catalogue.queries import issue_years
from mall.catalogue.search import RANK_WINDOW, SEARCH_COUNT_CAP, SearchQuery, search_issues
from mall.extensions import db
from mall.pagination import COUNT_CAP
from tests.support.hosts import PORTAL, storefront

UY = storefront("uy")

PAGES = [
    f"{PORTAL}/search?q=bird",
    f"{PORTAL}/search?q=bird+flower",
    f"{PORTAL}/search?{urlencode({'q': 'bird', 'country': 'nl', 'year': 2016})}",
    f"{PORTAL}/search?{urlencode({'country': 'nl', 'year': 2016})}",
    f"{PORTAL}/search?q=bird&page=3",
    f"{UY}/search?q=bird",
    f"{UY}/catalogue?page=2",
    f"{UY}/",
]


def test_statements_per_page_do_not_grow_with_the_catalogue(
    client, bulk_catalogue, count_queries
):
    def statements() -> list[int]:
        sent = []
        for url in PAGES:
            client.get(url)  # what the worker keeps (rates, search menus) is read once
            db.session.expunge_all()
            with count_queries() as queries:
                assert client.get(url).status_code == 200, url
            sent.append(len(queries))
        return sent

    bulk_catalogue(400)
    small = statements()
    bulk_catalogue(4_000, start=401)
    assert statements() == small


@pytest.fixture
def common_word(bulk_catalogue):
    """More issues with "fauna" than a search ranks (and counts): every issue has it."""
    assert RANK_WINDOW > SEARCH_COUNT_CAP
    bulk_catalogue(RANK_WINDOW + 100)


#: The last page a common word's results reach: its ranked window, 24 issues a page.
LAST = RANK_WINDOW // 24


def test_a_common_word_says_more_than_the_cap_and_pages_on(common_word):
    results = search_issues(db.session, SearchQuery(words="fauna", page=LAST - 1, per_page=24))
    assert (results.total, results.more) == (SEARCH_COUNT_CAP, True)
    assert len(results.items) == 24
    assert (results.prev_num, results.next_num) == (LAST - 2, LAST)
    assert results.pages == LAST


def test_past_the_end_of_a_capped_listing_there_is_no_next_page(common_word):
    """The pages end with the ranked window: page 50 is the last, and reached."""
    assert LAST >= 50
    results = search_issues(db.session, SearchQuery(words="fauna", page=LAST, per_page=24))
    assert results.more
    assert len(results.items) == 24
    assert (results.prev_num, results.next_num) == (LAST - 1, None)
    assert search_issues(db.session, SearchQuery(words="fauna", page=LAST + 1)).items == []


def test_the_page_says_more_than_and_links_the_next_page(client, common_word):
    html = client.get(f"{PORTAL}/search?q=fauna&page={LAST - 1}").get_data(as_text=True)
    assert f"More than {SEARCH_COUNT_CAP} issues found" in html
    assert f"Page {LAST - 1}" in html
    assert f"Page {LAST - 1} of" not in html
    assert 'rel="next"' in html
    assert 'rel="prev"' in html


def test_an_exact_count_is_still_shown_below_the_cap(client, bulk_catalogue):
    bulk_catalogue(300)  # "bird" in one issue of 100
    html = client.get(f"{PORTAL}/search?q=bird").get_data(as_text=True)
    assert "3 issues found" in html


def test_a_long_catalogue_is_paged_without_counting_it(client, bulk_catalogue):
    """The uy storefront holds an eighth of the issues: more than COUNT_CAP past page 1."""
    bulk_catalogue(8 * (COUNT_CAP + 200))
    client.get(f"{UY}/language/en?next=/")
    html = client.get(f"{UY}/catalogue").get_data(as_text=True)
    assert "Page 1" in html
    assert "Page 1 of" not in html
    assert 'rel="next"' in html
    last = (COUNT_CAP + 200 + 23) // 24
    html = client.get(f"{UY}/catalogue?page={last}").get_data(as_text=True)
    assert f"Page {last} of {last}" in html
    assert 'rel="next"' not in html


def test_a_posts_years_are_read_one_probe_a_year(make_post, make_issue, count_queries):
    uy = make_post("uy")
    nl = make_post("nl")
    for day in (date(2018, 10, 22), date(2018, 1, 1), date(2016, 12, 31), date(2011, 5, 1)):
        make_issue(uy, issue_date=day)
    make_issue(uy, issue_date=date(2024, 1, 1), published_at=None)  # a draft
    make_issue(nl, issue_date=date(2020, 1, 1))
    db.session.refresh(uy)
    with count_queries() as queries:
        assert issue_years(db.session, uy) == [2018, 2016, 2011]
    assert len(queries) == 1
    assert issue_years(db.session, make_post("jp")) == []


@pytest.mark.parametrize("filters", [{}, {"theme": "fauna"}])
def test_a_word_matching_more_than_the_window_ranks_its_newest_matches(bulk_catalogue,
                                                                      filters):
    """A release-day issue with a common word is among those ranked, whatever the size;
    with or without filters (on SQLite the two are read from the index differently)."""
    bulk_catalogue(RANK_WINDOW + 100)
    query = SearchQuery(words="fauna", per_page=RANK_WINDOW + 100, **filters)
    ranked = {issue.id for issue in search_issues(db.session, query).items}
    assert len(ranked) == RANK_WINDOW
    assert RANK_WINDOW + 100 in ranked  # the newest
    assert 1 not in ranked
