"""The admin's login throttle: after NEWSDESK_ADMIN_LOGIN_LIMIT failed logins (10 in 15
minutes by default) for one user name from one client, logins for that pair are refused
for the same period, the right password included.

Keyed on (user name, client): the client is an IPv4 address or an IPv6 /64 from
core.client_address, like every other limit. Keyed on both, a guesser elsewhere cannot
lock a colleague out from their own network, and one network cannot try more than the
limit against any account in a period.

The failures are kept in the shared cache (the database, or Redis), never in one
process's memory: a ring of LIMIT slots, each holding the time of one failure. Every
failure takes the next slot from an atomic counter, so concurrent failures never share
one, and a lock needs LIMIT failures that all happened within the window: exactly "10 in
any 15 minutes", not two fixed windows that an attacker could straddle.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from newsdesk.core.client_address import client_key
from newsdesk.core.ratelimit import cache_key, increment

# The counter that hands out slots outlives any window, so slots are not reused early.
SLOT_COUNTER_SECONDS = 24 * 3600


@dataclass(frozen=True)
class LoginThrottle:
    username: str
    client: str

    @classmethod
    def for_request(cls, request, username: str) -> "LoginThrottle":
        return cls(username.strip().casefold()[:300], client_key(request))

    @property
    def limit(self) -> int:
        return settings.NEWSDESK_ADMIN_LOGIN_LIMIT[0]

    @property
    def window(self) -> int:
        return settings.NEWSDESK_ADMIN_LOGIN_LIMIT[1]

    def _key(self, *parts) -> str:
        return cache_key("admin-login", f"{self.username}\n{self.client}", *parts)

    def seconds_locked(self, now: float | None = None) -> int:
        """How long logins for this pair stay refused (0: not refused)."""
        now = time.time() if now is None else now
        until = cache.get(self._key("locked-until"))
        return max(0, math.ceil(until - now)) if until else 0

    def record_failure(self, now: float | None = None) -> None:
        """Keep one failed login; the LIMIT-th within the window locks the pair."""
        if self.limit <= 0:
            return
        now = time.time() if now is None else now
        slot = increment(self._key("slot"), SLOT_COUNTER_SECONDS) % self.limit
        cache.set(self._key("failure", slot), now, timeout=self.window)
        times = cache.get_many([self._key("failure", n) for n in range(self.limit)]).values()
        if sum(1 for t in times if t > now - self.window) >= self.limit:
            cache.set(self._key("locked-until"), now + self.window, timeout=self.window)
