"""What every request of a worker would otherwise rebuild from the same rows: the rate
table, the currency menu, the search form's choices. Built once per worker and key, and
kept while the data it comes from holds.

Each memo names the data versions it depends on (`mall.pagecache.versions`: "catalogue",
"rates"), which move after the commit of any write the app makes to their tables, in every
worker of the machine (files) or of every node (Redis). A value is also rebuilt after
`PAGE_CACHE_SECONDS`, the bound for rows written outside the app (by hand in psql). When the
versions cannot be read (Redis down), nothing is kept: each request builds its own."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import current_app, has_request_context, request

from mall.pagecache.backends import VERSION_NAMES, Versions

T = TypeVar("T")

#: Values kept per worker, least recently used out first: a few per locale and currency.
MAX_ENTRIES = 512


class Memo:
    """One app's memos: {(name, key): (versions it was built under, built at, value)}."""

    def __init__(self) -> None:
        self._values: OrderedDict[Hashable, tuple[Versions, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, versions: Versions, max_age: float) -> tuple[bool, Any]:
        with self._lock:
            stored = self._values.get(key)
            if stored is None:
                return False, None
            built_under, built_at, value = stored
            if built_under != versions or time.monotonic() - built_at >= max_age:
                del self._values[key]
                return False, None
            self._values.move_to_end(key)
            return True, value

    def put(self, key: Hashable, versions: Versions, value: Any) -> None:
        with self._lock:
            self._values[key] = (versions, time.monotonic(), value)
            self._values.move_to_end(key)
            while len(self._values) > MAX_ENTRIES:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def memoized(name: str, key: Hashable, depends_on: Iterable[str],
             build: Callable[[], T]) -> T:
    """`build()`, or what it returned for this `name` and `key` while the versions named in
    `depends_on` have not moved."""
    versions = _current_versions()
    if versions is None:
        return build()
    wanted = tuple(versions[VERSION_NAMES.index(version)] for version in depends_on)
    memo: Memo = current_app.extensions["memo"]
    found, value = memo.get((name, key), wanted, current_app.config["PAGE_CACHE_SECONDS"])
    if found:
        return value
    value = build()
    memo.put((name, key), wanted, value)
    return value


def _current_versions() -> Versions | None:
    """Read once per request (a few bytes of files, or one Redis round trip); kept in the
    request's environ rather than `g`, which a test's app context shares between requests."""
    read = current_app.extensions["pagecache"].versions
    if not has_request_context():
        return read()
    if _ENVIRON_KEY not in request.environ:
        request.environ[_ENVIRON_KEY] = read()
    return request.environ[_ENVIRON_KEY]


def share_versions(versions: Versions | None) -> None:
    """The versions the page cache's lookup just read for this request: its memos use them
    rather than read them a second time."""
    request.environ[_ENVIRON_KEY] = versions


_ENVIRON_KEY = "mall.data_versions"
