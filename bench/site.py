"""Public site benchmark: requests/s and latency of each page type, warm and cold.

Newsdesk serves the generated bench database (bench/gen_site_data.py: N articles in
N/10 stories) with gunicorn on loopback, as in production, and a load generator (wrk
from Debian's packages; an aiohttp loop when wrk is missing) keeps 32 connections busy
over at least 100 distinct URLs of each page type:

- front: the ranked front page, its first 100 cursor pages;
- story: 100 story pages picked at random;
- topic: topic pages and their first cursor pages;
- archive_500: the archive 500 pages deep and onwards, through its cursor URLs
  (as deep as the database allows when it has fewer pages);
- search: 50 search terms, each unfiltered and filtered by language;
- bare: a Django view returning a fixed string, in the same server and middleware
  (the framework's own floor).

Warm: the page cache on (NEWSDESK_PAGE_CACHE_SECONDS=30), every URL requested once
before measuring. Cold: the page cache off, so every request renders its page.
Staleness: seconds from a new article being stored (as extraction stores it) through
clustering (the stories room's assign_articles, as the worker runs it) to its story
showing on the front page served by the warm server, starting just after the front page
was cached (the worst case: the page cache's lifetime plus clustering).

Usage: bench/site.py [--articles 1000000] [--database sqlite|postgresql] [--duration 10]
                     [--connections 32] [--workers 4] [--json]
Progress goes to stderr; with --json the last line of stdout is one JSON object.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import free_port, say

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import gen_site_data  # noqa: E402

PAGE_TYPES = ("front", "story", "topic", "archive_500", "search", "bare")
# bare first, while the server is idle; every later run starts after the queue drained.
MEASURE_ORDER = ("bare", "front", "story", "topic", "archive_500", "search")
URLS_PER_TYPE = 100
SEARCH_TERMS = 50
ARCHIVE_DEPTH = 500

BENCH_SETTINGS = """
\"\"\"Bench-only settings: the project's own, with a URLconf that adds a bare view.\"\"\"
from newsdesk.settings import *  # noqa: F401,F403

ROOT_URLCONF = "newsdesk_site_bench_urls"
# DatabaseCache keeps 300 entries unless told otherwise, which culls a page cache of
# hundreds of URLs before it can serve them (reported to the lead for settings.py).
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 100_000)  # noqa: F405
"""

BENCH_URLS = """
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("bare", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("newsdesk.urls"))]
"""

WRK_SCRIPT = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\":%%d,\\"duration_us\\":%%d,\\"p50_us\\":%%d,\\"p99_us\\":%%d," ..
    "\\"errors\\":%%d,\\"non_2xx\\":%%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


# --- the URLs --------------------------------------------------------------------------------


def cursor_pages(queryset, keys, first: int, count: int) -> list[str]:
    """Cursors of pages first .. first+count-1 (page 1 has none), walking older links."""
    from newsdesk.web.listing import PAGE_SIZE
    from newsdesk.web.pagination import keyset_page

    cursors, cursor, number = [], None, 1
    while len(cursors) < count:
        if number >= first:
            cursors.append(cursor)
        page = keyset_page(queryset.only(*[k.field for k in keys]), keys, cursor, PAGE_SIZE)
        if page.older is None:
            break
        cursor, number = page.older, number + 1
    return cursors


def page_urls(rnd: random.Random) -> tuple[dict[str, list[str]], int]:
    """At least 100 distinct URLs per page type, and how deep the archive URLs start."""
    from django.urls import reverse

    from newsdesk.sources.models import Topic
    from newsdesk.stories.models import Story
    from newsdesk.web import listing

    def with_cursor(path: str, cursor: str | None) -> str:
        return f"{path}?cursor={cursor}" if cursor else path

    visible = listing.visible_stories()
    urls: dict[str, list[str]] = {}
    urls["front"] = [with_cursor("/", c) for c in cursor_pages(visible, listing.RANKED, 1, 100)]
    ids = list(visible.values_list("pk", flat=True)[:200_000])
    chosen = rnd.sample(ids, k=min(URLS_PER_TYPE, len(ids)))
    urls["story"] = [s.get_absolute_url() for s in Story.objects.filter(pk__in=chosen)]
    urls["topic"] = []
    topics = list(Topic.objects.order_by("slug"))
    per_topic = -(-URLS_PER_TYPE // max(len(topics), 1))
    for topic in topics:
        path = reverse("web:topic", args=[topic.slug])
        stories = visible.filter(topics=topic)
        urls["topic"] += [
            with_cursor(path, c) for c in cursor_pages(stories, listing.RECENT, 1, per_topic)
        ]
    total_pages = -(-visible.count() // listing.PAGE_SIZE)
    depth = max(1, min(ARCHIVE_DEPTH, total_pages - URLS_PER_TYPE))
    archive = reverse("web:archive")
    urls["archive_500"] = [
        with_cursor(archive, c)
        for c in cursor_pages(visible, listing.FIRST_SEEN, depth, URLS_PER_TYPE)
    ]
    terms = search_terms(rnd)
    urls["search"] = [f"/search/?q={t}" for t in terms] + [f"/search/?q={t}&lang=en" for t in terms]
    urls["bare"] = [f"/bench/bare/?n={n}" for n in range(URLS_PER_TYPE)]
    return urls, depth


def search_terms(rnd: random.Random) -> list[str]:
    """50 words that occur in the bench's articles, common and rare."""
    from newsdesk.articles.models import Article

    words: list[str] = []
    for text in Article.objects.order_by("?").values_list("title", flat=True)[:200]:
        words += [w for w in re.findall(r"\w+", text.lower()) if len(w) > 4]
    unique = sorted(set(words))
    return rnd.sample(unique, k=min(SEARCH_TERMS, len(unique)))


