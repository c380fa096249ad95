"""The public pages: what a visitor reads."""

import logging
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db import DatabaseError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from newsdesk.consent.services import declared_services
from newsdesk.core.staff_requests import is_staff_request
from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.models import Story

from . import listing, presentation
from .brief import excerpt_within, story_brief
from .caching import public_page
from .former_addresses import moved_publisher
from .glance import coverage_glance, desk_label_values
from .images import proxied_url
from .metadata import (
    PageMeta,
    absolute,
    feed_links,
    robots_for,
    story_json_ld,
    story_list_json_ld,
)
from .search import SearchResults, search_stories
from .search_form import DATE_ALIASES, SearchForm, with_date_aliases

log = logging.getLogger(__name__)

RELATED_STORIES = 5
TOPIC_HEADLINES = 3
MAX_SEARCH_PAGES = 20
# The query parameters each kind of page uses (every other one is dropped, caching.py).
LIST_PARAMS = ("cursor", "lang")
SEARCH_PARAMS = (*SearchForm.base_fields, *DATE_ALIASES, "page")


def _list_context(request, page, **extra) -> dict:
    shown = listing.shown_languages(request)
    return {
        "cards": page.items,
        "page": page,
        # The ?lang= of this page's own links (older/newer): only what the address named.
        "language": listing.requested_language(request),
        "shown_languages": shown,
        "languages": listing.story_languages(),
        "cursor": request.GET.get("cursor", ""),
        **extra,
    }


@public_page(params=LIST_PARAMS, variant=listing.language_variant)
def front_page(request):
    language = listing.shown_languages(request).codes
    cursor = request.GET.get("cursor")
    page = listing.card_page(
        listing.visible_stories(language), listing.RANKED, cursor, listing.FRONT_TOP_STORIES
    )
    # The first page goes on by topic; the pages after it carry on the ranked list.
    sections = (
        []
        if cursor
        else listing.front_sections(language, {card.story.pk for card in page.items})
    )
    path = reverse("web:front")
    title = _("Top stories")
    meta = PageMeta(
        title=title,
        path=path,
        description=_(
            "Every publisher's coverage of the day's stories, with links to the originals."
        ),
        robots=robots_for(request),
        feeds=feed_links("web:front_feed", title),
        json_ld=story_list_json_ld(title, path, page.items),
    )
    context = _list_context(
        request, page, meta=meta, sections=sections, page_now=timezone.now()
    )
    return render(request, "web/front.html", context)


@public_page(variant=listing.language_variant)
def topic_index(request):
    """Every topic with its latest headlines (in the languages the reader is shown)."""
    meta = PageMeta(
        title=_("Topics"),
        path=reverse("web:topics"),
        description=_("Every topic we follow, with its latest stories from every publisher."),
    )
    stories = listing.visible_stories(listing.shown_languages(request).codes)
    topics = [
        (topic, list(
            stories.filter(topics=topic)
            .order_by("-last_updated_at", "-id")
            .only("pk", "title", "slug", "language", "last_updated_at")[:TOPIC_HEADLINES]
        ))
        for topic in Topic.objects.order_by("name")
    ]
    return render(request, "web/topic_index.html", {"topics": topics, "meta": meta})


