"""Engine options are per app and per database: an SQLite app must not leak its options into
the next app, and PostgreSQL plans every statement for its own values."""

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
    assert postgres_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {
        "options": "-c plan_cache_mode=force_custom_plan"}


def test_postgresql_never_reuses_a_plan_made_without_the_values(app):
    """psycopg prepares a statement sent five times; a generic plan would then serve every
    search whatever its words."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache: this suite runs on SQLite")
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
