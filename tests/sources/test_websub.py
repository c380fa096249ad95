"""WebSub: subscribing to a real hub on loopback, verifying intent, signed pushes, renewal.

The hub is an aiohttp.web server on loopback that records the subscription requests
it receives; its calls to our callback (verification, content) are made through the
Django test client, with the callback URL the hub was given, through the project's
URLconf, which hands the entries a push stored on to the pipeline.
"""

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from refusing_rule import REFUSED_MARKER

from newsdesk import pipeline
from newsdesk.sources.models import Entry, Publisher, Source
from newsdesk.sources.websub import (
    MIN_LEASE,
    REQUEST_PATIENCE,
    callback_url,
    renew_websub_leases,
)

FEED = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Herald</title>
  <link rel="hub" href="{hub}"/>
  <link rel="self" href="{self}"/>
  <id>urn:herald</id><updated>2026-11-27T10:00:00Z</updated>
  {entries}
</feed>"""
ENTRY = """<entry><id>urn:herald:{n}</id><title>{title}</title>
  <link href="https://herald.example/news/{n}"/>
  <updated>2026-11-27T09:0{n}:00Z</updated><summary>Reported on day {n}.</summary></entry>"""


def atom(hub="https://hub.example/", self_url="https://herald.example/feed", titles=()):
    entries = "".join(ENTRY.format(n=n, title=title) for n, title in enumerate(titles))
    return FEED.format(hub=hub, self=self_url, entries=entries).encode()


def feed_handler(body):
    async def handler(request):
        return web.Response(body=body, content_type="application/atom+xml")

    return handler


class Hub:
    """A WebSub hub that accepts every subscription request and remembers its form."""

    def __init__(self, status=202):
        self.status = status
        self.requests: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(dict(await request.post()))
        return web.Response(status=self.status)


@pytest.fixture
def websub_settings(settings):
    # The project's own URLconf: it hands pushed entries to the pipeline (newsdesk/urls.py).
    settings.ROOT_URLCONF = "newsdesk.urls"
    settings.NEWSDESK_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    settings.NEWSDESK_BASE_URL = "http://testserver"
    # Tasks are queued, not run: the hand-on is seen in the queue, without the rooms downstream.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                  "QUEUES": ["default", "clustering", "mail"]}}
    return settings


@pytest.fixture
def hub(serve, websub_settings):
    hub = Hub()
    hub.server = serve({"/hub": hub.handle})
    hub.url = hub.server.url("/hub")
    return hub


@pytest.fixture
def source(db):
    publisher = Publisher.objects.create(name="Harbour Herald", slug="herald", domain="herald.ex")
    return Source.objects.create(
        url="https://herald.example/feed", publisher=publisher, fetch_pages=False
    )


@pytest.fixture
def subscribed(source, hub):
    """A source whose hub has received our subscription request (not yet verified)."""
    Source.objects.filter(pk=source.pk).update(websub_hub=hub.url)
    assert renew_websub_leases() == 1
    source.refresh_from_db()
    return source


def callback_path(source):
    return urlsplit(callback_url(source)).path


def verify(client, source, mode="subscribe", topic=None, challenge="c-4711", lease="86400"):
    query = {"hub.mode": mode, "hub.topic": topic or source.url, "hub.challenge": challenge}
    if lease is not None:
        query["hub.lease_seconds"] = lease
    return client.get(callback_path(source), query)


def handed_on() -> list[int]:
    """Entry ids queued for the next step (articles from the feed's content, here)."""
    tasks = DBTaskResult.objects.filter(task_path="newsdesk.pipeline.store_feed_entries")
    return sorted(entry_id for task in tasks for entry_id in task.args_kwargs["args"][0])


def sign(secret, body, method="sha256"):
    return f"{method}={hmac.new(secret.encode(), body, getattr(hashlib, method)).hexdigest()}"


def push(client, source, body, signature):
    headers = {"X-Hub-Signature": signature} if signature is not None else {}
    return client.post(
        callback_path(source), body, content_type="application/atom+xml", headers=headers
    )


def test_a_hub_found_by_polling_receives_a_subscription_request(source, hub, serve):
    feed_server = serve({"/feed": feed_handler(atom(hub=hub.url, titles=["Bridge closes"]))})
    Source.objects.filter(pk=source.pk).update(url=feed_server.url("/feed"))

    pipeline.poll_now([source.pk])
    assert renew_websub_leases() == 1

    source.refresh_from_db()
    assert source.websub_hub == hub.url
    [form] = hub.requests
    assert form["hub.mode"] == "subscribe"
    assert form["hub.topic"] == source.url
    assert form["hub.callback"].startswith(f"http://testserver/websub/{source.pk}/")
    assert form["hub.callback"] == callback_url(source)
    assert form["hub.secret"] == source.websub_secret and len(source.websub_secret) >= 32
    assert int(form["hub.lease_seconds"]) > 0


def test_verification_of_our_subscription_echoes_the_challenge_and_records_the_lease(
    subscribed, client
):
    before = timezone.now()

    response = verify(client, subscribed, lease="86400")

    assert response.status_code == 200
    assert response.content == b"c-4711"
    subscribed.refresh_from_db()
    assert subscribed.websub_lease_until >= before + timedelta(seconds=86400)


@pytest.mark.parametrize(
    "change",
    [
        {"topic": "https://elsewhere.example/feed"},
        {"mode": "unsubscribe"},
        {"lease": str(int(MIN_LEASE.total_seconds()) - 1)},
    ],
    ids=["another topic", "an unsubscription we never asked for", "a lease too short to renew"],
)
def test_verification_of_what_we_did_not_ask_for_is_refused(subscribed, client, change):
    response = verify(client, subscribed, **change)

    assert response.status_code == 404
    assert b"c-4711" not in response.content


def test_a_denial_from_the_hub_is_acknowledged_and_logged(subscribed, client, caplog):
    response = client.get(callback_path(subscribed), {
        "hub.mode": "denied", "hub.topic": subscribed.url, "hub.reason": "unknown topic"})

    assert response.status_code == 200
    assert "denied the subscription" in caplog.text and "unknown topic" in caplog.text


def test_a_callback_with_a_wrong_token_is_not_found(subscribed, client):
    wrong = callback_path(subscribed).replace(f"/{subscribed.pk}/", f"/{subscribed.pk}/x")

    response = client.get(wrong, {"hub.mode": "subscribe", "hub.topic": subscribed.url,
                                  "hub.challenge": "c-4711"})

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["sha1", "sha256", "sha384", "sha512"])
def test_a_signed_push_is_stored_like_a_poll_and_handed_on(subscribed, client, method):
    body = atom(titles=["Bridge closes", "Ferry strike"])

    response = push(client, subscribed, body, sign(subscribed.websub_secret, body, method))

    assert response.status_code == 204
    entries = Entry.objects.filter(source=subscribed)
    assert sorted(entries.values_list("title", flat=True)) == ["Bridge closes", "Ferry strike"]
    assert handed_on() == sorted(entries.values_list("pk", flat=True))


