"""Scale-out benchmark: ingestion and digest rates with 1, 2 and 4 worker processes on PostgreSQL.

For each worker count n, against a fresh PostgreSQL database, Newsdesk runs as in
production — `newsdesk worker --processes n` and one `newsdesk scheduler` — and two
things are timed from the moment the work becomes due:

- ingestion: --feeds farm feeds of the publisher simulator (loopback, --latency-ms per
  response), 20 new entries each, whose article pages are fetched and extracted; the
  rate is entries stored and extracted into articles per second (all of them);
- digest: --subscribers confirmed subscribers and 200 stories; the rate is digests
  accepted per second by an SMTP sink on loopback (aiosmtpd in its own process), from
  planning to the last message, and the CPU the sink used (near 100%: the one sink
  process, not the desk, set the rate). The scheduler starts a digest run every second
  (NEWSDESK_DIGEST_RUN_SECONDS=1), so every worker process takes part: each run claims
  its own batches (SKIP LOCKED).

The clustering consumer is left out (`--no-clustering`): it is one process however many
workers run (serialised by an advisory lock), so it would measure itself, not them.

Scaling efficiency = rate_n / (n × rate_1): 1.0 is perfect. The processes share the
machine's cores with the simulator, the SMTP sink and PostgreSQL: on a 2-core machine
efficiency beyond 2 workers is bounded by the cores (4 workers can at best do what 2
do), so only the 1 → 2 step says how the desk itself scales.

Progress goes to stderr; with --json the last line of stdout is one JSON object.
Usage: bench/scale.py [--workers 1,2,4] [--feeds 60] [--subscribers 3000]
                      [--latency-ms 20] [--pg-url URL] [--json]
"""

import argparse
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

from common import free_port, fresh_postgres_database, say
from smtp_sink import SinkProcess

ROOT = Path(__file__).resolve().parents[1]
ENTRIES_PER_FEED = 20
FARM_HOSTS = 20
STORIES = 200

# Run in a child process against the fresh database: sources due later (ingestion),
# or subscribers and stories (digest).
SEED_SOURCES = r"""
import sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from newsdesk.sources.models import Publisher, Source
publisher = Publisher.objects.create(name="Farm", slug="farm", domain="farm.localhost")
later = timezone.now() + timedelta(days=1)
Source.objects.bulk_create(Source(url=url, publisher=publisher, fetch_pages=True,
                                  next_poll_at=later) for url in sys.argv[1:])
"""

SEED_DIGEST = r"""
import random, sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from newsdesk.newsletter.models import Subscriber
from newsdesk.stories.models import Story
subscribers, stories = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261203)
WORDS = ("harbour council budget bridge library rail strike election court museum "
         "festival storm flood school market energy wind solar port ferry").split()
now = timezone.now()
Story.objects.bulk_create(
    Story(title=" ".join(rng.choice(WORDS) for _ in range(8)).capitalize(), slug=f"story-{n}",
          excerpt=" ".join(rng.choice(WORDS) for _ in range(30)).capitalize() + ".",
          article_count=3, publisher_count=2, score=rng.random() * 10,
          last_updated_at=now - timedelta(minutes=rng.randint(1, 600)))
    for n in range(stories))
later = now + timedelta(days=1)
for start in range(0, subscribers, 5000):
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@scale.example", state="confirmed", next_digest_at=later)
        for n in range(start, min(start + 5000, subscribers)))
"""


