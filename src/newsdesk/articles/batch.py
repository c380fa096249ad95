"""Extracting saved pages in bulk: the work behind `newsdesk extract --dir`.

Pure functions (no Django, no database), so that worker processes can run them.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from newsdesk.articles.extract import extract

PAGE_SUFFIXES = (".html.gz", ".html", ".htm")


def page_name(path: Path) -> str | None:
    """The page's name without .html/.html.gz, or None when path is not a page file."""
    for suffix in PAGE_SUFFIXES:
        if path.name.lower().endswith(suffix) and len(path.name) > len(suffix):
            return path.name[: -len(suffix)]
    return None


def read_page_file(path: Path) -> bytes:
    """The bytes of a saved page, gunzipped when it is a .gz file."""
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ValueError(f"not a readable gzip file ({exc})") from exc
    return data


def quiet_library_logs() -> None:
    """trafilatura and htmldate log a warning per odd page; the command reports its own."""
    for name in ("trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.ERROR)


def render(result: dict, output_format: str) -> str:
    if output_format == "text":
        return result["text"] + ("\n" if result["text"] else "")
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def extract_file(path: Path, url: str | None = None) -> dict:
    """The extraction of one saved page as the JSON object the command prints."""
    return extract(read_page_file(path), url).to_json()


def _extract_one(job: tuple[str, str, str]) -> str | None:
    """Worker: extract (path) into (out_path) in (format); the error line, or None."""
    path, out_path, output_format = job
    try:
        result = extract_file(Path(path))
        Path(out_path).write_text(render(result, output_format), encoding="utf-8")
    except (OSError, ValueError) as exc:
        return f"page {path}: cannot read or write it ({exc})"
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the batch
        return f"page {path}: extraction failed ({type(exc).__name__}: {exc})"
    return None


def page_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file() and page_name(p))


def progress_bar(done: int, total: int, failed: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} pages, {failed} failed"


def extract_directory(directory: Path, out: Path, output_format: str = "json",
                      workers: int | None = None,
                      report: Callable[[str], None] | None = None) -> int:
    """Extract every page in directory to out/<name>.json (or .txt); returns failures.

    Uses every core; a page that cannot be read gets one error line and the batch goes on.
    """
    report = report or (lambda line: print(line, file=sys.stderr, flush=True))
    out.mkdir(parents=True, exist_ok=True)
    extension = ".txt" if output_format == "text" else ".json"
    paths = page_files(directory)
    jobs = [(str(p), str(out / f"{page_name(p)}{extension}"), output_format) for p in paths]
    failed = 0
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1,
                             initializer=quiet_library_logs) as pool:
        for done, error in enumerate(pool.map(_extract_one, jobs, chunksize=4), start=1):
            if error:
                failed += 1
                sys.stderr.write("\n")
                report(error)
            sys.stderr.write(progress_bar(done, len(jobs), failed))
            sys.stderr.flush()
    sys.stderr.write("\n")
    return failed
