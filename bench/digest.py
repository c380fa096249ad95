"""Digest benchmark: one edition for N subscribers, sent to an SMTP sink on loopback.

Newsdesk runs as in production — `newsdesk digest send` processes against a fresh
database of N confirmed subscribers with varied preferences (topics, publishers,
keyword alerts, plain-text readers, story languages, images) and S new stories — and its
mail goes to an aiosmtpd sink in its own process that records every Message-ID. Halfway through
the sending, the worker is killed with SIGKILL and started again. Measured in one run:

- msgs_per_s: digests accepted by the sink per second of worker time, including
  selection, personalisation, rendering and the restart after the kill;
- bare_msgs_per_s: a bare smtplib loop sending the same number of pre-rendered messages
  of the same mean size (HTML and text parts) at the same concurrency to a fresh sink;
  ratio = msgs_per_s / bare_msgs_per_s (DKIM off for both);
- msgs_per_s_dkim: Newsdesk again with DKIM signing on, for a sample of subscribers;
- peak_rss_mb: peak resident memory of the worker processes;
- duplicates / missed: counted by the sink against the deliveries in the database;
- the sink's CPU use, and the machine's load average.

Progress goes to stderr; with --json the last line of stdout is one JSON object.
Usage: bench/digest.py [--subscribers 100000] [--stories 2000] [--concurrency 4]
                       [--database sqlite|postgresql] [--dkim-sample 5000] [--json]
"""

import argparse
import email.policy
import json
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

from common import fresh_postgres_database, peak_rss_mb, say
from smtp_sink import SinkProcess

ROOT = Path(__file__).resolve().parents[1]


# --- the database -------------------------------------------------------------------------------

SEED = r"""
import random, sys
import django
django.setup()
from datetime import timedelta
from django.utils import timezone
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.models import Story

subscribers, stories = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(20261127)
# A vocabulary written for the benchmark; headlines and excerpts are drawn from it.
WORDS = ("harbour council budget bridge library rail strike election court museum "
         "festival storm flood vaccine school market energy wind solar port ferry "
         "airport union minister mayor river forest farm price tax housing rent "
         "hospital clinic science comet telescope football rowing regatta chess "
         "orchestra theatre film novel climate drought harvest bakery tram cycle").split()

def sentence(n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize()

topics = [Topic.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(12)]
publishers = [Publisher.objects.create(name=f"Publisher {n}", slug=f"publisher-{n}",
                                       domain=f"publisher{n}.example") for n in range(40)]
now = timezone.now()
created = Story.objects.bulk_create(
    Story(title=sentence(8), slug=f"story-{n}",
          excerpt=". ".join(sentence(12) for _ in range(3)) + ".",
          article_count=3, publisher_count=rng.randint(1, 9), score=rng.random() * 10,
          language="de" if rng.random() < 0.1 else "en",
          image_url=f"https://publisher.example/images/{n}.jpg" if rng.random() < 0.7 else "",
          last_updated_at=now - timedelta(minutes=rng.randint(1, 20 * 60)))
    for n in range(stories)
)
Story.topics.through.objects.bulk_create(
    Story.topics.through(story_id=s.pk, topic_id=t.pk)
    for s in created for t in rng.sample(topics, rng.randint(1, 3))
)
Story.publishers.through.objects.bulk_create(
    Story.publishers.through(story_id=s.pk, publisher_id=p.pk)
    for s in created for p in rng.sample(publishers, rng.randint(1, 4))
)
hour = now.hour
batch = 5000
for start in range(0, subscribers, batch):
    people = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{n}@bench.example", state="confirmed", send_hour=hour,
                   timezone="UTC",
                   keywords=", ".join(rng.sample(WORDS, 2)) if rng.random() < 0.2 else "",
                   format="text" if rng.random() < 0.1 else "html",
                   story_languages=["en"] if rng.random() < 0.5 else [],
                   show_images=rng.random() < 0.1)
        for n in range(start, min(start + batch, subscribers))
    )
    topic_rows, publisher_rows = [], []
    for person in people:
        roll = rng.random()
        if roll < 0.6:
            topic_rows += [Subscriber.topics.through(subscriber_id=person.pk, topic_id=t.pk)
                           for t in rng.sample(topics, rng.randint(1, 3))]
        elif roll < 0.8:
            publisher_rows += [
                Subscriber.publishers.through(subscriber_id=person.pk, publisher_id=p.pk)
                for p in rng.sample(publishers, rng.randint(1, 2))]
    Subscriber.topics.through.objects.bulk_create(topic_rows)
    Subscriber.publishers.through.objects.bulk_create(publisher_rows)
print(Subscriber.objects.count())
"""

REPORT = r"""
import json, django
django.setup()
from newsdesk.newsletter.models import Delivery
rows = Delivery.objects.exclude(state="skipped").values_list("message_id", "state", "edition_id")
print(json.dumps(list(rows)))
"""

