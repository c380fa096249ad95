#!/usr/bin/env python3
"""Article extraction benchmark: Newsdesk against trafilatura, readability-lxml and newspaper4k.

    .venv/bin/python bench/extraction.py [--sets dev,wcxb-dev] [--data DIR] [--limit N] [--json]

Both shared dev sets (../shared/benchmarks/extraction/dev, 181 pages, and wcxb-dev, 711
pages; or one folder given with --data) run in this one process: a table per set and
their page-weighted union. Every extractor gets the same decoded page (as
../shared/benchmarks/extraction/run_baselines.py hands it), scored with that folder's
score.py (token P/R/F1 per page, averaged). Speed is pages per CPU-second with
process_time around each extractor call only, after one untimed warm-up call.

Also reported:
- newsdesk_cv_f1: the vote settings (bodytext.VOTE_GRID) and the guard's ratio
  (bodytext.SELECT_GRID) are chosen on data, so the F1 that counts is 5-fold
  cross-validated over both sets together, folds grouped by site (no host in both a
  training and a test fold): settings picked on 4 folds, scored on the 5th. It works
  from the per-page candidate table (bench/extraction_cache.py, cached under var/).
- the ablation: each selection rule (bodytext.RULES) removed in turn, its union and
  per-set CV F1; a rule earns its place when removing it lowers the union's.
- {title,author,date}_vs_truth (sets whose ground truth has them, i.e. wcxb-dev):
  exact match after normalising case, whitespace and a site-name suffix (titles), the
  set of names (authors), the day (dates), over the pages whose ground truth has the
  field; for Newsdesk and for trafilatura's own metadata.
- title_agreement / date_agreement: on pages with JSON-LD or OpenGraph, those blocks
  are removed and the headline and publication date found by the remaining means are
  compared with theirs (title: same words; date: within one calendar day).
- false_walls: pages reported as paywall, consent wall or bot challenge.
Progress goes to stderr; with --json the last stdout line is one JSON object: the
top-level keys describe the first set (dev) as before, "sets" each set, "union" both.
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
# ../shared beside the repository; a worktree further down finds the one beside its parents
SHARED = next(
    (folder / "shared" / "benchmarks" / "extraction" for folder in REPO.parents
     if (folder / "shared" / "benchmarks" / "extraction").is_dir()),
    REPO.parent / "shared" / "benchmarks" / "extraction",
)
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

WALLS = ("paywall", "consent_wall", "bot_challenge")
SETS = ("dev", "wcxb-dev")


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
    """name -> fn(html, url) -> body text, or Newsdesk's whole Extraction; the three
    baselines exactly as run_baselines.py."""
    from newsdesk.articles.extract import detect_language, extract

    # The language model loads on first use; the warm-up page may not need it.
    detect_language("warm up the language identifier before timing " * 5)
    found = {"newsdesk": extract}
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
    """Outputs per page id and the CPU seconds of the extractor calls alone."""
    outputs, cpu = {}, 0.0
    fn(pages[0][1], pages[0][2])  # warm-up: lazy imports, caches
    for pid, html, url in pages:
        start = time.process_time()
        try:
            outputs[pid] = fn(html, url)
        except Exception as exc:  # noqa: BLE001 - a crash is a failure, as in run_baselines
            progress(f"  {pid[:12]}: {type(exc).__name__}: {exc}")
            outputs[pid] = None
        cpu += time.process_time() - start
    return outputs, cpu


def text_of(output) -> str:
    if output is None:
        return ""
    return output if isinstance(output, str) else output.text


def page_rows(score, truth, texts):
    """Per-page scores of the pages whose ground truth has words."""
    return {pid: score.page_scores(truth[pid], text) for pid, text in texts.items()
            if score.tokens(truth.get(pid, ""))}


def summarise(rows: list[dict], pages: int, cpu: float) -> dict:
    return {
        "f1": statistics.fmean(r["f1"] for r in rows),
        "precision": statistics.fmean(r["p"] for r in rows),
        "recall": statistics.fmean(r["r"] for r in rows),
        "failures": sum(1 for r in rows if r["failed"]),
        "pages_below_half": sum(1 for r in rows if r["f1"] < 0.5),
        "pages_per_cpu_s": pages / cpu if cpu > 0 else 0.0,
        "cpu_s": cpu,
        "pages": len(rows),
    }


# ---------------------------------------------------------------- cross-validation


def host_of_url(url: str) -> str:
    return (urlsplit(url or "").hostname or "").removeprefix("www.")


def host_folds(hosts: dict[str, str], k=5, seed=0) -> dict[str, int]:
    """Fold per page key, grouped by host: no host in two folds. A page without a URL is
    its own group."""
    groups = sorted({host or key for key, host in hosts.items()})
    random.Random(seed).shuffle(groups)
    fold_of = {group: i % k for i, group in enumerate(groups)}
    return {key: fold_of[host or key] for key, host in hosts.items()}


def selection_f1(score, sets, rules=None):
    """F1 per (page key, vote settings, select settings) from the cached candidates.

    sets: {set: (truth, pages, statuses, table)}. rules: the selection rules on (all
    when None). Page keys are (set, id)."""
    from extraction_cache import candidates_of

    from newsdesk.articles.bodytext import SELECT_GRID, VOTE_GRID, vote_body
    from newsdesk.articles.extract import article_text

    grid = [(v, s if rules is None else s.__class__(s.ratio, s.link_share, frozenset(rules)))
            for v in VOTE_GRID for s in SELECT_GRID]
    f1, memo = {}, {}
    for name, (truth, pages, statuses, table) in sets.items():
        for pid, _, _ in pages:
            if not score.tokens(truth.get(pid, "")):
                continue
            found = candidates_of(table["pages"][pid])
            votes = {}
            for vote, select in grid:
                if found is None or statuses.get(pid) in WALLS:
                    text = ""  # as extract() does: a wall's words are not the text
                else:
                    candidates, meta = found
                    if vote not in votes:
                        votes[vote] = vote_body(candidates, vote)
                    text = article_text(candidates, meta, vote, select, votes[vote])
                if (pid, text) not in memo:
                    memo[pid, text] = score.page_scores(truth[pid], text)["f1"]
                f1[(name, pid), (vote, select.ratio)] = memo[pid, text]
    return f1, [(v, s.ratio) for v, s in grid]


def cross_validate(f1, grid, folds):
    """Held-out F1 per page key: settings chosen on the other folds."""
    keys = sorted({key for key, _ in f1})
    held_out, chosen = {}, []
    for k in sorted(set(folds.values())):
        train = [key for key in keys if folds[key] != k]
        best = max(grid, key=lambda g: statistics.fmean(f1[key, g] for key in train))
        chosen.append(best)
        for key in keys:
            if folds[key] == k:
                held_out[key] = f1[key, best]
    return held_out, chosen


def cv_summary(held_out: dict) -> dict:
    """CV F1 and pages below 0.5, per set and for the union."""
    out = {}
    for name in sorted({key[0] for key in held_out}) + ["union"]:
        values = [v for key, v in held_out.items() if name in ("union", key[0])]
        out[name] = {"cv_f1": statistics.fmean(values),
                     "cv_pages_below_half": sum(1 for v in values if v < 0.5)}
    return out


# ---------------------------------------------------------------- metadata vs ground truth

_SUFFIX = re.compile(r"\s+(?:[|\-–—:·•»~/]|::)\s+(?P<tail>[^|\-–—:·•»~/]+)$")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)


def norm_title(title) -> str:
    """Lower-cased, spaces collapsed, without a trailing site-name segment (a short last
    segment after a separator: " | Site", " - Site")."""
    text = " ".join(str(title or "").split()).lower()
    found = _SUFFIX.search(text)
    if found and len(found.group("tail").split()) <= 4:
        text = text[: found.start()]
    return text.strip()


def norm_authors(author) -> frozenset:
    if isinstance(author, (list, tuple)):
        author = ", ".join(author)
    names = _NAME_SPLIT.split(" ".join(str(author or "").split()).lower())
    return frozenset(name.strip(" .") for name in names if name.strip(" ."))


def norm_day(value) -> str | None:
    from newsdesk.articles.metadata import parse_date

    if value is None:
        return None
    if hasattr(value, "date"):
        return value.date().isoformat()
    found = parse_date(str(value))
    return found.date().isoformat() if found else None


def metadata_vs_truth(gt, pages, newsdesk_out):
    """Agreement of headline, author and date with the ground truth, Newsdesk and
    trafilatura's own metadata, over the pages whose ground truth has the field."""
    import trafilatura

    tallies = {field: {"newsdesk": 0, "trafilatura": 0, "pages": 0}
               for field in ("title", "author", "date")}
    for pid, html, url in pages:
        entry = gt.get(pid) or {}
        ours = newsdesk_out.get(pid)
        try:
            theirs = trafilatura.extract_metadata(html, default_url=url or None)
        except Exception:  # noqa: BLE001 - their failure counts as no metadata
            theirs = None
        found = {
            "newsdesk": {
                "title": ours.title if ours else None,
                "author": list(ours.bylines) if ours else None,
                "date": ours.published if ours else None,
            },
            "trafilatura": {
                "title": getattr(theirs, "title", None),
                "author": getattr(theirs, "author", None),
                "date": getattr(theirs, "date", None),
            },
        }
        for field, norm, key in (("title", norm_title, "title"),
                                 ("author", norm_authors, "author"),
                                 ("date", norm_day, "publish_date")):
            if not entry.get(key):
                continue
            tallies[field]["pages"] += 1
            want = norm(entry[key])
            for who in ("newsdesk", "trafilatura"):
                got = found[who][field]
                tallies[field][who] += bool(got) and norm(got) == want
    return {
        f"{field}_vs_truth": {
            "newsdesk": t["newsdesk"] / t["pages"] if t["pages"] else None,
            "trafilatura": t["trafilatura"] / t["pages"] if t["pages"] else None,
            "pages": t["pages"],
        }
        for field, t in tallies.items()
    }


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
    if isinstance(value, dict):
        return {key: finite(v) for key, v in value.items()}
    return value if isinstance(value, (int, float)) and math.isfinite(value) else (
        value if isinstance(value, (str, type(None))) else None)