@public_page(params=LIST_PARAMS, variant=listing.language_variant)
def topic_page(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    language = listing.shown_languages(request).codes
    stories = listing.visible_stories(language).filter(topics=topic)
    page = listing.card_page(stories, listing.RECENT, request.GET.get("cursor"))
    path = reverse("web:topic", args=[topic.slug])
    meta = PageMeta(
        title=topic.name,
        path=path,
        description=_("The latest stories on %(topic)s, from every publisher.")
        % {"topic": topic.name},
        robots=robots_for(request),
        feeds=feed_links("web:topic_feed", topic.name, topic.slug),
        json_ld=story_list_json_ld(topic.name, path, page.items),
    )
    return render(request, "web/topic.html", _list_context(request, page, topic=topic, meta=meta))


@public_page
def publisher_index(request):
    publishers = Publisher.objects.filter(excluded=False).order_by("name")
    meta = PageMeta(
        title=_("Publishers"),
        path=reverse("web:publishers"),
        description=_("The publishers whose coverage we follow and link to."),
    )
    return render(
        request, "web/publisher_index.html", {"publishers": publishers, "meta": meta}
    )


@public_page(params=LIST_PARAMS, variant=listing.language_variant)
def publisher_page(request, slug: str):
    publisher = Publisher.objects.filter(slug=slug, excluded=False).first()
    if publisher is None:
        moved = moved_publisher(request, slug, "web:publisher")
        if moved is not None:
            return moved
        raise Http404("No such publisher.")
    language = listing.shown_languages(request).codes
    stories = listing.visible_stories(language).filter(publishers=publisher)
    page = listing.card_page(stories, listing.RECENT, request.GET.get("cursor"))
    path = reverse("web:publisher", args=[publisher.slug])
    meta = PageMeta(
        title=publisher.name,
        path=path,
        description=_("Stories covered by %(publisher)s.") % {"publisher": publisher.name},
        robots=robots_for(request),
        feeds=feed_links("web:publisher_feed", publisher.name, publisher.slug),
        json_ld=story_list_json_ld(publisher.name, path, page.items),
    )
    context = _list_context(request, page, publisher=publisher, meta=meta)
    return render(request, "web/publisher.html", context)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last instant of `day` in the site's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


@public_page(params=LIST_PARAMS, variant=listing.language_variant)
def archive_page(request, year: int | None = None, month: int | None = None,
                 day: int | None = None):
    language = listing.shown_languages(request).codes
    stories = listing.visible_stories(language)
    shown_day = None
    if year is not None:
        try:
            shown_day = date(year, month, day)
        except ValueError:
            raise Http404("There is no such day.") from None
        start, end = _day_bounds(shown_day)
        stories = stories.filter(first_seen_at__gte=start, first_seen_at__lt=end)
    page = listing.card_page(stories, listing.FIRST_SEEN, request.GET.get("cursor"))
    if shown_day:
        path = reverse("web:archive_day", args=[shown_day.year, shown_day.month, shown_day.day])
    else:
        path = reverse("web:archive")
    meta = PageMeta(title=_("Archive"), path=path, robots=robots_for(request))
    context = _list_context(
        request,
        page,
        day=shown_day,
        previous_day=shown_day - timedelta(days=1) if shown_day else None,
        next_day=shown_day + timedelta(days=1)
        if shown_day and shown_day < timezone.localdate()
        else None,
        today=timezone.localdate(),
        meta=meta,
    )
    return render(request, "web/archive.html", context)


def current_story(story_id: int) -> Story:
    """The story a URL names, following merges to the story that absorbed it."""
    story = get_object_or_404(Story, pk=story_id)
    seen = {story.pk}
    while story.merged_into_id is not None and story.merged_into_id not in seen:
        seen.add(story.merged_into_id)
        story = Story.objects.get(pk=story.merged_into_id)
    return story


def related_stories(story: Story) -> list:
    """Recent visible stories sharing a topic with `story`."""
    topic_ids = list(story.topics.values_list("pk", flat=True))
    if not topic_ids:
        return []
    related = (
        Story.objects.visible()
        .filter(topics__in=topic_ids)
        .exclude(pk=story.pk)
        .order_by("-last_updated_at", "-id")
        .distinct()[:RELATED_STORIES]
    )
    return list(related)


@public_page
def story_page(request, story_id: int, slug: str = ""):
    story = current_story(story_id)
    if story.hidden or story.merged_into_id is not None:
        raise Http404("This story is not shown.")
    if story.pk != story_id or slug != (story.slug or "story"):
        return redirect(story.get_absolute_url(), permanent=True)
    coverage = presentation.story_coverage(story)
    if not coverage:
        raise Http404("No article of this story can be shown.")
    articles = [item.article for item in coverage]
    excerpts = {item.article.pk: item.excerpt for item in coverage}
    brief = story_brief(articles, excerpts, presentation.excerpt_limit())
    for item in coverage:
        if item.article.pk in brief.excerpt_room:
            # Its quotes in the brief and its excerpt together stay within the limit.
            room = brief.excerpt_room[item.article.pk]
            item.excerpt = excerpt_within(item.excerpt, room, item.article.language)
    card = presentation.story_card(story)
    if card.lead is not None and card.lead.pk in excerpts:
        card.excerpt = next(i.excerpt for i in coverage if i.article.pk == card.lead.pk)
    noarchive = any(item.article.noarchive for item in coverage)
    meta = PageMeta(
        title=story.title,
        path=story.get_absolute_url(),
        description=card.excerpt,
        og_type="article",
        image=absolute(proxied_url(card.image_url)) if card.image_url else "",
        robots=robots_for(request, noarchive=noarchive),
        json_ld=story_json_ld(story, coverage),
    )
    context = {
        "meta": meta,
        "story": story,
        "card": card,
        "brief": brief,
        "glance": coverage_glance(articles, desk_label_values()),
        "page_now": timezone.now(),
        "first_reported": min(story.first_seen_at, *(a.published_at for a in articles)),
        "coverage": coverage,
        "timeline": presentation.timeline(coverage),
        "topics": story.topics.order_by("name"),
        "related": related_stories(story),
        # staff only: their requests bypass the page cache (caching.public_page)
        "desk_url": reverse("admin:stories_story_desk", args=[story.pk])
        if is_staff_request(request)
        else "",
    }
    return render(request, "web/story.html", context)


def choose_language(request):
    """Remember the story language a reader picked in the filter (the essential
    preference cookie, set only here) and show the page they came from in it.

    A plain link (`?lang=de&next=/topics/science/`), so the filter works without
    JavaScript on cached pages that carry no form token; it changes nothing but this
    reader's own preference."""
    code = request.GET.get("lang", "").strip().lower()
    if code != listing.ALL_LANGUAGES and code not in listing.story_language_codes():
        code = ""
    target = request.GET.get("next", "")
    if not (target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )):
        target = reverse("web:front")
    path = target.split("?", 1)[0].split("#", 1)[0]
    response = redirect(f"{path}?{urlencode({'lang': code})}" if code else path)
    response.status_code = 303
    if code:
        response.set_cookie(
            listing.LANGUAGE_COOKIE,
            code,
            max_age=listing.LANGUAGE_COOKIE_SECONDS,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    response["Cache-Control"] = "no-store"
    return response


@public_page
def privacy_page(request):
    meta = PageMeta(title=_("About and privacy"), path=reverse("web:privacy"))
    context = {
        "services": declared_services(),
        "language_cookie": listing.LANGUAGE_COOKIE,
        "meta": meta,
    }
    return render(request, "web/privacy.html", context)


def _search_page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_SEARCH_PAGES)
    except ValueError:
        return 1