RESET_FOR_DKIM = r"""
import sys, django
django.setup()
from django.utils import timezone
from newsdesk.newsletter.models import Subscriber
sample = int(sys.argv[1])
ids = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True)[:sample])
hour = (timezone.now().hour - 1) % 24  # an earlier slot today: a new edition
for start in range(0, len(ids), 5000):
    Subscriber.objects.filter(pk__in=ids[start:start + 5000]).update(
        send_hour=hour, next_digest_at=None, last_digest_at=None)
"""


def run(env, *args, timeout=3600) -> str:
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/digest.py: {' '.join(args[:3])} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def prepare_database(args, env, workdir: Path) -> None:
    if args.database == "postgresql":
        fresh_postgres_database(args.pg_url, "bench/digest.py")
        env["DATABASE_URL"] = args.pg_url
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    say("migrating a fresh database ...")
    run(env, "-m", "newsdesk.cli", "migrate", "--no-input", "-v", "0")


# --- Newsdesk's run, with a kill in the middle -------------------------------------------------


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsdesk.cli", "digest", "send"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def watch(worker, until=None, interval=0.05) -> float:
    """Wait for the worker to exit (or for until() to be true); its peak RSS in MB."""
    peak = 0.0
    while worker.poll() is None:
        peak = max(peak, peak_rss_mb(worker.pid))
        if until is not None and until():
            return peak
        time.sleep(interval)
    if worker.returncode not in (0, -signal.SIGKILL):
        raise SystemExit(f"bench/digest.py: worker failed:\n{worker.stderr.read()[-4000:]}")
    return peak


