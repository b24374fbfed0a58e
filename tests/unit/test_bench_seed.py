"""`flask mall seed-bench`: the catalogue `make bench` loads, built as the app builds its own
(the search index and spelling filled), so the bench measures what a real mall would do."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from mall.catalogue.models import Issue
from mall.catalogue.search import SearchQuery, search_issues
from mall.demo.bench_seed import (
    COMMON_WORD,
    RARE_MATCHES,
    SCARCE_RANK,
    SLUG_PREFIX,
    english_words,
    held_by,
    rare_word,
)
from mall.extensions import db
from mall.posts.models import Post, PostStatus


def test_seed_bench_grows_the_demo_into_a_searchable_catalogue(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mall", "seed-bench", "--issues", "300", "--posts", "8"])
    assert result.exit_code == 0, result.output
    assert "Bench catalogue: 300 issues over 8 live posts" in result.output
    assert "pages written" in result.output
    made = db.session.scalar(
        select(func.count()).where(Issue.slug.like(f"{SLUG_PREFIX}%")))
    live = db.session.scalar(select(func.count()).where(Post.status == PostStatus.LIVE))
    assert (made, live) == (300, 8)
    common = search_issues(db.session, SearchQuery(words=COMMON_WORD))
    assert common.total > 30  # a common word: in a good share of the issues
    rare = rare_word(db.session)
    assert 0 < held_by(db.session, rare) <= RARE_MATCHES
    assert held_by(db.session, english_words()[SCARCE_RANK]) < common.total
    # A word no issue holds: not the count of the word a correction would search instead.
    assert search_issues(db.session, SearchQuery(words=COMMON_WORD + "x")).corrected
    assert held_by(db.session, COMMON_WORD + "x") == 0

    again = runner.invoke(args=["mall", "seed-bench", "--issues", "10"])
    assert again.exit_code != 0
    assert "already holds 300 bench issues" in again.output


def test_the_full_text_index_is_the_migrations_after_a_bulk_load(app):
    """On PostgreSQL the load sets the GIN index aside and builds it again after: the same
    index, by name and definition, is there for the app's searches."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 index is kept during the load")
    indexes = text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'issue_fts'"
                   " ORDER BY indexname")
    before = db.session.execute(indexes).all()
    assert any(" USING gin " in definition for _name, definition in before)
    db.session.rollback()
    result = app.test_cli_runner().invoke(args=["mall", "seed-bench", "--issues", "50"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(indexes).all() == before
