"""The desk's counters and histograms, in one place, for Prometheus.

Every process of a machine (web processes, task workers, the scheduler, a one-off
`newsdesk poll`) counts into files in one shared directory (prometheus-client's
multiprocess mode, NEWSDESK_METRICS_DIR); `/metrics` on any web process of that machine
adds them up (newsdesk.operations.metrics). Rooms call the small functions below at the
moment something happens; what is better read from the database when Prometheus asks
(queue depth, clustering lag) is not counted here.

Counters only go up: rates per second come from Prometheus (`rate(...[5m])`).
"""

import os
from pathlib import Path

from django.conf import settings

# prometheus-client picks its storage when it is first imported, from the environment:
# reading a setting first makes sure settings.py has set PROMETHEUS_MULTIPROC_DIR.
_DIRECTORY = settings.NEWSDESK_METRICS_DIR

from prometheus_client import Counter, Histogram  # noqa: E402

POLLS = Counter(
    "newsdesk_polls",
    "Polls of sources, by outcome (ok, not_modified, error) and error kind.",
    ["outcome", "error_kind"],
)
ENTRIES = Counter("newsdesk_entries_stored", "Feed entries stored for the first time.")
ARTICLES = Counter(
    "newsdesk_articles_stored", "Articles stored for the first time, by status.", ["status"]
)
STORIES = Counter("newsdesk_stories_created", "Stories opened by the clustering consumer.")
PAGE_CACHE = Counter(
    "newsdesk_page_cache_requests",
    "Public page requests the page cache answered (hit) or passed on (miss), by page type.",
    ["page", "result"],
)
REQUEST_SECONDS = Histogram(
    "newsdesk_request_seconds",
    "Time from request to response, by page type.",
    ["page"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
DELIVERIES = Counter(
    "newsdesk_deliveries",
    "Digest and alert mails handed to the mail server, by outcome "
    "(sent, retry, rejected, recipient_rejected).",
    ["outcome"],
)
MAIL_EVENTS = Counter(
    "newsdesk_mail_events",
    "Bounces and complaints received, by kind (hard_bounce, soft_bounce, complaint) "
    "and how they arrived (smtp, dsn, arf, a provider's webhook).",
    ["kind", "source"],
)

NO_ERROR = "none"

# url names of the public site that share a page type with another
PAGE_TYPE_OF_NAME = {
    "story_short": "story",
    "archive_day": "archive",
    "sitemap_section": "sitemap",
    "news_sitemap": "sitemap",
    "cookie_choice": "cookies",
    "cookie_settings": "cookies",
    "cookie_policy": "cookies",
}


def page_type(request) -> str:
    """A short, bounded name for what was asked: front, story, topic, feed, admin ..."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "static" if request.path.startswith(settings.STATIC_URL) else "unmatched"
    if match.namespace and match.namespace != "web":
        return match.namespaces[0]
    name = match.url_name or "other"
    if name.endswith("_feed"):
        return "feed"
    return PAGE_TYPE_OF_NAME.get(name, name)


def count_poll(error_kind: str | None, not_modified: bool = False) -> None:
    """One poll finished: error_kind is the fetch error's code, 'feed' for an unreadable
    document, None for a success."""
    if error_kind:
        POLLS.labels(outcome="error", error_kind=error_kind).inc()
    else:
        outcome = "not_modified" if not_modified else "ok"
        POLLS.labels(outcome=outcome, error_kind=NO_ERROR).inc()


def count_entries(new: int) -> None:
    if new:
        ENTRIES.inc(new)


def count_article(status: str) -> None:
    ARTICLES.labels(status=status).inc()


def count_story() -> None:
    STORIES.inc()


def count_page_cache(page: str, hit: bool) -> None:
    PAGE_CACHE.labels(page=page, result="hit" if hit else "miss").inc()


def observe_request(page: str, seconds: float) -> None:
    REQUEST_SECONDS.labels(page=page).observe(seconds)


_DELIVERIES_BY_OUTCOME: dict[str, object] = {}


def count_delivery(outcome: str) -> None:
    """Once per mail of an edition: the labelled counter is looked up once per outcome
    (labels() takes a lock and builds the key each time; the child is the same)."""
    counter = _DELIVERIES_BY_OUTCOME.get(outcome)
    if counter is None:
        counter = _DELIVERIES_BY_OUTCOME[outcome] = DELIVERIES.labels(outcome=outcome)
    counter.inc()


def count_mail_event(kind: str, source: str) -> None:
    MAIL_EVENTS.labels(kind=kind, source=source).inc()


def start_afresh_when_alone(directory: Path | None = None) -> bool:
    """Empty the directory when no process that counted into it is still alive.

    Called when a group of processes starts (`newsdesk run`, `worker`, `serve`). The
    counts of a machine whose processes all stopped then start again from zero, which
    Prometheus reads as the counter reset of a restarted target. While any process of
    the machine still runs, the files of dead ones are kept: their counts are part of
    the totals, and removing them would make the totals drop (a false reset, and a
    false spike in every rate). Returns whether the directory was emptied.
    """
    mine = str(os.getpid())
    files = [
        path
        for path in Path(directory or _DIRECTORY).glob("*.db")
        if path.stem.rpartition("_")[2] != mine
    ]
    pids = {path.stem.rpartition("_")[2] for path in files}
    if any(pid.isdigit() and _alive(int(pid)) for pid in pids):
        return False
    for path in files:
        path.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
