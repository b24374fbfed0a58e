"""Engine options are per app: an SQLite app must not leak its options into the next app."""

from __future__ import annotations

from mall import create_app
from mall.config import TestConfig


def test_sqlite_options_do_not_leak_into_an_app_on_another_database():
    sqlite_app = create_app(TestConfig, DATABASE_URL="sqlite://")
    postgres_app = create_app(TestConfig, DATABASE_URL="postgresql+psycopg://u@127.0.0.1/none")
    assert sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 30
    assert "connect_args" not in postgres_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
