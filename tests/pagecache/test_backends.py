"""The backends on their own: the in-memory LRU's byte budget and expiry, versions shared
through files, and Redis (the local server at 127.0.0.1:6379) shared by two app nodes."""

from __future__ import annotations

import secrets
import time

import pytest
import redis

from mall.pagecache import cache
from mall.pagecache.backends import Entry, LocalBackend, RedisBackend, make_backend

REDIS_URL = "redis://127.0.0.1:6379/0"


def entry(body: bytes, versions=("0", "0", "0")) -> Entry:
    return Entry(versions=versions, etag="e", content_type="text/html", body=body, holes=False,
                 drawn_at=1.5)


def test_the_memory_budget_drops_the_least_recently_used(tmp_path):
    backend = LocalBackend(max_bytes=250, version_dir=str(tmp_path))
    for name in "abc":
        backend.put(name, entry(name.encode() * 100), ttl=60)
    assert backend.stored_bytes == 200  # "a" made room for "c"
    assert backend.lookup("a")[1] is None
    assert backend.lookup("b")[1] is not None  # now the most recently used
    backend.put("d", entry(b"d" * 100), ttl=60)
    assert backend.lookup("c")[1] is None
    assert backend.lookup("b")[1] is not None
    backend.put("huge", entry(b"x" * 1000), ttl=60)  # larger than the budget: not kept
    assert backend.lookup("huge")[1] is None
    assert backend.stored_bytes <= 250


def test_a_page_expires(tmp_path):
    backend = LocalBackend(max_bytes=10_000, version_dir=str(tmp_path))
    backend.put("a", entry(b"page"), ttl=0)
    assert backend.lookup("a")[1] is None
    assert backend.stored_bytes == 0


def test_workers_of_one_machine_share_the_versions(tmp_path):
    one = LocalBackend(max_bytes=10_000, version_dir=str(tmp_path))
    two = LocalBackend(max_bytes=10_000, version_dir=str(tmp_path))
    assert one.lookup("k")[0] == two.lookup("k")[0] == ("0", "0", "0")
    one.bump(["rates"])
    assert two.lookup("k")[0] == one.lookup("k")[0]
    catalogue, rates, stock = two.lookup("k")[0]
    assert (catalogue, rates != "0", stock) == ("0", True, "0")


def test_an_entry_survives_its_encoding():
    stored = Entry(("3", "7", "1"), "abc", "text/html; charset=utf-8", b"<p>\n\xc3\xa9</p>", True,
                   1764900000.25)
    assert Entry.loads(stored.dumps()) == stored


def test_the_configuration_chooses_the_backend(tmp_path):
    local = {"CACHE_URL": "", "PAGE_CACHE_MAX_BYTES": 1000, "PAGE_CACHE_VERSION_DIR": str(tmp_path)}
    assert isinstance(make_backend(local), LocalBackend)
    assert isinstance(make_backend({**local, "CACHE_URL": REDIS_URL}), RedisBackend)


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis server at {REDIS_URL} ({error}): start one to test this backend")
    prefix = f"mall-test:{secrets.token_hex(4)}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


def test_two_nodes_share_pages_and_versions_through_redis(redis_prefix):
    node_a = RedisBackend(REDIS_URL, prefix=redis_prefix)
    node_b = RedisBackend(REDIS_URL, prefix=redis_prefix)
    versions, found = node_a.lookup("page")
    assert (versions, found) == (("0", "0", "0"), None)
    node_a.put("page", entry(b"<html>", versions), ttl=30)
    versions_b, found_b = node_b.lookup("page")
    assert versions_b == versions
    assert found_b == entry(b"<html>", versions)
    node_b.bump(["catalogue"])
    assert node_a.lookup("page")[0] == ("1", "0", "0")  # the page is there, drawn under "0"
    node_a.clear()
    assert node_b.lookup("page")[1] is None


def test_a_page_stored_in_another_format_is_drawn_again(redis_prefix):
    backend = RedisBackend(REDIS_URL, prefix=redis_prefix)
    raw = redis.Redis.from_url(REDIS_URL)
    raw.set(redis_prefix + "page:page", b'{"versions": ["0", "0"], "etag": "e"}\n<html>')
    assert backend.lookup("page") == (("0", "0", "0"), None)


def test_redis_pages_expire(redis_prefix):
    backend = RedisBackend(REDIS_URL, prefix=redis_prefix)
    backend.put("page", entry(b"<html>"), ttl=1)
    time.sleep(1.2)
    assert backend.lookup("page")[1] is None


def test_an_unreachable_redis_draws_pages_as_without_a_cache(app, uruguay, monkeypatch, caplog):
    from mall.extensions import db
    from tests.support.hosts import storefront

    down = RedisBackend("redis://127.0.0.1:9/0")  # the discard port: nothing listens
    assert down.lookup("page") == (None, None)
    down.put("page", entry(b"x"), ttl=5)  # logged, not raised
    down.bump(["catalogue"])
    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    monkeypatch.setitem(app.extensions, "pagecache", down)
    response = app.test_client().get(storefront("uy") + "/issues/humedales")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response.headers
    assert 'name="csrf_token" value=""' not in response.get_data(as_text=True)
    uruguay.products[0].stock = 2
    db.session.commit()  # the bump fails, logged
    assert "Redis unreachable" in caplog.text
    assert cache() is down


def test_the_app_serves_pages_from_redis(app, uruguay, redis_prefix, monkeypatch):
    from mall.extensions import db
    from tests.support.hosts import storefront

    monkeypatch.setitem(app.config, "PAGE_CACHE", True)
    monkeypatch.setitem(app.extensions, "pagecache", RedisBackend(REDIS_URL, prefix=redis_prefix))
    issue = storefront("uy") + "/issues/humedales"
    assert app.test_client().get(issue).headers["X-Page-Cache"] == "miss"
    assert app.test_client().get(issue).headers["X-Page-Cache"] == "hit"
    uruguay.products[0].price_minor = 1800
    db.session.commit()
    response = app.test_client().get(issue)
    assert response.headers["X-Page-Cache"] == "miss"
    assert "18,00" in response.get_data(as_text=True)
