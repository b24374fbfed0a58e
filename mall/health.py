"""`GET stamps.<domain>/healthz`: "ok" while the app answers — for a load balancer's
liveness check and for `make bench`'s baseline. Through the same hosts, hooks and headers
as every page, without a template, a session or a query of its own, so it measures the
app's floor and never loads the database when a balancer polls it."""

from __future__ import annotations

from flask import Flask

from mall import hosts

HEALTH_PATH = "/healthz"


def health() -> tuple[str, int, dict[str, str]]:
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.add_url_rule(HEALTH_PATH, "health", health, subdomain=hosts.PORTAL_SUBDOMAIN)
