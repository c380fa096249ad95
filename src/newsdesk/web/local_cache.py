"""A cache in two tiers: this process's memory in front of the shared cache.

The page cache (caching.py) reads one key for every page it serves. With the embedded
default's DatabaseCache each read is a query, and on PostgreSQL a round trip too; with
Redis it is a round trip. Most of a warm page's time went there. The first tier keeps
the entries this process read or wrote in memory for a few seconds, so a popular page
costs a process one shared read every LOCAL_SECONDS instead of one per request. The
shared tier still renders a page once for every process and machine.

A local copy never makes a page staler than the shared cache alone would: the shared
tier stores each value with the moment it expires, and a local copy is dropped at that
moment or after LOCAL_SECONDS, whichever comes first. LOCAL_SECONDS also bounds how long
a process keeps an entry that was deleted from the shared cache by another process.
The local tier holds at most LOCAL_BYTES of pickled values, least recently used dropped
first. Values are pickled there as in any cache, so every caller gets its own copy (a
cached response is changed by the middleware that sends it).

When an entry's lifetime ends, every process would miss it at once and render the same
page side by side, under load, for every page at the same time: a burst of slow
responses every NEWSDESK_PAGE_CACHE_SECONDS. So the shared tier keeps an entry for
STALE_SECONDS past its lifetime, and one caller at a time (across processes: a claim
added to the shared cache) is told a page is missing and renders it anew, while the
others are given the previous copy until the new one is stored. A page is then at most its
lifetime plus the time one rendering takes out of date (plus STALE_SECONDS if every
rendering in that time failed).

    CACHES["pages"] = {
        "BACKEND": "newsdesk.web.local_cache.LocalFirstCache",
        "OPTIONS": {"SHARED": "default", "LOCAL_SECONDS": 10, "LOCAL_BYTES": 32 * 2**20,
                    "STALE_SECONDS": 10},
    }
"""

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.http import HttpResponseBase

# One local tier per cache alias (by LOCATION) and process, shared by its threads, as
# Django's own LocMemCache does: a backend instance exists per thread.
_tiers: dict[str, "LocalTier"] = {}
_tiers_lock = threading.Lock()
# How long one caller's claim to render an expired entry anew holds off the others.
REFRESH_CLAIM_SECONDS = 5
# How long a process serves an expired copy from memory while another renders it anew.
STALE_COPY_SECONDS = 1


def forget_local_copies() -> None:
    """Empty every local tier of this process (tests, which share one process, use it)."""
    with _tiers_lock:
        tiers = list(_tiers.values())
    for tier in tiers:
        tier.clear()


class LocalTier:
    """Pickled values with a deadline, bounded in bytes, least recently used first out."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.monotonic():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, data: bytes, seconds: float) -> None:
        with self.lock:
            self._drop(key)
            if seconds <= 0 or len(data) > self.max_bytes:
                return
            self.entries[key] = (time.monotonic() + seconds, data)
            self.size += len(data)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def delete(self, key: str) -> None:
        with self.lock:
            self._drop(key)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def _drop(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry[1])


class LocalFirstCache(BaseCache):
    """This process's memory first, then the cache alias named by OPTIONS["SHARED"]."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, location: str, params: dict):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.shared_alias = options.get("SHARED", "default")
        self.local_seconds = float(options.get("LOCAL_SECONDS", 10))
        self.stale_seconds = max(0, int(options.get("STALE_SECONDS", 10)))
        with _tiers_lock:
            self.local = _tiers.setdefault(
                location or "pages", LocalTier(int(options.get("LOCAL_BYTES", 32 * 2**20)))
            )

    @property
    def shared(self) -> BaseCache:
        return caches[self.shared_alias]

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        data = self.local.get(key)
        if data is not None:
            return pickle.loads(data)  # noqa: S301 - bytes this process pickled itself
        stored = self.shared.get(key)
        if stored is None:
            return default
        fresh_until, value = stored
        if fresh_until is not None and fresh_until <= time.time():
            # Past its lifetime: the caller that claims the refresh renders it anew,
            # everyone else is served this copy until the new one is stored (kept here
            # for a second, so that waiting costs this process no shared read a request).
            # Only a page is claimed: any other value is served as it is until replaced.
            if isinstance(value, HttpResponseBase) and self._claim_refresh(key):
                return default
            self.local.put(key, pickle.dumps(value, self.pickle_protocol), STALE_COPY_SECONDS)
            return value
        self._keep(key, value, fresh_until)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._store(self.make_and_validate_key(key, version=version), value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store unless the shared cache holds the key (an entry past its lifetime too)."""
        key = self.make_and_validate_key(key, version=version)
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        fresh_until = self.get_backend_timeout(timeout)
        added = self.shared.add(key, (fresh_until, value), self._kept_for(timeout))
        if added:
            self._keep(key, value, fresh_until)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        """A new lifetime: stored again, since the shared value carries its deadline."""
        key = self.make_and_validate_key(key, version=version)
        stored = self.shared.get(key)
        if stored is None:
            return False
        self._store(key, stored[1], timeout)
        return True

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        self.local.delete(key)
        return self.shared.delete(key)

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        if self.local.get(key) is not None:
            return True
        stored = self.shared.get(key)
        return stored is not None and (stored[0] is None or stored[0] > time.time())

    def clear(self):
        """Empty this process's tier and the whole shared cache (as clear() always does)."""
        self.local.clear()
        self.shared.clear()

    def _store(self, key: str, value, timeout) -> None:
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        fresh_until = self.get_backend_timeout(timeout)
        self.shared.set(key, (fresh_until, value), self._kept_for(timeout))
        self._keep(key, value, fresh_until)

    def _claim_refresh(self, key: str) -> bool:
        """True for one caller at a time across processes (the claim lapses on its own)."""
        if not self.stale_seconds:
            return True
        claim = f"{key}:refresh"
        # Reading first spares the shared cache a write from every caller in the window.
        return self.shared.get(claim) is None and self.shared.add(
            claim, True, REFRESH_CLAIM_SECONDS
        )

    def _kept_for(self, timeout: float | None) -> float | None:
        """How long the shared tier keeps an entry: its lifetime, then a stale while."""
        if timeout is None or timeout <= 0:
            return timeout
        return timeout + self.stale_seconds

    def _keep(self, key: str, value, fresh_until: float | None) -> None:
        seconds = self.local_seconds
        if fresh_until is not None:
            seconds = min(seconds, fresh_until - time.time())
        if seconds > 0:
            self.local.put(key, pickle.dumps(value, self.pickle_protocol), seconds)
        else:
            self.local.delete(key)
