"""Browser tests: Debian's Chromium driven by Playwright against a live mall on loopback.

Two ways to name the hosts: `*.post.localhost:PORT` as in development, and the production
names `*.post` mapped to loopback by Chromium's host resolver, so the browser applies its
real public-suffix rules to `.post` (each storefront its own site)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from mall import create_app
from mall.config import TestConfig
from mall.extensions import db
from tests.support.checkout import TEST_KEY, WEBHOOK_SECRET
from tests.support.localstripe_server import localstripe  # noqa: F401 - the session fixture

CHROMIUM = os.environ.get("MALL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class _Dispatcher:
    """A WSGI callable whose app is set once the server knows its port."""

    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None
        return self.app(environ, start_response)


@dataclass
class LiveMall:
    """A mall served on 127.0.0.1 under one naming scheme."""

    domain: str
    port: int
    #: Port in URLs: empty when Chromium maps `*.post` to the real port by itself.
    url_port: str
    app: Flask

    def url(self, host: str, path: str = "/") -> str:
        suffix = f":{self.url_port}" if self.url_port else ""
        return f"http://{host}.{self.domain}{suffix}{path}"

    def portal(self, path: str = "/") -> str:
        return self.url("stamps", path)

    def storefront(self, code: str, path: str = "/") -> str:
        return self.url(f"stamps.{code}", path)


def _serve(database_url: str, domain: str, mapped: bool) -> tuple[LiveMall, Callable[[], None]]:
    dispatcher = _Dispatcher()
    server = make_server("127.0.0.1", 0, dispatcher, threaded=True)
    port = server.server_port
    url_port = "" if mapped else str(port)
    app = create_app(TestConfig, DATABASE_URL=database_url, DOMAIN=domain, PUBLIC_PORT=url_port)
    dispatcher.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():  # close pooled connections now, not at a random later GC
            db.engine.dispose()

    return LiveMall(domain, port, url_port, app), stop


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make test does, as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session", params=["post.localhost", "post"], ids=["dev-names", "post-names"])
def live_mall(request: pytest.FixtureRequest, app: Flask, database_url: str) -> Iterator[LiveMall]:
    """The mall on loopback, once with development names and once with production names."""
    domain = request.param
    mall, stop = _serve(database_url, domain, mapped=domain == "post")
    yield mall
    stop()


@pytest.fixture(scope="session")
def _browser_home() -> Iterator[str]:
    """A throwaway HOME and TMPDIR so Chromium leaves nothing behind."""
    home = tempfile.mkdtemp(prefix="mall-chromium-")
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def browser(_playwright: Any, live_mall: LiveMall, _browser_home: str) -> Iterator[Any]:
    args = list(CHROMIUM_ARGS)
    if live_mall.domain == "post":
        args.append(f"--host-resolver-rules=MAP *.post 127.0.0.1:{live_mall.port}")
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=args,
        env={**os.environ, "HOME": _browser_home, "TMPDIR": _browser_home},
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def card_mall(live_mall: LiveMall, localstripe: str) -> Iterator[LiveMall]:  # noqa: F811
    """The live mall in Stripe's test mode against localstripe, for one test."""
    settings = {
        "STRIPE_SECRET_KEY": TEST_KEY,
        "STRIPE_API_BASE": localstripe,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_MAX_NETWORK_RETRIES": 0,
    }
    saved = {name: live_mall.app.config.get(name) for name in settings}
    live_mall.app.config.update(settings)
    yield live_mall
    live_mall.app.config.update(saved)
