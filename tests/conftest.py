"""Shared fixtures: one app and schema per run (built by the real migrations), a clean
database for every test, factories for the catalogue, and a query counter.

The database is SQLite in a temporary file unless MALL_TEST_DATABASE_URL names another
(CI runs the suite a second time against PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import count
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from mall import create_app
from mall.app import init_migrations
from mall.catalogue.models import Condition, Issue, Product, ProductFormat, Theme
from mall.config import TestConfig
from mall.extensions import db
from mall.posts.models import Post, PostStatus
from tests.support.client import BrowserClient

#: Tables the wipe leaves alone: migration bookkeeping and SQLite FTS5 shadow tables.
KEEP_TABLES = {"alembic_version"}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("MALL_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'mall-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(TestConfig, DATABASE_URL=database_url)
    init_migrations(app)
    app.test_client_class = BrowserClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        flask_migrate.upgrade()
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(app: Flask) -> Iterator[None]:
    """Every test starts from an empty schema and leaves one behind, and with a worker that
    has memoized nothing (`mall.memo`), so a page's first request sends the same queries
    whichever test ran before."""
    app.extensions["memo"].clear()
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    db.session.remove()
    _wipe()
    ctx.pop()


def _wipe() -> None:
    tables = set(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t}"' for t in tables - KEEP_TABLES)
            if names:
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        shadow = {t for t in tables if any(t.endswith(s) for s in _FTS_SHADOWS)}
        for table in reversed(db.metadata.sorted_tables):
            if table.name in tables:
                connection.execute(table.delete())
        for name in tables - shadow - KEEP_TABLES - set(db.metadata.tables):
            # Names come from the database's own catalogue, never from input.
            connection.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608


_FTS_SHADOWS = ("_data", "_idx", "_content", "_docsize", "_config")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """`with count_queries() as queries:` collects every SQL statement sent meanwhile."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter


_serial = count(1)

POST_DEFAULTS: dict[str, dict[str, Any]] = {
    "uy": {"currency": "UYU", "default_locale": "es", "locales": ["es", "en"],
           "name": {"es": "Correo Uruguayo", "en": "Uruguayan Post"},
           "country_name": {"es": "Uruguay", "en": "Uruguay"}},
    "nl": {"currency": "EUR", "default_locale": "nl", "locales": ["nl", "en"],
           "name": {"nl": "PostNL", "en": "PostNL"},
           "country_name": {"nl": "Nederland", "en": "Netherlands"}},
    "kh": {"currency": "KHR", "default_locale": "km", "locales": ["km", "en"],
           "name": {"km": "ប្រៃសណីយ៍កម្ពុជា", "en": "Cambodia Post"},
           "country_name": {"km": "កម្ពុជា", "en": "Cambodia"}},
    "jp": {"currency": "JPY", "default_locale": "en", "locales": ["en"],
           "name": {"en": "Japan Post"}, "country_name": {"en": "Japan"}},
}


@pytest.fixture
def make_post() -> Callable[..., Post]:
    def make(code: str = "uy", **values: Any) -> Post:
        fields = {
            "code": code,
            "shop_name": {"en": f"Philatelic shop {code.upper()}"},
            "status": PostStatus.LIVE,
            "community_id": f"POST-{code.upper()}-{next(_serial)}",
            **POST_DEFAULTS.get(code, {
                "currency": "EUR", "default_locale": "en", "locales": ["en"],
                "name": {"en": f"Post {code}"}, "country_name": {"en": code.upper()},
            }),
            **values,
        }
        post = Post(**fields)
        db.session.add(post)
        db.session.commit()
        return post

    return make


@pytest.fixture
def make_issue() -> Callable[..., Issue]:
    def make(post: Post, **values: Any) -> Issue:
        n = next(_serial)
        themes = values.pop("themes", [])
        fields = {
            "slug": f"issue-{n}",
            "title": {"en": f"Issue {n}"},
            "issue_date": date(2018, 1, 1),
            "published_at": datetime(2018, 1, 1, 9, tzinfo=UTC),
            **values,
        }
        issue = Issue(post=post, **fields)
        issue.themes = [_theme(slug) for slug in themes]
        db.session.add(issue)
        db.session.commit()
        return issue

    return make


def _theme(slug: str) -> Theme:
    theme = db.session.query(Theme).filter_by(slug=slug).one_or_none()
    return theme or Theme(slug=slug, name={"en": slug.title()})


@pytest.fixture
def make_product() -> Callable[..., Product]:
    def make(issue: Issue, **values: Any) -> Product:
        fields = {
            "sku": f"SKU-{next(_serial)}",
            "format": ProductFormat.SINGLE,
            "condition": Condition.MINT,
            "price_minor": 1500,
            "currency": issue.post.currency,
            "stock": 10,
            **values,
        }
        product = Product(post_id=issue.post_id, issue=issue, **fields)
        db.session.add(product)
        db.session.commit()
        return product

    return make
