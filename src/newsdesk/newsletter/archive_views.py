"""The public archive's pages: the list of digest slots, one slot's page, and its Atom
feed (Django's syndication framework, as the site's own feeds)."""

from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from newsdesk.newsletter.archive import stories_of
from newsdesk.newsletter.models import Edition

PAGE_SIZE = 50
FEED_SIZE = 30


def archived_editions():
    """Digest editions that have a public copy, newest first."""
    return (
        Edition.objects.exclude(frequency=Edition.Frequency.BREAKING)
        .exclude(public_stories={})
        .order_by("-slot", "-pk")
    )


def edition_title(edition) -> str:
    """"Daily digest, 1 December 2026, 06:00 UTC" in the active language and the site's
    time zone."""
    local = timezone.localtime(edition.slot)
    pattern = pgettext("date and time of a digest slot (Django date format)", "j F Y, H:i")
    when = f"{date_format(local, pattern)} {settings.TIME_ZONE}"
    if edition.frequency == Edition.Frequency.WEEKLY:
        return _("Weekly digest, %(when)s") % {"when": when}
    return _("Daily digest, %(when)s") % {"when": when}


@require_GET
def archive_index(request):
    page = Paginator(archived_editions().only("pk", "frequency", "slot"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    editions = [{"edition": e, "title": edition_title(e)} for e in page]
    return render(request, "newsletter/archive_index.html", {"page": page, "editions": editions})


@require_GET
def archive_edition(request, edition_id: int):
    edition = get_object_or_404(archived_editions(), pk=edition_id)
    top, topics = stories_of(edition.public_stories)
    return render(request, "newsletter/archive_edition.html", {
        "edition": edition, "title": edition_title(edition), "top": top, "topics": topics,
    })


class ArchiveFeed(Feed):
    """Every digest slot's public page, newest first: subscribe to the digest in a feed
    reader instead of by email."""

    feed_type = feedgenerator.Atom1Feed

    def title(self):
        return _("%(site_name)s digests") % {"site_name": settings.NEWSDESK_SITE_NAME}

    def subtitle(self):
        return _("The top stories of each digest, overall and by topic.")

    def link(self):
        return reverse("newsletter:digest_archive")

    def items(self):
        return list(archived_editions()[:FEED_SIZE])

    def item_title(self, item):
        return edition_title(item)

    def item_link(self, item):
        return reverse("newsletter:digest_archive_edition", args=[item.pk])

    def item_description(self, item):
        top, _topics = stories_of(item.public_stories)
        return render_to_string("newsletter/archive_feed_item.html", {"top": top})

    def item_pubdate(self, item) -> datetime:
        return item.slot

    def item_updateddate(self, item) -> datetime:
        return item.slot


archive_feed = ArchiveFeed()
