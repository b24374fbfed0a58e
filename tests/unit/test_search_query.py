"""Search below the web layer: the folding of words, the form's validation, pagination, and
`search_issues` and the index against the suite's database (SQLite FTS5, or PostgreSQL full
text when MALL_TEST_DATABASE_URL points at one)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from mall.catalogue.editing import unpublish
from mall.catalogue.models import Issue, ProductFormat
from mall.catalogue.search import (
    IssueSearch,
    SearchForm,
    SearchQuery,
    SearchResults,
    backend_for,
    fold,
    index_issues,
    rebuild_index,
    search_issues,
    search_terms,
)
from mall.columns import utcnow
from mall.extensions import db
from mall.posts.models import PostStatus

# -- Words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ("Humedales", ["humedales"]),
        ("SEÑOR Niño", ["senor", "nino"]),
        ("UY003.18", ["uy003", "18"]),
        ("first-day_cover", ["first", "day", "cover"]),
        ('"birds" OR fau* NEAR(a b) ^x -y :* & | !z \'q\'', [
            "birds", "or", "fau", "near", "a", "b", "x", "y", "z", "q",
        ]),
        ("ﬁrst ２０１８", ["first", "2018"]),
        ("Straße", ["strasse"]),
        ("  ?!… ", []),
    ],
)
def test_search_terms_are_folded_letters_and_digits(typed, terms):
    assert search_terms(typed) == terms


def test_folding_keeps_the_marks_that_are_part_of_a_letter():
    """Khmer vowel signs are combining marks too, but without them the word is another."""
    assert fold("ប្រៃសណីយ៍") == "ប្រៃសណីយ៍"
    assert fold("Ελλάδα") == "ελλαδα"


def _fold_one_by_one(text: str) -> str:
    """What `fold` does, a character at a time: accents off a Latin, Greek or Cyrillic
    letter (a combining character after one below U+0530), nothing off other scripts."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char) and kept and kept[-1] < "\u0530":
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


_LETTERS_AND_MARKS = st.sampled_from(
    list("aeiouAÉèçñÑßǅﬁ１२ក់ាំ្ុΩώжй")
    + [chr(code) for code in (*range(0x300, 0x370), 0x1AB0, 0x1DC0, 0x20D0, 0xFE20, 0x0483)]
)


@settings(max_examples=500)
@given(st.text(alphabet=st.one_of(_LETTERS_AND_MARKS, st.characters(max_codepoint=0xFFFF)),
               max_size=10))
def test_folding_in_one_pass_removes_what_a_character_by_character_fold_removes(text):
    assert fold(text) == _fold_one_by_one(text)


# -- Pagination ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "page", "pages", "prev_num", "next_num"),
    [
        (0, 1, 0, None, None),
        (24, 1, 1, None, None),
        (25, 1, 2, None, 2),
        (25, 2, 2, 1, None),
        (100, 3, 5, 2, 4),
        (10, 7, 1, 6, None),  # a page past the end: the way back still works
    ],
)
def test_results_paginate_like_flask_sqlalchemy(total, page, pages, prev_num, next_num):
    results = SearchResults(items=[], total=total, page=page, per_page=24)
    assert results.pages == pages
    assert (results.prev_num, results.next_num) == (prev_num, next_num)
    assert results.has_prev is (prev_num is not None)
    assert results.has_next is (next_num is not None)


# -- The form --------------------------------------------------------------------------------


@pytest.fixture
def posts(make_post, make_issue):
    uy = make_post("uy")
    make_post("nl")
    make_post("jp", status=PostStatus.SUSPENDED)
    make_issue(uy, themes=["birds"])
    return uy


def _form(app, **args):
    with app.test_request_context("/search"):
        form = SearchForm(MultiDict(args))
        form.validate()
        return form


def test_form_turns_the_query_string_into_a_query(app, posts):
    form = _form(
        app, q="  humedales ", country="nl", theme="birds", year="2018", format="set", page="2"
    )
    assert form.errors == {}
    assert form.to_query(per_page=12) == SearchQuery(
        words="humedales", country="nl", theme="birds", year=2018,
        format=ProductFormat.SET, page=2, per_page=12,
    )


def test_blank_fields_are_no_filter(app, posts):
    form = _form(app, q="", country="", theme="", year="", format="", page="")
    assert form.errors == {}
    assert form.to_query() == SearchQuery()


