#!/usr/bin/env python3
"""Per-page candidate table for the extraction benchmark, cached under var/.

    .venv/bin/python bench/extraction_cache.py [--sets dev,wcxb-dev] [--limit N] [--refresh]

For every page of the shared dev sets this computes, once, what the selection in
newsdesk.articles.bodytext works from: every candidate body of the one parse and the
page evidence about each (newsdesk.articles.bodytext.page_candidates), and stores it
as JSON in var/extraction-cache/<set>.json. bench/extraction.py reads the table to
cross-validate and ablate the selection rules without re-running the extractors; the
cache is keyed by a digest of the code that makes the candidates (the page parse, the
extractor runs, the metadata) and of the extractor libraries' versions, so changing
either rebuilds the table. Progress on stderr.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "var" / "extraction-cache"
SETS = ("dev", "wcxb-dev")
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
from extraction import SHARED  # noqa: E402


def code_digest() -> str:
    """Digest of the code that makes the candidates (not of the selection among them)."""
    import importlib.metadata
    import inspect

    from newsdesk.articles import bodytext, extract, metadata

    digest = hashlib.sha256()
    for fn in (extract.parse_page, bodytext.body_candidates, bodytext.element_text,
               bodytext.unwrap_layout_tables, bodytext.is_layout_table, bodytext.anchor_texts,
               metadata.extract_metadata, metadata.choose_title, metadata._article_body):
        digest.update(inspect.getsource(fn).encode())
    digest.update(extract._DOCUMENT_END_TAGS.pattern.encode())
    for library in ("trafilatura", "lxml", "justext"):  # their output is the candidates
        digest.update(importlib.metadata.version(library).encode())
    return digest.hexdigest()[:16]


def page_row(html: str, url: str | None) -> dict:
    """The candidates of one page and what article_text needs of its metadata."""
    from newsdesk.articles.bodytext import body_candidates
    from newsdesk.articles.extract import parse_page
    from newsdesk.articles.metadata import extract_metadata

    _, tree = parse_page(html)
    if tree is None:
        return {"candidates": None, "title": None, "page_heading": None}
    meta = extract_metadata(tree, url)
    c = body_candidates(tree, url, meta.jsonld_body)
    return {
        "candidates": {"main": c.main, "precise": c.precise, "readability": c.readability,
                       "jsonld": c.jsonld, "full": c.full, "anchors": sorted(c.anchors)},
        "title": meta.title,
        "page_heading": meta.page_heading,
    }


def candidates_of(row: dict):
    """(BodyCandidates, PageMetadata with title and heading) of a cached row, or None."""
    from newsdesk.articles.bodytext import BodyCandidates
    from newsdesk.articles.metadata import PageMetadata

    if row["candidates"] is None:
        return None
    c = dict(row["candidates"])
    c["anchors"] = frozenset(c["anchors"])
    return BodyCandidates(**c), PageMetadata(title=row["title"], page_heading=row["page_heading"])


def build(set_name: str, limit: int = 0, refresh: bool = False) -> dict:
    """The cached table of one set: {"digest", "pages": {id: row}}; built when stale."""
    from extraction import load_pages, load_shared_module, progress

    path = CACHE / f"{set_name}.json"
    digest = code_digest()
    table = {"digest": digest, "pages": {}}
    if path.is_file() and not refresh:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("digest") == digest:
            table = cached
    baselines = load_shared_module("run_baselines")
    _, pages = load_pages(baselines, SHARED / set_name, limit)
    todo = [(pid, html, url) for pid, html, url in pages if pid not in table["pages"]]
    for n, (pid, html, url) in enumerate(todo, 1):
        table["pages"][pid] = page_row(html, url)
        if n % 50 == 0:
            progress(f"  {set_name}: {n}/{len(todo)} pages")
            _save(path, table)
    if todo:
        _save(path, table)
    return table


def _save(path: Path, table: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(table), encoding="utf-8")
    tmp.replace(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--refresh", action="store_true")
    args = ap.parse_args(argv)
    for name in args.sets.split(","):
        table = build(name, args.limit, args.refresh)
        print(f"{name}: {len(table['pages'])} pages cached in {CACHE / (name + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
