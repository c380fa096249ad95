"""First in MIDDLEWARE: answers the operations endpoints and times every other request.

`/healthz`, `/readyz` and `/metrics` are answered here, before the host check, sessions,
CSRF and the page cache: probers and Prometheus reach a web process by its own address
(a Host header no ALLOWED_HOSTS lists), and none of the three may ever be cached.
Everything else is timed into `newsdesk_request_seconds` by page type; with
NEWSDESK_LOG_FORMAT=json each request is also logged as one JSON line (gunicorn's own
access log, plain text, is then off).
"""

import logging
import time

from django.conf import settings

from newsdesk.core import metrics
from newsdesk.core.client_address import client_address
from newsdesk.operations import health
from newsdesk.operations.metrics import metrics as metrics_view

access_log = logging.getLogger("newsdesk.access")
ENDPOINTS = {"/healthz": health.healthz, "/readyz": health.readyz, "/metrics": metrics_view}
class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is not None:
            return endpoint(request)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        page = metrics.page_type(request)
        metrics.observe_request(page, seconds)
        if settings.NEWSDESK_LOG_FORMAT == "json":
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    "page": page,
                    "duration_ms": round(seconds * 1000, 1),
                    "client": str(client_address(request) or ""),
                },
            )
        return response
