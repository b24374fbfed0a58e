"""A health endpoint for the load test's baseline: the same app, hosts, hooks and middleware,
answering "ok" without a template or a query of its own. The mall has no health endpoint
yet; this one is added only to the app the benchmark serves (bench/wsgi.py) and counts."""

from __future__ import annotations

from flask import Flask

from mall import hosts

HEALTH_PATH = "/_bench/health"


def health() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


def with_health(app: Flask) -> Flask:
    app.add_url_rule(HEALTH_PATH, "bench_health", health, subdomain=hosts.PORTAL_SUBDOMAIN)
    return app
