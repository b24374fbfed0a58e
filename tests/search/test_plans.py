"""The query plans of each search form and of a deep catalogue page, read with EXPLAIN on a
bulk-written catalogue: the full-text index drives every word search, no form reads the whole
of `issue`, and nothing counts or ranks past its bound.

PostgreSQL plans from statistics, and rightly reads a table of a few thousand rows whole: its
plans are read once, on a catalogue of 30,000 issues, with no plan type disabled (a plan that
uses an index only when sequential scans are turned off would scan the table in production)
and the page costs the app's connections set (`POSTGRESQL_RANDOM_PAGE_COST`).
SQLite plans from the query's shape: a small catalogue shows the same plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from mall.catalogue.queries import listed_issues, listing_page
from mall.catalogue.search import SearchQuery, search_issues
from mall.extensions import db
from mall.posts.models import Post

#: Issues in the catalogue whose plans are read, on each database.
SIZES = {"postgresql": 30_000, "sqlite": 5_000}

FORMS: dict[str, Callable[[Post], SearchQuery]] = {
    "words": lambda post: SearchQuery(words="bird"),
    "two words": lambda post: SearchQuery(words="bird flower"),
    "words and country": lambda post: SearchQuery(words="bird", country="nl", year=2016),
    "words on a storefront": lambda post: SearchQuery(
        words="bird", country=post.code, post_id=post.id
    ),
    "words, page 50": lambda post: SearchQuery(words="bird", page=50, per_page=12),
    "filters only": lambda post: SearchQuery(country="nl", year=2016),
}

WORD_FORMS = [name for name in FORMS if name != "filters only"]


@contextmanager
def statements() -> Iterator[list[tuple[str, Any]]]:
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plans(prefix: str, sent: list[tuple[str, Any]]) -> list[str]:
    """The plan of every statement sent, as text, on the connection that sent them."""
    connection = db.session.connection()
    return [
        "\n".join(str(row[-1]) for row in connection.exec_driver_sql(prefix + sql, params))
        for sql, params in sent
    ]


def searched(form: str, post: Post) -> list[str]:
    """The plan of the page with its count (the one query that reads the catalogue; the
    others read the spelling: whether the last word is whole, or, when nothing is found,
    what was meant)."""
    query = FORMS[form](post)
    with statements() as sent:
        search_issues(db.session, query)
    catalogue_reads = [(sql, params) for sql, params in sent if "search_spelling" not in sql]
    prefix = "EXPLAIN " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    return plans(prefix, catalogue_reads[:1])


@pytest.fixture
def catalogue(bulk_catalogue) -> list[Post]:
    return bulk_catalogue(SIZES[db.engine.dialect.name])


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL plans: this suite runs on SQLite (MALL_TEST_DATABASE_URL unset)")


@pytest.fixture
def sqlite(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plans: this suite runs on PostgreSQL")


#: A sequential scan of a catalogue table (the post table, a few rows, may be scanned).
WHOLE_TABLE = re.compile(r"Seq Scan on (issue|issue_fts|issue_search|product)\b")


def cte(plan: str, name: str) -> str:
    """The lines of a PostgreSQL plan under its CTE `name`."""
    lines = plan.splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == f"CTE {name}")
    depth = len(lines[start]) - len(lines[start].lstrip())
    below = []
    for line in lines[start + 1:]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        below.append(line)
    return "\n".join(below)


def deep_page(post: Post) -> str:
    keys = listed_issues(post)
    with statements() as sent:
        listing_page(db.session, keys, page=15, per_page=24)
    assert len(sent) == 1, sent  # the page, with its count
    prefix = "EXPLAIN " if db.engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    return plans(prefix, sent)[0]


@pytest.mark.usefixtures("postgresql")
def test_postgresql_plans(catalogue):
    """Every form in one test: the catalogue takes seconds to write on PostgreSQL."""
    storefront = catalogue[1]
    for form in WORD_FORMS:
        for plan in searched(form, storefront):
            if form != "words and country":
                # (A post and a year can narrow more than a word: then the planner reads
                # that post's year by the listing index and each stored vector by its key.)
                assert "ix_issue_search_document" in plan, (form, plan)
            assert not WHOLE_TABLE.search(plan), (form, plan)
            # Ranks are read from the stored vector: no text is parsed again per match.
            assert "to_tsvector" not in plan, (form, plan)
    for form in ("words", "two words", "words on a storefront"):
        for plan in searched(form, storefront):
            # The window is the newest matches as the vectors are read: only published
            # issues have one, stored with their post and date, so the catalogue is joined
            # to the page's rows alone, not to the window's.
            window = cte(plan, "candidates")
            assert " on issue_fts" in window, (form, plan)
            assert not re.search(r" on issue\b(?!_)", window), (form, plan)
    for plan in searched("words on a storefront", storefront):
        # The post's own vectors are read by its index (newest first, or ANDed with the
        # words' entries), not every post's.
        assert "ix_issue_fts_post_issue" in plan, plan
    for plan in searched("filters only", storefront):
        assert not WHOLE_TABLE.search(plan), plan
    page = deep_page(storefront)
    assert not WHOLE_TABLE.search(page), page
    assert "ix_issue_listing" in page, page
    # Only the page's own rows are sorted (again, after the count's row joins them).
    sorted_rows = [int(rows) for rows in re.findall(r"Sort  \(cost=\S+ rows=(\d+)", page)]
    assert all(rows <= 25 for rows in sorted_rows), page


@pytest.mark.usefixtures("sqlite")
@pytest.mark.parametrize("form", WORD_FORMS)
def test_sqlite_the_fts_match_drives_the_query(catalogue, form):
    """The MATCH runs once, materialized, before the joins; issues are then read by their
    key or by the listing index, and matched against the materialized rows. The plan that
    made a storefront search take 48 s at 200k put `issue_fts` inside the loop over the
    post's issues: one MATCH per issue. Each word's heading hits (the score) are one list
    each, read once from the oldest match on, never probed per match."""
    for plan in searched(form, catalogue[1]):
        lines = plan.splitlines()
        fts = [n for n, line in enumerate(lines) if "issue_fts VIRTUAL TABLE" in line]
        assert lines[fts[0] - 1] == "MATERIALIZE matches", plan
        words = len(FORMS[form](catalogue[1]).words.split())
        assert len(fts) == 1 + words, plan
        for n in fts[1:]:
            assert lines[n - 1].startswith("LIST SUBQUERY"), plan
            assert lines[n].endswith(">"), plan  # rowid >= the oldest match
        assert not re.search(r"SCAN issue\b(?!_)", plan), plan


@pytest.mark.usefixtures("sqlite")
def test_sqlite_a_deep_catalogue_page_walks_the_listing_index(catalogue):
    plan = deep_page(catalogue[1])
    assert not re.search(r"SCAN issue\b(?!_)", plan), plan
    # The page is chosen by walking the index (then its 24 cards alone are sorted again).
    choice = plan.split("SCAN page")[0]
    assert "MATERIALIZE page" in choice, plan
    assert "ix_issue_listing" in choice, plan
    assert "TEMP B-TREE" not in choice, plan
