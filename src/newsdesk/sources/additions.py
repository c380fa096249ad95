"""Adding a source from the admin: discovery as a task, its progress where a page can
read it.

Discovery can take minutes (up to 40 fetches, each with the guarded client's timeout),
longer than a web request may run, so the admin's add form queues `discover_and_add`
(django.tasks) and sends the editor to a page that shows the attempts so far and, at the
end, the result. Progress lives in the shared cache under an id the page knows, so it
works with every task backend (those that keep results and those that do not) and from
any web process.
"""

import uuid
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.tasks import task
from django.utils import timezone

from newsdesk.sources.registry import SourceError, add_source

KEEP_SECONDS = 24 * 3600
PRIORITY = 20  # an editor is waiting: before polls (10) and queued extraction (0)


@dataclass
class Addition:
    """One add-by-URL request as its page shows it."""

    url: str
    topics: list[str]
    state: str = "queued"  # queued, running, added, existing, failed
    attempts: list[str] = field(default_factory=list)
    message: str = ""
    source_id: int | None = None
    started_at: str = field(default_factory=lambda: timezone.now().isoformat())
    updated_at: str = field(default_factory=lambda: timezone.now().isoformat())

    @property
    def finished(self) -> bool:
        return self.state in ("added", "existing", "failed")


def _key(addition_id: str) -> str:
    return f"newsdesk:sources:addition:{addition_id}"


def load(addition_id: str) -> Addition | None:
    stored = cache.get(_key(addition_id))
    return Addition(**stored) if stored else None


def _store(addition_id: str, addition: Addition) -> None:
    addition.updated_at = timezone.now().isoformat()
    cache.set(_key(addition_id), asdict(addition), KEEP_SECONDS)


def start(url: str, topics: list[str]) -> str:
    """Queue the discovery of `url`; returns the id its progress page reads."""
    addition_id = uuid.uuid4().hex
    _store(addition_id, Addition(url=url, topics=topics))
    discover_and_add.using(priority=PRIORITY).enqueue(addition_id, url, topics)
    return addition_id


@task(queue_name="default")
def discover_and_add(addition_id: str, url: str, topics: list[str]) -> str:
    """Find what to follow at `url` and follow it, recording each attempt as it is made."""
    addition = load(addition_id) or Addition(url=url, topics=topics)
    addition.state = "running"
    _store(addition_id, addition)

    def heard(attempt: str) -> None:
        addition.attempts.append(attempt)
        _store(addition_id, addition)

    try:
        added = add_source(url, topics=topics, on_attempt=heard)
    except SourceError as error:
        addition.state, addition.message = "failed", str(error)
        addition.attempts = error.attempts or addition.attempts
    else:
        addition.state = "added" if added.created else "existing"
        addition.message, addition.source_id = added.message, added.source.pk
    _store(addition_id, addition)
    return addition.state
