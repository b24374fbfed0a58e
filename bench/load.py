"""`make bench`: the mall under load, as on a release day.

For each database (an SQLite file; PostgreSQL's `bench` database, recreated) and each scale
(1k and 10k issues; 200k with --full or BENCH_FULL=1), it builds the catalogue with
`flask mall seed-bench`, serves it with gunicorn in the production configuration (2 sync
workers, loopback, a free port), and loads every page with wrk (`-t2 -c16`) from a second
process. Placing an order takes a cart, an address, shipping and a reviewed quote per
order, which wrk cannot build: those orders are prepared first, and wrk posts each one's
form once; only the placing is timed.

Per page: requests per second, median and 99th-percentile latency, SQL statements of one
request (counted in-process, through the test client, against the same database), the
largest worker's resident memory after the load, and the share of the health endpoint's
requests per second measured beside it (each page in three slices, each after a second of
the health endpoint). One table per run is printed and written to
bench/results/<date>-<database>-<scale>.md and .json."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bench import flows
from bench.client import Browser, HTTPTransport, Reply, TestClientTransport
from bench.server import ROOT, Gunicorn, production_env
from mall.health import HEALTH_PATH

RESULTS = Path(__file__).parent / "results"
LUA = Path(__file__).parent / "wrk" / "bench.lua"
SECRET = "bench-only-secret-key-not-for-production"  # noqa: S105 - a throwaway server
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"


@dataclass
class Page:
    name: str
    host: str
    path: str
    #: For POSTs: the Lua data file of visitors and bodies (see bench/wrk/bench.lua).
    forms: Path | None = None
    cookie: str = ""
    #: For the in-process count of SQL statements, when a GET will not do: prepares the
    #: visitor (statements not counted) and returns the request to count.
    probe: Callable[[Browser], Callable[[], Reply]] | None = None
    #: One of the pages issue 11's targets name: measured cold, then again from the cache.
    target: bool = False
    #: Said under the table (what the page searched, where the name cannot say it: the
    #: scaling check matches pages by name from one catalogue to the next).
    note: str = ""


@dataclass
class Row:
    page: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    sql: int | None
    status: int | None
    rss_mb: float
    errors: int
    #: Percent of the health endpoint's req/s, measured beside this page's slices.
    share: float = 0.0
    #: That health measurement (req/s), and the machine's 1-minute load average after.
    health_rps: float = 0.0
    load_average: float = 0.0
    note: str = ""
    #: "cold" (the page cache off: every page drawn) or "cached" (served by the page cache).
    cache: str = "cold"
    target: bool = False


@dataclass
class Run:
    database: str
    scale: int
    when: str
    seconds: int
    seed_seconds: float
    seed_output: str
    #: `git describe --always --dirty` of the code measured.
    code: str
    rows: list[Row] = field(default_factory=list)


# -- Databases --------------------------------------------------------------------------------


@contextmanager
def sqlite_database(scale: int) -> Iterator[str]:
    folder = tempfile.mkdtemp(prefix="mall-bench-")
    try:
        yield f"sqlite:///{folder}/bench-{scale}.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """The `bench` database (or the one the URL names), dropped and created again."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')
    yield url


def postgres_unreachable(url: str) -> str | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        admin = make_url(url).set(drivername="postgresql", database="postgres")
        with psycopg.connect(admin.render_as_string(hide_password=False), connect_timeout=3):
            return None
    except Exception as error:  # noqa: BLE001 - any failure means: skip PostgreSQL
        return str(error).strip().splitlines()[0]


