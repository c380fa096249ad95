"""`newsdesk extract` on a file and on a folder of pages."""

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from loopback import serving

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[2] / "src"


def run_newsdesk(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.cli", "extract", *args],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ["PYTHONPATH"]]),
             **env},
    )


def test_one_page_file_prints_one_json_object():
    done = run_newsdesk(str(FIXTURES / "cookie_newsletter.html"))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["title"] == "Harbour bridge reopens after two years of repairs"
    assert data["status"] == "ok"


def test_directory_gives_one_file_per_page_and_exit_1_on_a_bad_page(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(FIXTURES / "div_layout.html", pages / "frost.html")
    (pages / "bridge.html.gz").write_bytes(
        gzip.compress((FIXTURES / "cookie_newsletter.html").read_bytes())
    )
    (pages / "broken.html.gz").write_bytes(b"this is not gzip")
    (pages / "notes.txt").write_text("not a page")
    out = tmp_path / "out"
    done = run_newsdesk("--dir", str(pages), "--out", str(out), "--format", "text")
    assert done.returncode == 1
    assert "broken.html.gz" in done.stderr and "not a readable gzip file" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["bridge.txt", "frost.txt"]
    assert (out / "bridge.txt").read_text().startswith("The swing bridge over the inner harbour")


def test_directory_of_good_pages_exits_0_with_json(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(FIXTURES / "paywall.html", pages / "wall.html")
    done = run_newsdesk("--dir", str(pages), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out" / "wall.json").read_text())["status"] == "paywall"


def test_missing_file_is_a_clear_error_not_a_traceback(tmp_path):
    done = run_newsdesk(str(tmp_path / "nope.html"))
    assert done.returncode != 0
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


class _FixtureHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server interface
        page = FIXTURES / "cookie_newsletter.html"
        if self.path != "/news/bridge":
            self.send_error(404)
            return
        body = page.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("X-Robots-Tag", "nosnippet")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_site():
    with serving(_FixtureHandler) as url:
        yield url


def test_url_is_fetched_through_the_guarded_client(loopback_site):
    done = run_newsdesk(f"{loopback_site}/news/bridge",
                        NEWSDESK_FETCH_ALLOW_NETWORKS="127.0.0.0/8")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["title"] == "Harbour bridge reopens after two years of repairs"
    assert data["excerpt"] == ""  # the X-Robots-Tag header said nosnippet


def test_url_the_client_refuses_is_a_clear_error(loopback_site):
    done = run_newsdesk(f"{loopback_site}/news/bridge")  # loopback is not allowed by default
    assert done.returncode != 0
    assert "could not fetch the page" in done.stderr and "Traceback" not in done.stderr
