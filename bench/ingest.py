"""Ingestion benchmark: the real scheduler and worker polling a feed farm on loopback.

The publisher simulator serves N feeds of 20 entries over 100 host names with a
fixed latency on every response. Newsdesk runs as in production — `newsdesk
scheduler` and `newsdesk worker` processes, global fetch concurrency 64 — against a
fresh database, and polls are counted at the simulator. Measured in one run:

- cold, feeds only: every feed new; entries stored per second, CPU seconds per entry
  (scheduler + worker processes);
- warm: every feed answers 304; feeds per second through the whole path, against a
  bare aiohttp loop sending the same conditional requests at the same concurrency;
- cold with pages: a smaller set of new feeds whose article pages are fetched and
  extracted; entries (articles) stored per second;
- peak resident memory (VmHWM) of each process kind — web (gunicorn), worker,
  clustering consumer, scheduler, and the supervisors that start them — of the largest
  Newsdesk process and of all of them together. The web server is asked for the front
  page and a search every 5 s, so it does a reader's work while the desk ingests. The
  run ends once every article (with pages too) is in a story, so the clustering
  consumer's peak is that of its whole index.
  peak_rss_mb_total adds up each process's own peak (they need not come at once);
  peak_rss_mb_together is the most all of them held at one moment (sampled 5 times a
  second).

Progress goes to stderr; with --json the last line of stdout is one JSON object. Stopped
early (a stage's time limit, SIGTERM, Ctrl-C), it prints what it measured so far, with
"stopped_early" saying why, and exits with status 1.
Usage: bench/ingest.py [--feeds 10000] [--page-feeds 500] [--latency-ms 100]
                       [--database sqlite|postgresql] [--json]
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import (
    cpu_seconds,
    free_port,
    fresh_postgres_database,
    peak_rss_mb,
    proc_tree,
    rss_mb,
    say,
)
from desk_harness import KINDS, command_line, process_kind

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY = 64
ENTRIES_PER_FEED = 20
FARM_HOSTS = 100


# --- processes and their resources ---------------------------------------------------------


class Desk:
    """The web server, scheduler and worker processes, started with the benchmark's
    environment; the peak resident memory of each, by kind."""

    def __init__(self, env: dict):
        self.env = env
        self.procs: list[subprocess.Popen] = []
        self.peaks: dict[int, float] = {}
        self.kinds: dict[int, str] = {}
        self.images: dict[int, list[str]] = {}
        self.together = 0.0
        self.web_port = free_port()

    def start(self) -> None:
        newsdesk = str(ROOT / ".venv" / "bin" / "newsdesk")
        for args in (
            ["worker", "--interval", "0.2"],
            ["scheduler", "--interval", "1"],
            ["serve", "--host", "127.0.0.1", "--port", str(self.web_port)],
        ):
            self.procs.append(
                subprocess.Popen(
                    [newsdesk, *args],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def pids(self) -> list[int]:
        pids = []
        for proc in self.procs:
            pids += proc_tree(proc.pid)
        return pids

    def sample_memory(self) -> None:
        """Each process's peak (VmHWM), and the largest sum of resident memory (VmRSS) of
        all of them at one moment. A supervisor replaces its image (exec) once it has
        started its children: its peak is counted from then on (Linux starts VmHWM
        again at exec; before, for its first seconds, it held what `newsdesk worker`
        or `newsdesk serve` loaded to read the settings)."""
        now = 0.0
        for pid in self.pids():
            argv = command_line(pid)[0]
            if not argv:  # exited (a zombie until its parent waits): its peak stays counted
                continue
            if self.images.get(pid) != argv:
                self.images[pid] = argv
                self.peaks.pop(pid, None)
                kind = process_kind(argv)
                if kind is None:
                    self.kinds.pop(pid, None)
                    continue
                self.kinds[pid] = kind
            if pid not in self.kinds:
                continue
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak_rss_mb(pid))
            now += rss_mb(pid)
        self.together = max(self.together, now)

    def visit_site(self) -> None:
        """A reader's visit (front page, a story), so the web processes do their work."""
        base = f"http://127.0.0.1:{self.web_port}"
        for path in ("/", "/search/?q=farm"):
            try:
                with urllib.request.urlopen(base + path, timeout=10) as response:
                    response.read()
            except OSError:
                pass

    def peaks_by_kind(self) -> dict[str, dict]:
        """Per kind: processes seen, the largest one's peak, and all of them summed (MB)."""
        found = {}
        for kind in KINDS:
            peaks = [self.peaks[pid] for pid, k in self.kinds.items() if k == kind]
            if peaks:
                found[kind] = {"processes": len(peaks), "largest_mb": round(max(peaks), 1),
                               "total_mb": round(sum(peaks), 1)}
        return found

    def stop(self) -> None:
        self.sample_memory()
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- the bare loop -----------------------------------------------------------------------