def test_a_replayed_push_stores_nothing_twice(subscribed, client):
    body = atom(titles=["Bridge closes", "Ferry strike"])
    push(client, subscribed, body, sign(subscribed.websub_secret, body))

    response = push(client, subscribed, body, sign(subscribed.websub_secret, body))

    assert response.status_code == 204
    assert Entry.objects.filter(source=subscribed).count() == 2
    assert len(handed_on()) == 2


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        "md5=0123456789abcdef0123456789abcdef",
        "sha256",
        "sha256=é",
    ],
    ids=["missing", "empty", "wrong digest", "unknown method", "no value", "not hex"],
)
def test_an_unsigned_or_wrongly_signed_push_is_refused_and_nothing_stored(
    subscribed, client, signature
):
    body = atom(titles=["Forged headline"])

    response = push(client, subscribed, body, signature)

    assert response.status_code == 403
    assert b"X-Hub-Signature" in response.content
    assert not Entry.objects.exists() and handed_on() == []


def test_a_push_signed_with_another_secret_or_for_another_body_is_refused(subscribed, client):
    body = atom(titles=["Forged headline"])

    other_secret = push(client, subscribed, body, sign("not-our-secret", body))
    other_body = push(client, subscribed, body, sign(subscribed.websub_secret, body + b" "))

    assert other_secret.status_code == other_body.status_code == 403
    assert not Entry.objects.exists() and handed_on() == []


