"""Health checks for load balancers and process supervisors.

`/healthz` says the process answers (liveness: restart it if not). `/readyz` says it can
serve pages: the database and the shared cache answer (readiness: send it traffic).
Neither looks at the task queues: a load balancer that dropped web processes because
workers fell behind would take the whole site down for a backlog readers never see.
Both are answered before the rest of the middleware, host check, sessions and page cache,
so that they cost a query or two and work with whatever Host header a prober sends.
"""

import json
import logging

from django.core.cache import caches
from django.db import connections
from django.http import HttpResponse

log = logging.getLogger(__name__)
NO_STORE = "no-store"


def healthz(request) -> HttpResponse:
    return _answer(200, {"status": "alive"})


def readyz(request) -> HttpResponse:
    failures = {name: reason for name, reason in _checks() if reason}
    if failures:
        return _answer(503, {"status": "not ready", **failures})
    return _answer(200, {"status": "ready", "database": "ok", "cache": "ok"})


def _checks():
    yield "database", _probe("database", _database)
    yield "cache", _probe("cache", _cache)


def _probe(name: str, check) -> str:
    """'' when the check passed, else a short reason (the full error goes to the log)."""
    try:
        check()
    except Exception as error:  # any failure means "not ready", whatever raised it
        log.warning("readyz: %s unreachable: %s", name, error)
        return f"unreachable ({type(error).__name__})"
    return ""


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    caches["default"].get("newsdesk:readyz")


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/json"
    )
    response["Cache-Control"] = NO_STORE
    return response