def run(env, *args, timeout=600) -> str:
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise SystemExit(f"bench/scale.py: {' '.join(args[:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Desk:
    """`newsdesk worker --processes n --no-clustering` and one `newsdesk scheduler`."""

    def __init__(self, env: dict, workers: int, logs: Path):
        self.procs = []
        for name, args in (
            ("worker", ["worker", "--processes", str(workers), "--no-clustering",
                        "--interval", "0.2"]),
            ("scheduler", ["scheduler", "--interval", "0.5"]),
        ):
            log = open(logs / f"{name}-{workers}.log", "w")  # noqa: SIM115 (the child's)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "newsdesk.cli", *args], env=env, cwd=ROOT,
                stdout=log, stderr=subprocess.STDOUT, process_group=0,
            ))
            log.close()

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self.procs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def timed(label: str, done, desk: Desk, timeout: float) -> float:
    """Seconds until done() says so (progress every 10 s)."""
    started = last = time.monotonic()
    while True:
        progress, finished = done()
        now = time.monotonic()
        if finished:
            return now - started
        if not desk.alive():
            raise SystemExit(f"bench/scale.py: {label}: a desk process exited (see its log)")
        if now - started > timeout:
            raise SystemExit(f"bench/scale.py: {label}: not done after {timeout:.0f} s "
                             f"({progress})")
        if now - last > 10:
            say(f"  {label}: {progress} after {now - started:.0f} s")
            last = now
        time.sleep(0.25)


READY_WORKERS = (
    "SELECT count(DISTINCT worker) FROM django_tasks_database_dbtaskresult, "
    "jsonb_array_elements_text(worker_ids::jsonb) AS worker WHERE status = 'SUCCESSFUL'"
)


def wait_ready(desk: "Desk", workers: int, sql) -> None:
    """Until each worker process has finished a task (the scheduler's periodic ones): the
    clock starts with every worker up, not while they still import Django."""
    timed("workers starting", lambda: (f"{(n := sql(READY_WORKERS))}/{workers} workers up",
                                       n >= workers), desk, 300)


