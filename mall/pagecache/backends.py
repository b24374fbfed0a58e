"""Where shared pages and the versions they were drawn under are kept.

`LocalBackend` (the default) keeps pages in the worker's memory, least recently used first
out past a byte budget, and the versions in small files of the instance folder, so every
worker of one machine (and its CLI commands) sees a bump at its next request. `RedisBackend`
keeps both in Redis (`MALL_CACHE_URL`), so several app nodes share pages and versions.

A lookup returns the current versions together with the stored page (one Redis round trip):
the page is good only if it was drawn under the same versions. A backend that fails (Redis
down) answers as if nothing were stored and logs it: the page is drawn as without a cache."""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

#: What a page's content depends on besides its request: the catalogue (issues, products,
#: posts, collections, pages), the exchange rates, and the products' stock alone.
VERSION_NAMES = ("catalogue", "rates", "stock")

#: The versions a lookup read, in `VERSION_NAMES` order.
Versions = tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A shared page as stored: its body with holes (`mall.pagecache.rendering`), the
    versions it was drawn under and its entity tag."""

    versions: Versions
    etag: str
    content_type: str
    body: bytes
    #: Whether the body has holes (add-to-cart forms): then no shared HTTP cache may keep it.
    holes: bool
    #: When it was drawn (seconds since the epoch: nodes compare it).
    drawn_at: float

    def dumps(self) -> bytes:
        head = {
            "versions": list(self.versions), "etag": self.etag, "type": self.content_type,
            "holes": self.holes, "drawn_at": self.drawn_at,
        }
        return json.dumps(head).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        head, _, body = raw.partition(b"\n")
        fields = json.loads(head)
        return cls(
            tuple(fields["versions"]), fields["etag"], fields["type"], body, fields["holes"],
            fields["drawn_at"],
        )


class Backend(Protocol):
    def lookup(self, key: str) -> tuple[Versions | None, Entry | None]:
        """The current versions (None when they cannot be read: do not cache) and the page
        stored under `key`, if any."""

    def put(self, key: str, entry: Entry, ttl: int) -> None: ...

    def versions(self) -> Versions | None:
        """The current versions alone, or None when they cannot be read."""

    def bump(self, names: Iterable[str]) -> None:
        """Give each named version a new value: every page drawn under the old one is stale."""

    def clear(self) -> None: ...


class LocalBackend:
    """Pages in this process's memory (at most `max_bytes` of bodies), versions in files
    under `version_dir` shared by the machine's workers."""

    def __init__(self, max_bytes: int, version_dir: str) -> None:
        self.max_bytes = max_bytes
        self._dir = Path(version_dir)
        self._pages: OrderedDict[str, tuple[float, Entry]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def lookup(self, key: str) -> tuple[Versions | None, Entry | None]:
        versions = self.versions()
        with self._lock:
            stored = self._pages.get(key)
            if stored is None:
                return versions, None
            expires, entry = stored
            if expires <= time.monotonic():
                self._drop(key)
                return versions, None
            self._pages.move_to_end(key)
            return versions, entry

    def put(self, key: str, entry: Entry, ttl: int) -> None:
        size = len(entry.body)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (time.monotonic() + ttl, entry)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def bump(self, names: Iterable[str]) -> None:
        """A new random value per version, written whole and renamed into place: two
        workers bumping at once both leave a value no page was drawn under."""
        self._dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            path = self._dir / f"{name}.version"
            temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temporary.write_text(secrets.token_hex(8))
            os.replace(temporary, path)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    @property
    def stored_bytes(self) -> int:
        return self._bytes

    def versions(self) -> Versions:
        values = []
        for name in VERSION_NAMES:
            try:
                values.append((self._dir / f"{name}.version").read_text())
            except FileNotFoundError:
                values.append("0")
        return tuple(values)

    def _drop(self, key: str) -> None:
        _expires, entry = self._pages.pop(key)
        self._bytes -= len(entry.body)


class RedisBackend:
    """Pages and versions in Redis, under `prefix`; pages expire by Redis itself."""

    def __init__(self, url: str, prefix: str = "mall:pagecache:") -> None:
        import redis  # only where Redis is configured: the client costs a worker ~7 MB

        self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._unreachable = redis.RedisError
        self._prefix = prefix
        self._version_keys = [f"{prefix}version:{name}" for name in VERSION_NAMES]

    def lookup(self, key: str) -> tuple[Versions | None, Entry | None]:
        pipe = self._redis.pipeline(transaction=False)
        pipe.mget(self._version_keys)
        pipe.get(self._prefix + "page:" + key)
        try:
            values, raw = pipe.execute()
        except self._unreachable:
            log.warning("page cache: Redis unreachable, drawing the page", exc_info=True)
            return None, None
        versions = tuple((value or b"0").decode() for value in values)
        if raw is None:
            return versions, None
        try:
            return versions, Entry.loads(raw)
        except (ValueError, KeyError, TypeError):  # stored by another release of the app
            return versions, None

    def versions(self) -> Versions | None:
        try:
            values = self._redis.mget(self._version_keys)
        except self._unreachable:
            log.warning("page cache: Redis unreachable, versions unknown", exc_info=True)
            return None
        return tuple((value or b"0").decode() for value in values)

    def put(self, key: str, entry: Entry, ttl: int) -> None:
        try:
            self._redis.set(self._prefix + "page:" + key, entry.dumps(), ex=ttl)
        except self._unreachable:
            log.warning("page cache: Redis unreachable, page not stored", exc_info=True)

    def bump(self, names: Iterable[str]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for name in names:
            pipe.incr(f"{self._prefix}version:{name}")
        try:
            pipe.execute()
        except self._unreachable:
            # Pages drawn before this change are served until they expire (the TTL bound).
            log.error("page cache: Redis unreachable, versions not bumped", exc_info=True)

    def clear(self) -> None:
        keys = list(self._redis.scan_iter(match=self._prefix + "*", count=500))
        if keys:
            self._redis.delete(*keys)


def make_backend(config: dict) -> Backend:
    """Redis when `CACHE_URL` names it, else this process's memory."""
    url = config.get("CACHE_URL") or ""
    if url:
        return RedisBackend(url)
    return LocalBackend(int(config["PAGE_CACHE_MAX_BYTES"]), config["PAGE_CACHE_VERSION_DIR"])
