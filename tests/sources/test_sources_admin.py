"""Sources in the admin: add by a site's URL with the CLI's discovery, run as a task whose
page shows its progress and result; health columns; "poll now" and "show last error"."""

import re
from pathlib import Path

import pytest
from aiohttp import web
from django.utils import timezone

from newsdesk.sources import additions
from newsdesk.sources.models import Source, Topic

pytestmark = pytest.mark.django_db
FEEDS = Path(__file__).parent / "fixtures" / "feeds"
PAGE = (b'<html><head><title>Harbour Herald</title><link rel="alternate" '
        b'type="application/rss+xml" href="/news.xml"></head><body>News</body></html>')


@pytest.fixture(autouse=True)
def loopback_fetches(settings):
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.NEWSDESK_FETCH_TIMEOUT = 10


@pytest.fixture
def publisher_site(serve):
    async def home(request):
        return web.Response(body=PAGE, content_type="text/html")

    async def feed(request):
        return web.Response(body=(FEEDS / "rss20.xml").read_bytes(),
                            content_type="application/rss+xml")

    return serve({"/": home, "/news.xml": feed})


@pytest.fixture
def bare_site(serve):
    async def page(request):
        return web.Response(text="<html><body><p>Nothing here.</p></body></html>",
                            content_type="text/html")

    return serve({"/": page})


def test_adding_a_site_by_its_url_discovers_its_feed_and_shows_the_result(
    admin_client, publisher_site
):
    world = Topic.objects.create(name="World", slug="world")
    form = admin_client.get("/admin/sources/source/add/")
    assert form.status_code == 200
    content = form.content.decode()
    for raw_field in ("etag", "claimed_until", "websub_secret", "last_modified"):
        assert f'name="{raw_field}"' not in content
    response = admin_client.post("/admin/sources/source/add/", {
        "url": publisher_site.url("/"), "topics": [world.pk], "new_topic": "Local/Harbour",
    })
    assert response.status_code == 302
    page = admin_client.get(response["Location"])
    text = page.content.decode()
    source = Source.objects.get()
    assert source.url == publisher_site.url("/news.xml")
    assert f"following {source.url} as Feed (RSS, Atom, JSON Feed) (source {source.pk})" in text
    assert f"/admin/sources/source/{source.pk}/change/" in text
    assert f"<li>{source.url}: feed found</li>" in text  # every attempt, listed
    assert 'http-equiv="refresh"' not in text  # finished: the page stops refreshing
    assert sorted(source.topics.values_list("slug", flat=True)) == ["harbour", "world"]


def test_a_site_with_nothing_to_follow_shows_the_likeliest_tries_and_every_attempt(
    admin_client, bare_site
):
    response = admin_client.post("/admin/sources/source/add/", {"url": bare_site.url("/")})
    text = admin_client.get(response["Location"]).content.decode()
    assert "found nothing to follow at" in text and "the likeliest: the address given" in text
    listed = re.findall(r"<li>([^<]+)</li>", text)
    assert f"usual feed path {bare_site.url('/feed')}: the server answered 404 Not Found; " \
        "check the address" in listed
    assert "404" not in text.split("<details")[0]  # plain misses are not among the likeliest
    assert "Try another address" in text
    assert not Source.objects.exists()


def test_the_progress_page_waits_for_a_worker_then_shows_what_it_found(
    admin_client, publisher_site, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    response = admin_client.post("/admin/sources/source/add/", {"url": publisher_site.url("/")})
    waiting = admin_client.get(response["Location"]).content.decode()
    assert "Waiting for a worker to start" in waiting
    assert 'http-equiv="refresh" content="2"' in waiting
    addition_id = response["Location"].rstrip("/").rsplit("/", 1)[1]

    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    assert queued.priority == additions.PRIORITY
    additions.discover_and_add.call(*queued.args_kwargs["args"])  # what a worker runs
    done = admin_client.get(response["Location"]).content.decode()
    assert "following " in done and 'http-equiv="refresh"' not in done
    assert additions.load(addition_id).state == "added"


def test_each_attempt_is_recorded_as_it_is_made(publisher_site):
    addition_id = additions.start(publisher_site.url("/"), [])  # inline in tests
    addition = additions.load(addition_id)
    assert addition.attempts[0].startswith("the address given")
    assert addition.attempts[-1].endswith("feed found")


def make_source(url, **fields):
    from newsdesk.sources.models import Publisher

    publisher, _ = Publisher.objects.get_or_create(slug="herald", defaults={
        "name": "Harbour Herald", "domain": "harbour-herald.example"})
    return Source.objects.create(url=url, title=f"Feed at {url}", publisher=publisher, **fields)


def test_poll_now_makes_the_chosen_sources_due_and_leaves_disabled_ones(admin_client):
    later = timezone.now() + timezone.timedelta(hours=3)
    on = make_source("https://harbour-herald.example/a.xml", next_poll_at=later)
    off = make_source("https://harbour-herald.example/b.xml", next_poll_at=later, enabled=False)
    response = admin_client.post("/admin/sources/source/", {
        "action": "poll_now", "_selected_action": [on.pk, off.pk]}, follow=True)
    assert b"1 source will be polled within seconds. 1 disabled source left alone." \
        in response.content
    on.refresh_from_db()
    off.refresh_from_db()
    assert on.next_poll_at <= timezone.now() and off.next_poll_at == later


def test_the_last_error_is_shown_whole_from_the_list_and_as_an_action(admin_client):
    error = "feed https://harbour-herald.example/a.xml: HTTP 503 " + "x" * 300
    broken = make_source("https://harbour-herald.example/a.xml", error_count=3,
                         last_error=error, last_error_at=timezone.now())
    listing = admin_client.get("/admin/sources/source/").content.decode()
    assert f"/admin/sources/source/{broken.pk}/last-error/" in listing
    assert error not in listing  # shortened in the list
    assert "failing" in listing and "3 times" in listing
    page = admin_client.get(f"/admin/sources/source/{broken.pk}/last-error/").content.decode()
    assert error in page and "Failed 3 times in a row" in page
    action = admin_client.post("/admin/sources/source/", {
        "action": "show_last_error", "_selected_action": [broken.pk]})
    assert error in action.content.decode()


def test_publishers_are_labelled_in_the_admin(admin_client):
    from newsdesk.sources.models import Publisher, PublisherLabel

    publisher = Publisher.objects.create(name="Harbour Herald", slug="hh", domain="hh.example")
    url = f"/admin/sources/publisher/{publisher.pk}/change/"
    assert "Publisher labels" in admin_client.get(url).content.decode()

    response = admin_client.post(url, {
        "name": "Harbour Herald", "slug": "hh", "domain": "hh.example",
        "labels-TOTAL_FORMS": "1", "labels-INITIAL_FORMS": "0",
        "labels-0-name": " Country ", "labels-0-value": "NM",
        "former_slugs-TOTAL_FORMS": "0", "former_slugs-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302
    assert list(PublisherLabel.objects.values_list("name", "value")) == [("country", "NM")]
