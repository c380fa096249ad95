"""sitemap.xml (Django's sitemaps framework), a news sitemap and robots.txt."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.models import Story

from .caching import public_page

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class BaseUrlSitemap(Sitemap):
    """Locations on our public address (NEWSDESK_BASE_URL), whatever Host the request had."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSDESK_BASE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.NEWSDESK_BASE_URL).netloc


class StorySitemap(BaseUrlSitemap):
    changefreq = "hourly"
    limit = 10_000

    def items(self):
        return Story.objects.visible().order_by("-id").only("id", "slug", "last_updated_at")

    def lastmod(self, story):
        return story.last_updated_at


class TopicSitemap(BaseUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return Topic.objects.order_by("slug")

    def location(self, topic):
        return reverse("web:topic", args=[topic.slug])


class PublisherSitemap(BaseUrlSitemap):
    changefreq = "daily"

    def items(self):
        return Publisher.objects.filter(excluded=False).order_by("slug")

    def location(self, publisher):
        return reverse("web:publisher", args=[publisher.slug])


class PagesSitemap(BaseUrlSitemap):
    changefreq = "hourly"

    def items(self):
        return ["web:front", "web:topics", "web:publishers", "web:archive", "web:privacy"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "stories": StorySitemap,
    "topics": TopicSitemap,
    "publishers": PublisherSitemap,
}


@public_page
def sitemap_index(request):
    return sitemap_views.index(request, SITEMAPS, sitemap_url_name="web:sitemap_section")


@public_page(params=("p",))  # Django's sitemap views page with ?p=
def sitemap_section(request, section: str):
    return sitemap_views.sitemap(request, SITEMAPS, section=section)


class NewsSitemap(BaseUrlSitemap):
    """Stories first seen in the last two days, in Google's news sitemap format."""

    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Story.objects.visible()
            .filter(first_seen_at__gte=since)
            .order_by("-first_seen_at", "-id")[:NEWS_LIMIT]
        )

    def lastmod(self, story):
        return story.last_updated_at


@public_page(params=("p",))
def news_sitemap(request):
    return sitemap_views.sitemap(
        request,
        {"news": NewsSitemap},
        template_name="web/news_sitemap.xml",
    )


@require_GET
def robots_txt(request):
    base = settings.NEWSDESK_BASE_URL.rstrip("/")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('web:search')}",
        f"Disallow: {reverse('web:cookie_settings')}",
        f"Disallow: {reverse('web:choose_language')}",
        "Disallow: /admin/",
        "Disallow: /newsletter/",
        "Disallow: /img/",
        "",
        f"Sitemap: {base}{reverse('web:sitemap')}",
        f"Sitemap: {base}{reverse('web:news_sitemap')}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
