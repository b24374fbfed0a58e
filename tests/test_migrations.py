"""The migrations are the schema: from an empty database they build exactly what the models
describe (plus the hand-written search objects), and they take it all down again.

Runs on a database of its own, never the suite's: a temporary SQLite file, or on PostgreSQL
a temporary schema put first on the search path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import flask_migrate
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, make_url, text

from mall import create_app
from mall.app import init_migrations
from mall.config import TestConfig
from mall.extensions import db
from mall.posts.models import Post, PostStatus

SEARCH_OBJECTS = {
    "sqlite": {"issue_fts"},
    "postgresql": {"ix_issue_search_document"},
}


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    schema = f"migrations_{uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scratch = url.update_query_dict({"options": f"-csearch_path={schema}"})
        yield scratch.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _schema_objects() -> set[str]:
    inspector = inspect(db.engine)
    tables = set(inspector.get_table_names())
    indexes = {index["name"] for table in tables for index in inspector.get_indexes(table)}
    return tables | indexes


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(scratch_url: str) -> None:
    app = create_app(TestConfig, DATABASE_URL=scratch_url)
    init_migrations(app)
    with app.app_context():
        try:
            dialect = db.engine.dialect.name
            flask_migrate.upgrade()
            # What `flask db check` runs: autogenerate finds nothing to add, drop or alter.
            command.check(app.extensions["migrate"].migrate.get_config())
            assert SEARCH_OBJECTS[dialect] <= _schema_objects()

            flask_migrate.downgrade(revision="base")
            assert _schema_objects() == {"alembic_version"}

            flask_migrate.upgrade()  # nothing was left behind to get in the way
            assert SEARCH_OBJECTS[dialect] <= _schema_objects()
        finally:
            db.session.remove()
            db.engine.dispose()



def _live_post() -> Post:
    """Uruguay's post, live: what the migrations' tests write their issues under."""
    return Post(code="uy", name={"en": "Uruguay"}, shop_name={"en": "Shop"},
                country_name={"en": "Uruguay"}, default_locale="es", locales=["es"],
                currency="UYU", status=PostStatus.LIVE)


def test_migrations_keep_the_orders_already_there(scratch_url: str) -> None:
    """Rebuilding a table on SQLite (batch mode) drops the old one: with foreign keys on,
    that would cascade to every order line. The migrations run with them off."""
    from datetime import date

    from sqlalchemy import func, select

    from mall.catalogue.models import Condition, Issue, Product, ProductFormat
    from mall.orders.models import OrderLine, PostOrderStatus
    from tests.tenancy.factories import order_with_line

    app = create_app(TestConfig, DATABASE_URL=scratch_url)
    init_migrations(app)
    with app.app_context():
        try:
            flask_migrate.upgrade()
            post = _live_post()
            issue = Issue(post=post, slug="aves", title={"en": "Birds"},
                          issue_date=date(2020, 1, 1))
            db.session.add(issue)
            db.session.flush()
            product = Product(post_id=post.id, issue=issue, sku="A-1",
                              format=ProductFormat.SINGLE, condition=Condition.MINT,
                              price_minor=100, currency="UYU", stock=3)
            db.session.add(product)
            db.session.commit()
            order_with_line(product, PostOrderStatus.TO_SHIP)
            db.session.remove()

            flask_migrate.downgrade(revision="20261204_0006")
            flask_migrate.upgrade()
            assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 1
            assert db.session.scalar(select(func.count()).select_from(Product)) == 1
            if db.engine.dialect.name == "sqlite":  # the app's connections check them again
                assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("before", "revision", "body", "query"),
    [
        ("20261205_0020", "20261206_0021", "uy 2020", {"year": 2020}),
        ("20261206_0023", "20261206_0024", "uy 2020 uy2020", {"year": 2020, "country": "uy"}),
    ],
    ids=["0021 the year", "0024 the post's year"],
)
def test_a_filter_word_is_added_to_issues_indexed_before_it_and_removed_again(
        scratch_url: str, before: str, revision: str, body: str,
        query: dict[str, object]) -> None:
    """Migrations 0021 and 0024 write a word that filtered searches narrow the index by
    (the year; the post's code and year as one) into the text indexed before them, so a
    search with those filters still finds those issues."""
    from datetime import date

    from mall.catalogue.models import Issue
    from mall.catalogue.search import IssueSearch, SearchQuery, search_issues
    from mall.columns import utcnow

    app = create_app(TestConfig, DATABASE_URL=scratch_url)
    init_migrations(app)
    with app.app_context():
        try:
            flask_migrate.upgrade(revision=before)
            post = _live_post()
            issue = Issue(post=post, slug="aves", title={"en": "Birds"},
                          issue_date=date(2020, 1, 1), published_at=utcnow())
            db.session.add(issue)
            db.session.flush()
            # As `issue_document` wrote it before: without the word.
            written = body.rsplit(" ", 1)[0]
            db.session.add(IssueSearch(issue_id=issue.id, heading="birds bird", body=written))
            db.session.commit()

            flask_migrate.upgrade(revision=revision)
            assert db.session.get(IssueSearch, issue.id).body == body
            db.session.remove()
            flask_migrate.upgrade()
            found = search_issues(db.session, SearchQuery(words="birds", **query))
            assert [found_issue.slug for found_issue in found.items] == ["aves"]
            db.session.remove()

            flask_migrate.downgrade(revision=before)
            assert db.session.get(IssueSearch, issue.id).body == written
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_vectors_of_drafts_are_set_aside_and_written_again(scratch_url: str) -> None:
    """Migration 0023 (PostgreSQL) keeps only published issues' vectors, with their dates;
    its downgrade writes the drafts' again."""
    from datetime import date

    from mall.catalogue.models import Issue
    from mall.catalogue.search import IssueSearch
    from mall.columns import utcnow

    app = create_app(TestConfig, DATABASE_URL=scratch_url)
    init_migrations(app)
    with app.app_context():
        try:
            if db.engine.dialect.name != "postgresql":
                pytest.skip("PostgreSQL only: SQLite's FTS5 index holds every issue")
            flask_migrate.upgrade(revision="20261206_0022")
            post = _live_post()
            published = Issue(post=post, slug="aves", title={"en": "Birds"},
                              issue_date=date(2020, 1, 1), published_at=utcnow())
            draft = Issue(post=post, slug="flores", title={"en": "Flowers"},
                          issue_date=date(2021, 1, 1))
            db.session.add_all([published, draft])
            db.session.flush()
            db.session.add_all([IssueSearch(issue_id=issue.id, heading=word, body="uy")
                                for issue, word in ((published, "birds"), (draft, "flowers"))])
            db.session.commit()
            ids = published.id, draft.id
            vectors = text("SELECT issue_id FROM issue_fts ORDER BY issue_id")
            assert db.session.scalars(vectors).all() == list(ids)
            db.session.remove()

            flask_migrate.upgrade()
            dated = text("SELECT issue_id, issue_date FROM issue_fts")
            assert db.session.execute(dated).all() == [(ids[0], date(2020, 1, 1))]
            db.session.remove()

            flask_migrate.downgrade(revision="20261206_0022")
            assert db.session.scalars(vectors).all() == list(ids)
        finally:
            db.session.remove()
            db.engine.dispose()