def measure(workers: int, args, base_env: dict, feed_urls: list[str], workdir: Path) -> dict:
    env = {**base_env, "NEWSDESK_VAR_DIR": str(workdir / f"var-{workers}")}

    def sql(query: str) -> int:
        """One statement on the benchmark's database (psycopg: no Django in this process)."""
        import psycopg

        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            cursor = conn.execute(query)
            row = cursor.fetchone() if cursor.description else None
        return int(row[0]) if row else 0

    # ingestion
    fresh_postgres_database(args.pg_url, "bench/scale.py")
    run(env, "-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0")
    run(env, "-c", SEED_SOURCES, *feed_urls)
    desk = Desk(env, workers, workdir)
    try:
        wait_ready(desk, workers, sql)
        target = len(feed_urls) * ENTRIES_PER_FEED
        sql("UPDATE sources_source SET next_poll_at = now()")
        def extracted() -> tuple[str, bool]:
            articles = sql("SELECT count(*) FROM articles_article")
            return f"{articles}/{target} articles", articles >= target

        seconds = timed(f"ingestion, {workers} worker(s)", extracted, desk, 3600)
    finally:
        desk.stop()
    entries_per_s = target / seconds
    say(f"  {workers} worker(s): {target} entries extracted in {seconds:.1f} s: "
        f"{entries_per_s:.1f}/s")

    # digest
    fresh_postgres_database(args.pg_url, "bench/scale.py")
    run(env, "-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0")
    run(env, "-c", SEED_DIGEST, str(args.subscribers), str(STORIES))
    sink = SinkProcess(workdir, f"scale-{workers}")
    desk = Desk({**env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}, workers, workdir)
    try:
        wait_ready(desk, workers, sql)
        sql("UPDATE newsletter_subscriber SET next_digest_at = NULL")
        seconds = timed(
            f"digest, {workers} worker(s)",
            lambda: (f"{(n := sink.count())}/{args.subscribers} received",
                     n >= args.subscribers),
            desk, 3600,
        )
        received = [message_id for message_id, _ in sink.records()]
        sink_cpu = sink.cpu_seconds()
    finally:
        desk.stop()
        sink.stop()
    msgs_per_s = args.subscribers / seconds
    say(f"  {workers} worker(s): {args.subscribers} digests in {seconds:.1f} s: "
        f"{msgs_per_s:.1f}/s (the SMTP sink used {100 * sink_cpu / seconds:.0f}% of a core)")
    return {
        "workers": workers,
        "entries_per_s": round(entries_per_s, 1),
        "msgs_per_s": round(msgs_per_s, 1),
        "digests_sent_twice": len(received) - len(set(received)),
        # near 100: the one sink process, not the desk, set the digest rate
        "sink_cpu_percent": round(100 * sink_cpu / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4",
                        help="worker process counts, the first being the base (default 1,2,4)")
    parser.add_argument("--feeds", type=int, default=60, help="farm feeds with pages")
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--pg-url", default="postgresql://127.0.0.1:5432/newsdesk_bench_scale",
                        help="a PostgreSQL database of its own: dropped and created afresh")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    try:
        counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        raise SystemExit(f"bench/scale.py: --workers {args.workers!r}: give counts like "
                         "1,2,4") from None
    if not counts or min(counts) < 1:
        raise SystemExit("bench/scale.py: --workers: each count must be 1 or more")
    if not args.pg_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/scale.py: --pg-url must be a PostgreSQL URL (scale-out needs "
                         "a database server the processes share)")
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit("stopped by SIGTERM"))

    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-scale-"))
    port = free_port()
    total = args.feeds
    simulator = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.simulator", "--port", str(port), "--no-publishers",
         "--farm-feeds", str(total * len(counts)), "--farm-hosts", str(FARM_HOSTS),
         "--farm-entries", str(ENTRIES_PER_FEED), "--latency-ms", str(args.latency_ms)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sim = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(sim + "/_sim/resolve", timeout=10) as response:
                    resolve = json.loads(response.read())
                with urllib.request.urlopen(sim + "/_sim/farm/feeds", timeout=10) as response:
                    feed_urls = response.read().decode().split()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("bench/scale.py: the publisher simulator did not start")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")},
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DATABASE_URL": args.pg_url,
            "SECRET_KEY": "bench-only-secret",
            "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
            "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={a}" for h, a in resolve.items()),
            "NEWSDESK_DIGEST_RUN_SECONDS": "1",
            "NEWSDESK_BASE_URL": "https://news.example",
            "NEWSDESK_FROM_EMAIL": "Newsdesk <newsdesk@news.example>",
            "NEWSDESK_LOG_LEVEL": "WARNING",
        }
        rows = []
        for position, workers in enumerate(counts):
            say(f"{workers} worker process(es) ...")
            # each count polls feeds of its own: nothing answers 304 from an earlier round
            urls = feed_urls[position * total:(position + 1) * total]
            rows.append(measure(workers, args, env, urls, workdir))
    finally:
        simulator.terminate()
        simulator.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)

    base = rows[0]
    for row in rows:
        factor = row["workers"] / base["workers"]
        row["entries_efficiency"] = round(row["entries_per_s"] / (factor * base["entries_per_s"]),
                                          3)
        row["msgs_efficiency"] = round(row["msgs_per_s"] / (factor * base["msgs_per_s"]), 3)
    cores = os.cpu_count() or 1
    result = {
        "database": "postgresql",
        "feeds": args.feeds,
        "entries": args.feeds * ENTRIES_PER_FEED,
        "subscribers": args.subscribers,
        "latency_ms": args.latency_ms,
        "cores": cores,
        "rows": rows,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(f"{'workers':>7} {'entries/s':>10} {'efficiency':>10} {'digests/s':>10} "
          f"{'efficiency':>10} {'sink CPU %':>10}")
    for row in rows:
        print(f"{row['workers']:>7} {row['entries_per_s']:>10} {row['entries_efficiency']:>10} "
              f"{row['msgs_per_s']:>10} {row['msgs_efficiency']:>10} "
              f"{row['sink_cpu_percent']:>10}")
    print(f"efficiency = rate_n / (n x rate_{base['workers']}) per worker process; on this "
          f"{cores}-core machine efficiency beyond {cores} workers is bounded by the cores "
          f"(the workers share them with the simulator, the SMTP sink and PostgreSQL); "
          f"load average {result['load_average_1m']}")
    if args.json:
        print(json.dumps(result, allow_nan=False))


if __name__ == "__main__":
    main()