def newsdesk_run(env, sink: SinkProcess, expected: int, kill: bool) -> dict:
    started = time.monotonic()
    worker = start_worker(env)
    peak = 0.0
    kills = 0
    if kill:
        peak = watch(worker, until=lambda: sink.count() >= expected // 2)
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            kills = 1
            say(f"  killed the worker with SIGKILL after {sink.count()} messages; restarting")
            worker = start_worker(env)
    peak = max(peak, watch(worker))
    elapsed = time.monotonic() - started
    return {"elapsed": elapsed, "peak_rss_mb": peak, "kills": kills}


# --- the bare loop -------------------------------------------------------------------------------


def bare_message(text_size: int, html_size: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Newsdesk <newsdesk@news.example>"
    message["To"] = "reader@bench.example"
    message["Subject"] = "Pre-rendered digest"
    message["Message-ID"] = "<MESSAGEIDPLACEHOLDER@news.example>"
    message.set_content(lines("x", text_size))
    message.add_alternative("<p>" + lines("y", html_size - 7) + "</p>", subtype="html")
    return message.as_bytes(policy=email.policy.SMTP)


def lines(letter: str, size: int) -> str:
    """About `size` characters of text in lines of 75 (as rendered digests are)."""
    line = letter * 75 + "\n"
    return line * max(1, size // len(line))


def bare_loop(port: int, count: int, concurrency: int, template: bytes) -> float:
    """Send `count` copies (unique Message-IDs) over `concurrency` reused connections."""
    per_thread = [
        count // concurrency + (1 if i < count % concurrency else 0) for i in range(concurrency)
    ]

    def worker(index: int, n: int) -> None:
        with smtplib.SMTP("127.0.0.1", port) as client:
            for k in range(n):
                body = template.replace(b"MESSAGEIDPLACEHOLDER", f"bare-{index}-{k}".encode())
                client.sendmail("bounces@news.example", ["reader@bench.example"], body)

    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(worker, range(concurrency), per_thread))
    return time.monotonic() - started


def make_dkim_key(workdir: Path) -> Path | None:
    if not shutil.which("openssl"):
        return None
    key = workdir / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    return key


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--dkim-sample", type=int, default=5000, help="subscribers in the DKIM-on run (0 skips it)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://127.0.0.1:5432/newsdesk_bench_digest")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-bench-digest-"))
    (workdir / "bench_settings.py").write_text(
        "import os\n"
        "from newsdesk.settings import *  # noqa: F403\n"
        "NEWSDESK_MAIL_CONCURRENCY = int(os.environ['BENCH_CONCURRENCY'])\n"
        "if os.environ.get('BENCH_DKIM_KEY'):\n"
        "    NEWSDESK_DKIM_KEY_FILE = os.environ['BENCH_DKIM_KEY']\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(workdir)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "NEWSDESK_VAR_DIR": str(workdir),
        "NEWSDESK_BASE_URL": "https://news.example",
        "NEWSDESK_FROM_EMAIL": "Newsdesk <newsdesk@news.example>",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-secret",
        "BENCH_CONCURRENCY": str(args.concurrency),
    }
    sinks: list[SinkProcess] = []
    try:
        prepare_database(args, env, workdir)
        say(f"seeding {args.subscribers} subscribers and {args.stories} stories ...")
        run(env, "-c", SEED, str(args.subscribers), str(args.stories))

        say("Newsdesk: planning and sending one edition (killed halfway, restarted) ...")
        sink = SinkProcess(workdir, "newsdesk")
        sinks.append(sink)
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
        newsdesk = newsdesk_run(env, sink, expected=args.subscribers, kill=True)
        deliveries = json.loads(run(env, "-c", REPORT))
        expected_ids = {message_id for message_id, _, _ in deliveries}
        received = sink.records()
        counts = Counter(message_id for message_id, _ in received)
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        missed = len(expected_ids - counts.keys())
        sent = len(counts.keys() & expected_ids)
        msgs_per_s = sent / newsdesk["elapsed"]
        sink_cpu = sink.cpu_seconds()
        say(
            f"  {sent} digests in {newsdesk['elapsed']:.1f} s: {msgs_per_s:.0f}/s, "
            f"{duplicates} duplicates, {missed} missed"
        )

        sizes = [size for _, size in received] or [20_000]
        mean_size = sum(sizes) // len(sizes)
        say(f"bare smtplib loop: {sent} pre-rendered messages of {mean_size} bytes ...")
        bare_sink = SinkProcess(workdir, "bare")
        sinks.append(bare_sink)
        template = bare_message(mean_size // 3, mean_size - mean_size // 3 - 400)
        bare_elapsed = bare_loop(bare_sink.port, sent, args.concurrency, template)
        bare_msgs_per_s = sent / bare_elapsed
        bare_sink_cpu = bare_sink.cpu_seconds()
        say(f"  {bare_msgs_per_s:.0f}/s")

        msgs_per_s_dkim = None
        sample = min(args.dkim_sample, args.subscribers)
        key = make_dkim_key(workdir) if sample else None
        if key is not None:
            say(f"Newsdesk with DKIM signing, {sample} subscribers ...")
            run(env, "-c", RESET_FOR_DKIM, str(sample))
            dkim_sink = SinkProcess(workdir, "dkim")
            sinks.append(dkim_sink)
            env["EMAIL_URL"] = f"smtp://127.0.0.1:{dkim_sink.port}"
            env["BENCH_DKIM_KEY"] = str(key)
            dkim_run = newsdesk_run(env, dkim_sink, expected=sample, kill=False)
            msgs_per_s_dkim = dkim_sink.count() / dkim_run["elapsed"]
            say(f"  {msgs_per_s_dkim:.0f}/s")
        elif sample:
            say("  skipped the DKIM run: openssl is needed to make a key")
    finally:
        for sink in sinks:
            sink.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    ratio = msgs_per_s / bare_msgs_per_s if bare_msgs_per_s else 0.0
    load = os.getloadavg()
    result = {
        "subscribers": args.subscribers,
        "stories": args.stories,
        "database": args.database,
        "concurrency": args.concurrency,
        "digests_sent": sent,
        "msgs_per_s": round(msgs_per_s, 1),
        "bare_msgs_per_s": round(bare_msgs_per_s, 1),
        "ratio": round(ratio, 3),
        "msgs_per_s_dkim": round(msgs_per_s_dkim, 1) if msgs_per_s_dkim is not None else None,
        "peak_rss_mb": round(newsdesk["peak_rss_mb"], 1),
        "duplicates": duplicates,
        "missed": missed,
        "kills": newsdesk["kills"],
        "mean_message_bytes": mean_size,
        "sink_cpu_percent": round(100 * sink_cpu / newsdesk["elapsed"], 1),
        "bare_sink_cpu_percent": round(100 * bare_sink_cpu / bare_elapsed, 1),
        "load_average_1m": round(load[0], 2),
        "cpus": os.cpu_count(),
    }
    print(
        f"subscribers {args.subscribers}, stories {args.stories}, {args.database}, "
        f"concurrency {args.concurrency}"
    )
    print(
        f"Newsdesk: {result['msgs_per_s']} msgs/s (sink CPU {result['sink_cpu_percent']}%); "
        f"bare smtplib: {result['bare_msgs_per_s']} msgs/s "
        f"(sink CPU {result['bare_sink_cpu_percent']}%); ratio {result['ratio']} "
        f"(target >= 0.5)"
    )
    print(f"with DKIM: {result['msgs_per_s_dkim']} msgs/s")
    print(
        f"peak worker RSS {result['peak_rss_mb']} MB (target <= 500); "
        f"duplicates {duplicates}, missed {missed} after {newsdesk['kills']} kill(s)"
    )
    print(f"load average {result['load_average_1m']} on {result['cpus']} CPUs")
    if args.json:
        print(json.dumps(result, allow_nan=False))


if __name__ == "__main__":
    main()
