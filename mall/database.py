"""Engine set-up that differs by dialect. SQLite is the embedded default, so it must behave
like a real transactional database: foreign keys on, and write transactions that take the
write lock up front, so that concurrent checkouts queue instead of failing mid-way. On
PostgreSQL, a statement whose plan depends on its values is never prepared, and the planner
costs pages read out of order as a server with its data in memory or on SSD reads them
(`POSTGRESQL_RANDOM_PAGE_COST`).

A request that only reads (`transaction.reads_only`: a GET, HEAD or OPTIONS whose view does
not declare that it writes) begins a deferred transaction instead: in WAL mode any number of
those read at once, where taking the write lock for every page made two workers serve fewer
pages than one (each page queued behind the lock, then slept in the busy handler)."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from mall import transaction

_listening = False


def configure(app: Flask) -> None:
    """Listen once per process; each listener acts on its own database's connections."""
    global _listening
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    # Copies, never the config class's own dicts: another app may use another database.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    connect_args = dict(options.get("connect_args", {}))
    if url.get_backend_name() == "sqlite":
        connect_args.setdefault("timeout", 30)
    cost = app.config.get("POSTGRESQL_RANDOM_PAGE_COST")
    if url.get_backend_name() == "postgresql" and cost not in (None, ""):
        # libpq's startup options, after any the URL gives (a schema's search_path).
        given = connect_args.get("options", url.query.get("options", ""))
        connect_args["options"] = f"{given} -c random_page_cost={float(cost)}".strip()
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not _listening:
        event.listen(Engine, "connect", _sqlite_connect)
        event.listen(Engine, "begin", _sqlite_begin)
        event.listen(Engine, "before_cursor_execute", _sqlite_read_guard)
        event.listen(Engine, "do_execute", _planned_for_values)
        _listening = True


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Hand transaction control to SQLAlchemy (pysqlite otherwise defers BEGIN and breaks
    # SAVEPOINT); see SQLAlchemy's "Serializable isolation / Savepoints" recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    if connection.dialect.name != "sqlite":
        return
    reading = transaction.reads_only()
    connection.info[_READING] = reading
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


#: Execution option of a statement whose plan depends on its values (a search's words).
PLAN_PER_VALUES = "mall_plan_per_values"


def _planned_for_values(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
    """Send a PLAN_PER_VALUES statement unprepared, so PostgreSQL plans it for its values.
    psycopg prepares a statement sent five times, and PostgreSQL may then reuse one generic
    plan for every value: for a search, a plan made without knowing the words (1.6 ms
    planned for "festival", 9 ms generic, on 1,000 issues). Other statements stay prepared:
    planning every one cost a storefront page 0.3 ms."""
    if not context.execution_options.get(PLAN_PER_VALUES) or context.dialect.driver != "psycopg":
        return False
    cursor.execute(statement, parameters, prepare=False)
    return True


def insert_new(session: Session, model: type[Any]) -> Any:
    """An INSERT into `model`'s table that skips a row whose unique key is taken already
    (`ON CONFLICT DO NOTHING`, which SQLite and PostgreSQL both speak): a row claimed by its
    key in one statement. A savepoint around a plain INSERT, to survive the duplicate's
    error, cost three round trips (SAVEPOINT, INSERT, RELEASE), and a look first for the
    row one more. Whether this statement made the row, its RETURNING says (an ORM
    INSERT reports no row count on PostgreSQL)."""
    module = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    return module.insert(model).on_conflict_do_nothing()


_READING = "mall_reading"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _sqlite_read_guard(
    connection: Any, _cursor: Any, statement: str, *_args: Any
) -> None:
    """A write inside a read transaction is a view that forgot `transaction.writes`: under
    concurrent writes its lock upgrade fails (SQLITE_BUSY), so it is refused at once where
    `READ_TRANSACTION_GUARD` is on (development, tests), not left to fail on a busy day."""
    if (
        connection.info.get(_READING)
        and statement.lstrip()[:7].upper().startswith(_WRITES)
        and transaction.guarded()
    ):
        raise transaction.UndeclaredWrite(statement)