def run_search(request) -> tuple[SearchForm, SearchResults | None, list[str]]:
    """The form, the results (None before anything was asked) and messages for the visitor."""
    form = SearchForm(with_date_aliases(request.GET))
    form.is_valid()
    text = form.cleaned_data.get("q", "") if "q" not in form.errors else ""
    messages = form.date_problems()
    if not text.strip():
        return form, None, messages
    try:
        results = search_stories(text, form.filters(), page=_search_page_number(request))
    except DatabaseError:
        log.exception("search for %r failed", text[:200])
        messages.append(_("Search is not available at the moment. Please try again later."))
        return form, None, messages
    if results.query.is_empty:
        messages.append(
            _("Type at least one word to look for (words starting with - are left out).")
        )
    elif results.query.shortened:
        messages.append(_("Your search was long, so only its first words were used."))
    return form, results, messages


@public_page(params=SEARCH_PARAMS)
def search_page(request):
    form, results, messages = run_search(request)
    query = {
        key: value for key, value in request.GET.items() if key != "page" and value
    }
    page = _search_page_number(request)
    meta = PageMeta(
        title=_("Search"),
        path=reverse("web:search"),
        robots="noindex, follow",
        feeds=feed_links("web:search_feed", _("Search results"), query=query)
        if results is not None and results.hits
        else [],
    )
    context = {
        "meta": meta,
        "form": form,
        "results": results,
        "messages_for_visitor": messages,
        "search_query": request.GET.get("q", "")[:500],
        "page_number": page,
        "previous_query": urlencode({**query, "page": page - 1}) if page > 1 else "",
        "next_query": urlencode({**query, "page": page + 1})
        if results is not None and results.has_more
        else "",
    }
    return render(request, "web/search.html", context)
