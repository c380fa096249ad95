"""The editor's desk: moves, lead and headline, merges found by search, undo, the log,
read-only computed fields and the clustering consumers following every change."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from test_assign import START, make_article, read, story_of  # noqa: F401  (fixture)

from newsdesk.stories import assign, desk
from newsdesk.stories.models import EditorAction, Story, StoryArticle

FIXTURES = Path(__file__).parent / "fixtures"
EVENTS = {a["key"]: a for a in json.loads((FIXTURES / "events.json").read_text())["articles"]}


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("editor", "editor@news.example", "pw")


@pytest.fixture
def editor_client(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


@pytest.fixture
def event(make_article):  # noqa: F811
    def make(key, minutes, publisher=None):
        item = EVENTS[key]
        return make_article(item["title"], item["text"], publisher or f"Desk {key}", minutes)

    return make


def desk_url(story):
    return f"/admin/stories/story/{story.pk}/desk/"


def post(client, story, **data):
    """A desk form sent as a browser sends it: with the CSRF token of the page."""
    page = client.get(desk_url(story))
    assert page.status_code == 200
    token = page.context["csrf_token"]
    return client.post(desk_url(story), {"csrfmiddlewaretoken": str(token), **data})


def test_an_article_moved_to_a_new_story_stays_there_when_the_engine_settles(event, editor):
    reports = [event("quake-a1", 0), event("quake-a2", 5), event("quake-a3", 10)]
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    assert {story_of(a) for a in reports} == {story}

    action = desk.move_article(editor, reports[2].pk, None)
    moved_to = story_of(reports[2])
    assert moved_to != story and action.other_story == moved_to
    story.refresh_from_db()
    moved_to.refresh_from_db()
    assert (story.article_count, moved_to.article_count) == (2, 1)
    assert moved_to.title == reports[2].title and moved_to.headline_article_id == reports[2].pk

    # hours later the engine settles small stories: the editor's choice is not folded back
    assign.settle_stories(now=START + timedelta(hours=5))
    assert story_of(reports[2]) == moved_to
    assert Story.objects.get(pk=moved_to.pk).merged_into_id is None


def test_after_a_move_the_next_article_about_that_event_joins_the_story_the_editor_chose(
    event, editor,
):
    quakes = [event("quake-a1", 0), event("quake-a2", 5)]
    launch = event("launch-a1", 10)
    assign.assign_articles([a.pk for a in quakes])
    story = story_of(quakes[0])
    # as if the engine had put the launch report into the quake story by mistake
    StoryArticle.objects.create(article=launch, story=story)
    assign.story_index().restore(assign.doc_for(launch), story.pk)
    assign.CONSUMER.seen.add(launch.pk)

    desk.move_article(editor, launch.pk, None)
    chosen = story_of(launch)
    assert chosen != story

    follow_up = event("launch-a2", 20)
    assign.assign_articles([follow_up.pk])
    assert story_of(follow_up) == chosen
    assign.settle_stories(now=START + timedelta(hours=5))
    assert story_of(launch) == story_of(follow_up) == chosen
    assert story_of(quakes[0]) == story_of(quakes[1]) == story


def test_moving_into_an_existing_story_and_emptying_the_old_one_redirects_it(event, editor):
    quake = event("quake-a1", 0)
    launch = event("launch-a1", 10)
    assign.assign_articles([quake.pk, launch.pk])
    quake_story, launch_story = story_of(quake), story_of(launch)
    assert quake_story != launch_story

    desk.move_article(editor, launch.pk, quake_story)
    assert story_of(launch) == quake_story
    launch_story.refresh_from_db()
    assert launch_story.merged_into_id == quake_story.pk and launch_story.article_count == 0
    assert not Story.objects.visible().filter(pk=launch_story.pk).exists()
    with pytest.raises(desk.DeskError, match="merged into another"):
        desk.move_article(editor, quake.pk, launch_story)


def test_the_desk_sets_lead_and_headline_and_new_coverage_keeps_them(
    event, editor_client, editor,
):
    reports = [event("quake-a1", 0), event("quake-a2", 5)]
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    response = post(editor_client, story, operation="lead", article=reports[1].pk,
                    title="  Peru:  two dead in the Colca valley ")
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.title == "Peru: two dead in the Colca valley"
    assert story.headline_article_id == reports[1].pk and story.headline_locked
    assert story.excerpt == reports[1].excerpt

    assign.assign_articles([event("quake-a3", 20).pk])
    story.refresh_from_db()
    assert story.article_count == 3
    assert (story.title, story.headline_article_id) == (
        "Peru: two dead in the Colca valley", reports[1].pk)
    logged = EditorAction.objects.get(kind=EditorAction.Kind.LEAD)
    assert logged.editor == editor and logged.editor_name == "editor"
    assert "Peru: two dead" in logged.summary and logged.story == story


def test_a_lead_must_be_an_article_of_the_story(event, editor_client):
    quake, launch = event("quake-a1", 0), event("launch-a1", 10)
    assign.assign_articles([quake.pk, launch.pk])
    story = story_of(quake)
    response = post(editor_client, story, operation="lead", article=launch.pk, title="")
    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    assert "is not in this story; move it here first" in page.content.decode()
    story.refresh_from_db()
    assert story.headline_article_id == quake.pk and not story.headline_locked
    assert not EditorAction.objects.exists()


def test_merge_into_a_story_found_by_search_then_undo_keeps_articles_that_joined_since(
    event, editor_client, editor,
):
    quake_a = [event("quake-a1", 0), event("quake-a2", 5)]
    quake_b = [event("quake-b1", 10), event("quake-b2", 15)]
    assign.assign_articles([a.pk for a in (*quake_a, *quake_b)])
    a_story, b_story = story_of(quake_a[0]), story_of(quake_b[0])
    assert a_story != b_story

    found = editor_client.get(desk_url(b_story), {"q": "southern peru"})
    assert list(found.context["found"]) == [a_story]
    response = post(editor_client, b_story, operation="merge", target=a_story.pk)
    assert response["Location"] == desk_url(a_story)
    assert {story_of(a) for a in (*quake_a, *quake_b)} == {a_story}
    b_story.refresh_from_db()
    assert b_story.merged_into_id == a_story.pk

    late = event("quake-a3", 30)  # joins the merged story after the merge
    assign.assign_articles([late.pk])
    assert story_of(late) == a_story

    page = editor_client.get(desk_url(a_story))
    undoable = page.context["undoable"]
    assert undoable.kind == EditorAction.Kind.MERGE
    response = post(editor_client, a_story, operation="undo", action=undoable.pk)
    assert response.status_code == 302
    b_story.refresh_from_db()
    assert b_story.merged_into_id is None and b_story.article_count == 2
    assert {story_of(a) for a in quake_b} == {b_story}
    assert story_of(late) == a_story and story_of(quake_a[0]) == a_story
    # kept apart: the engine does not redo what the editor undid
    assign.settle_stories(now=START + timedelta(hours=5))
    assign.assign_articles([event("quake-b3", 40).pk])
    assert {story_of(a) for a in quake_b} == {b_story}
    kinds = list(EditorAction.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["merge", "undo"]
    assert EditorAction.objects.get(kind="merge").undone_by.kind == "undo"
    assert desk.last_undoable(a_story) is None  # undone once only


def test_undo_of_a_split_puts_the_articles_back(event, editor_client, editor):
    reports = [event("quake-a1", 0), event("quake-a2", 5), event("quake-a3", 10)]
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    changelist = editor_client.get("/admin/stories/story/")
    token = str(changelist.context["csrf_token"])
    editor_client.post("/admin/stories/story/", {
        "csrfmiddlewaretoken": token, "action": "split_copies_out",
        "_selected_action": [story.pk],
    })
    pieces = {story_of(a) for a in reports}
    assert len(pieces) == 3
    action = desk.last_undoable(story)
    assert action.kind == EditorAction.Kind.SPLIT and action.editor == editor
    post(editor_client, story, operation="undo", action=action.pk)
    assert {story_of(a) for a in reports} == {story}
    story.refresh_from_db()
    assert story.article_count == 3 and not story.kept_apart
    for piece in pieces - {story}:
        piece.refresh_from_db()
        assert piece.merged_into_id == story.pk  # their URLs lead back


def test_the_bulk_merge_asks_which_story_to_keep(event, editor_client):
    quake_a = [event("quake-a1", 0), event("quake-a2", 5)]
    launch = event("launch-a1", 10)
    assign.assign_articles([a.pk for a in (*quake_a, launch)])
    big, small = story_of(quake_a[0]), story_of(launch)
    token = str(editor_client.get("/admin/stories/story/").context["csrf_token"])
    selected = {"csrfmiddlewaretoken": token, "action": "merge_selected",
                "_selected_action": [big.pk, small.pk]}
    asked = editor_client.post("/admin/stories/story/", selected)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Which story should the others be merged into?" in text
    assert 'name="survivor"' in text and f'value="{small.pk}"' in text
    assert story_of(launch) == small  # nothing merged before the choice

    no_choice = editor_client.post("/admin/stories/story/", {**selected, "post": "yes"})
    assert "Choose the story the others are merged into." in no_choice.content.decode()
    assert story_of(launch) == small

    editor_client.post("/admin/stories/story/", {**selected, "post": "yes",
                                                  "survivor": small.pk})
    assert story_of(quake_a[0]) == small  # the editor's choice, not the largest
    big.refresh_from_db()
    assert big.merged_into_id == small.pk
    assert EditorAction.objects.get().kind == EditorAction.Kind.MERGE


def test_computed_fields_are_read_only_scores_rounded_and_shells_hidden(event, editor_client):
    quake = [event("quake-a1", 0), event("quake-a2", 5)]
    launch = event("launch-a1", 10)
    assign.assign_articles([a.pk for a in (*quake, launch)])
    story, other = story_of(quake[0]), story_of(launch)
    Story.objects.create(title="Nothing in here")
    desk.merge(None, other, story)
    Story.objects.filter(pk=story.pk).update(score=1.2345678912345678)

    listing = editor_client.get("/admin/stories/story/").content.decode()
    assert "1.23" in listing and "1.2345" not in listing
    assert story.title in listing
    assert "Nothing in here" not in listing and other.title not in listing
    shells = editor_client.get("/admin/stories/story/", {"state": "merged"})
    assert other.title in shells.content.decode()
    assert "Nothing in here" in editor_client.get(
        "/admin/stories/story/", {"state": "empty"}).content.decode()

    form = editor_client.get(f"/admin/stories/story/{story.pk}/change/")
    fields = form.context["adminform"].form.fields
    assert not {"article_count", "publisher_count", "score"} & set(fields)
    page = form.content.decode()
    assert "1.23" in page and "1.2345" not in page
    assert desk_url(story) in page  # the change form leads to the desk
    token = str(form.context["csrf_token"])
    editor_client.post(f"/admin/stories/story/{story.pk}/change/", {
        "csrfmiddlewaretoken": token, "title": story.title, "article_count": 99,
        "publisher_count": 99, "score": 1000, "topics": [],
        "storyarticle_set-TOTAL_FORMS": 0, "storyarticle_set-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
    })
    story.refresh_from_db()
    assert (story.article_count, story.publisher_count) == (3, 3) and story.score < 1000


def test_desk_forms_need_the_csrf_token_and_staff(event, editor_client, db):
    quake = event("quake-a1", 0)
    assign.assign_articles([quake.pk])
    story = story_of(quake)
    refused = editor_client.post(desk_url(story), {"operation": "move", "article": quake.pk,
                                                   "target": "new"})
    assert refused.status_code == 403  # no CSRF token
    reader = get_user_model().objects.create_user("reader", "r@news.example", "pw")
    visitor = Client()
    visitor.force_login(reader)
    assert visitor.get(desk_url(story)).status_code == 302  # to the admin's login
    assert Client().get(desk_url(story))["Location"].startswith("/admin/login/")
    assert story_of(quake) == story and not EditorAction.objects.exists()


def test_every_action_is_in_the_read_only_log(event, editor_client, editor):
    quake = [event("quake-a1", 0), event("quake-a2", 5)]
    assign.assign_articles([a.pk for a in quake])
    story = story_of(quake[0])
    post(editor_client, story, operation="move", article=quake[1].pk, target="new")
    log = editor_client.get("/admin/stories/editoraction/")
    text = log.content.decode()
    assert "Moved “" in text and "editor" in text
    action = EditorAction.objects.get()
    assert action.details["new_story"] is True and action.details["articles"] == [quake[1].pk]
    detail = editor_client.get(f"/admin/stories/editoraction/{action.pk}/change/")
    assert detail.status_code == 200 and 'name="summary"' not in detail.content.decode()
    assert editor_client.get("/admin/stories/editoraction/add/").status_code == 403
    log_url = editor_client.get(desk_url(story)).context["log_url"]
    filtered = editor_client.get(log_url)
    assert filtered.status_code == 200 and "Moved “" in filtered.content.decode()


def test_the_desk_speaks_german(event, editor_client):
    quake = event("quake-a1", 0)
    assign.assign_articles([quake.pk])
    page = editor_client.get(desk_url(story_of(quake)), HTTP_ACCEPT_LANGUAGE="de")
    text = page.content.decode()
    assert "Hauptartikel und Schlagzeile" in text and "Verschieben nach" in text
    assert "Lead article and headline" not in text


def test_moving_the_editors_lead_away_hands_the_headline_back_to_the_engine(event, editor):
    reports = [event("quake-a1", 0), event("quake-a2", 5), event("quake-a3", 10)]
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    desk.set_lead(editor, story, reports[2].pk, "Rescuers reach Chivay")
    desk.move_article(editor, reports[2].pk, None)
    story.refresh_from_db()
    assert not story.headline_locked
    assert story.headline_article_id in {reports[0].pk, reports[1].pk}
    assert story.title in {reports[0].title, reports[1].title}
    new = story_of(reports[2])
    assert new.title == reports[2].title and not new.headline_locked


def test_the_change_form_takes_only_a_lead_from_the_story_and_logs_the_edit(
    event, editor_client,
):
    quake, launch = event("quake-a1", 0), event("launch-a1", 10)
    assign.assign_articles([quake.pk, launch.pk])
    story = story_of(quake)
    change = f"/admin/stories/story/{story.pk}/change/"
    token = str(editor_client.get(change).context["csrf_token"])
    form = {"csrfmiddlewaretoken": token, "title": "Quake in Peru", "excerpt": story.excerpt,
            "language": story.language, "image_url": story.image_url,
            "topics": list(story.topics.values_list("pk", flat=True)),
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}
    refused = editor_client.post(change, {**form, "headline_article": launch.pk})
    assert refused.status_code == 200
    assert "move it here on the desk first" in refused.content.decode()
    story.refresh_from_db()
    assert story.title == quake.title and not EditorAction.objects.exists()

    saved = editor_client.post(change, {**form, "headline_article": quake.pk})
    assert saved.status_code == 302
    story.refresh_from_db()
    assert story.title == "Quake in Peru" and story.headline_locked
    action = EditorAction.objects.get()
    assert action.kind == EditorAction.Kind.LEAD and action.details["fields"] == ["title"]