# --- the server ------------------------------------------------------------------------------


class Server:
    """gunicorn serving the bench database on loopback."""

    def __init__(self, env: dict, workers: int, cache_seconds: int, app_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "newsdesk_site_bench_settings",
            "NEWSDESK_PAGE_CACHE_SECONDS": str(cache_seconds),
            "NEWSDESK_BASE_URL": self.url,
            "PYTHONPATH": os.pathsep.join([str(app_dir), str(ROOT / "src")]),
        }
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            "django.core.wsgi:get_wsgi_application()",
        ]
        self.process = subprocess.Popen(command, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/bench/bare/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn on {self.url} did not answer within 60 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def settings_for_cache(cache_seconds: int) -> None:
    """The bench process reads the same setting as the server when it primes pages."""
    os.environ["NEWSDESK_PAGE_CACHE_SECONDS"] = str(cache_seconds)


# --- the load ----------------------------------------------------------------------------------


def run_wrk(base: str, paths: list[str], connections: int, duration: int) -> dict:
    quoted = ",".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % quoted)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    found = re.search(r"^RESULT (\{.*\})$", output, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    raw = json.loads(found.group(1))
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["errors"] + raw["non_2xx"],
    }


def run_aiohttp(base: str, paths: list[str], connections: int, duration: int) -> dict:
    """The same closed-loop load as wrk, for machines without it."""
    import aiohttp

    async def load() -> tuple[list[float], int]:
        latencies: list[float] = []
        errors = 0
        stop_at = time.monotonic() + duration
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def worker(offset: int) -> None:
                nonlocal errors
                index = offset
                while time.monotonic() < stop_at:
                    started = time.perf_counter()
                    try:
                        async with session.get(base + paths[index % len(paths)]) as response:
                            await response.read()
                            errors += response.status >= 400
                    except aiohttp.ClientError:
                        errors += 1
                    latencies.append(time.perf_counter() - started)
                    index += connections

            await asyncio.gather(*(worker(n) for n in range(connections)))
        return latencies, errors

    started = time.monotonic()
    latencies, errors = asyncio.run(load())
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
        )

    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.5),
        "p99_ms": percentile(0.99),
        "errors": errors,
    }


def measure(base: str, paths: list[str], connections: int, duration: int) -> dict:
    if shutil.which("wrk"):
        return run_wrk(base, paths, connections, duration)
    return run_aiohttp(base, paths, connections, duration)


def settle(base: str, timeout: float = 60.0) -> None:
    """Wait until requests queued by the previous run are served and the server is idle."""
    deadline = time.monotonic() + timeout
    quick = 0
    while time.monotonic() < deadline and quick < 3:
        started = time.monotonic()
        with urllib.request.urlopen(base + "/bench/bare/", timeout=60) as response:
            response.read()
        quick = quick + 1 if time.monotonic() - started < 0.2 else 0
        time.sleep(0.2)


def prime(base: str, paths: list[str]) -> None:
    """Request every URL once, in parallel, so that all are cached well within their TTL."""

    def fetch(path: str) -> None:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, paths))


# --- staleness -----------------------------------------------------------------------------


def measure_staleness(base: str, timeout: float = 180.0) -> tuple[float | None, str]:
    """Store a new article, cluster it as the worker would, wait for the front page.

    The probe is written anew each run (a bench article from a vocabulary of its own): a
    reused bench database may hold earlier probes, and a probe that joined one of their
    stories would not show its own headline. It is deleted afterwards, so the database
    stays as generated.
    """
    from django.utils import timezone

    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Source
    from newsdesk.stories.assign import assign_articles
    from newsdesk.stories.models import Story

    # The front page is freshly cached when the article arrives: the worst case a
    # visitor can see, bounded by NEWSDESK_PAGE_CACHE_SECONDS plus clustering.
    with urllib.request.urlopen(base + "/", timeout=60) as response:
        response.read()
    writer = gen_site_data.Writer(seed=random.randrange(2**32))
    source = Source.objects.select_related("publisher").first()
    marker = writer.title("en")
    text = writer.body("en")
    url = f"https://{source.publisher.domain}/staleness/{random.randrange(10**12)}"
    started = time.monotonic()
    article = Article.objects.create(
        url=url,
        url_hash=Article.hash_url(url),
        source=source,
        publisher=source.publisher,
        title=marker,
        published_at=timezone.now(),
        language="en",
        text=text,
        excerpt=text[:300],
    )
    stories: list[int] = []
    try:
        stories = assign_articles([article.pk])
        clustered = time.monotonic() - started
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with urllib.request.urlopen(base + "/", timeout=30) as response:
                if marker in response.read().decode():
                    return time.monotonic() - started, f"clustering took {clustered:.1f} s"
            time.sleep(0.25)
        return None, f"the story did not appear within {timeout:.0f} s of being clustered"
    finally:
        article.delete()
        Story.objects.filter(pk__in=stories, memberships__isnull=True).delete()


