"""Pages are read in shared transactions on SQLite: a checkout holding the write lock does
not hold up the catalogue, and a view that writes on GET must say so (`transaction.writes`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from mall import create_app, hosts
from mall.catalogue.models import Theme
from mall.config import TestConfig
from mall.extensions import db
from mall.transaction import UndeclaredWrite, writes
from tests.support.hosts import PORTAL, storefront

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def sqlite_file(database_url: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's locks: PostgreSQL's readers never wait for a writer")
    assert url.database
    return url.database


@contextmanager
def write_lock(sqlite_file: str) -> Iterator[None]:
    """Another process's transaction holding the write lock, as a checkout placing an order."""
    other = sqlite3.connect(sqlite_file, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_pages_are_served_while_another_transaction_holds_the_write_lock(
    client, make_post, make_issue, make_product, sqlite_file
):
    uy = make_post("uy")
    make_product(make_issue(uy, title={"en": "Wetlands"}))
    db.session.commit()
    with write_lock(sqlite_file):
        replies = {url: client.get(url) for url in (
            storefront("uy") + "/", storefront("uy") + "/catalogue", PORTAL + "/search?q=w")}
    assert [reply.status_code for reply in replies.values()] == [200, 200, 200]
    assert b"Wetlands" in replies[storefront("uy") + "/catalogue"].data


@pytest.fixture
def writing_app(database_url: str) -> Iterator[Flask]:
    """An app with two GET views that write: one declares it, one does not."""
    app = create_app(TestConfig, DATABASE_URL=database_url)

    def add_theme(slug: str) -> str:
        db.session.add(Theme(slug=slug, name={"en": slug}))
        db.session.flush()
        return "added"

    @writes
    def declared() -> str:
        return add_theme("declared")

    def undeclared() -> str:
        return add_theme("undeclared")

    for view in (declared, undeclared):
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view,
                         subdomain=hosts.PORTAL_SUBDOMAIN)
    with app.app_context():
        yield app
        db.session.remove()


def test_a_get_that_writes_must_say_so(writing_app, sqlite_file):
    client = writing_app.test_client()
    assert client.get(PORTAL + "/test/declared").status_code == 200
    with pytest.raises(UndeclaredWrite, match=r"GET /test/undeclared \(undeclared\)"):
        client.get(PORTAL + "/test/undeclared")
    db.session.rollback()
    slugs = db.session.scalars(select(Theme.slug)).all()
    assert slugs == ["declared"]
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 1