def seed_database(url: str, scale: int) -> tuple[float, str]:
    """Migrate and run `flask mall seed-bench --issues scale`; its time and summary."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALL_")}
    env["MALL_DATABASE_URL"] = url
    env["PYTHONPATH"] = str(ROOT)
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    subprocess.run(  # noqa: S603 - our own flask, fixed arguments
        [*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own flask, fixed arguments
        [*flask, "mall", "seed-bench", "--issues", str(scale)], cwd=ROOT,
        env=env, check=True, capture_output=True, text=True)
    return round(time.perf_counter() - started, 1), done.stdout.strip()


# -- The pages --------------------------------------------------------------------------------


@dataclass
class Catalogue:
    """What the pages are built from, read from the database."""

    shop: str
    issue_slug: str
    deep_page: int
    cart_products: list[int]
    add_products: list[int]
    order_products: dict[str, list[int]]
    rare_word: str
    #: Issues the rare word finds.
    rare_held_by: int
    scarce_word: str


def read_catalogue(app: Any) -> Catalogue:
    from sqlalchemy import func, select

    from mall.catalogue.models import Issue, Product
    from mall.demo.bench_seed import (
        SCARCE_RANK,
        SLUG_PREFIX,
        english_words,
        held_by,
        rare_word,
    )
    from mall.extensions import db
    from mall.posts.models import Post

    def products(code: str, n: int) -> list[int]:
        return list(db.session.scalars(
            select(Product.id).join(Post, Post.id == Product.post_id)
            .join(Issue, Issue.id == Product.issue_id)
            .where(Post.code == code, Product.stock >= 100, Issue.published_at.is_not(None))
            .order_by(Product.id).limit(n)))

    with app.app_context():
        shop = "uy"
        post_id = db.session.scalar(select(Post.id).where(Post.code == shop))
        slug = db.session.scalar(
            select(Issue.slug).where(Issue.post_id == post_id, Issue.slug.like(f"{SLUG_PREFIX}%"))
            .order_by(Issue.id).limit(1)) or db.session.scalar(
            select(Issue.slug).where(Issue.post_id == post_id).limit(1))
        issues = db.session.scalar(select(func.count()).where(
            Issue.post_id == post_id, Issue.published_at.is_not(None))) or 0
        pages = max(1, -(-issues // app.config["PAGE_SIZE"]))
        demo = ("uy", "nl", "bw", "kh", "ug", "tz")
        rare = rare_word(db.session)
        return Catalogue(
            shop=shop,
            issue_slug=slug,
            deep_page=pages,
            cart_products=products("uy", 2) + products("nl", 2) + products("bw", 1),
            add_products=[p for code in demo for p in products(code, 40)],
            order_products={code: products(code, 60) for code in demo},
            rare_word=rare,
            rare_held_by=held_by(db.session, rare),
            scarce_word=english_words()[SCARCE_RANK],
        )


def pages(catalogue: Catalogue, http: Callable[[], Browser], work: Path) -> list[Page]:
    from mall.demo.bench_seed import COMMON_WORD, SECOND_WORD

    portal, shop = flows.PORTAL, flows.storefront(catalogue.shop)
    common, rare = COMMON_WORD, catalogue.rare_word

    # A cart of 5 lines from 3 posts, kept by its cookie.
    cart_browser = http()
    flows.fill_cart(cart_browser, catalogue.cart_products)
    cart_cookie = cart_browser.cookie_header(portal)

    # Visitors who have added once (their visitor exists), for wrk to add more.
    visitors = []
    for index in range(32):
        browser = http()
        token = flows.fill_cart(browser, [catalogue.add_products[index]])
        body = (f"csrf_token={quote(token)}&product_id=@PRODUCT@&quantity=1&key=@KEY@"
                f"&next={quote('/cart', safe='')}")
        visitors.append({"cookie": browser.cookie_header(portal), "body": body})
    forms = work / "add-to-cart.lua"
    forms.write_text("return " + lua({"path": "/cart/add", "visitors": visitors,
                                      "products": [str(p) for p in catalogue.add_products]}))

    def probe_add(browser: Browser) -> Callable[[], Reply]:
        token = flows.fill_cart(browser, [catalogue.add_products[0]])
        form = flows.add_form(token, catalogue.add_products[1])
        return lambda: browser.post(portal, "/cart/add", form)

    def search(query: dict[str, Any]) -> str:
        return "/search?" + urlencode(query)

    year = 2015
    return [
        Page("health endpoint", portal, HEALTH_PATH),
        Page("portal home", portal, "/"),
        Page("storefront home", shop, "/", target=True),
        Page("catalogue, page 1", shop, "/catalogue", target=True),
        Page(f"catalogue, page {catalogue.deep_page} (last)", shop,
             f"/catalogue?page={catalogue.deep_page}"),
        Page("issue page", shop, f"/issues/{catalogue.issue_slug}", target=True),
        Page(f"search, common word ({common})", portal, search({"q": common}), target=True),
        Page("search, rare word", portal, search({"q": rare}),
             note=f"the word searched: {rare!r}, held by {catalogue.rare_held_by} issues"),
        Page(f"search, word in 1 issue of 200 ({catalogue.scarce_word})", portal,
             search({"q": catalogue.scarce_word})),
        Page(f"search, two words ({common} {SECOND_WORD})", portal,
             search({"q": f"{common} {SECOND_WORD}"})),
        Page(f"search, filters only (uy, {year})", portal,
             search({"country": "uy", "year": year})),
        Page(f"search, word + filters ({common}, uy, {year})", portal,
             search({"q": common, "country": "uy", "year": year})),
        Page("search, common word, page 50", portal, search({"q": common, "page": 50})),
        Page(f"storefront search ({common})", shop, search({"q": common})),
        Page("cart, 5 lines from 3 posts", portal, "/cart", cookie=cart_cookie),
        Page("add to cart", portal, "/cart/add", forms=forms, probe=probe_add),
    ]


def lua(value: Any) -> str:
    """A Lua literal of strings, lists and dicts (ASCII: cookies, tokens, form bodies)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    return json.dumps(str(value), ensure_ascii=True)