def test_a_storefront_searches_its_own_post_whatever_the_query_string_says(app, posts):
    form = _form(app, country="nl")
    assert form.to_query(post=posts) == SearchQuery(country="uy", post_id=posts.id)


def test_country_choices_are_live_posts_with_their_names(app, posts):
    form = _form(app)
    assert [(choice.value, choice.label) for choice in form.country.choices] == [
        ("", "Any country"), ("nl", "Netherlands"), ("uy", "Uruguay"),
    ]


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"year": "abc"}, "year", "Not a valid integer value."),
        ({"year": "1700"}, "year", "Choose a year between 1840 and 2100."),
        ({"page": "-1"}, "page", "Choose a page between 1 and 10000."),
        ({"page": "9" * 40}, "page", "Choose a page between 1 and 10000."),
        ({"country": "jp"}, "country", "Not a valid choice."),  # not live
        ({"country": "zz"}, "country", "Not a valid choice."),
        ({"theme": "unicorns"}, "theme", "Not a valid choice."),
        ({"format": "poster"}, "format", "Not a valid choice."),
        ({"q": "x" * 201}, "q", "Field cannot be longer than 200 characters."),
    ],
)
def test_bad_values_are_one_clear_error_each(app, posts, args, field, message):
    form = _form(app, **args)
    assert form.errors == {field: [message]}


# -- Searching -------------------------------------------------------------------------------


@pytest.fixture
def catalogue(make_post, make_issue, make_product):
    """Three posts, one of them suspended, with issues told apart by words and filters."""
    uy = make_post("uy")
    nl = make_post("nl")
    jp = make_post("jp", status=PostStatus.SUSPENDED)
    issues = {
        "humedales": make_issue(
            uy, title={"es": "Humedales del Este", "en": "Wetlands of the East"},
            description={"es": "Aves del señor Ramsar."}, issue_date=date(2018, 10, 22),
            wns_numbers=["UY003.18"], designer="Carlos Menck", themes=["birds"],
        ),
        "carnaval": make_issue(
            uy, title={"es": "Carnaval"}, description={"es": "Murgas y humedales de tambores."},
            issue_date=date(2019, 2, 1), themes=["carnival"],
        ),
        "vogels": make_issue(
            nl, title={"nl": "Vogels", "en": "Birds"}, issue_date=date(2020, 5, 1),
            printer="Joh. Enschedé", themes=["birds"],
        ),
        "sakura": make_issue(jp, title={"en": "Humedales of Japan"}, themes=["birds"]),
    }
    make_product(issues["humedales"], format=ProductFormat.SOUVENIR_SHEET)
    make_product(issues["carnaval"], format=ProductFormat.SET)
    make_product(issues["vogels"], format=ProductFormat.SET)
    rebuild_index(db.session)
    db.session.commit()
    return issues


def _titles(query: SearchQuery) -> list[str]:
    """Each issue found, by its title in the first language it was written in."""
    return [next(iter(issue.title.values())) for issue in search_issues(db.session, query).items]


def test_words_ignore_case_and_accents_and_rank_titles_first(catalogue):
    assert _titles(SearchQuery(words="HUMEDALES")) == ["Humedales del Este", "Carnaval"]
    assert _titles(SearchQuery(words="senor")) == ["Humedales del Este"]
    assert _titles(SearchQuery(words="enschede")) == ["Vogels"]


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("uy003.18", ["Humedales del Este"]),  # its WNS number
        ("menck", ["Humedales del Este"]),  # its designer
        ("wetlands", ["Humedales del Este"]),  # its title in another language
        ("hume", ["Humedales del Este", "Carnaval"]),  # the last word is a prefix
        ("hume este", []),  # earlier words are whole words
        ("nederland vogels", ["Vogels"]),  # the post's country
        ("aves", ["Humedales del Este"]),
        ("carnival", ["Carnaval"]),  # its theme
        ("aves 2018", ["Humedales del Este"]),  # its year
    ],
)
def test_an_issue_is_found_by_every_word_about_it(catalogue, words, found):
    assert _titles(SearchQuery(words=words)) == found


