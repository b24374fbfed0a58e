"""Engine options are per app and per dialect: an SQLite app must not leak its options into
the next app, and PostgreSQL's connections plan with the page costs the mall is tuned for
(`POSTGRESQL_RANDOM_PAGE_COST`), keeping the startup options a URL gives."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mall import create_app
from mall.config import TestConfig
from mall.extensions import db


def test_sqlite_options_do_not_leak_into_an_app_on_another_database():
    sqlite_app = create_app(TestConfig, DATABASE_URL="sqlite://")
    postgres_app = create_app(TestConfig, DATABASE_URL="postgresql+psycopg://u@127.0.0.1/none")
    assert sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 30
    assert "timeout" not in postgres_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]


REMOTE = "postgresql+psycopg://mall@127.0.0.1:1/mall"


def _connect_args(url: str, **overrides: object) -> dict[str, object]:
    app = create_app(TestConfig, DATABASE_URL=url, **overrides)
    return app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]


def test_postgresql_connections_cost_pages_read_out_of_order_as_on_ssd():
    assert _connect_args(REMOTE)["options"] == "-c random_page_cost=1.1"
    assert _connect_args(REMOTE, POSTGRESQL_RANDOM_PAGE_COST=2)["options"] == (
        "-c random_page_cost=2.0")


def test_the_urls_own_startup_options_are_kept():
    url = REMOTE + "?options=-csearch_path%3Dshop"
    assert _connect_args(url)["options"] == "-csearch_path=shop -c random_page_cost=1.1"


def test_empty_leaves_the_servers_setting():
    assert "options" not in _connect_args(REMOTE, POSTGRESQL_RANDOM_PAGE_COST="")


def test_the_setting_reaches_the_server(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: this suite runs on SQLite (MALL_TEST_DATABASE_URL unset)")
    assert db.session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
