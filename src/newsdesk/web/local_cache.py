"""A cache in two tiers: this process's memory in front of the shared cache.

Django's page cache reads two keys for every page it serves (the list of headers the
page varies on, then the page). With the embedded default's DatabaseCache each read is
a query, and on PostgreSQL a round trip too; with Redis it is a round trip. Most of a
warm page's time went there. The first tier keeps the entries this process read or
wrote in memory for a few seconds, so a popular page costs a process one shared read
every LOCAL_SECONDS instead of two per request. The shared tier still renders a page
once for every process and machine.

A local copy never makes a page staler than the shared cache alone would: the shared
tier stores each value with the moment it expires, and a local copy is dropped at that
moment or after LOCAL_SECONDS, whichever comes first. LOCAL_SECONDS also bounds how long
a process keeps an entry that was deleted from the shared cache by another process.
The local tier holds at most LOCAL_BYTES of pickled values, least recently used dropped
first. Values are pickled there as in any cache, so every caller gets its own copy (a
cached response is changed by the middleware that sends it).

    CACHES["pages"] = {
        "BACKEND": "newsdesk.web.local_cache.LocalFirstCache",
        "OPTIONS": {"SHARED": "default", "LOCAL_SECONDS": 10, "LOCAL_BYTES": 32 * 2**20},
    }
"""

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# One local tier per cache alias (by LOCATION) and process, shared by its threads, as
# Django's own LocMemCache does: a backend instance exists per thread.
_tiers: dict[str, "LocalTier"] = {}
_tiers_lock = threading.Lock()


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
        expires_at, value = stored
        self._keep(key, value, expires_at)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        expires_at = self.get_backend_timeout(timeout)
        self.shared.set(key, (expires_at, value), timeout)
        self._keep(key, value, expires_at)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        expires_at = self.get_backend_timeout(timeout)
        added = self.shared.add(key, (expires_at, value), timeout)
        if added:
            self._keep(key, value, expires_at)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        """A new lifetime: stored again, since the shared value carries its deadline."""
        sentinel = object()
        value = self.get(key, sentinel, version=version)
        if value is sentinel:
            return False
        self.set(key, value, timeout, version=version)
        return True

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        self.local.delete(key)
        return self.shared.delete(key)

    def has_key(self, key, version=None):
        sentinel = object()
        return self.get(key, sentinel, version=version) is not sentinel

    def clear(self):
        """Empty this process's tier and the whole shared cache (as clear() always does)."""
        self.local.clear()
        self.shared.clear()

    def _keep(self, key: str, value, expires_at: float | None) -> None:
        seconds = self.local_seconds
        if expires_at is not None:
            seconds = min(seconds, expires_at - time.time())
        if seconds > 0:
            self.local.put(key, pickle.dumps(value, self.pickle_protocol), seconds)
        else:
            self.local.delete(key)
