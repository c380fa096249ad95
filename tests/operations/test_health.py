"""/healthz and /readyz: cheap, never cached, blind to queue lag, any Host header."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from loopback import free_port

pytestmark = pytest.mark.django_db

PROBER = {"HTTP_HOST": "10.1.2.3:8000"}  # a load balancer asks by address, not by name


def test_healthz_says_alive_to_any_host_and_is_never_stored(client):
    response = client.get("/healthz", **PROBER)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz", **PROBER)
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ready", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_turns_unready_when_the_cache_is_unreachable_and_back(client, settings):
    answered = client.get("/readyz")
    assert answered.status_code == 200
    # A Redis nobody listens on (loopback, a free port): the very next probe sees it.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        },
    }
    refused = client.get("/readyz")
    assert refused.status_code == 503
    body = json.loads(refused.content)
    assert body["status"] == "not ready" and body["cache"].startswith("unreachable")
    assert "database" not in body


def test_readyz_ignores_a_queue_that_has_fallen_behind(client, settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "clustering", "mail"],
        }
    }
    from newsdesk.pipeline import send_digests

    for _ in range(50):
        send_digests.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=6))
    assert client.get("/readyz").status_code == 200