def test_a_whole_last_word_is_not_a_prefix(make_post, make_issue):
    """A word the index holds whole finds itself and its stems, not the longer words it
    begins; a word still being typed finds those too."""
    uy = make_post("uy")
    for title in ("Birds of the coast", "Bird", "Birdwatchers"):
        make_issue(uy, title={"en": title})
    rebuild_index(db.session)
    db.session.commit()
    assert sorted(_titles(SearchQuery(words="bird"))) == ["Bird", "Birds of the coast"]
    assert _titles(SearchQuery(words="birdw")) == ["Birdwatchers"]
    assert sorted(_titles(SearchQuery(words="bir"))) == [
        "Bird", "Birds of the coast", "Birdwatchers"]


def test_best_match_is_more_words_in_the_title_then_newest(make_post, make_issue):
    """The ranking both databases share (`search.words_found`)."""
    uy = make_post("uy")
    for title, description, day in [
        ("Birds and flowers", "", date(2015, 5, 1)),
        ("Coast", "Birds among flowers.", date(2020, 5, 1)),
        ("Birds", "Flowers too.", date(2018, 5, 1)),
        ("Birds of the coast", "", date(2019, 5, 1)),
    ]:
        make_issue(uy, title={"en": title}, description={"en": description}, issue_date=day)
    rebuild_index(db.session)
    db.session.commit()
    assert _titles(SearchQuery(words="birds flowers")) == [
        "Birds and flowers", "Birds", "Coast"]
    assert _titles(SearchQuery(words="flowers")) == ["Birds and flowers", "Coast", "Birds"]
    assert _titles(SearchQuery(words="bird")) == [
        "Birds of the coast", "Birds", "Birds and flowers", "Coast"]


def test_a_khmer_word_is_found_whole_not_by_its_fragments(make_post, make_issue):
    """A Khmer word is letters joined by vowel signs: the index keeps it as one word, as the
    visitor's words are read (`words.search_terms`), so another word sharing its letters
    does not find it, and the word begun finds it while it is typed."""
    kh = make_post("kh")
    make_issue(kh, title={"km": "សត្វមេអំបៅ", "en": "Butterflies"})
    make_issue(kh, title={"km": "ស្វ៊ីស", "en": "Switzerland"})
    rebuild_index(db.session)
    db.session.commit()
    assert _titles(SearchQuery(words="សត្វមេអំបៅ")) == ["សត្វមេអំបៅ"]
    assert _titles(SearchQuery(words="សត្វមេ")) == ["សត្វមេអំបៅ"]  # still typing
    assert _titles(SearchQuery(words="ស្វ៊ីស")) == ["ស្វ៊ីស"]
    assert _titles(SearchQuery(words="វ")) == []  # a letter inside both words


def test_a_reindex_leaves_sqlite_one_index_segment(make_post, make_issue):
    """Writing issues one at a time leaves FTS5 a segment per transaction, and the old
    entries beside the new: a full reindex merges them, which every search reads faster."""
    if db.session.get_bind().dialect.name != "sqlite":
        pytest.skip("FTS5 is SQLite's")
    uy = make_post("uy")
    issues = [make_issue(uy, title={"en": f"Birds {n}"}) for n in range(3)]
    for issue in issues:
        index_issues(db.session, [issue])
        db.session.commit()
    segments = "SELECT count(DISTINCT segid) FROM issue_fts_idx"
    assert db.session.scalar(text(segments)) > 1
    rebuild_index(db.session)
    db.session.commit()
    assert db.session.scalar(text(segments)) == 1
    assert len(_titles(SearchQuery(words="birds"))) == 3


def test_query_syntax_typed_by_a_visitor_is_only_words(catalogue):
    assert _titles(SearchQuery(words='"humedales* AND (NEAR ^ : & |')) == []
    assert _titles(SearchQuery(words='humedales"')) == ["Humedales del Este", "Carnaval"]


def test_without_words_every_issue_matches_newest_first(catalogue):
    expected = ["Vogels", "Carnaval", "Humedales del Este"]
    assert _titles(SearchQuery()) == expected
    assert _titles(SearchQuery(words=" ?! ")) == expected


@pytest.mark.parametrize(
    ("query", "found"),
    [
        (SearchQuery(country="nl"), ["Vogels"]),
        (SearchQuery(theme="birds"), ["Vogels", "Humedales del Este"]),
        (SearchQuery(year=2019), ["Carnaval"]),
        (SearchQuery(format=ProductFormat.SET), ["Vogels", "Carnaval"]),
        (SearchQuery(format=ProductFormat.SET, country="uy"), ["Carnaval"]),
        (SearchQuery(words="humedales", theme="carnival"), ["Carnaval"]),
        (SearchQuery(year=2017), []),
        (SearchQuery(words="humedales", year=2019), ["Carnaval"]),
        (SearchQuery(words="humedales", year=2018, country="uy"), ["Humedales del Este"]),
    ],
)
def test_filters_combine(catalogue, query, found):
    assert _titles(query) == found


