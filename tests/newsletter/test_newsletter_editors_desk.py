"""Issue 17's check for the editor's desk: an editor moves an article and changes a lead,
and the front page and the next digest (over real SMTP) follow."""

import html
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.newsletter.digest import send_due_digests
from newsdesk.newsletter.models import Subscriber
from newsdesk.sources.models import Source
from newsdesk.stories import assign
from newsdesk.stories.models import EditorAction, StoryArticle

pytestmark = pytest.mark.django_db

EVENTS = {
    item["key"]: item
    for item in json.loads(
        (Path(__file__).parents[1] / "stories" / "fixtures" / "events.json").read_text()
    )["articles"]
}
NEW_HEADLINE = "Peru quake: two dead in the Colca valley"


@pytest.fixture(autouse=True)
def pages_render_anew(settings):
    """The public pages are cached for NEWSDESK_PAGE_CACHE_SECONDS; they follow an
    editor's change once that lifetime is over (tests/web covers the cache itself)."""
    settings.NEWSDESK_PAGE_CACHE_SECONDS = 0


def report(publisher, key, minutes):
    item = EVENTS[key]
    source, _ = Source.objects.get_or_create(
        url=f"https://{publisher.domain}/feed.xml", defaults={"publisher": publisher})
    url = f"https://{publisher.domain}/news/{key}"
    return Article.objects.create(
        url=url, url_hash=Article.hash_url(url), source=source, publisher=publisher,
        title=item["title"], text=item["text"], excerpt=item["text"][:200], language="en",
        published_at=timezone.now() - timedelta(hours=2) + timedelta(minutes=minutes),
    )


def story_of(article):
    return StoryArticle.objects.select_related("story").get(article=article).story


def front_page_text(client) -> str:
    return html.unescape(client.get("/").content.decode())


def desk_post(editor, story, **data):
    desk = f"/admin/stories/story/{story.pk}/desk/"
    token = str(editor.get(desk).context["csrf_token"])
    response = editor.post(desk, {"csrfmiddlewaretoken": token, **data})
    assert response.status_code == 302
    return response


def test_an_editor_moves_an_article_and_changes_a_lead_and_front_page_and_digest_follow(
    smtp, publisher,
):
    andes, coast, valley = publisher("Andes Daily"), publisher("Coast Post"), publisher("Valley")
    reports = [report(andes, "quake-a1", 0), report(coast, "quake-a2", 5),
               report(valley, "quake-a3", 10)]
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    assert {story_of(a) for a in reports} == {story}
    old_headline = story.title
    reader = Client()
    assert old_headline in front_page_text(reader)
    assert NEW_HEADLINE not in front_page_text(reader)

    editor = Client(enforce_csrf_checks=True)
    editor.force_login(get_user_model().objects.create_superuser("ed", "ed@news.example", "p"))
    desk_post(editor, story, operation="move", article=reports[2].pk, target="new")
    desk_post(editor, story, operation="lead", article=reports[1].pk, title=NEW_HEADLINE)
    moved_to = story_of(reports[2])
    assert moved_to != story
    assert EditorAction.objects.count() == 2

    front = front_page_text(reader)
    assert NEW_HEADLINE in front and old_headline not in front
    assert reports[2].title in front  # the moved article leads a story of its own
    assert "Valley" not in html.unescape(reader.get(story.get_absolute_url()).content.decode())

    Subscriber.objects.create(email="reader@example.org", state=Subscriber.State.CONFIRMED)
    assert send_due_digests() == 1
    [mail] = smtp.received
    message = mail.message
    plain = message.get_body(("plain",)).get_content()
    assert message["Subject"].startswith(NEW_HEADLINE)
    assert NEW_HEADLINE in plain and old_headline not in plain
    assert "Coast Post" in plain  # the new lead's publisher is credited
    assert reports[2].title in plain  # the moved article's own story
    assert plain.index(NEW_HEADLINE) < plain.index(reports[2].title)
