"""Search as a collector uses it, on the suite's database (SQLite, or PostgreSQL in CI): words
found in any language and any grammatical number, typos corrected, and the filters and sorts
of a shop — price in the buyer's own currency, condition, stock."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from mall.catalogue.models import Condition, ProductFormat
from mall.catalogue.search import (
    PriceRange,
    SearchQuery,
    SearchSpelling,
    Sort,
    rebuild_index,
    search_issues,
    search_statement,
)
from mall.catalogue.words import closest, deletions, distance, document, variants
from mall.extensions import db
from mall.money import Money
from mall.posts.models import Post
from mall.rates.conversion import load_rate_table
from mall.rates.services import set_operator_rate
from tests.support.hosts import PORTAL

RATES = {"UYU": "46.21", "UGX": "4000"}


@pytest.fixture
def shelf(make_post, make_issue, make_product):
    """Four issues in four languages, priced in three currencies (one euro is 46.21 pesos
    and 4,000 shillings)."""
    for currency, rate in RATES.items():
        set_operator_rate(db.session, currency, Decimal(rate), date(2026, 12, 1))
    ug = make_post("ug", currency="UGX", default_locale="en", locales=["en", "fr"],
                   name={"en": "Posta Uganda"}, country_name={"en": "Uganda"})
    uy, nl = make_post("uy"), make_post("nl")
    butterflies = make_issue(ug, title={"en": "Butterflies of Uganda",
                                        "fr": "Papillons d'Ouganda"},
                             issue_date=date(2024, 3, 1))
    make_product(butterflies, format=ProductFormat.SINGLE, price_minor=4000, stock=0)
    make_product(butterflies, format=ProductFormat.SOUVENIR_SHEET, price_minor=20000)
    diligencia = make_issue(uy, title={"es": "170 años de los sellos «Diligencia»"},
                            issue_date=date(2026, 7, 1))
    make_product(diligencia, condition=Condition.USED, price_minor=46210)
    whales = make_issue(nl, title={"nl": "Walvissen", "fr": "Baleines", "en": "Whales"},
                        issue_date=date(2025, 5, 1))
    make_product(whales, price_minor=300)
    ballena = make_issue(uy, title={"es": "Ballena franca austral"},
                         issue_date=date(2015, 9, 1))
    make_product(ballena, price_minor=92420)
    rebuild_index(db.session)
    db.session.commit()


def _found(**asked) -> list[str]:
    return [next(iter(issue.title.values()))
            for issue in search_issues(db.session, SearchQuery(**asked)).items]


BUTTERFLIES = "Butterflies of Uganda"
DILIGENCIA = "170 años de los sellos «Diligencia»"
WHALES = "Walvissen"
BALLENA = "Ballena franca austral"


# -- Words in every language -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("butterfly", [BUTTERFLIES]),  # English singular finds the plural
        ("BUTTERFLIES", [BUTTERFLIES]),
        ("papillon", [BUTTERFLIES]),  # the French title
        ("papillons ouganda", [BUTTERFLIES]),
        ("ballenas", [BALLENA]),  # Spanish plural finds the singular
        ("whale", [WHALES]),
        ("baleine", [WHALES]),  # a French word finds a Dutch stamp by its French title
        ("walvis", [WHALES]),  # Dutch stem
        ("sello", [DILIGENCIA]),
        ("papillon whale", []),  # every word must match
    ],
)
def test_words_match_in_every_language_and_number(shelf, words, found):
    assert _found(words=words) == found


def test_the_index_holds_each_language_stemmed_in_that_language():
    text = document([("en", "Butterflies of Uganda"), ("fr", "Papillons d'Ouganda"),
                     ("km", "សត្វមេអំបៅ"), (None, "UY003.18")])
    assert text.split()[:9] == ["butterflies", "of", "uganda", "papillons", "d", "ouganda",
                                "សត្វមេអំបៅ", "uy003", "18"]
    assert {"butterfli", "papillon"} <= set(text.split())
    assert variants("butterfly") == ["butterfly", "butterfli"]
    assert variants("2024") == ["2024"]


# -- Typos -------------------------------------------------------------------------------


def test_a_typo_finds_the_word_meant_and_says_so(shelf):
    results = search_issues(db.session, SearchQuery(words="diligensia"))
    assert [issue.title["es"] for issue in results.items] == [DILIGENCIA]
    assert results.corrected == "diligencia"


def test_two_words_one_misspelt(shelf):
    results = search_issues(db.session, SearchQuery(words="buterflies uganda"))
    assert [issue.title["en"] for issue in results.items] == [BUTTERFLIES]
    assert results.corrected == "butterflies uganda"


@pytest.mark.parametrize("words", ["zzzzqqq", "bird", "papillons whales"])
def test_nothing_near_enough_stays_nothing_without_a_suggestion(shelf, words):
    results = search_issues(db.session, SearchQuery(words=words))
    assert (results.items, results.total, results.corrected) == ([], 0, None)


def test_found_words_are_never_corrected(shelf):
    assert search_issues(db.session, SearchQuery(words="ballena")).corrected is None


def test_words_are_learnt_once_with_their_deletions(shelf, make_issue, make_post):
    rows = db.session.scalars(select(SearchSpelling.variant)
                              .where(SearchSpelling.word == "diligencia")).all()
    assert sorted(rows) == sorted(deletions("diligencia"))
    rebuild_index(db.session)  # learning again adds nothing
    db.session.commit()
    assert db.session.scalars(select(SearchSpelling.variant)
                              .where(SearchSpelling.word == "diligencia")).all() == rows


@pytest.mark.parametrize(
    ("a", "b", "edits"),
    [("diligensia", "diligencia", 1), ("butterfly", "buttrefly", 1), ("walvis", "walvissen", 3),
     ("", "abc", 3), ("papillon", "papillon", 0), ("ca", "abc", 3)],
)
def test_distance_counts_edits(a, b, edits):
    assert distance(a, b) == edits


def test_closest_prefers_fewest_edits_then_same_length_then_alphabet():
    assert closest("diligensia", ["diligencia", "diligencias", "dilig"]) == "diligencia"
    assert closest("balena", ["ballena", "balen"]) == "balen"
    assert closest("balen", ["baled", "baler"]) == "baled"
    assert closest("bird", ["birds", "bard"]) == "bard"
    assert closest("hwale", ["whale"]) == "whale"  # two neighbours swapped: one edit
    assert closest("abcdefgh", ["abcdxyzh"]) is None  # too far


# -- Filters and sorts -------------------------------------------------------------------


def _prices(low: str | None, high: str | None, currency: str = "EUR") -> PriceRange:
    def money(value: str | None) -> Money | None:
        return None if value is None else Money.from_decimal(Decimal(value), currency)

    return PriceRange(money(low), money(high), load_rate_table(db.session))


def test_a_price_range_in_euros_reads_every_currency(shelf):
    # sheet 5 € (20,000 UGX), the Diligencia 10 € (462.10 UYU); the whale 3 €, the Ballena 20 €
    assert _found(prices=_prices("4", "12")) == [DILIGENCIA, BUTTERFLIES]
    assert _found(prices=_prices("15", None)) == [BALLENA]
    assert _found(prices=_prices(None, "1")) == [BUTTERFLIES]  # the single, sold out


def test_a_price_range_in_pesos(shelf):
    assert _found(prices=_prices("100", "300", "UYU")) == [WHALES, BUTTERFLIES]


def test_the_spread_the_buyer_pays_moves_the_bounds(shelf):
    rates = load_rate_table(db.session)
    five = Money(500, "EUR")
    assert BUTTERFLIES in _found(prices=PriceRange(None, five, rates))
    assert BUTTERFLIES in _found(prices=PriceRange(None, five, rates, spread_bps=0))
    # With 2 % on top, the 5 € sheet shows as 5.10 €; the 1 € single still fits.
    assert _found(prices=PriceRange(Money(400, "EUR"), five, rates, spread_bps=200)) == []


def test_condition_and_stock_ask_the_same_product(shelf):
    assert _found(condition=Condition.USED) == [DILIGENCIA]
    assert _found(words="butterfly", in_stock=True) == [BUTTERFLIES]  # the sheet is in stock
    assert _found(words="butterfly", in_stock=True, format=ProductFormat.SINGLE) == []
    assert _found(in_stock=True, prices=_prices(None, "2")) == []


def test_sorts(shelf):
    rates = load_rate_table(db.session)
    assert _found() == [DILIGENCIA, WHALES, BUTTERFLIES, BALLENA]  # newest first
    assert _found(sort=Sort.PRICE_LOW, rates=rates) == [BUTTERFLIES, WHALES, DILIGENCIA, BALLENA]
    assert _found(sort=Sort.PRICE_HIGH, rates=rates) == [BALLENA, DILIGENCIA, WHALES,
                                                         BUTTERFLIES]
    # The cheapest product that passes the filters sets an issue's price.
    assert _found(sort=Sort.PRICE_LOW, rates=rates, in_stock=True) == [
        WHALES, BUTTERFLIES, DILIGENCIA, BALLENA]
    assert _found(words="ballena whale", sort=Sort.NEWEST) == []
    assert _found(words="a", sort=Sort.NEWEST) == [DILIGENCIA, BALLENA]  # años, austral


def test_searches_of_one_shape_share_a_statement_and_each_finds_its_own(shelf, make_issue):
    """A search's statement is built once per shape and its values bound (`search.py`'s
    `_Shape`): a sweep over every value a search is asked for, two searches differing only
    by it, finding what each finds alone, from one statement."""
    uy, nl, ug = (db.session.scalar(select(Post).where(Post.code == code))
                  for code in ("uy", "nl", "ug"))
    make_issue(uy, title={"es": "Aves"}, themes=["birds"], issue_date=date(2023, 1, 1))
    make_issue(nl, title={"nl": "Bloemen"}, themes=["flowers"], issue_date=date(2023, 2, 1))
    rebuild_index(db.session)
    db.session.commit()
    rates = load_rate_table(db.session)
    set_operator_rate(db.session, "UGX", Decimal("40"), date(2026, 12, 2))
    dearer_shilling = load_rate_table(db.session)
    pairs = [
        ({"words": "butterfly"}, {"words": "whales"}),
        ({"words": "papillons ouganda"}, {"words": "ballena austral"}),
        ({"country": "uy"}, {"country": "nl"}),
        ({"words": "a", "country": "uy", "post_id": uy.id},
         {"words": "a", "country": "ug", "post_id": ug.id}),
        ({"theme": "birds"}, {"theme": "flowers"}),
        ({"year": 2024}, {"year": 2025}),
        ({"format": ProductFormat.SINGLE}, {"format": ProductFormat.SOUVENIR_SHEET}),
        ({"condition": Condition.USED}, {"condition": Condition.MINT}),
        ({"prices": _prices("4", "12")}, {"prices": _prices("1", "4")}),
        ({"sort": Sort.PRICE_LOW, "rates": rates},
         {"sort": Sort.PRICE_LOW, "rates": dearer_shilling}),
        ({"page": 1, "per_page": 2}, {"page": 2, "per_page": 2}),
        ({"per_page": 1}, {"per_page": 3}),
    ]
    varied = {name for first, second in pairs for name in first
              if first[name] != second.get(name)}
    # Whether stock is asked and how results are sorted change the statement itself.
    assert varied == {field.name for field in fields(SearchQuery)} - {"in_stock", "sort"}
    for first, second in pairs:
        alone = []
        for asked in (first, second):
            search_statement.cache_clear()
            alone.append(_found(**asked))
        assert alone[0] != alone[1], (first, second)
        search_statement.cache_clear()
        assert [_found(**first), _found(**second)] == alone, (first, second)
        assert search_statement.cache_info().currsize == 1, (first, second)


def test_searching_costs_the_same_queries_whatever_it_asks(shelf, count_queries):
    rates = load_rate_table(db.session)
    asked = [
        {"words": "papillon"},
        {"words": "papillon", "prices": _prices("1", "100"), "condition": Condition.MINT,
         "in_stock": True, "sort": Sort.PRICE_LOW, "rates": rates},
        {"prices": _prices("1", None), "sort": Sort.PRICE_HIGH, "rates": rates},
    ]
    sent = []
    for query in asked:
        with count_queries() as queries:
            search_issues(db.session, SearchQuery(**query))
        sent.append(len(queries))
    # The page of cards with the capped count; the first time a word is searched, whether it
    # is whole (the worker then knows it).
    assert sent == [2, 1, 1]
    with count_queries() as queries:
        nothing = search_issues(db.session, SearchQuery(words="papillon", year=1900))
    # Found nothing, but with a word the index holds: no spelling to look up.
    assert (len(queries), nothing.total, nothing.corrected) == (1, 0, None)
    with count_queries() as queries:
        search_issues(db.session, SearchQuery(words="diligensia"))
    # Found nothing, looked up the spelling, found it.
    assert len(queries) == 2 + 1 + 2
    with count_queries() as queries:
        past = search_issues(db.session, SearchQuery(per_page=2, page=3))
    # A page past the last is one query too: the count's row, with no card.
    assert (len(queries), past.items, past.total, past.pages) == (1, [], 4, 2)


# -- The page ----------------------------------------------------------------------------


def _page(client, **args: str) -> str:
    response = client.get(f"{PORTAL}/search?{urlencode(args)}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_says_what_it_searched_instead(client, shelf):
    page = _page(client, q="diligensia")
    assert "Nothing matched “diligensia”: showing results for “diligencia”." in page
    assert "Diligencia" in page


def test_the_page_filters_and_sorts_in_the_visitors_currency(client, shelf):
    client.post(f"{PORTAL}/currency", data={"currency": "EUR", "next": "/"})
    page = _page(client, price_min="4", price_max="12,00", sort="-price", in_stock="y")
    assert page.index("Diligencia") < page.index("Butterflies")
    assert "Walvissen" not in page
    assert "Whales" not in page
    assert "In EUR." in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"price_min": "abc"}, "Write a price as a number, like 12.50."),
        ({"price_min": "-3"}, "Write a price as a number, like 12.50."),
        ({"price_max": "NaN"}, "Write a price as a number, like 12.50."),
        ({"price_max": "Infinity"}, "Write a price as a number, like 12.50."),
        ({"price_max": "1e999999"}, "Write a price as a number, like 12.50."),
        ({"price_min": "10", "price_max": "5"},
         "The highest price must not be below the lowest."),
        ({"sort": "cheapest"}, "Not a valid choice."),
        ({"condition": "pristine"}, "Not a valid choice."),
        ({"sort": "price\x00"}, ""),
    ],
)
def test_bad_filters_are_a_message_on_the_page(client, shelf, args, message):
    page = _page(client, q="papillon", **args)
    assert 'class="error"' in page
    assert message in page
    assert "issues found" not in page
    assert "issue found" not in page


def test_in_the_demo_a_french_collector_finds_ugandas_butterflies(app):
    from mall.demo.seed import seed

    seed(db.session)
    db.session.commit()
    for words in ("papillon", "papillons ouganda"):
        found = search_issues(db.session, SearchQuery(words=words)).items
        assert [(issue.post_code, issue.slug) for issue in found] == [("ug", "butterflies")]
    english = search_issues(db.session, SearchQuery(words="butterfly")).items
    assert ("ug", "butterflies") in [(issue.post_code, issue.slug) for issue in english]
