"""The page cache's first tier: pages kept in this process's memory in front of the shared
cache, never staler than the shared entry, bounded in bytes, and varying as pages do; and
an expired page rendered anew by one caller while the others get the previous copy."""

import time

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from web_builders import STATS_SERVICE, make_article, make_story

from newsdesk.web.local_cache import forget_local_copies


class Clock:
    """Wall and monotonic time that only move when a test says so."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(time, "time", lambda: clock.now)
    monkeypatch.setattr(time, "monotonic", lambda: clock.now)
    return clock


@pytest.fixture
def tiers(settings):
    """(the two-tier cache, its shared tier): a LocMemCache stands in for the shared one."""
    settings.CACHES = {
        **settings.CACHES,
        "shared-for-tests": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shared-for-tests",
        },
        "two-tier-for-tests": {
            "BACKEND": "newsdesk.web.local_cache.LocalFirstCache",
            "LOCATION": "two-tier-for-tests",
            "OPTIONS": {
                "SHARED": "shared-for-tests",
                "LOCAL_SECONDS": 10,
                "LOCAL_BYTES": 10_000,
                "STALE_SECONDS": 10,
            },
        },
    }
    shared = caches["shared-for-tests"]
    shared.clear()
    yield caches["two-tier-for-tests"], shared
    shared.clear()


def test_a_value_is_served_from_memory_for_local_seconds(tiers, clock):
    cache, shared = tiers
    cache.set("page", "rendered once", 30)
    shared.clear()  # another process emptied the shared cache

    kept = cache.get("page")
    clock.advance(11)
    later = cache.get("page")

    assert kept == "rendered once"
    assert later is None


def test_values_read_from_the_shared_cache_are_kept_in_memory(tiers, clock):
    cache, shared = tiers
    cache.set("page", "rendered elsewhere", 30)
    forget_local_copies()  # as if another process had rendered it

    first = cache.get("page")
    shared.clear()
    second = cache.get("page")

    assert first == second == "rendered elsewhere"


def page(text: str) -> HttpResponse:
    return HttpResponse(text)


def test_a_local_copy_never_outlives_the_shared_entry(tiers, clock):
    cache, _shared = tiers
    cache.set("page", page("short-lived"), 30)
    clock.advance(27)
    forget_local_copies()
    read_late = cache.get("page")  # kept locally for the 3 s the shared entry has left

    clock.advance(4)

    assert read_late.content == b"short-lived"
    assert cache.get("page") is None  # this caller renders it anew


def test_after_its_lifetime_one_caller_renders_anew_and_the_others_get_the_old_copy(tiers, clock):
    cache, _shared = tiers
    cache.set("page", page("old rendering"), 30)
    clock.advance(31)

    refresher = cache.get("page")
    others = [cache.get("page") for _ in range(3)]
    forget_local_copies()  # another process
    elsewhere = cache.get("page")
    cache.set("page", page("new rendering"), 30)

    assert refresher is None
    assert [other.content for other in others] == [b"old rendering"] * 3
    assert elsewhere.content == b"old rendering"
    assert cache.get("page").content == b"new rendering"


def test_a_refresh_that_never_stores_lets_another_caller_try(tiers, clock):
    cache, _shared = tiers
    cache.set("page", page("old rendering"), 30)
    clock.advance(31)
    cache.get("page")  # claims the refresh, then fails to store anything

    clock.advance(6)
    forget_local_copies()

    assert cache.get("page") is None


def test_an_expired_value_that_is_not_a_page_is_served_without_a_claim(tiers, clock):
    """Only pages are rendered anew by one claimant; any other value stays until replaced."""
    cache, _shared = tiers
    cache.set("headers", ["Accept-Language"], 30)
    clock.advance(31)

    assert cache.get("headers") == ["Accept-Language"]


def test_an_expired_entry_is_gone_for_everyone_after_its_stale_while(tiers, clock):
    cache, _shared = tiers
    cache.set("page", page("old rendering"), 30)

    clock.advance(41)

    assert cache.get("page") is None
    assert cache.get("page") is None
    assert not cache.has_key("page")


def test_the_local_tier_drops_the_least_recently_used_beyond_its_byte_budget(tiers, clock):
    cache, shared = tiers
    for key in ("a", "b", "c"):
        cache.set(key, "x" * 4_000, 30)
    shared.clear()

    assert cache.get("a") is None
    assert cache.get("b") == cache.get("c") == "x" * 4_000


def test_each_caller_gets_its_own_copy(tiers, clock):
    cache, _shared = tiers
    cache.set("page", {"headers": ["Vary"]}, 30)

    cache.get("page")["headers"].append("changed by a middleware")

    assert cache.get("page") == {"headers": ["Vary"]}


def test_delete_removes_both_copies(tiers, clock):
    cache, shared = tiers
    cache.set("page", "gone soon", 30)

    cache.delete("page")

    assert cache.get("page") is None
    assert shared.get(cache.make_key("page")) is None


@pytest.mark.django_db
def test_a_warm_page_costs_no_database_query(
    client, settings, publishers, django_assert_num_queries
):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    make_story(make_article(publishers["harbour"], "First story"))
    client.get("/")
    make_story(make_article(publishers["valley"], "Second story"))

    with django_assert_num_queries(0):
        cached = client.get("/")

    assert b"First story" in cached.content
    assert b"Second story" not in cached.content


@pytest.mark.django_db
def test_pages_kept_in_memory_still_vary_on_language(client, settings, publishers):
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    make_story(make_article(publishers["harbour"], "Bridge approved"))

    german = client.get("/", headers={"Accept-Language": "de"}).content.decode()
    english = client.get("/", headers={"Accept-Language": "en"}).content.decode()
    german_again = client.get("/", headers={"Accept-Language": "de"}).content.decode()

    assert '<html lang="de">' in german and '<html lang="de">' in german_again
    assert '<html lang="en">' in english


@pytest.mark.django_db
def test_pages_kept_in_memory_still_vary_on_the_consent_cookie(client, settings):
    settings.NEWSDESK_SERVICES = [STATS_SERVICE]
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 30
    client.get("/")
    client.post(reverse("web:cookie_choice"), {"action": "accept", "next": "/"})
    client.get("/")

    consented = client.get("/")
    newcomer = Client(HTTP_HOST="testserver").get("/")

    assert b"https://stats.example.net/count.js" in consented.content
    assert b"consent-banner" not in consented.content
    assert b"consent-banner" in newcomer.content
    assert b"https://stats.example.net/count.js" not in newcomer.content