# -- Measuring --------------------------------------------------------------------------------


def wrk(server: Gunicorn, page: Page, seconds: int) -> dict[str, Any]:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency",
               "-s", str(LUA),
               "-H", f"Host: {page.host}"]
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    env = {**os.environ, "BENCH_FORMS": str(page.forms or "")}
    done = subprocess.run(  # noqa: S603 - wrk on loopback, arguments built here
        [*command, server.base + page.path], env=env, capture_output=True,
        text=True, check=True, timeout=seconds + 120)
    server.drain()
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


def count_statements(app: Any, page: Page, cookie: str) -> tuple[int, int]:
    """SQL statements and status of one request for `page`, in-process, after one that is
    not counted: the server's workers, warmed by wrk, keep the rates and menus (`mall.memo`),
    so the first request of this process would count reads they no longer send."""
    from sqlalchemy import event

    from mall.extensions import db

    browser = Browser(TestClientTransport(app))
    if cookie:
        browser.cookies[page.host] = dict(
            part.split("=", 1) for part in cookie.split("; "))
    send: Callable[[], Reply] = lambda: browser.get(page.host, page.path)  # noqa: E731
    if page.probe is not None:
        send = page.probe(browser)
    else:
        send()
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        reply = send()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements), reply.status


#: Slices each page is measured in, each right after a second of the health endpoint.
ROUNDS = 3


def slice_seconds(seconds: int) -> int:
    """How long each of a page's slices lasts, for `seconds` of load (--seconds)."""
    return max(1, round(seconds / ROUNDS))


def measure(app: Any, server: Gunicorn, page: Page, seconds: int, health: Page,
            cache: str = "cold") -> Row:
    """The page under wrk in ROUNDS slices, each right after a second of the health
    endpoint under wrk: the machine is shared and its speed drifts within seconds (the
    health endpoint measured before one page and the next: 2,900 and 4,000 req/s), so each
    page is compared with the limit measured beside its own slices. Requests per second
    are over all slices; latencies the median of the slices', so one slice at a slow
    moment does not decide a row."""
    wrk(server, page, 1)  # warm-up: workers' caches, the database's pages
    limits, slices = [], []
    for _ in range(ROUNDS):
        if page is not health:
            limits.append(wrk(server, health, 1))
        slices.append(wrk(server, page, slice_seconds(seconds)))
    rss = server.worker_rss_mb()
    sql, status = count_statements(app, page, page.cookie)  # cached: the first stores it

    def latency(key: str) -> float:
        return round(statistics.median(s[key] for s in slices) / 1000, 1)

    row = Row(page.name, rate(*slices), latency("p50_us"), latency("p95_us"),
              latency("p99_us"), sql, status, rss,
              sum(s["status_errors"] + s["socket_errors"] for s in slices), cache=cache,
              target=page.target, note=page.note)
    row.health_rps = rate(*limits) if limits else row.rps
    row.load_average = round(os.getloadavg()[0], 2)
    row.share = round(100 * row.rps / row.health_rps, 1) if row.health_rps else 0.0
    return row


def rate(*results: dict[str, Any]) -> float:
    """Requests per second over one or more wrk runs."""
    return round(sum(r["requests"] for r in results)
                 / (sum(r["duration_us"] for r in results) / 1e6), 1)


#: Orders placed per second beyond which the prepared orders run out before wrk's time
#: does: the placing lasts `orders / PLACING_CEILING` seconds.
PLACING_CEILING = 150


