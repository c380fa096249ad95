"""The desk's processes seen from outside, and the harm done to what they stored.

Shared by tests/test_scale_out.py and bench/chaos.py (which puts tests/ on its path),
both of which run Newsdesk's real commands as separate process groups, kill some of
their processes with SIGKILL and then count:

- entries lost (items the simulator's feeds listed that were never stored) and
  duplicated (one item stored as two entries), articles duplicated (one entry made into
  two articles) and articles without a story: ``entry_figures``;
- deliveries missed (a subscriber due a digest that the SMTP server never received) and
  sent twice (one Message-ID received twice): ``delivery_figures``;
- whether the desk is back to normal: no entry still new, no article without a story,
  no delivery still queued or being sent: ``back_to_normal``.

Processes are told apart by their command lines (``process_kind``): Linux /proc only.
The figures use the Django ORM: call them once Django is set up on the desk's database.
"""

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

KINDS = ("web", "worker", "clustering consumer", "scheduler", "supervisor")


# --- processes -------------------------------------------------------------------------------


def proc_tree(pid: int) -> list[int]:
    """pid and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def command_line(pid: int) -> tuple[list[str], int]:
    """(argv, parent pid) of a process; ([], 0) when it is gone."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return [], 0
    return argv, parent


def process_kind(argv: list[str]) -> str | None:
    """What a Newsdesk process is, by its command line: one of KINDS (None: not ours).

    "supervisor": `newsdesk worker`, `newsdesk serve` and `newsdesk run`, the process
    groups that start the others and start them again when they die (once started,
    `python -m newsdesk.processes`).
    """
    if "db_worker" in argv:
        queues = argv[argv.index("--queue-name") + 1] if "--queue-name" in argv else ""
        return "clustering consumer" if queues == "clustering" else "worker"
    if any(arg == "gunicorn" or arg.endswith("/gunicorn") for arg in argv):
        return "web"
    if "newsdesk.processes" in argv:  # a supervisor after ProcessGroup.run_lean
        return "supervisor"
    if not any(arg == "newsdesk.cli" or arg.endswith("/newsdesk") for arg in argv):
        return None
    if "scheduler" in argv:
        return "scheduler"
    if any(command in argv for command in ("worker", "serve", "run", "demo")):
        return "supervisor"
    return None


def takes_mail(argv: list[str]) -> bool:
    """A worker that takes the mail queue (the one that sends digests)."""
    if "--queue-name" not in argv:
        return False
    return "mail" in argv[argv.index("--queue-name") + 1].split(",")


def kinds_of(pids: Iterable[int]) -> dict[str, list[int]]:
    """The Newsdesk processes among pids, by kind."""
    found: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for pid in pids:
        kind = process_kind(command_line(pid)[0])
        if kind is not None:
            found[kind].append(pid)
    return found


# --- what the desk stored ----------------------------------------------------------------------


def entry_figures(generations: int, entries_per_feed: int) -> dict:
    """Entries the simulator's feeds listed against those stored; duplicates; articles
    without a story.

    Farm feeds (hosts under .farm.localhost) list `entries_per_feed` new items per
    generation; every other source is fetched again now and its items counted.
    """
    from django.db.models import Count

    from newsdesk.articles.models import Article
    from newsdesk.sources.entries import ParsedFeed
    from newsdesk.sources.fetch import FetchPolicy, FetchRequest, fetch_many
    from newsdesk.sources.models import Entry, Source
    from newsdesk.sources.polling import read_result

    expected: set[tuple[int, str]] = set()
    unreadable: list[str] = []
    farm = list(Source.objects.filter(url__contains=".farm.localhost"))
    for source in farm:
        feed = source.url.rsplit("/", 2)[1]  # "f00012"
        expected |= {
            (source.pk, Entry.hash_key(f"guid:farm-{feed}-n{item}"))
            for item in range(generations * entries_per_feed)
        }
    publishers = list(Source.objects.exclude(pk__in=[s.pk for s in farm]))
    results = fetch_many([FetchRequest(url=s.url, kind="feed") for s in publishers],
                         FetchPolicy.from_settings())
    for source, result in zip(publishers, results, strict=True):
        read = read_result(source, result)
        if isinstance(read, ParsedFeed):
            expected |= {(source.pk, Entry.hash_key(e.identity_key())) for e in read.entries}
        else:
            unreadable.append(f"{source.url}: {read or result.error}")
    stored = set(Entry.objects.values_list("source_id", "key_hash"))
    duplicated_entries = sum(
        row["n"] - 1
        for row in Entry.objects.exclude(link="").values("source_id", "link")
        .annotate(n=Count("id")).filter(n__gt=1)
    )
    duplicated_articles = sum(
        row["n"] - 1
        for row in Article.entries.through.objects.values("entry_id")
        .annotate(n=Count("id")).filter(n__gt=1)
    )
    return {
        "entries_expected": len(expected),
        "entries_stored": len(stored),
        "entries_lost": len(expected - stored),
        "entries_duplicated": duplicated_entries,
        "feeds_not_read_again": unreadable,
        "articles": Article.objects.count(),
        "articles_duplicated": duplicated_articles,
        "articles_without_story": Article.objects.filter(membership__isnull=True).count(),
    }


def delivery_figures(subscriber_ids: list[int], received_message_ids: Iterable[str]) -> dict:
    """Deliveries due to the subscribers against the Message-IDs the SMTP server received."""
    from newsdesk.newsletter.models import Delivery

    deliveries = list(
        Delivery.objects.filter(subscriber_id__in=subscriber_ids)
        .values_list("subscriber_id", "state", "message_id")
    )
    received = Counter(received_message_ids)
    due = [(s, state, m) for s, state, m in deliveries if state != Delivery.State.SKIPPED]
    never_planned = len(set(subscriber_ids) - {s for s, _, _ in deliveries})
    not_received = sum(1 for _, _, message_id in due if message_id not in received)
    return {
        "subscribers": len(subscriber_ids),
        "deliveries_due": len(due),
        "deliveries_skipped": len(deliveries) - len(due),
        "deliveries_received": sum(1 for _, _, m in due if m in received),
        "deliveries_missed": never_planned + not_received,
        "deliveries_sent_twice": sum(n - 1 for n in received.values() if n > 1),
    }


def back_to_normal(subscriber_ids: list[int]) -> tuple[str, bool]:
    """(what is still pending, in words; True when nothing is)."""
    from newsdesk.articles.models import Article
    from newsdesk.newsletter.models import Delivery
    from newsdesk.sources.models import Entry

    waiting = Entry.objects.filter(state=Entry.State.NEW).count()
    orphans = Article.objects.filter(membership__isnull=True).count()
    unsent = Delivery.objects.filter(
        state__in=[Delivery.State.QUEUED, Delivery.State.SENDING]
    ).count()
    unplanned = len(subscriber_ids) - Delivery.objects.filter(
        subscriber_id__in=subscriber_ids
    ).count()
    progress = (f"{waiting} entries new, {orphans} articles without a story, "
                f"{unsent} deliveries unsent, {unplanned} subscribers not planned")
    return progress, not (waiting or orphans or unsent or unplanned)
