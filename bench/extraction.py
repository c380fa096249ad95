#!/usr/bin/env python3
"""Article extraction benchmark: Newsdesk against trafilatura, readability-lxml and newspaper4k.

    .venv/bin/python bench/extraction.py [--data DIR] [--limit N] [--json]

DIR (default ../shared/benchmarks/extraction/dev) holds html/<id>.html(.gz) and
ground-truth.json. All four extractors run in this one process on the same decoded
page (as ../shared/benchmarks/extraction/run_baselines.py hands it), scored with that
folder's score.py (token P/R/F1 per page, averaged). Speed is pages per CPU-second
with process_time around each extractor call only, after one untimed warm-up call.

Also reported:
- newsdesk_cv_f1: the vote settings (bodytext.VOTE_GRID) were chosen on this data, so
  the F1 that counts is 5-fold cross-validated: folds grouped by host (no site in both
  a training and a test fold), settings picked on 4 folds, scored on the 5th.
- title_agreement / date_agreement: on pages with JSON-LD or OpenGraph, those blocks
  are removed and the headline and publication date found by the remaining means are
  compared with theirs (title: same words; date: within one calendar day).
- false_walls: pages reported as paywall, consent wall or bot challenge.
Progress goes to stderr; with --json the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import html as html_lib
import importlib.util
import json
import math
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "benchmarks" / "extraction"
sys.path.insert(0, str(REPO / "src"))

WALLS = ("paywall", "consent_wall", "bot_challenge")


def load_shared_module(name: str):
    """score.py / run_baselines.py from the shared benchmark folder, imported by path."""
    path = SHARED / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"shared_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(SHARED))  # run_baselines imports score by name
    spec.loader.exec_module(module)
    return module


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- extractors


def extractors(baselines):
    """name -> fn(html, url) -> body text; the three baselines exactly as run_baselines.py."""
    from newsdesk.articles.extract import detect_language, extract

    # The language model loads on first use; the warm-up page may not need it.
    detect_language("warm up the language identifier before timing " * 5)
    found = {"newsdesk": lambda html, url: extract(html, url).text}
    for name, factory in (
        ("trafilatura", baselines.mk_trafilatura()),
        ("readability", baselines.f_readability),
        ("newspaper4k", baselines.f_newspaper4k),
    ):
        try:
            found[name] = factory()[1]
        except ImportError as exc:
            progress(f"skipping {name}: not installed ({exc})")
    return found


def run_extractor(fn, pages):
    """Texts per page id and pages per CPU-second of the extractor calls alone."""
    texts, cpu = {}, 0.0
    fn(pages[0][1], pages[0][2])  # warm-up: lazy imports, caches
    for pid, html, url in pages:
        start = time.process_time()
        try:
            texts[pid] = fn(html, url) or ""
        except Exception as exc:  # noqa: BLE001 - a crash is a failure, as in run_baselines
            progress(f"  {pid[:12]}: {type(exc).__name__}: {exc}")
            texts[pid] = ""
        cpu += time.process_time() - start
    return texts, (len(pages) / cpu if cpu > 0 else 0.0)


def summarise(score, truth, texts):
    rows = [score.page_scores(truth[pid], texts[pid]) for pid in texts if truth.get(pid)]
    return {
        "f1": statistics.fmean(r["f1"] for r in rows),
        "precision": statistics.fmean(r["p"] for r in rows),
        "recall": statistics.fmean(r["r"] for r in rows),
        "failures": sum(1 for r in rows if r["failed"]),
    }


# ---------------------------------------------------------------- cross-validation


def host_folds(pages, k=5, seed=0):
    hosts = sorted({(urlsplit(url).hostname or "").removeprefix("www.") for _, _, url in pages})
    random.Random(seed).shuffle(hosts)
    fold_of_host = {host: i % k for i, host in enumerate(hosts)}
    return {
        pid: fold_of_host[(urlsplit(url).hostname or "").removeprefix("www.")]
        for pid, _, url in pages
    }


def cross_validated_f1(score, truth, pages, statuses):
    """Host-grouped 5-fold CV of the vote settings over bodytext.VOTE_GRID."""
    from newsdesk.articles.bodytext import VOTE_GRID, body_candidates
    from newsdesk.articles.extract import article_text, parse_page
    from newsdesk.articles.metadata import extract_metadata

    f1 = {}  # (pid, settings) -> F1
    for pid, html, url in pages:
        _, tree = parse_page(html)
        meta = extract_metadata(tree, url)
        candidates = body_candidates(tree, url, meta.jsonld_body)
        for settings in VOTE_GRID:
            text = article_text(candidates, meta, settings)
            if statuses[pid] in WALLS:  # as extract() does: a wall's words are not the text
                text = ""
            f1[pid, settings] = score.page_scores(truth[pid], text)["f1"]
    for settings in VOTE_GRID:
        progress(
            f"  all pages, {settings}: F1 "
            f"{statistics.fmean(f1[pid, settings] for pid, _, _ in pages):.4f}"
        )
    fold = host_folds(pages)
    held_out = []
    for k in range(5):
        train = [pid for pid, _, _ in pages if fold[pid] != k]
        best = max(VOTE_GRID, key=lambda s: statistics.fmean(f1[pid, s] for pid in train))
        test = [pid for pid, _, _ in pages if fold[pid] == k]
        held_out += [f1[pid, best] for pid in test]
        progress(
            f"  fold {k + 1}: chose {best}, held-out F1 "
            f"{statistics.fmean(f1[pid, best] for pid in test):.4f} ({len(test)} pages)"
        )
    return statistics.fmean(held_out)


# ---------------------------------------------------------------- metadata agreement


def _words(text):
    return re.findall(r"\w+", (text or "").lower())


def metadata_agreement(pages):
    """Share of pages where title/date found without JSON-LD and OpenGraph agree with them."""
    from newsdesk.articles.extract import parse_page
    from newsdesk.articles.metadata import (
        extract_metadata,
        jsonld_article,
        meta_tags,
        parse_date,
        site_names,
        strip_site_name,
    )

    titles, dates = [], []
    for _, html, url in pages:
        _, tree = parse_page(html)
        ld, meta = jsonld_article(tree) or {}, meta_tags(tree)
        names = site_names(meta, None, url)
        ref_title = ld.get("headline") if isinstance(ld.get("headline"), str) else None
        ref_title = html_lib.unescape(ref_title or meta.get("og:title") or "")
        ref_date = parse_date(ld.get("datePublished")) or parse_date(
            meta.get("article:published_time")
        )
        for el in tree.xpath(
            './/script[contains(@type, "ld+json")]'
            ' | .//meta[starts-with(@property, "og:")]'
            ' | .//meta[starts-with(@property, "article:")]'
            ' | .//meta[starts-with(@name, "og:")]'
        ):
            el.drop_tree()
        found = extract_metadata(tree, url)
        if ref_title:
            titles.append(_words(strip_site_name(ref_title, names)) == _words(found.title))
        if ref_date:
            dates.append(
                found.published is not None
                and abs((found.published.date() - ref_date.date()).days) <= 1
            )

    def share(agreed):
        return sum(agreed) / len(agreed) if agreed else None

    return share(titles), share(dates), len(titles), len(dates)


# ---------------------------------------------------------------- main


def load_pages(baselines, data: Path, limit: int):
    gt, found = baselines.load_dataset(data)
    found = found[:limit] if limit else found
    truth = {pid: (entry.get("articleBody") or "") for pid, entry in gt.items()}
    return truth, [(pid, baselines.read_page(path), url) for pid, path, url in found]


def finite(value):
    return value if isinstance(value, (int, float)) and math.isfinite(value) else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--data",
        type=Path,
        default=SHARED / "dev",
        help="dataset folder: html/<id>.html(.gz) and ground-truth.json",
    )
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (quick checks)")
    ap.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    args = ap.parse_args(argv)
    if not (SHARED / "score.py").is_file():
        print(
            f"bench/extraction.py: the shared benchmark folder is missing: no {SHARED}/score.py. "
            "It holds the scorer and the dev set; put the shared folder beside the repository "
            "(../shared) and run again.",
            file=sys.stderr,
        )
        return 2
    if not (args.data / "ground-truth.json").is_file():
        print(
            f"bench/extraction.py: no dataset at {args.data}: expected ground-truth.json and "
            "html/ in it (see --data).",
            file=sys.stderr,
        )
        return 2
    score = load_shared_module("score")
    baselines = load_shared_module("run_baselines")
    truth, pages = load_pages(baselines, args.data, args.limit)
    progress(f"{len(pages)} pages from {args.data}")

    results = {}
    for name, fn in extractors(baselines).items():
        progress(f"running {name} ...")
        texts, rate = run_extractor(fn, pages)
        results[name] = summarise(score, truth, texts) | {"pages_per_cpu_s": rate}

    from newsdesk.articles.extract import extract

    progress("walls and statuses ...")
    statuses = {pid: extract(html, url).status for pid, html, url in pages}
    false_walls = sum(1 for status in statuses.values() if status in WALLS)
    progress("cross-validating the vote settings (5 folds, grouped by host) ...")
    cv_f1 = cross_validated_f1(score, truth, pages, statuses) if len(pages) >= 10 else None
    progress("metadata without JSON-LD/OpenGraph ...")
    title_agree, date_agree, n_titles, n_dates = metadata_agreement(pages)

    traf_rate = results.get("trafilatura", {}).get("pages_per_cpu_s")
    print(
        f"dataset {args.data} ({len(pages)} pages); pages/CPU-s = process_time "
        "around each call, one process"
    )
    print("| extractor | P | R | F1 | failures | pages/CPU-s | x trafilatura |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        ratio = f"{r['pages_per_cpu_s'] / traf_rate:.2f}" if traf_rate else "-"
        print(
            f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
            f"{r['failures']} | {r['pages_per_cpu_s']:.1f} | {ratio} |"
        )
    print(
        f"newsdesk 5-fold CV F1 (host-grouped): {cv_f1:.3f}"
        if cv_f1 is not None
        else "newsdesk CV F1: too few pages"
    )

    def fmt(share, pages):
        return f"{share:.3f} of {pages} pages" if share is not None else "no pages with the blocks"

    print(f"title agreement without JSON-LD/OG: {fmt(title_agree, n_titles)}")
    print(f"date agreement without JSON-LD/OG:  {fmt(date_agree, n_dates)}")
    print(
        f"pages reported as walls: {false_walls}; as not_article: "
        f"{sum(1 for s in statuses.values() if s == 'not_article')}"
    )
    if args.json:
        summary = {
            name: {key: finite(value) for key, value in r.items()} for name, r in results.items()
        }
        summary |= {
            "newsdesk_cv_f1": finite(cv_f1),
            "title_agreement": finite(title_agree),
            "date_agreement": finite(date_agree),
            "false_walls": false_walls,
        }
        print(json.dumps(summary, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
