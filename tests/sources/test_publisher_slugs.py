"""Publisher addresses follow the outlet's name, not a feed's: the old address is kept
as a former slug and redirects permanently; renames are safe against races."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from newsdesk.sources import models as source_models
from newsdesk.sources.models import FormerSlug, Publisher, Source
from newsdesk.sources.naming import PAGES_TO_AGREE, note_declared_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def wire(db):
    publisher = Publisher.for_domain("meridian-wire.example", "Meridian Wire: World")
    Source.objects.create(url="https://meridian-wire.example/world.xml", publisher=publisher)
    return publisher


def agree_on(publisher, name):
    for n in range(PAGES_TO_AGREE):
        note_declared_name(publisher, name, f"https://meridian-wire.example/2026/{n}")


def test_a_publisher_named_by_its_pages_gets_the_address_of_that_name(wire):
    assert wire.slug == "meridian-wire-world"

    agree_on(wire, "Meridian Wire")

    wire.refresh_from_db()
    assert wire.slug == "meridian-wire"
    assert list(wire.former_slugs.values_list("slug", flat=True)) == ["meridian-wire-world"]


def test_old_page_and_feed_addresses_redirect_permanently(client, wire):
    agree_on(wire, "Meridian Wire")

    page = client.get("/publishers/meridian-wire-world/?lang=en")
    feed = client.get("/publishers/meridian-wire-world/feed.rss")

    assert page.status_code == 301 and page["Location"] == "/publishers/meridian-wire/?lang=en"
    assert feed.status_code == 301 and feed["Location"] == "/publishers/meridian-wire/feed.rss"
    assert client.get("/publishers/meridian-wire/").status_code == 200
    assert client.get("/publishers/never-was/").status_code == 404


def test_an_address_another_publisher_has_or_had_is_never_taken(wire):
    other = Publisher.for_domain("other.example", "Other Outlet")
    Publisher.objects.filter(pk=other.pk).update(slug="meridian-wire")  # an editor's choice
    FormerSlug.objects.create(
        publisher=Publisher.for_domain("third.example", "Third"), slug="meridian-wire-2"
    )

    agree_on(wire, "Meridian Wire")

    wire.refresh_from_db()
    assert wire.slug == "meridian-wire-3"  # -2 led elsewhere once
    assert Publisher.for_domain("new.example", "Meridian Wire: World").slug != (
        "meridian-wire-world"  # and the wire's former address stays the wire's
    )


def test_a_stale_copy_does_not_rename_twice(wire):
    stale = Publisher.objects.get(pk=wire.pk)
    wire.name = stale.name = "Meridian Wire"

    assert wire.follow_name_with_slug() is True
    assert stale.follow_name_with_slug() is False  # the slug changed meanwhile

    assert Publisher.objects.get(pk=wire.pk).slug == "meridian-wire"
    assert FormerSlug.objects.count() == 1


def test_a_slug_taken_between_the_check_and_the_write_is_skipped(wire, monkeypatch):
    rival = Publisher.for_domain("rival.example", "Rival")
    Publisher.objects.filter(pk=rival.pk).update(slug="meridian-wire")
    # The check runs before the rival's write becomes visible: the database refuses.
    monkeypatch.setattr(source_models, "slug_taken", lambda slug, publisher=None: False)
    wire.name = "Meridian Wire"

    assert wire.follow_name_with_slug() is True

    assert Publisher.objects.get(pk=wire.pk).slug == "meridian-wire-2"
    assert Publisher.objects.get(pk=rival.pk).slug == "meridian-wire"


def test_renamed_back_the_publisher_takes_its_old_address_again(wire):
    wire.name = "Meridian Wire"
    wire.follow_name_with_slug()
    wire.name = "Meridian Wire World"
    wire.follow_name_with_slug()

    wire.refresh_from_db()
    assert wire.slug == "meridian-wire-world"
    assert list(wire.former_slugs.values_list("slug", flat=True)) == ["meridian-wire"]


def test_an_editor_renaming_or_readdressing_in_the_admin_keeps_the_old_address(admin_client, wire):
    change = reverse("admin:sources_publisher_change", args=[wire.pk])
    form = {
        "name": "Meridian Wire",
        "slug": wire.slug,
        "domain": wire.domain,
        "former_slugs-TOTAL_FORMS": "0",
        "former_slugs-INITIAL_FORMS": "0",
        "former_slugs-MIN_NUM_FORMS": "0",
        "former_slugs-MAX_NUM_FORMS": "1000",
        "labels-TOTAL_FORMS": "0",
        "labels-INITIAL_FORMS": "0",
    }
    assert admin_client.post(change, form).status_code == 302
    wire.refresh_from_db()
    assert wire.slug == "meridian-wire"

    form.update(slug="the-wire", name="Meridian Wire", **{"former_slugs-INITIAL_FORMS": "1",
                "former_slugs-TOTAL_FORMS": "1",
                "former_slugs-0-id": str(wire.former_slugs.get().pk),
                "former_slugs-0-publisher": str(wire.pk)})
    assert admin_client.post(change, form).status_code == 302
    wire.refresh_from_db()
    assert wire.slug == "the-wire"
    assert set(wire.former_slugs.values_list("slug", flat=True)) == {
        "meridian-wire-world",
        "meridian-wire",
    }


def test_the_migration_moves_publishers_already_named_by_their_pages(wire):
    Publisher.objects.filter(pk=wire.pk).update(name="Meridian Wire", name_confirmed=True)
    unconfirmed = Publisher.for_domain("feed-only.example", "Feed Only: World")
    migration = importlib.import_module(
        "newsdesk.sources.migrations.0005_publisher_former_slugs"
    )

    migration.slugs_follow_confirmed_names(apps, None)

    assert Publisher.objects.get(pk=wire.pk).slug == "meridian-wire"
    assert FormerSlug.objects.get(slug="meridian-wire-world").publisher_id == wire.pk
    assert Publisher.objects.get(pk=unconfirmed.pk).slug == "feed-only-world"
