"""Requests that race: the same work in several threads at once, each with its own session
and database connection, as gunicorn's workers would run them. On PostgreSQL they really
run at once (what one locks, the others wait for); on SQLite writers take the lock in turn."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from mall.extensions import db

RACERS = 8


def race(app: Flask, work: Callable[[], Any], racers: int = RACERS) -> list[Any]:
    """`work` in `racers` threads at once, each committing its own transaction; what each
    returned, or the exception it raised. The test's own session holds no transaction
    meanwhile (on SQLite it would hold the write lock)."""
    db.session.commit()
    start = threading.Barrier(racers)
    outcomes: list[Any] = []

    def run() -> None:
        with app.app_context():
            start.wait()  # before any query: a waiting thread holds no transaction
            try:
                outcomes.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test reports any failure
                db.session.rollback()
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == racers
    return outcomes