def test_a_year_in_the_text_does_not_pass_the_year_filter(make_post, make_issue):
    """The year (and the post's year, "nl2015") narrows the index's query, but the issue's
    own post and date decide: a 2014 issue that names 2015 is found by the word, never by
    the filter, and nor is another post's issue of that year."""
    post = make_post("nl")
    make_issue(post, title={"en": "Games"}, description={"en": "For the 2015 games (nl2015)."},
               issue_date=date(2014, 6, 1))
    make_issue(post, title={"en": "Games again"}, issue_date=date(2015, 6, 1))
    make_issue(make_post("uy"), title={"en": "Games"}, description={"en": "Like nl2015."},
               issue_date=date(2015, 6, 1))
    rebuild_index(db.session)
    db.session.commit()
    assert _titles(SearchQuery(words="games 2015", country="nl")) == ["Games again", "Games"]
    assert _titles(SearchQuery(words="games", year=2015, country="nl")) == ["Games again"]
    assert _titles(SearchQuery(words="games", year=2014, country="nl")) == ["Games"]
    assert _titles(SearchQuery(year=2015, country="nl")) == ["Games again"]
    assert _titles(SearchQuery(words="nl2015", year=2015, country="uy")) == ["Games"]


def test_a_new_date_moves_an_issue_to_its_year(catalogue):
    issue = catalogue["carnaval"]
    issue.issue_date = date(2021, 2, 1)
    index_issues(db.session, [issue])
    db.session.commit()
    assert _titles(SearchQuery(words="murgas", year=2021)) == ["Carnaval"]
    assert _titles(SearchQuery(words="murgas", year=2021, country="uy")) == ["Carnaval"]
    assert _titles(SearchQuery(words="murgas", year=2019)) == []
    assert _titles(SearchQuery(words="murgas", year=2019, country="uy")) == []


@pytest.mark.parametrize("storefront", [False, True])
def test_publishing_withdrawing_and_redating_an_issue_reach_every_search(
        make_post, make_issue, storefront):
    """A search reads drafts and dates from the catalogue or, on PostgreSQL, from the vectors
    of published issues that triggers keep (migration 0023): the same results either way,
    with or without filters, at the portal and on a storefront."""
    post = make_post("uy")
    older = make_issue(post, title={"en": "Zeppelin mail"}, issue_date=date(2020, 1, 1))
    draft = make_issue(post, title={"en": "Zeppelin post"}, issue_date=date(2021, 1, 1),
                       published_at=None)
    rebuild_index(db.session)
    db.session.commit()
    on = {"country": "uy", "post_id": post.id} if storefront else {}

    def found(**filters) -> list[str]:
        return _titles(SearchQuery(words="zeppelin", **on, **filters))

    assert found() == found(year=2020) == ["Zeppelin mail"]
    draft.published_at = utcnow()
    db.session.commit()
    assert found() == ["Zeppelin post", "Zeppelin mail"]  # newest first
    older.issue_date = date(2022, 1, 1)
    db.session.commit()
    assert found() == ["Zeppelin mail", "Zeppelin post"]
    assert found(year=2021) == ["Zeppelin post"]
    unpublish(older)
    db.session.commit()
    assert found() == found(year=2021) == ["Zeppelin post"]


def test_a_storefront_search_sees_only_its_post(catalogue):
    post_id = catalogue["vogels"].post_id
    assert _titles(SearchQuery(words="birds", post_id=post_id)) == ["Vogels"]


def test_issues_of_posts_that_are_not_live_never_appear(catalogue):
    assert _titles(SearchQuery(words="japan")) == []
    catalogue["sakura"].post.status = PostStatus.LIVE
    db.session.commit()
    assert _titles(SearchQuery(words="japan")) == ["Humedales of Japan"]


