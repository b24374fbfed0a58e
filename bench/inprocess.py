"""`python -m bench.inprocess`: time the pages a buyer opens most, on the demo data, through
the WSGI app in-process (no network), and record the SQL statements each page sends.

Results are printed and written to bench/results/<UTC timestamp>.json, so that two runs
can be compared; medians and 95th percentiles over many requests, after a warm-up."""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask_migrate
from sqlalchemy import event, select

from mall import create_app
from mall.app import init_migrations
from mall.catalogue.models import Issue
from mall.config import TestConfig
from mall.demo.seed import seed
from mall.extensions import db
from mall.money import Money, format_money

RESULTS = Path(__file__).parent / "results"


def _measure(run: Callable[[], Any], repeat: int) -> dict[str, float]:
    for _ in range(max(3, repeat // 10)):
        run()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 3),
        "runs": repeat,
    }


def _pages(app: Any) -> dict[str, str]:
    with app.app_context():
        issue = db.session.scalars(select(Issue).order_by(Issue.id).limit(1)).one()
        code, slug = issue.post.code, issue.slug
    port = app.config["PUBLIC_PORT"]
    portal = f"http://stamps.{app.config['DOMAIN']}:{port}"
    shop = f"http://stamps.{code}.{app.config['DOMAIN']}:{port}"
    return {
        "portal home": portal + "/",
        "portal search (words)": portal + "/search?q=stamp",
        "portal search (filters)": portal + "/search?country=uy&year=2018",
        "storefront home": shop + "/",
        "storefront catalogue": shop + "/catalogue",
        "issue page": shop + f"/issues/{slug}",
        "issue artwork (SVG)": shop + f"/artwork/issues/{issue.id}.svg",
    }


def _statements(app: Any, client: Any, url: str) -> int:
    """How many SQL statements one request for `url` sends."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            response.close()
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="requests per page")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig, DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3")
        init_migrations(app)
        with app.app_context():
            flask_migrate.upgrade()
            seed(db.session)
            db.session.commit()
        results: dict[str, Any] = {}
        client = app.test_client()
        for name, url in _pages(app).items():
            timing = _measure(lambda url=url: client.get(url).close(), args.repeat)
            results[name] = {**timing, "sql_statements": _statements(app, client, url)}

        with app.test_request_context():
            amounts = [Money(n * 137, "UYU") for n in range(1, 101)]
            results["format_money x100 (es_UY)"] = _measure(
                lambda: [format_money(m, "es_UY") for m in amounts], args.repeat
            )

    width = max(map(len, results))
    print(f"{'benchmark':<{width}}  median ms   p95 ms   SQL")
    for name, row in results.items():
        sql = row.get("sql_statements", "")
        print(f"{name:<{width}}  {row['median_ms']:9.2f} {row['p95_ms']:8.2f}   {sql}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "results": results}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