def place_orders(app: Any, server: Gunicorn, catalogue: Catalogue, n: int, work: Path) -> Row:
    """Prepare `n` orders up to their review page (8 at a time, over HTTP), then have wrk
    post their place-order forms (each once, its visitor's cookie with it; -t2 -c16 as every
    page) for `n / PLACING_CEILING` seconds. Orders per second are those the database holds
    afterwards over wrk's time; when every prepared order was placed, that is a floor."""
    codes = list(catalogue.order_products)

    def prepare(index: int) -> dict[str, str]:
        first, second = codes[index % len(codes)], codes[(index + 1) % len(codes)]
        chosen = [catalogue.order_products[first][index % 60],
                  catalogue.order_products[second][(index * 7) % 60]]
        browser = Browser(HTTPTransport(server.base))
        flows.fill_cart(browser, chosen)
        ready = flows.to_review(browser)
        return {"cookie": browser.cookie_header(flows.PORTAL), "body": urlencode(ready.form)}

    with ThreadPoolExecutor(8) as pool:
        prepared = list(pool.map(prepare, range(n)))
    forms = work / "place-order.lua"
    forms.write_text("return " + lua({"path": "/checkout/place", "orders": prepared}))
    before = orders_placed(app)
    seconds = max(2, round(n / PLACING_CEILING))
    result = wrk(server, Page("place order", flows.PORTAL, "/checkout/place", forms=forms),
                 seconds)
    rss = server.worker_rss_mb()
    placed = orders_placed(app) - before
    mail_lag = outbox_drained(app)

    browser = Browser(TestClientTransport(app))
    flows.fill_cart(browser, [catalogue.order_products[codes[0]][-1],
                              catalogue.order_products[codes[1]][-1]])
    ready = flows.to_review(browser)
    sql, status = count_statements(app, Page("place", flows.PORTAL, "/checkout/place",
                                             probe=lambda _b: ready.place), "")
    oversold = negative_stock(app)
    floor = "; every one: the rate is a floor" if placed >= n else ""
    return Row("place order", round(placed / (result["duration_us"] / 1e6), 1),
               round(result["p50_us"] / 1000, 1), round(result["p95_us"] / 1000, 1),
               round(result["p99_us"] / 1000, 1), sql, status, rss,
               result["status_errors"] + result["socket_errors"],
               note=f"{placed} of {n} prepared orders placed in {seconds} s{floor}; "
                    f"products below zero stock: {oversold}; the outbox worker had "
                    f"sent every confirmation {mail_lag:.1f} s after the last order")


def orders_placed(app: Any) -> int:
    from sqlalchemy import func, select

    from mall.extensions import db
    from mall.orders.models import Order

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Order)) or 0


def outbox_drained(app: Any, limit: float = 120.0) -> float:
    """Seconds until no task is left pending: the mail of the orders just placed is sent by
    the outbox worker beside gunicorn, as in production, and must keep up with them."""
    from sqlalchemy import func, select

    from mall.extensions import db
    from mall.outbox.models import OutboxTask, TaskState

    started = time.perf_counter()
    with app.app_context():
        pending = select(func.count()).where(OutboxTask.state == TaskState.PENDING)
        while db.session.scalar(pending):
            db.session.rollback()
            if time.perf_counter() - started > limit:
                raise RuntimeError(f"the outbox worker left mail unsent after {limit:.0f} s")
            time.sleep(0.1)
    return time.perf_counter() - started


def negative_stock(app: Any) -> int:
    from sqlalchemy import func, select

    from mall.catalogue.models import Product
    from mall.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).where(Product.stock < 0)) or 0


# -- A run ------------------------------------------------------------------------------------


