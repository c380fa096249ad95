"""Staff see a link to the editor's desk on a story page; that page never reaches the page
cache, and a cached public page never carries the link (staff requests bypass the cache
both ways)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from web_builders import make_article, make_story, page_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_in_the_database")]

DESK_LINK = "Edit on the desk"



def cached_pages() -> list[bytes]:
    """The pages held in the shared cache (each process's own tier sits in front of it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM newsdesk_cache WHERE cache_key LIKE %s",
                       ["%newsdesk-page:%"])
        keys = [row[0].split(":", 2)[-1] for row in cursor.fetchall()]
    stored = [caches["default"].get(key) for key in keys]  # (fresh until, page) pairs
    return [entry[1].content for entry in stored if entry is not None]


@pytest.fixture
def staff_client(db):
    editor = get_user_model().objects.create_superuser("desk", "desk@news.example", "pw")
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def story(publishers):
    return make_story(make_article(publishers["harbour"], "Harbour bridge approved"))


def test_a_staff_request_is_neither_served_from_nor_stored_in_the_page_cache(
    client, staff_client, story,
):
    url = story.get_absolute_url()
    desk = f"/admin/stories/story/{story.pk}/desk/"

    first = staff_client.get(url)
    assert DESK_LINK in page_html(first) and desk in page_html(first)
    assert "private" in first["Cache-Control"] and "no-store" in first["Cache-Control"]
    assert cached_pages() == []  # not stored

    public = client.get(url)
    assert DESK_LINK not in page_html(public)
    assert len(cached_pages()) == 1
    assert client.get(url).has_header("Age")  # the public copy is served from the cache

    again = staff_client.get(url)  # not the cached public copy
    assert DESK_LINK in page_html(again) and not again.has_header("Age")
    assert len(cached_pages()) == 1
    assert all(DESK_LINK.encode() not in page and desk.encode() not in page
               for page in cached_pages())


def test_a_cached_public_page_never_carries_the_desk_link(client, staff_client, story):
    url = story.get_absolute_url()
    for _ in range(3):  # staff and public requests, interleaved
        staff_client.get(url)
        client.get(url)
        staff_client.get("/")
        client.get("/")
    pages = cached_pages()
    assert len(pages) == 2  # the public story page and the public front page
    assert all(DESK_LINK.encode() not in page for page in pages)
    assert DESK_LINK not in page_html(client.get(url))


def test_a_session_without_staff_rights_gets_the_public_page(client, story):
    url = story.get_absolute_url()
    reader = get_user_model().objects.create_user("reader", "reader@news.example", "pw")
    logged_in = Client()
    logged_in.force_login(reader)
    client.get(url)  # cached
    page = logged_in.get(url)
    assert DESK_LINK not in page_html(page) and page.has_header("Age")


def test_staff_who_have_not_given_their_second_factor_count_as_the_public(story):
    editor = get_user_model().objects.create_superuser("otp", "otp@news.example", "pw")
    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    unverified = Client()
    unverified.force_login(editor)  # the password only: the session is not OTP-verified
    page = unverified.get(story.get_absolute_url())
    assert DESK_LINK not in page_html(page)
    assert unverified.get(f"/admin/stories/story/{story.pk}/desk/").status_code == 302
