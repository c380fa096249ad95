"""Where a Newsdesk process's memory goes: imports by process kind, the clustering index,
one extraction batch.

Three measurements, each in a fresh Python process of its own so that one does not
inherit another's memory:

- imports: the resident memory (VmRSS) of a process after Python starts, after
  `django.setup()` with Newsdesk's settings, and after each thing a process kind loads:
  the URLconf (web), the pipeline (scheduler, workers), extraction, the preparation
  of articles for the story engine and the language model (loaded for the first page
  that does not say its language) (worker), the story engine's copy detector
  (clustering consumer); and which of the heavy libraries are loaded by then;
- the clustering index: --articles articles of the simulator's feed farm (its headlines
  and texts, as bench/ingest.py feeds them) added to a `StoryIndex` under tracemalloc:
  RSS growth, the index's own estimate (`memory_bytes`), and the traced bytes by file;
- extraction: one batch of pages (pipeline.EXTRACT_BATCH) of the farm extracted under
  tracemalloc: the traced peak while the batch is extracted, and what is left after.

No database is used (the imports need the settings only). Progress goes to stderr; with
--json the last line of stdout is one JSON object.
Usage: bench/memory.py [--articles 20000] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import say

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "scipy", "datasketch", "wordfreq", "trafilatura", "lxml", "aiohttp",
         "feedparser", "prometheus_client", "PIL")

IMPORTS = r"""
import importlib, json, sys
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
steps = [("python", rss())]
import django
django.setup()
steps.append(("django.setup()", rss()))
for step in sys.argv[1:]:
    if step == "prepare":
        from newsdesk.stories.prepare import prepare
        # long enough for a copy signature (datasketch), as most articles are
        prepare("A harbour council approves a budget",
                " ".join(f"Sentence {n} of the report says what happened." for n in range(30)))
    elif step == "copy detector":
        from newsdesk.stories.dedup import CopyDetector
        CopyDetector()
    elif step == "extract":  # a page that says its language, as most do
        from newsdesk.articles.extract import extract
        extract(b"<html lang=en><body><article><p>" + b"Words in a page. " * 200
                + b"</p></article></body></html>", "https://example.org/a")
    elif step == "language model":  # one that does not: py3langid's model is loaded
        from newsdesk.articles.extract import extract
        extract(b"<html><body><article><p>" + b"Words in a page. " * 200
                + b"</p></article></body></html>", "https://example.org/b")
    else:
        importlib.import_module(step)
    steps.append((step, rss()))
heavy = [m for m in json.loads(sys.stdin.read()) if m in sys.modules]
print(json.dumps({"steps": steps, "heavy": heavy}))
"""

KINDS = {
    "web": ["newsdesk.urls"],
    "scheduler": ["newsdesk.pipeline"],
    "worker": ["newsdesk.pipeline", "extract", "prepare", "language model"],
    "clustering consumer": ["newsdesk.pipeline", "newsdesk.stories.assign", "prepare",
                            "copy detector"],
}

INDEX = r"""
import json, sys, tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from newsdesk.simulator import farm
from newsdesk.stories.engine import Doc, StoryIndex
from newsdesk.stories.prepare import prepare
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
articles = int(sys.argv[1])
docs = []
start = datetime(2026, 12, 3, tzinfo=UTC)
for n in range(articles):  # 4 of 5 from the feed only, 1 of 5 with its page (as ingest.py)
    feed, item = n % 2500, n // 2500
    title = farm._headline(feed, item)
    text = farm._summary(feed, item) if feed < 2000 else "\n\n".join(farm._paragraphs(feed, item))
    docs.append(Doc(key=str(n), title=title, text=text, language="en",
                    published=start + timedelta(seconds=n / 2), prepared=prepare(title, text)))
index = StoryIndex(window_hours=72)
index.add(docs[0])
before = rss()
tracemalloc.start()
for doc in docs[1:]:
    index.add(doc)
snapshot = tracemalloc.take_snapshot()
traced = tracemalloc.get_traced_memory()[0]
tracemalloc.stop()
by_file = Counter()
for stat in snapshot.statistics("filename"):
    name = stat.traceback[0].filename
    by_file[name.split("site-packages/")[-1] if "site-packages" in name
            else name.rsplit("/", 1)[-1]] += stat.size
del docs
print(json.dumps({"articles": articles, "stories": len(index._clusters.stories),
                  "rss_growth_mb": rss() - before, "index_estimate_mb": index.memory_bytes() / 1e6,
                  "traced_mb": traced / 1e6,
                  "traced_by_file_mb": {k: round(v / 1e6, 1) for k, v in by_file.most_common(8)}}))
"""

EXTRACTION = r"""
import json, tracemalloc
import django
django.setup()
from newsdesk.articles.extract import extract
from newsdesk.pipeline import EXTRACT_BATCH
from newsdesk.simulator.farm import Farm
farm = Farm(feeds=EXTRACT_BATCH, hosts=1, entries=1)
pages = [farm.resolve(0, f"/f{feed:05d}/0.html", "http://h000.farm.localhost").render()
         for feed in range(EXTRACT_BATCH)]
extract(pages[0], "http://h000.farm.localhost/f00000/0.html")  # imports, caches
tracemalloc.start()
results = [extract(page, f"http://h000.farm.localhost/f{n:05d}/0.html")
           for n, page in enumerate(pages)]
current, peak = tracemalloc.get_traced_memory()
print(json.dumps({"pages": len(pages), "page_kb": sum(map(len, pages)) / len(pages) / 1e3,
                  "traced_peak_mb": peak / 1e6, "traced_after_mb": current / 1e6}))
"""


def child(code: str, *args: str, stdin: str = "") -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")},
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "SECRET_KEY": "bench-only-secret",
        "NEWSDESK_VAR_DIR": tempfile.mkdtemp(prefix="newsdesk-bench-memory-"),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", code, *args], input=stdin, env=env,
                            cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise SystemExit(f"bench/memory.py: a measurement failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000,
                        help="farm articles in the clustering index (default 20,000)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    result: dict = {"imports": {}}
    for kind, steps in KINDS.items():
        say(f"imports of a {kind} process ...")
        measured = child(IMPORTS, *steps, stdin=json.dumps(HEAVY))
        result["imports"][kind] = {
            "rss_mb": {step: round(mb, 1) for step, mb in measured["steps"]},
            "heavy_libraries": measured["heavy"],
        }
    say(f"the clustering index with {args.articles} farm articles ...")
    result["index"] = child(INDEX, str(args.articles))
    say("one extraction batch ...")
    result["extraction"] = child(EXTRACTION)

    print("resident memory (MB) after each step, by process kind:")
    for kind, measured in result["imports"].items():
        steps = ", ".join(f"{step} {mb}" for step, mb in measured["rss_mb"].items())
        print(f"  {kind:20} {steps}")
        print(f"  {'':20} heavy libraries loaded: {', '.join(measured['heavy_libraries'])}")
    index = result["index"]
    print(f"clustering index, {index['articles']} farm articles in {index['stories']} stories: "
          f"RSS +{index['rss_growth_mb']:.0f} MB, its estimate {index['index_estimate_mb']:.0f} "
          f"MB, traced {index['traced_mb']:.0f} MB: {index['traced_by_file_mb']}")
    extraction = result["extraction"]
    print(f"extraction of {extraction['pages']} pages of {extraction['page_kb']:.1f} kB: traced "
          f"peak {extraction['traced_peak_mb']:.1f} MB, {extraction['traced_after_mb']:.1f} MB "
          "left (the results)")
    if args.json:
        print(json.dumps(result, allow_nan=False))


if __name__ == "__main__":
    main()