def test_pages(make_post, make_issue):
    post = make_post("uy")
    for day in range(1, 6):
        make_issue(post, title={"es": f"Sello {day}"}, issue_date=date(2020, 1, day))
    rebuild_index(db.session)
    results = search_issues(db.session, SearchQuery(words="sello", page=2, per_page=2))
    assert [issue.title["es"] for issue in results.items] == ["Sello 3", "Sello 2"]
    assert (results.total, results.pages, results.prev_num, results.next_num) == (5, 3, 1, 3)
    assert search_issues(db.session, SearchQuery(page=4, per_page=2)).items == []


@pytest.mark.parametrize("words", ["", "sello"])
def test_query_count_does_not_grow_with_results(make_post, make_issue, make_product,
                                                count_queries, words):
    post = make_post("uy")

    def searched(n: int) -> tuple[int, int]:
        for _ in range(n):
            issue = make_issue(post, title={"es": "Sello"}, themes=["birds", "flowers"])
            make_product(issue)
            make_product(issue, format=ProductFormat.SET)
        rebuild_index(db.session)
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as queries:
            results = search_issues(db.session, SearchQuery(words=words, per_page=50))
            cards = [(card.post_code, card.from_minor) for card in results.items]
        return len(queries), len(cards)

    # whether the word is whole (words only), the page of cards (with each one's post and
    # lowest price) and the capped count
    statements = 2 if words else 1
    assert searched(3) == (statements, 3)
    assert searched(27) == (statements, 30)


# -- The index -------------------------------------------------------------------------------


def test_editing_an_issue_and_indexing_it_again_replaces_its_words(catalogue):
    issue = catalogue["carnaval"]
    issue.title = {"es": "Llamadas"}
    index_issues(db.session, [issue])
    db.session.commit()
    assert _titles(SearchQuery(words="llamadas")) == ["Llamadas"]
    assert _titles(SearchQuery(words="carnaval")) == []
    assert _titles(SearchQuery(words="murgas")) == ["Llamadas"]
    assert db.session.scalar(select(db.func.count()).select_from(IssueSearch)) == 4


def test_a_deleted_issue_leaves_no_words_behind(make_post, make_issue):
    """On SQLite the index is an external-content FTS5 table: only the triggers remove a
    deleted issue's words, and stale words would match the next issue, which SQLite gives
    the same id."""
    post = make_post("nl")
    issue = make_issue(post, title={"nl": "Vogels"})
    index_issues(db.session, [issue])
    db.session.commit()
    issue_id = issue.id
    db.session.delete(issue)
    db.session.commit()
    assert db.session.get(IssueSearch, issue_id) is None
    index_issues(db.session, [make_issue(post, title={"nl": "Bloemen"})])
    db.session.commit()
    assert _titles(SearchQuery(words="vogels")) == []
    assert _titles(SearchQuery(words="bloemen")) == ["Bloemen"]


def test_new_issues_are_flushed_and_indexed_but_not_committed(make_post):
    post = make_post("nl")
    issue = Issue(post=post, slug="tulpen", title={"nl": "Tulpen"}, issue_date=date(2022, 4, 1),
                  published_at=utcnow())
    db.session.add(issue)
    index_issues(db.session, [issue])
    assert _titles(SearchQuery(words="tulpen")) == ["Tulpen"]
    db.session.rollback()
    assert _titles(SearchQuery(words="tulpen")) == []


def test_postgresql_search_uses_the_gin_index(catalogue):
    """The query must repeat the index's expression exactly, or PostgreSQL scans the table."""
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    backend = backend_for(db.session)
    matches = select(backend.matches(1, windowed=False, by_post=False)).params(
        backend.values(["humedales"]))
    sql = matches.compile(bind, compile_kwargs={"literal_binds": True})
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    # Sent as written: text() would read the heading's weights (":A") as parameters.
    plan = "\n".join(db.session.connection().exec_driver_sql(f"EXPLAIN {sql}").scalars())
    assert "ix_issue_search_document" in plan


def test_postgresql_plans_each_search_for_its_words(catalogue):
    """psycopg prepares a statement sent five times, and PostgreSQL may then plan it once
    for every value: a search would be planned without knowing its words."""
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    for _ in range(8):
        assert _titles(SearchQuery(words="humedales"))
        assert not _titles(SearchQuery(words="humedales", page=9))  # past the last page
        db.session.scalar(select(Issue.slug).where(Issue.id == 0))  # prepared, as any other
    prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("issue.slug" in statement for statement in prepared)
    assert not [statement for statement in prepared if "candidates" in statement]
