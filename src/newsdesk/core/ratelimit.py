"""Counters for limits, kept in Django's default cache (the database, or Redis).

Never in one process's memory: a limit must hold across web processes and machines.
Keys are hashed, so whatever a client sends (an address, a user name) makes a key of
fixed length and shape.
"""

import hashlib
import time

from django.core.cache import cache


def cache_key(scope: str, key: str, *parts) -> str:
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return ":".join(["newsdesk:rate", scope, digest, *map(str, parts)])


def increment(name: str, timeout: int) -> int:
    """Add one to the counter `name`, created at 0 with `timeout` if missing."""
    cache.add(name, 0, timeout=timeout)
    try:
        return cache.incr(name)
    except ValueError:  # evicted between add and incr
        cache.set(name, 1, timeout=timeout)
        return 1


def count_in_window(
    scope: str, key: str, limit: int, window: int, now: float | None = None
) -> tuple[bool, int]:
    """Count one attempt in a fixed window of `window` seconds; (over the limit, seconds
    left in the window). A limit of 0 or less counts nothing."""
    if limit <= 0:
        return False, 0
    now = time.time() if now is None else now
    slot = int(now // window)
    count = increment(cache_key(scope, key, slot), window + 60)
    return count > limit, window - int(now) % window
