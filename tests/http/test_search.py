"""Search through the test client: across every live post at the portal, within one post on
its storefront; words, filters, pages, and bad input answered with a message on the page."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest

from mall.catalogue.models import ProductFormat
from mall.catalogue.search import rebuild_index
from mall.extensions import db
from mall.posts.models import Post, PostStatus
from tests.support.hosts import PORTAL, storefront

UY = storefront("uy")


@pytest.fixture
def mall(make_post, make_issue, make_product):
    """Uruguay and the Netherlands live, Japan suspended; every issue indexed."""
    uy = make_post("uy")
    nl = make_post("nl")
    jp = make_post("jp", status=PostStatus.SUSPENDED)
    humedales = make_issue(
        uy, slug="humedales", title={"es": "Humedales del Este"},
        description={"es": "Las aves del bañado."}, issue_date=date(2018, 10, 22),
        wns_numbers=["UY003.18"], themes=["birds"],
    )
    carnaval = make_issue(
        uy, slug="carnaval", title={"es": "Carnaval"},
        description={"es": "Tambores junto a los humedales."}, issue_date=date(2019, 2, 1),
        themes=["carnival"],
    )
    vogels = make_issue(
        nl, slug="vogels", title={"nl": "Vogels van het wad"}, issue_date=date(2020, 5, 1),
        themes=["birds"],
    )
    hidden = make_issue(jp, slug="hidden", title={"en": "Humedales hidden in Japan"})
    make_product(humedales, format=ProductFormat.SOUVENIR_SHEET)
    make_product(carnaval, format=ProductFormat.SET)
    make_product(vogels, format=ProductFormat.SET)
    make_product(hidden)
    rebuild_index(db.session)
    db.session.commit()


def _search(client, host: str, **args: str) -> str:
    response = client.get(f"{host}/search?{urlencode(args)}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _found(html: str) -> list[str]:
    """Titles of the issues on the page, in the order shown."""
    titles = ["Humedales del Este", "Carnaval", "Vogels van het wad", "Humedales hidden"]
    shown = [title for title in titles if title in html]
    return sorted(shown, key=html.index)


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("humedales", ["Humedales del Este", "Carnaval"]),  # the title's match first
        ("HUMEDALES", ["Humedales del Este", "Carnaval"]),
        ("bañado", ["Humedales del Este"]),
        ("banado", ["Humedales del Este"]),
        ("UY003.18", ["Humedales del Este"]),
        ("voge", ["Vogels van het wad"]),
        ('vogels" OR *', []),
    ],
)
def test_portal_finds_issues_of_every_live_post_by_their_words(client, mall, words, found):
    assert _found(_search(client, PORTAL, q=words)) == found


@pytest.mark.parametrize(
    ("args", "found"),
    [
        ({}, ["Vogels van het wad", "Carnaval", "Humedales del Este"]),  # newest first
        ({"country": "nl"}, ["Vogels van het wad"]),
        ({"theme": "birds"}, ["Vogels van het wad", "Humedales del Este"]),
        ({"year": "2019"}, ["Carnaval"]),
        ({"format": "set"}, ["Vogels van het wad", "Carnaval"]),
        ({"q": "humedales", "theme": "carnival"}, ["Carnaval"]),
        ({"country": "", "theme": "", "year": "", "format": "", "q": ""},
         ["Vogels van het wad", "Carnaval", "Humedales del Este"]),  # the form sent empty
    ],
)
def test_portal_filters(client, mall, args, found):
    assert _found(_search(client, PORTAL, **args)) == found


def test_storefront_searches_only_its_own_post(client, mall):
    assert _found(_search(client, UY, theme="birds")) == ["Humedales del Este"]
    assert _found(_search(client, UY, q="vogels")) == []
    assert _found(_search(client, UY, country="nl")) == ["Carnaval", "Humedales del Este"]


def test_issues_of_a_post_that_is_not_live_never_appear(client, mall):
    html = _search(client, PORTAL, q="japan")
    assert _found(html) == []
    assert "0 issues found" in html
    assert client.get(storefront("jp") + "/search?q=japan").status_code == 503  # closed


def test_results_come_in_pages_that_keep_the_filters(client, app, mall, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    first = _search(client, PORTAL, theme="", q="")
    assert "3 issues found" in first
    assert _found(first) == ["Vogels van het wad", "Carnaval"]
    assert "Page 1 of 2" in first
    assert 'rel="next" href="/search?theme=&amp;q=&amp;page=2"' in first
    second = _search(client, PORTAL, theme="", q="", page="2")
    assert _found(second) == ["Humedales del Este"]
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second


def test_a_page_past_the_end_is_empty_not_an_error(client, mall):
    html = _search(client, PORTAL, page="9")
    assert _found(html) == []
    assert "3 issues found" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"year": "abc"}, "Not a valid integer value."),
        ({"year": "1492"}, "Choose a year between 1840 and 2100."),
        ({"page": "-1"}, "Choose a page between 1 and 10000."),
        ({"page": "1" * 30}, "Choose a page between 1 and 10000."),
        ({"country": "zz"}, "Not a valid choice."),
        ({"country": "jp"}, "Not a valid choice."),  # not live
        ({"format": "poster"}, "Not a valid choice."),
        ({"q": "stamp " * 40}, "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_input_is_a_message_beside_the_field(client, mall, args, message):
    html = _search(client, PORTAL, **args)
    assert message in html
    assert "issues found" not in html
    assert _found(html) == []


def test_storefront_explains_bad_input_in_its_language(client, mall):
    html = _search(client, UY, year="abc")
    assert "No es un valor entero válido." in html


@pytest.mark.parametrize("host", [PORTAL, UY])
@pytest.mark.parametrize("args", [{}, {"q": "sello"}])
def test_query_count_does_not_grow_with_the_results(
    client, app, make_post, make_issue, make_product, count_queries, monkeypatch, host, args
):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    post_id = make_post("uy").id

    def add_issues(n: int) -> None:
        post = db.session.get(Post, post_id)
        for _ in range(n):
            issue = make_issue(post, title={"es": "Sello"}, themes=["birds", "flowers"])
            make_product(issue)
            make_product(issue, format=ProductFormat.SET)
        rebuild_index(db.session)
        db.session.commit()
        db.session.remove()  # nothing already loaded may spare the page a query

    def measure() -> tuple[int, int]:
        _search(client, host, **args)  # what the worker keeps (rates, menus) is read once
        db.session.remove()
        with count_queries() as queries:
            html = _search(client, host, **args)
        return len(queries), html.count('class="card issue-card"')

    add_issues(3)
    few, cards = measure()
    assert cards == 3
    add_issues(27)
    assert measure() == (few, 30)