def print_table(title: str, results: dict, traf_rate: float | None) -> None:
    print(title)
    print("| extractor | P | R | F1 | pages F1<0.5 | failures | pages/CPU-s | x trafilatura |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        ratio = f"{r['pages_per_cpu_s'] / traf_rate:.2f}" if traf_rate else "-"
        print(
            f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
            f"{r['pages_below_half']} | {r['failures']} | {r['pages_per_cpu_s']:.1f} | {ratio} |"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS),
                    help="comma-separated set folders under the shared extraction benchmark")
    ap.add_argument("--data", type=Path, action="append",
                    help="a dataset folder (html/<id>.html(.gz), ground-truth.json) instead "
                         "of --sets; may be repeated")
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages of each set")
    ap.add_argument("--no-ablation", action="store_true", help="skip the rule ablation")
    ap.add_argument("--json", action="store_true", help="end stdout with one JSON object")
    args = ap.parse_args(argv)
    if not (SHARED / "score.py").is_file():
        print(
            f"bench/extraction.py: the shared benchmark folder is missing: no {SHARED}/score.py. "
            "It holds the scorer and the dev sets; put the shared folder beside the repository "
            "(../shared) and run again.",
            file=sys.stderr,
        )
        return 2
    folders = args.data or [SHARED / name for name in args.sets.split(",") if name]
    for folder in folders:
        if not (folder / "ground-truth.json").is_file():
            print(
                f"bench/extraction.py: no dataset at {folder}: expected ground-truth.json and "
                "html/ in it (see --sets and --data).",
                file=sys.stderr,
            )
            return 2
    import extraction_cache

    score = load_shared_module("score")
    baselines = load_shared_module("run_baselines")
    fns = extractors(baselines)
    per_set, union_rows, union_cpu, cv_sets, hosts = {}, {}, {}, {}, {}
    for folder in folders:
        name = folder.name
        gt, _ = baselines.load_dataset(folder)
        truth, pages = load_pages(baselines, folder, args.limit)
        progress(f"{name}: {len(pages)} pages from {folder}")
        results, outputs = {}, {}
        for ext, fn in fns.items():
            progress(f"  running {ext} ...")
            out, cpu = run_extractor(fn, pages)
            outputs[ext] = out
            rows = page_rows(score, truth, {pid: text_of(o) for pid, o in out.items()})
            results[ext] = summarise(list(rows.values()), len(pages), cpu)
            union_rows.setdefault(ext, []).extend(rows.values())
            union_cpu[ext] = union_cpu.get(ext, 0.0) + cpu
        statuses = {pid: (o.status if o is not None else "failed")
                    for pid, o in outputs["newsdesk"].items()}
        progress("  metadata without JSON-LD/OpenGraph ...")
        title_agree, date_agree, n_titles, n_dates = metadata_agreement(pages)
        has_meta = any(entry.get("title") or entry.get("publish_date") for entry in gt.values())
        vs_truth = metadata_vs_truth(gt, pages, outputs["newsdesk"]) if has_meta else {}
        progress("  candidate table (cached under var/) ...")
        table = extraction_cache.build(name, args.limit) if folder.parent == SHARED else None
        if table is None:  # a folder outside the shared benchmark: no cache, build in memory
            table = {"pages": {pid: extraction_cache.page_row(html, url)
                               for pid, html, url in pages}}
        cv_sets[name] = (truth, pages, statuses, table)
        hosts.update({(name, pid): host_of_url(url) for pid, _, url in pages})
        per_set[name] = {
            "pages": len(pages),
            "results": results,
            "title_agreement": title_agree, "date_agreement": date_agree,
            "title_pages": n_titles, "date_pages": n_dates,
            "false_walls": sum(1 for s in statuses.values() if s in WALLS),
            "not_article": sum(1 for s in statuses.values() if s == "not_article"),
            **vs_truth,
        }

    progress("cross-validating the selection (5 folds over all sets, grouped by host) ...")
    folds = host_folds(hosts)
    f1, grid = selection_f1(score, cv_sets)
    held_out, chosen = cross_validate(f1, grid, folds)
    cv = cv_summary(held_out)
    progress(f"  chosen per fold: {chosen}")
    ablation = {}
    if not args.no_ablation:
        from newsdesk.articles.bodytext import RULES

        for rule in RULES:
            progress(f"  ablation: without {rule} ...")
            f1_r, grid_r = selection_f1(score, cv_sets, [r for r in RULES if r != rule])
            ablation[rule] = cv_summary(cross_validate(f1_r, grid_r, folds)[0])

    union = {ext: summarise(rows, sum(p["pages"] for p in per_set.values()), union_cpu[ext])
             for ext, rows in union_rows.items()}
    for name, info in per_set.items():
        traf = info["results"].get("trafilatura", {}).get("pages_per_cpu_s")
        print_table(f"set {name} ({info['pages']} pages); pages/CPU-s = process_time around "
                    "each call, one process", info["results"], traf)
        print(f"newsdesk 5-fold CV F1 (host-grouped, folds over all sets): "
              f"{cv[name]['cv_f1']:.3f}, pages below 0.5: {cv[name]['cv_pages_below_half']}")
        for field in ("title", "author", "date"):
            agree = info.get(f"{field}_vs_truth")
            if agree and agree["pages"]:
                print(f"{field} vs ground truth ({agree['pages']} pages): newsdesk "
                      f"{agree['newsdesk']:.3f}, trafilatura {agree['trafilatura']:.3f}")

        def fmt(share, n):
            return f"{share:.3f} of {n} pages" if share is not None else "no pages with the blocks"

        titles = fmt(info["title_agreement"], info["title_pages"])
        dates = fmt(info["date_agreement"], info["date_pages"])
        print(f"title agreement without JSON-LD/OG: {titles}")
        print(f"date agreement without JSON-LD/OG:  {dates}")
        print(f"pages reported as walls: {info['false_walls']}; "
              f"as not_article: {info['not_article']}")
        print()
    traf_union = union.get("trafilatura", {}).get("pages_per_cpu_s")
    print_table(f"union of {', '.join(per_set)} (page-weighted)", union, traf_union)
    print(f"newsdesk 5-fold CV F1 (host-grouped): {cv['union']['cv_f1']:.3f}")
    if ablation:
        names = list(per_set)
        print()
        print("ablation: CV F1 with one selection rule removed (a rule stays when removing it "
              "lowers the union and costs no set more than 0.003)")
        print("| removed | union | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
        print(f"| (none) | {cv['union']['cv_f1']:.4f} | "
              + " | ".join(f"{cv[n]['cv_f1']:.4f}" for n in names) + " |")
        for rule, res in ablation.items():
            print(f"| {rule} | {res['union']['cv_f1']:.4f} | "
                  + " | ".join(f"{res[n]['cv_f1']:.4f}" for n in names) + " |")
    if args.json:
        def set_keys(name, info):
            r = info["results"]
            keys = {
                "newsdesk_cv_f1": cv[name]["cv_f1"],
                "newsdesk_cv_pages_below_half": cv[name]["cv_pages_below_half"],
                "newsdesk_f1": r["newsdesk"]["f1"],
                "trafilatura_f1": r.get("trafilatura", {}).get("f1"),
                "readability_f1": r.get("readability", {}).get("f1"),
                "newspaper4k_f1": r.get("newspaper4k", {}).get("f1"),
                "newsdesk_pages_below_half": r["newsdesk"]["pages_below_half"],
                "trafilatura_pages_below_half": r.get("trafilatura", {}).get("pages_below_half"),
                "speed_vs_trafilatura": (r["newsdesk"]["pages_per_cpu_s"]
                                         / r["trafilatura"]["pages_per_cpu_s"]
                                         if "trafilatura" in r else None),
                "pages": info["pages"],
                "false_walls": info["false_walls"],
            }
            for field in ("title", "author", "date"):
                if f"{field}_vs_truth" in info:
                    keys[f"{field}_vs_truth"] = info[f"{field}_vs_truth"]
            return keys

        first = next(iter(per_set))
        summary = {ext: r for ext, r in per_set[first]["results"].items()}
        summary |= {
            "newsdesk_cv_f1": cv[first]["cv_f1"],
            "title_agreement": per_set[first]["title_agreement"],
            "date_agreement": per_set[first]["date_agreement"],
            "false_walls": per_set[first]["false_walls"],
            "sets": {name: set_keys(name, info) for name, info in per_set.items()},
            "union": {
                "newsdesk_cv_f1": cv["union"]["cv_f1"],
                "newsdesk_cv_pages_below_half": cv["union"]["cv_pages_below_half"],
                **{f"{ext}_f1": r["f1"] for ext, r in union.items()},
                "newsdesk_pages_below_half": union["newsdesk"]["pages_below_half"],
                "trafilatura_pages_below_half": union.get("trafilatura", {}).get(
                    "pages_below_half"),
                "speed_vs_trafilatura": (union["newsdesk"]["pages_per_cpu_s"] / traf_union
                                         if traf_union else None),
            },
            "ablation": {rule: {name: res[name]["cv_f1"] for name in res}
                         for rule, res in ablation.items()},
        }
        print(json.dumps(finite(summary), allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