# --- the run -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    generated = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_site_data.py"),
            "--articles",
            str(args.articles),
            "--database",
            args.database,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    if generated.returncode != 0:
        say("bench database could not be prepared; see above")
        return 2
    database_url = generated.stdout.strip().splitlines()[-1]
    env = {**os.environ, **gen_site_data.bench_environment(database_url)}
    os.environ.update(gen_site_data.bench_environment(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsdesk.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a reused database gets the code's newer migrations
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` serves them
    rnd = random.Random(11)
    say("choosing URLs (walking cursors)")
    urls, depth = page_urls(rnd)
    for kind in PAGE_TYPES:
        say(f"  {kind}: {len(urls[kind])} URLs")
    load_generator = "wrk" if shutil.which("wrk") else "aiohttp"
    load_before = os.getloadavg()

    results: dict[str, dict] = {kind: {} for kind in PAGE_TYPES}
    staleness, staleness_note = None, ""
    with tempfile.TemporaryDirectory() as app_dir:
        Path(app_dir, "newsdesk_site_bench_settings.py").write_text(BENCH_SETTINGS)
        Path(app_dir, "newsdesk_site_bench_urls.py").write_text(BENCH_URLS)
        for phase, cache_seconds in (("warm", 30), ("cold", 0)):
            say(
                f"{phase}: starting gunicorn ({args.workers} workers, page cache {cache_seconds} s)"
            )
            server = Server(env, args.workers, cache_seconds, Path(app_dir))
            try:
                for kind in MEASURE_ORDER:
                    settle(server.url)
                    if phase == "warm":
                        prime(server.url, urls[kind])
                    say(f"  {phase} {kind}: {args.duration} s at {args.connections} connections")
                    figures = measure(server.url, urls[kind], args.connections, args.duration)
                    results[kind][phase] = figures
                    say(
                        f"    {figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
                        f"p99 {figures['p99_ms']:.1f} ms, errors {figures['errors']}"
                    )
                if phase == "warm":
                    say("  staleness: storing a new article and waiting for the front page")
                    try:
                        staleness, staleness_note = measure_staleness(server.url)
                    except Exception as error:  # noqa: BLE001 - reported, not hidden
                        staleness_note = f"staleness not measured: {error}"
                    say(f"    {staleness_note}; staleness {staleness}")
            finally:
                server.stop()

    summary = {}
    for kind in PAGE_TYPES:
        warm, cold = results[kind].get("warm", {}), results[kind].get("cold", {})
        summary[kind] = {
            "rps": round(warm.get("rps", 0.0), 1),
            "p50_ms": round(warm.get("p50_ms", 0.0), 2),
            "p99_ms": round(warm.get("p99_ms", 0.0), 2),
            "cold_rps": round(cold.get("rps", 0.0), 1),
            "cold_p99_ms": round(cold.get("p99_ms", 0.0), 2),
            "errors": warm.get("errors", 0) + cold.get("errors", 0),
        }
    bare_rps = summary["bare"]["rps"] or 1.0
    summary["staleness_s"] = round(staleness, 2) if staleness is not None else None
    summary["front_vs_bare"] = round(summary["front"]["rps"] / bare_rps, 3)
    summary["story_vs_bare"] = round(summary["story"]["rps"] / bare_rps, 3)
    summary["archive_depth_pages"] = depth
    summary["articles"] = args.articles
    summary["database"] = args.database
    summary["load_generator"] = load_generator
    summary["connections"] = args.connections
    summary["load_average_before"] = [round(x, 2) for x in load_before]
    summary["load_average_after"] = [round(x, 2) for x in os.getloadavg()]

    say("")
    say(f"{'page':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'cold req/s':>12}{'cold p99':>10}")
    for kind in PAGE_TYPES:
        row = summary[kind]
        say(
            f"{kind:<12}{row['rps']:>9.0f}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}"
            f"{row['cold_rps']:>12.0f}{row['cold_p99_ms']:>10.1f}"
        )
    say(
        f"front/bare {summary['front_vs_bare']}, story/bare {summary['story_vs_bare']}, "
        f"staleness {summary['staleness_s']} s ({staleness_note}), "
        f"archive from page {depth}, load average {summary['load_average_after']}"
    )
    if args.json:
        print(json.dumps(summary, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
