"""`/metrics`: this machine's counters plus what the database says right now.

Counters and histograms come from every process of the machine through the shared
directory (core.metrics). Queue depth, the age of the oldest waiting task and the
clustering lag are read from the database at scrape time: they are facts about the
shared queue, the same whichever machine is asked, and a counter could not know them.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpResponse
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from newsdesk.articles.models import Article
from newsdesk.operations.access import metrics_refusal


def metrics(request) -> HttpResponse:
    refusal = metrics_refusal(request)
    if refusal:
        return HttpResponse(refusal + "\n", status=403, content_type="text/plain")
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.NEWSDESK_METRICS_DIR))
    registry.register(DatabaseCollector())
    response = HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseCollector:
    """Gauges read from the database when Prometheus asks."""

    def collect(self):
        now = timezone.now()
        depth = GaugeMetricFamily(
            "newsdesk_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "newsdesk_queue_oldest_seconds",
            "How long the oldest task waiting to run has waited, by queue (0 when none).",
            labels=["queue"],
        )
        for queue, (count, age) in queue_state(now).items():
            depth.add_metric([queue], count)
            oldest.add_metric([queue], age)
        yield depth
        yield oldest
        yield GaugeMetricFamily(
            "newsdesk_clustering_lag_seconds",
            "How long the oldest stored article not yet in a story has waited (0 when none).",
            value=clustering_lag_seconds(now),
        )


def queue_state(now) -> dict[str, tuple[int, float]]:
    """{queue: (tasks waiting, seconds the oldest has waited)} for the database queue.

    Other task backends keep their queue elsewhere: then nothing is reported.
    """
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {}
    state = {queue: (0, 0.0) for queue in settings.TASKS["default"].get("QUEUES", ["default"])}
    rows = (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias)
        .values("queue_name")
        .annotate(count=Count("id"), since=Min("enqueued_at"))
    )
    for row in rows:
        state[row["queue_name"]] = (row["count"], max(0.0, (now - row["since"]).total_seconds()))
    return state


def clustering_lag_seconds(now) -> float:
    """Seconds since the oldest article inside the story window that has no story yet was
    stored. Older ones are left to recovery (pipeline.resume_stalled_work)."""
    window_start = now - timedelta(hours=settings.NEWSDESK_STORY_WINDOW_HOURS)
    oldest = (
        Article.objects.filter(created_at__gte=window_start, membership__isnull=True)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