def run(database: str, url: str, scale: int, seconds: int, orders: int) -> Run:
    from mall import create_app
    from mall.config import ProductionConfig

    print(f"\n== {database}, {scale:,} issues: seeding …", flush=True)
    seed_seconds, seed_output = seed_database(url, scale)
    print(f"   {seed_output.splitlines()[0]} ({seed_seconds} s in all)", flush=True)
    result = Run(database, scale, datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"), seconds,
                 seed_seconds, seed_output, code_version())
    # Every page cold first (the cache off: what a page costs to draw), then the target pages
    # again on a server with the production default, the page cache on.
    app = create_app(ProductionConfig, DATABASE_URL=url, SECRET_KEY=SECRET,
                     MAIL_TRANSPORT="outbox", PAGE_CACHE=False)
    with tempfile.TemporaryDirectory() as work, \
            Gunicorn(production_env(url, SECRET, page_cache=False)) as server:
        catalogue = read_catalogue(app)
        http = lambda: Browser(HTTPTransport(server.base))  # noqa: E731
        every = pages(catalogue, http, Path(work))
        for page in every:
            _report(result, measure(app, server, page, seconds, every[0]))
        if orders:
            baseline = rate(wrk(server, every[0], max(2, seconds // 2)))
            row = place_orders(app, server, catalogue, orders, Path(work))
            row.health_rps, row.load_average = baseline, round(os.getloadavg()[0], 2)
            row.share = round(100 * row.rps / baseline, 1)
            result.rows.append(row)
    cached = create_app(ProductionConfig, DATABASE_URL=url, SECRET_KEY=SECRET,
                        MAIL_TRANSPORT="outbox", PAGE_CACHE=True)
    with Gunicorn(production_env(url, SECRET, page_cache=True)) as server:
        for page in [every[0], *(page for page in every if page.target)]:
            _report(result, measure(cached, server, page, seconds, every[0], cache="cached"))
    for each in (app, cached):
        with each.app_context():
            from mall.extensions import db

            db.engine.dispose()
    return result


def _report(result: Run, row: Row) -> None:
    result.rows.append(row)
    print(f"   {row.page + ' (' + row.cache + ')':<58} {row.rps:8.1f} req/s  "
          f"p50 {row.p50_ms:7.1f} ms  p95 {row.p95_ms:7.1f} ms  SQL {row.sql}  "
          f"status {row.status}  ({row.share} % of health at {row.health_rps})", flush=True)


def code_version() -> str:
    """The commit measured, "-dirty" when code differs from it: not the results of an earlier
    run of the same day, which this run writes over."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,  # noqa: S603, S607
                              text=True, check=False).stdout.strip()

    commit = git("describe", "--always")
    if not commit:
        return "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".",
                  f":!{RESULTS.relative_to(ROOT)}")
    return f"{commit}-dirty" if changed else commit


def table(result: Run) -> str:
    lines = [
        f"## {result.database}, {result.scale:,} issues — {result.when}, code {result.code}",
        "",
        f"gunicorn 2 sync workers, MALL_ENV=production; wrk -t2 -c16 on loopback, each page "
        f"in {ROUNDS} slices of {slice_seconds(result.seconds)} s, each after 1 s of the "
        f"health endpoint; catalogue built in {result.seed_seconds} s (`flask mall seed-bench`). "
        "\"% of health\" compares each page with the health endpoint measured beside it "
        "(\"health req/s\"); latencies are the median of the slices'; \"load\" is the "
        "machine's 1-minute load average after the page (2 cores: above 2, something else "
        "was running).",
        "",
        "| page | cache | req/s | p50 ms | p95 ms | p99 ms | SQL | status | worker RSS MB "
        "| % of health | health req/s | load | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for row in result.rows:
        lines.append(f"| {row.page} | {row.cache} | {row.rps:,.1f} | {row.p50_ms:,.1f} | "
                     f"{row.p95_ms:,.1f} | {row.p99_ms:,.1f} | {row.sql} | {row.status} | "
                     f"{row.rss_mb} | {row.share} % | {row.health_rps:,.1f} | "
                     f"{row.load_average} | {row.errors} |")
    notes = [row for row in result.rows if row.note]
    if notes:
        lines += ["", *(f"- {row.page}: {row.note}" for row in notes)]
    lines += ["", "Issue 11's targets in this run:", "",
              *(_verdict(*check) for check in targets(result))]
    return "\n".join(lines) + "\n"


Check = tuple[str, bool, str]


def _verdict(name: str, held: bool, measured: str) -> str:
    return f"- {'met' if held else 'NOT MET'}: {name} ({measured})"


def targets(result: Run) -> list[Check]:
    """Issue 11's targets that one run can judge: shares of the health endpoint, memory,
    placing orders (on PostgreSQL) and, at 200k issues, the catalogue's build time."""
    checks: list[Check] = []
    for cache, floor in (("cold", 8.0), ("cached", 35.0)):
        for row in (r for r in result.rows if r.target and r.cache == cache):
            checks.append((f"{row.page}, {cache}: at least {floor:g} % of health",
                           row.share >= floor, f"{row.share} %"))
    rss = max(row.rss_mb for row in result.rows)
    checks.append(("worker RSS at most 120 MB", rss <= 120, f"{rss} MB"))
    placing = [row for row in result.rows if row.page.startswith("place order")]
    if placing and result.database == "postgresql":
        row = placing[0]
        checks.append(("place order: at least 100 orders/s, none oversold",
                       row.rps >= 100 and "below zero stock: 0" in row.note,
                       f"{row.rps} orders/s; {row.note}"))
    if result.scale >= 200_000:
        checks.append(("catalogue built in under 3 minutes", result.seed_seconds < 180,
                       f"{result.seed_seconds} s"))
    return checks


def scaling(small: Run, large: Run) -> list[Check]:
    """Search as the catalogue grows: each search form's p95 within 2× of the smaller
    catalogue's, and the same SQL statements per page. The p95s are compared in the time of
    the health endpoint measured next to each page (p95 × its req/s), as req/s are: the two
    runs are minutes apart and the machine's speed drifts between them (a quarter, seen
    here); the milliseconds themselves are shown beside."""
    before = {row.page: row for row in small.rows if row.cache == "cold"}
    checks: list[Check] = []
    for row in large.rows:
        if row.cache != "cold" or "search" not in row.page or row.page not in before:
            continue
        base = before[row.page]
        raw = row.p95_ms / base.p95_ms
        ratio = raw * row.health_rps / base.health_rps
        held = ratio <= 2 and row.sql == base.sql
        checks.append((f"{row.page}: p95 within 2x and SQL unchanged, {small.scale:,} to "
                       f"{large.scale:,} issues", held,
                       f"p95 {ratio:.2f}x: {base.p95_ms} to {row.p95_ms} ms ({raw:.2f}x) "
                       f"beside health at {base.health_rps:,.0f} and {row.health_rps:,.0f} "
                       f"req/s; SQL {base.sql} to {row.sql}"))
    return checks


def write(result: Run) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{result.when[:10]}-{result.database}-{result.scale}"
    stem.with_suffix(".md").write_text(table(result))
    stem.with_suffix(".json").write_text(json.dumps(asdict(result), indent=2) + "\n")
    return stem.with_suffix(".md")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default=os.environ.get("BENCH_DATABASES",
                                                              "sqlite,postgresql"))
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "1000,10000"),
                        help="issues per run, comma-separated (default 1000,10000)")
    parser.add_argument("--full", action="store_true", default=bool(os.environ.get("BENCH_FULL")),
                        help="also 200,000 issues (BENCH_FULL=1)")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)),
                        help="wrk's duration per page (default 5)")
    parser.add_argument("--orders", type=int, default=int(os.environ.get("BENCH_ORDERS", 600)),
                        help="orders prepared per run, placed for orders/150 seconds "
                             "(0: skip place-order)")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                                 DEFAULT_POSTGRES))
    args = parser.parse_args()
    # Stopped (SIGTERM), the run still stops its gunicorn and drops its temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("make bench: stopped"))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk; `make bench` does it as "
                 "root): no load test.")
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if args.full and 200_000 not in scales:
        scales.append(200_000)
    started = time.perf_counter()
    written: list[Path] = []
    failed: list[str] = []
    runs: dict[str, list[Run]] = {}
    for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
        if database == "postgresql":
            why = postgres_unreachable(args.postgres_url)
            if why:
                print(f"\nPostgreSQL skipped: cannot connect to {args.postgres_url} ({why}).")
                continue
        for scale in scales:
            place = (sqlite_database(scale) if database == "sqlite"
                     else postgres_database(args.postgres_url))
            try:
                with place as url:
                    result = run(database, url, scale, args.seconds, args.orders)
            except Exception as error:  # noqa: BLE001 - the other runs still go ahead
                failed.append(f"{database} at {scale:,} issues: {error!r}")
                print(f"\n{failed[-1]}", file=sys.stderr)
                continue
            print("\n" + table(result))
            written.append(write(result))
            runs.setdefault(database, []).append(result)
    for database, done in runs.items():
        if len(done) > 1:
            lines = [f"## {database}: search from {done[0].scale:,} to {done[-1].scale:,} "
                     f"issues — {done[-1].when}", "",
                     *(_verdict(*check) for check in scaling(done[0], done[-1]))]
            print("\n" + "\n".join(lines))
            path = RESULTS / f"{done[-1].when[:10]}-{database}-scaling.md"
            path.write_text("\n".join(lines) + "\n")
            written.append(path)
    print(f"Written: {', '.join(str(p.relative_to(ROOT)) for p in written)}")
    print(f"make bench took {time.perf_counter() - started:.0f} s.")
    if failed:
        sys.exit("Failed: " + "; ".join(failed))
