"""Newsletter fixtures: a real SMTP server on loopback (aiosmtpd), Django's SMTP backend
pointed at it, and stories to put in digests."""

import time
import uuid
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from newsletter_support import BASE_URL, RecordingHandler, free_port

from newsdesk.articles.models import Article
from newsdesk.newsletter.defences import form_started
from newsdesk.sources.models import Publisher, Source, Topic
from newsdesk.stories.models import Story


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server, settings):
    """Django's SMTP backend pointed at the loopback server; returns its handler.

    Configured through MAILERS (Django 6.1's replacement for the EMAIL_* settings), as
    the project's settings are: this replaces the test run's locmem mailer. One
    sending thread: results are then recorded through the test's own database connection,
    inside its transaction (tests of concurrency use transactional_db)."""
    settings.NEWSDESK_MAIL_CONCURRENCY = 1
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 10},
        }
    }
    return smtp_server.handler


@pytest.fixture(autouse=True)
def public_address(settings):
    """Mails carry absolute links built from NEWSDESK_BASE_URL."""
    settings.NEWSDESK_BASE_URL = BASE_URL


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Rate-limit counters live in the shared cache; every test starts with an empty one
    of its own (test_newsletter_signup checks the project's database cache itself)."""
    settings.CACHES = {
        **settings.CACHES,  # the page cache stays, in front of this default
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"newsletter-test-{uuid.uuid4().hex}",
        },
    }


@pytest.fixture
def started():
    """A form's signed render time, far enough in the past to pass the minimum fill time."""
    return form_started(time.time() - 30)


@pytest.fixture
def make_story(db):
    def make(title, *, excerpt="", publishers=2, topics=(), publisher_objects=(),
             updated_ago=timedelta(hours=2), score=1.0, lead=None, **fields):
        """`lead`: the publisher of the lead report (an article is made for it)."""
        if lead is not None:
            fields["headline_article"] = lead_article(lead, title)
        story = Story.objects.create(
            title=title,
            excerpt=excerpt or f"What happened, in short: {title.lower()}.",
            article_count=publishers,
            publisher_count=publishers,
            last_updated_at=timezone.now() - updated_ago,
            score=score,
            **fields,
        )
        story.topics.set(topics)
        story.publishers.set(publisher_objects)
        return story

    return make


def lead_article(publisher, title):
    source, _ = Source.objects.get_or_create(
        url=f"https://{publisher.domain}/feed.xml", defaults={"publisher": publisher})
    url = f"https://{publisher.domain}/news/{uuid.uuid4().hex[:8]}"
    return Article.objects.create(url=url, url_hash=Article.hash_url(url), source=source,
                                  publisher=publisher, title=title, text=title,
                                  published_at=timezone.now())


@pytest.fixture
def topic(db):
    def make(name):
        return Topic.objects.create(name=name, slug=name.lower())

    return make


@pytest.fixture
def publisher(db):
    def make(name):
        return Publisher.objects.create(name=name, slug=name.lower().replace(" ", "-"),
                                        domain=f"{name.lower().replace(' ', '')}.example")

    return make