def test_a_signed_push_that_is_not_a_feed_says_why_and_stores_nothing(subscribed, client):
    body = b"<html><body>Hello</body></html>"

    response = push(client, subscribed, body, sign(subscribed.websub_secret, body))

    assert response.status_code == 400
    assert b"not a feed" in response.content
    assert not Entry.objects.exists() and handed_on() == []


def test_a_signed_push_the_database_refuses_says_so_keeps_nothing_and_is_no_500(
    subscribed, client, refusing_database
):
    body = atom(titles=["Harbour reopens", f"{REFUSED_MARKER}: a poisoned title"])

    response = push(client, subscribed, body, sign(subscribed.websub_secret, body))

    assert response.status_code == 422
    assert b"could not be stored" in response.content
    assert b"entry refused by the test rule" in response.content
    assert not Entry.objects.exists() and handed_on() == []
    subscribed.refresh_from_db()
    assert "WebSub push not stored" in subscribed.last_error


def test_a_push_for_a_source_no_longer_followed_answers_gone(subscribed, client):
    Source.objects.filter(pk=subscribed.pk).update(enabled=False)
    body = atom(titles=["Bridge closes"])

    response = push(client, subscribed, body, sign(subscribed.websub_secret, body))

    assert response.status_code == 410
    assert not Entry.objects.exists() and handed_on() == []


def test_leases_are_renewed_before_they_end_and_not_before(source, hub, db):
    now = timezone.now()
    publisher = source.publisher
    ending = Source.objects.create(
        url="https://herald.example/ending", publisher=publisher, websub_hub=hub.url,
        websub_secret="s" * 43, websub_lease_until=now + timedelta(minutes=30),
    )
    Source.objects.create(
        url="https://herald.example/fresh", publisher=publisher, websub_hub=hub.url,
        websub_secret="t" * 43, websub_lease_until=now + timedelta(days=5),
    )

    assert renew_websub_leases(now) == 1

    [form] = hub.requests
    assert form["hub.topic"] == ending.url
    assert form["hub.secret"] == "s" * 43, "a renewal keeps the secret the hub knows"
    assert form["hub.callback"] == callback_url(ending)


def test_a_request_awaiting_verification_is_sent_again_only_after_a_while(subscribed, hub):
    now = timezone.now()

    assert renew_websub_leases(now) == 0
    assert renew_websub_leases(now + REQUEST_PATIENCE) == 1
    assert len(hub.requests) == 2


def test_a_hub_that_refuses_is_asked_again_later_and_polling_goes_on(source, hub):
    hub.status = 500
    Source.objects.filter(pk=source.pk).update(websub_hub=hub.url)
    now = timezone.now()

    assert renew_websub_leases(now) == 0

    source.refresh_from_db()
    assert source.websub_lease_until == now + REQUEST_PATIENCE
    assert source.error_count == 0 and source.enabled


def test_a_poll_finishing_after_the_subscription_keeps_the_websub_secret(subscribed, serve):
    """A poll's source object was read before the subscription: its save must not undo it."""
    feed_server = serve({"/feed": feed_handler(atom(titles=["Bridge closes"]))})
    stale = Source.objects.get(pk=subscribed.pk)
    stale.websub_secret = ""
    stale.url = feed_server.url("/feed")
    Source.objects.filter(pk=subscribed.pk).update(url=stale.url)

    from newsdesk.sources.fetch import fetch_sync
    from newsdesk.sources.polling import apply_poll_result

    apply_poll_result(stale, fetch_sync(stale.url))

    assert Source.objects.get(pk=subscribed.pk).websub_secret == subscribed.websub_secret