async def bare_loop(urls: list[str], etags: dict[str, str], resolve: dict[str, str]) -> float:
    """Requests per second of plain aiohttp sending the same conditional requests."""
    import aiohttp
    from aiohttp.abc import AbstractResolver

    class Fixed(AbstractResolver):
        async def resolve(self, host, port=0, family=0):
            import socket

            return [
                {
                    "hostname": host,
                    "host": resolve.get(host, "127.0.0.1"),
                    "port": port,
                    "family": socket.AF_INET,
                    "proto": 0,
                    "flags": 0,
                }
            ]

        async def close(self):
            pass

    connector = aiohttp.TCPConnector(limit=CONCURRENCY, resolver=Fixed())
    semaphore = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(url: str) -> int:
            async with semaphore:
                headers = {"If-None-Match": etags[url]} if etags.get(url) else {}
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    return response.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(one(u) for u in urls))
        elapsed = time.perf_counter() - started
    not_modified = sum(1 for s in statuses if s == 304)
    say(f"bare loop: {len(urls)} requests, {not_modified} answered 304, {elapsed:.1f} s")
    return len(urls) / elapsed


# --- the run -------------------------------------------------------------------------------


def wait_for(label: str, done, desk: Desk, timeout: float) -> float:
    """Seconds until done() is true; samples memory while waiting."""
    started = time.perf_counter()
    last = visited = 0.0
    while True:
        progress, finished = done()
        desk.sample_memory()
        if time.perf_counter() - visited > 5:
            desk.visit_site()
            visited = time.perf_counter()
        now = time.perf_counter()
        if finished:
            return now - started
        if now - started > timeout:
            raise SystemExit(f"{label}: not finished after {timeout:.0f} s ({progress})")
        if now - last > 5:
            say(f"  {label}: {progress} after {now - started:.0f} s")
            last = now
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--page-feeds", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://127.0.0.1:5432/newsdesk_bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("stopped by SIGTERM"))

    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-ingest-"))
    port = free_port()
    total_feeds = args.feeds + args.page_feeds
    say(f"simulator: {total_feeds} feeds over {FARM_HOSTS} hosts, {args.latency_ms} ms latency")
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "newsdesk.simulator",
            "--port",
            str(port),
            "--no-publishers",
            "--farm-feeds",
            str(total_feeds),
            "--farm-hosts",
            str(FARM_HOSTS),
            "--farm-entries",
            str(ENTRIES_PER_FEED),
            "--latency-ms",
            str(args.latency_ms),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sim = f"http://127.0.0.1:{port}"

    def sim_get(path: str, data: bytes | None = None) -> bytes:
        with urllib.request.urlopen(urllib.request.Request(sim + path, data=data), timeout=30) as r:
            return r.read()

    def sim_json(path: str, data: bytes | None = None):
        return json.loads(sim_get(path, data))

    for _ in range(100):
        try:
            resolve = sim_json("/_sim/resolve")
            feed_urls = sim_get("/_sim/farm/feeds").decode().split()
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("the simulator did not start")

    env = {
        **os.environ,
        "NEWSDESK_VAR_DIR": str(workdir),
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
        "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={a}" for h, a in resolve.items()),
        "NEWSDESK_FETCH_CONCURRENCY": str(CONCURRENCY),
        "NEWSDESK_FETCH_PER_HOST": str(CONCURRENCY),
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-secret",
    }
    if args.database == "postgresql":
        fresh_postgres_database(args.pg_url, "bench/ingest.py")
        env["DATABASE_URL"] = args.pg_url
    else:
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Entry, Publisher, Source
    from newsdesk.stories.models import StoryArticle

    say(f"database: {args.database} (fresh), migrating")
    call_command("migrate", verbosity=0)
    publisher = Publisher.objects.create(name="Farm", slug="farm", domain="farm.localhost")
    later = timezone.now() + timezone.timedelta(days=1)
    Source.objects.bulk_create(
        [
            Source(url=u, publisher=publisher, fetch_pages=i >= args.feeds, next_poll_at=later)
            for i, u in enumerate(feed_urls[:total_feeds])
        ],
        batch_size=1000,
    )
    feeds_only = Source.objects.filter(fetch_pages=False)
    with_pages = Source.objects.filter(fetch_pages=True)

    desk = Desk(env)
    desk.start()
    time.sleep(4)  # let the processes import Django before the clock starts
    results: dict = {}
    try:
        # Cold, feeds only.
        target = args.feeds * ENTRIES_PER_FEED
        cpu_before = cpu_seconds(*desk.pids())
        feeds_only.update(next_poll_at=timezone.now())
        elapsed = wait_for(
            "cold (feeds only)",
            lambda: (f"{(n := Entry.objects.count())}/{target} entries", n >= target),
            desk,
            1800,
        )
        cpu_used = cpu_seconds(*desk.pids()) - cpu_before
        results["cold_entries_per_s_feeds_only"] = target / elapsed
        results["cpu_s_per_entry"] = cpu_used / target
        say(f"cold: {target} entries in {elapsed:.1f} s, {cpu_used:.1f} CPU s")
        wait_for(
            "follow-on tasks",
            lambda: (f"{(n := Article.objects.count())}/{target} feed articles", n >= target),
            desk,
            1800,
        )
        # and their stories: the warm polls are timed on a machine not still clustering
        wait_for(
            "clustering",
            lambda: (f"{(n := StoryArticle.objects.count())}/{target} in stories", n >= target),
            desk,
            1800,
        )

        # Warm: everything answers 304.
        sim_json("/_sim/stats/reset", data=b"")
        started_at = timezone.now()
        feeds_only.update(next_poll_at=started_at)
        elapsed = wait_for(
            "warm",
            lambda: (
                f"{(n := feeds_only.filter(last_polled_at__gte=started_at).count())}/{args.feeds}"
                " feeds",
                n >= args.feeds,
            ),
            desk,
            1800,
        )
        stats = sim_json("/_sim/stats")
        results["warm_feeds_per_s"] = args.feeds / elapsed
        say(f"warm: {args.feeds} feeds in {elapsed:.1f} s; simulator counted {stats}")
        etags = dict(feeds_only.values_list("url", "etag"))
        results["bare_feeds_per_s"] = asyncio.run(bare_loop(list(etags), etags, resolve))
        results["warm_ratio"] = results["warm_feeds_per_s"] / results["bare_feeds_per_s"]

        # Cold with pages fetched and extracted.
        target = args.page_feeds * ENTRIES_PER_FEED
        with_pages.update(next_poll_at=timezone.now())
        elapsed = wait_for(
            "cold (with pages)",
            lambda: (
                f"{(n := Article.objects.filter(source__fetch_pages=True).count())}/{target}"
                " articles",
                n >= target,
            ),
            desk,
            3600,
        )
        results["cold_entries_per_s_with_pages"] = target / elapsed
        say(
            f"with pages: {target} articles in {elapsed:.1f} s; "
            f"last poll {Source.objects.aggregate(m=Max('last_polled_at'))['m']}"
        )
        # and their stories, so the memory figures cover every article in the index
        everything = Article.objects.count()
        wait_for(
            "clustering (with pages)",
            lambda: (f"{(n := StoryArticle.objects.count())}/{everything} in stories",
                     n >= everything),
            desk,
            1800,
        )
    except (SystemExit, KeyboardInterrupt) as stop:  # a timeout, SIGTERM or Ctrl-C
        results["stopped_early"] = str(stop) or "interrupted"
        say(f"stopped early ({results['stopped_early']}): the figures so far follow")
    finally:
        desk.sample_memory()
        # how many articles the clustering consumer's index had taken in by then
        results["articles_in_stories"] = StoryArticle.objects.count()
        desk.stop()
        simulator.terminate()
        simulator.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    results["peak_rss_mb"] = max(desk.peaks.values(), default=0.0)
    results["peak_rss_mb_total"] = sum(desk.peaks.values())
    results["peak_rss_mb_together"] = desk.together
    by_kind = desk.peaks_by_kind()
    for kind, peak in by_kind.items():
        results[f"peak_rss_mb_{kind.replace(' ', '_')}"] = peak["largest_mb"]
    results.update(
        feeds=args.feeds,
        page_feeds=args.page_feeds,
        latency_ms=args.latency_ms,
        database=args.database,
        concurrency=CONCURRENCY,
    )
    rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in results.items()}
    for key, value in rounded.items():
        print(f"{key:36} {value}")
    print("peak resident memory by process kind (MB; targets: largest <= 400, all <= 1000):")
    for kind, peak in by_kind.items():
        print(f"  {kind:22} {peak['processes']} process(es), largest {peak['largest_mb']}, "
              f"together {peak['total_mb']}")
    rounded["peak_rss_by_kind"] = by_kind
    if args.json:
        print(json.dumps(rounded, allow_nan=False))
    if "stopped_early" in results:
        sys.exit(1)


if __name__ == "__main__":
    main()
