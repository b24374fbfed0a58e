"""Which writes make shared pages stale, and when their versions move.

Every statement sent through SQLAlchemy is looked at (an engine event, so ORM flushes, bulk
`update(Product)` statements, Core inserts of `seed-bench`, the CLI's rate imports and a
test's wipe are all seen): an INSERT, UPDATE, DELETE or TRUNCATE of a table that shared
pages show marks its version as touched on that connection. When the transaction commits,
the versions move: after the commit for an ORM session (a page drawn meanwhile reads either
the old data under the old version or the new data), at the commit for a bare connection.
A rollback forgets what it touched. An update of nothing but a product's stock (every sale,
cancellation and release) moves the `stock` version, which a stored page may lag for
`PAGE_CACHE_STOCK_SECONDS` (`mall.pagecache.hooks`): on release day each sale would
otherwise redraw every page.

Tables shown on shared pages are those of the catalogue, the posts (names, status, shop
settings) and their content pages (`CATALOGUE_MODULES`), with their association tables;
the rates' (`RATES_MODULES`) have their own version. Anything written otherwise (by hand in
psql) shows once the page expires: `PAGE_CACHE_SECONDS`."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Connection, Engine, MetaData, event
from sqlalchemy.orm import Session, registry

CATALOGUE_MODULES = ("mall.catalogue.", "mall.posts.", "mall.content.")
RATES_MODULES = ("mall.rates.",)
#: Tables of those modules that no shared page shows (the back office's stock history, the
#: contact inbox).
UNSHOWN_TABLES = frozenset({"stock_movement", "contact_message", "contact_reply"})

_DML = re.compile(
    r'\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from|(truncate))\s+(?:table\s+)?"?(\w+)',
    re.IGNORECASE,
)
#: An update of a product's stock and nothing else: what every sale, cancellation and
#: release sends (`stock = stock - q`), and the ORM's flush of a stock-only change.
_STOCK_ONLY = re.compile(
    r'\s*update\s+"?product"?\s+set\s+stock\s*=[^,]*?(?:\s+where\b|\s*$)',
    re.IGNORECASE | re.DOTALL,
)
_TOUCHED = "mall.pagecache.touched"
#: Connections in an ORM session's transaction, and that session.
_SESSIONS: weakref.WeakKeyDictionary[Connection, Session] = weakref.WeakKeyDictionary()


def watched_tables(metadata: MetaData, mappers: registry) -> dict[str, str]:
    """{table name: version name} for every table whose rows shared pages show: tables of
    models in the watched modules, and association tables (no model) pointing at one."""
    watched: dict[str, str] = {}
    mapped: set[str] = set()
    for mapper in mappers.mappers:
        module = mapper.class_.__module__ + "."
        for table in mapper.tables:
            mapped.add(table.name)
            if table.name in UNSHOWN_TABLES:
                continue
            if module.startswith(CATALOGUE_MODULES):
                watched[table.name] = "catalogue"
            elif module.startswith(RATES_MODULES):
                watched[table.name] = "rates"
    for table in metadata.tables.values():
        if table.name in mapped:
            continue
        for key in table.foreign_keys:
            if watched.get(key.column.table.name) == "catalogue":
                watched[table.name] = "catalogue"
    return watched


def touched_versions(statement: str, watched: dict[str, str]) -> set[str]:
    """The versions a statement's write touches (none for a read)."""
    match = _DML.match(statement)
    if match is None:
        return set()
    truncate, table = match.groups()
    if truncate:  # TRUNCATE a, b, c: whatever it names
        return set(watched.values()) | {"stock"}
    version = watched.get(table.lower())
    if version == "catalogue" and _STOCK_ONLY.match(statement):
        return {"stock"}
    return {version} if version else set()


def listen(watched: dict[str, str]) -> None:
    """Install the listeners once per process (every engine, every session)."""
    _WATCHED.update(watched)
    if event.contains(Engine, "before_cursor_execute", _record):
        return
    event.listen(Engine, "before_cursor_execute", _record)
    event.listen(Engine, "commit", _at_commit)
    event.listen(Engine, "rollback", _forget)
    event.listen(Session, "after_begin", _session_began)
    event.listen(Session, "after_commit", _after_session_commit)
    event.listen(Session, "after_rollback", _after_session_rollback)


_WATCHED: dict[str, str] = {}


def _record(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    names = touched_versions(statement, _WATCHED)
    if names:
        conn.info.setdefault(_TOUCHED, set()).update(names)


def _at_commit(conn: Connection) -> None:
    names = conn.info.pop(_TOUCHED, None)
    if not names:
        return
    session = _SESSIONS.get(conn)
    if session is not None:
        session.info.setdefault(_TOUCHED, set()).update(names)
    else:
        bump(names)


def _forget(conn: Connection) -> None:
    conn.info.pop(_TOUCHED, None)


def _session_began(session: Session, _transaction: Any, conn: Connection) -> None:
    _SESSIONS[conn] = session


def _after_session_commit(session: Session) -> None:
    names = session.info.pop(_TOUCHED, None)
    if names:
        bump(names)


def _after_session_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def bump(names: Iterable[str]) -> None:
    """Move the named versions in the current app's cache. With the page cache off too:
    each worker's memos (`mall.memo`) are kept under the same versions."""
    if not has_app_context():
        return
    cache = current_app.extensions.get("pagecache")
    if cache is not None:
        cache.bump(sorted(names))
