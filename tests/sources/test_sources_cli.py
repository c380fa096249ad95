"""`newsdesk sources ...` as an operator runs it: the console script, in its own process.

Each test gets a freshly migrated SQLite file (copied from one migrated once per
module); the publishers are the simulator's, on loopback, reached through
NEWSDESK_FETCH_ALLOW_NETWORKS and NEWSDESK_FETCH_RESOLVE exactly as the demo does.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from newsdesk.core.urls import canonicalize_url
from newsdesk.simulator import SimulatorThread

ROOT = Path(__file__).resolve().parents[2]
NEWSDESK = Path(sys.executable).parent / "newsdesk"
XML_URL = re.compile(r'xmlUrl="([^"]+)"')
BAD_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Half written</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="A & B" xmlUrl="https://a-and-b.example/feed"/>
    </outline>
  </body>
</opml>
"""


@pytest.fixture(scope="module")
def simulator():
    with SimulatorThread(release_all=True) as sim:
        yield sim


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A var directory with a migrated database, made once and copied by each test."""
    var = tmp_path_factory.mktemp("migrated")
    completed = subprocess.run([NEWSDESK, "migrate", "--no-input", "-v", "0"],
                               env=environment(var), cwd=ROOT, capture_output=True, text=True,
                               timeout=180)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return var


def environment(var: Path, resolve: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return env | {
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "NEWSDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",  # queued, not run
        "NEWSDESK_VAR_DIR": str(var),
        "NEWSDESK_TESTING": "1",
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8,::1/128",
        "NEWSDESK_FETCH_RESOLVE": ",".join(f"{h}={a}" for h, a in (resolve or {}).items()),
        "NEWSDESK_FETCH_TIMEOUT": "10",
    }


@pytest.fixture
def newsdesk(migrated, tmp_path, simulator):
    """newsdesk("sources", "add", url) -> CompletedProcess, on this test's own database."""
    var = tmp_path / "var"
    shutil.copytree(migrated, var)
    env = environment(var, simulator.resolve_map())

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([NEWSDESK, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)

    return run


def error_lines(completed: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed.stderr.strip().splitlines()


def test_adding_something_that_is_not_a_url_says_so_in_one_line(newsdesk):
    completed = newsdesk("sources", "add", "not-a-url")

    assert completed.returncode == 2
    [line] = error_lines(completed)
    assert "'not-a-url' is not an http(s) URL" in line


def test_adding_a_site_finds_its_feed_and_adding_it_again_says_it_is_followed(
    newsdesk, simulator
):
    site = simulator.base_url("harbour-herald") + "/"

    first = newsdesk("sources", "add", site)
    again = newsdesk("sources", "add", site)

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("following http://harbour-herald.localhost")
    assert "as Feed" in first.stdout
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("already following http://harbour-herald.localhost")
    listed = newsdesk("sources", "list").stdout
    assert listed.count("harbour-herald.localhost") == 1


def test_a_site_with_nothing_to_follow_names_the_likeliest_tries_and_the_count(newsdesk, serve):
    async def bare_page(request):
        return web.Response(text="<html><body><p>Nothing here.</p></body></html>",
                            content_type="text/html")

    server = serve({"/": bare_page})

    completed = newsdesk("sources", "add", server.url("/"))

    assert completed.returncode == 2
    [line] = error_lines(completed)
    assert len(line) < 900  # three tries, not all of them
    assert f"found nothing to follow at {server.url('/')} after trying 16 addresses" in line
    assert f"the likeliest: the address given {server.url('/')}: not a feed" in line
    # plain 404s come last, so none is among the three (the port may hold the digits 404)
    assert "404" not in line.replace(server.url("/").rstrip("/"), "")
    assert "`newsdesk sources add --show-tries URL` lists every try" in line

    every = newsdesk("sources", "add", "--show-tries", server.url("/"))
    assert every.returncode == 2
    tries = [line for line in every.stderr.splitlines() if line.startswith("  tried ")]
    assert len(tries) == 18  # each fetch, the page's missing feed link and section links
    assert any("/rss.xml: the server answered 404" in line for line in tries)


def test_empty_listings_say_so_and_counts_agree_with_their_nouns(newsdesk, simulator, tmp_path):
    empty = newsdesk("sources", "list")
    assert empty.returncode == 0
    assert empty.stdout.startswith("no sources yet: follow one with `newsdesk sources add URL`")
    assert newsdesk("poll").stdout.startswith("no sources yet")
    assert newsdesk("digest", "send").stdout.strip() == \
        "nothing to send: no confirmed subscribers yet"

    opml = tmp_path / "one.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><head/><body>'
                    f'<outline type="rss" text="One" xmlUrl="{simulator.feed_urls()[0]}"/>'
                    '</body></opml>')
    assert "1 source added, 0 already followed" in newsdesk("sources", "import", str(opml)).stdout
    polled = newsdesk("poll")
    assert re.search(r"polled 1 source: [\d,]+ new (entry|entries), 0 failed", polled.stdout)
    broken = newsdesk("sources", "list", "--broken")
    assert broken.stdout.strip() == "no broken sources: 1 source followed, none failing"


def test_importing_a_bad_opml_file_names_the_line(newsdesk, tmp_path):
    opml = tmp_path / "half-written.opml"
    opml.write_text(BAD_OPML)

    completed = newsdesk("sources", "import", str(opml))

    assert completed.returncode == 2
    [line] = error_lines(completed)
    assert f"{opml} line 6" in line


def test_export_then_import_round_trips(newsdesk, simulator, tmp_path):
    opml = tmp_path / "simulator.opml"
    opml.write_text(simulator.opml())
    imported = newsdesk("sources", "import", str(opml))
    assert imported.returncode == 0, imported.stderr
    exported = newsdesk("sources", "export")
    assert exported.returncode == 0, exported.stderr
    (tmp_path / "exported.opml").write_text(exported.stdout)

    again = newsdesk("sources", "import", str(tmp_path / "exported.opml"))

    feeds = set(XML_URL.findall(simulator.opml()))
    assert f"{len(feeds)} sources added, 0 already followed" in imported.stdout
    assert f"0 sources added, {len(feeds)} already followed" in again.stdout
    assert {canonicalize_url(url) for url in feeds} == set(XML_URL.findall(exported.stdout))


def test_list_broken_shows_only_failing_sources_with_their_error(newsdesk, simulator, tmp_path):
    working = simulator.feed_urls()[0]
    opml = tmp_path / "two.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        f'<outline type="rss" text="Working" xmlUrl="{working}"/>'
        '<outline type="rss" text="Gone" xmlUrl="http://127.0.0.1:9/feed"/></body></opml>'
    )
    assert newsdesk("sources", "import", str(opml)).returncode == 0

    polled = newsdesk("poll")
    broken = newsdesk("sources", "list", "--broken").stdout

    assert "polled 2 sources" in polled.stdout and "1 failed" in polled.stdout, polled.stderr
    assert "BROKEN" in broken and "http://127.0.0.1:9/feed" in broken
    assert "last error: feed http://127.0.0.1:9/feed: could not connect" in broken
    assert working not in broken
