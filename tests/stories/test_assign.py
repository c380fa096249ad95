"""Stories in the database: assignment, copies, headline, topics, related, editor actions."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.forms import modelform_factory

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher, Source, Topic
from newsdesk.stories import assign
from newsdesk.stories.admin import StoryAdmin
from newsdesk.stories.models import PreparedArticle, Story, StoryArticle
from newsdesk.stories.prepare import prepare
from newsdesk.stories.rank import story_score

FIXTURES = Path(__file__).parent / "fixtures"
START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)


def read(name):
    title, _, text = (FIXTURES / name).read_text().partition("\n")
    return title, text


@pytest.fixture
def make_article(db):
    world = Topic.objects.create(name="World", slug="world")
    count = iter(range(1000))

    def make(title, text, publisher_name, minutes=0, section="", language="en"):
        n = next(count)
        publisher, _ = Publisher.objects.get_or_create(
            slug=publisher_name.lower().replace(" ", "-"),
            defaults={"name": publisher_name, "domain": f"{n}.example"},
        )
        source, created = Source.objects.get_or_create(
            url=f"https://{publisher.slug}.example/rss", defaults={"publisher": publisher}
        )
        if created:
            source.topics.add(world)
        url = f"https://{publisher.slug}.example/{n}"
        return Article.objects.create(
            url=url,
            url_hash=Article.hash_url(url),
            source=source,
            publisher=publisher,
            title=title,
            text=text,
            excerpt=text[:200],
            section=section,
            language=language,
            published_at=START + timedelta(minutes=minutes),
        )

    return make


def story_of(article):
    return StoryArticle.objects.get(article=article).story


def test_a_wire_report_its_copy_and_another_report_make_one_story(make_article):
    wire = make_article(*read("wire-article.txt"), "Newsdesk Wire")
    copy = make_article(*read("blog-copy.txt"), "Buzz Blog", minutes=40)
    own = make_article(*read("own-report.txt"), "Harbour Herald", minutes=90)
    assign.assign_articles([wire.pk, copy.pk, own.pk])
    story = story_of(wire)
    assert story_of(copy) == story == story_of(own)
    assert StoryArticle.objects.get(article=copy).copy_of_id == wire.pk
    assert StoryArticle.objects.get(article=own).copy_of_id is None  # not a copy
    assert story.publisher_count == 3 and story.article_count == 3
    assert story.title != copy.title  # a copy is never the headline
    assert list(story.topics.values_list("slug", flat=True)) == ["world"]


def test_articles_prepared_by_the_extraction_worker_are_grouped_from_what_it_stored(
    make_article,
):
    wire = make_article(*read("wire-article.txt"), "Newsdesk Wire")
    copy = make_article(*read("blog-copy.txt"), "Buzz Blog", minutes=40)
    own = make_article(*read("own-report.txt"), "Harbour Herald", minutes=90)
    ids = [wire.pk, copy.pk, own.pk]
    assert assign.prepare_articles(ids) == 3
    assert assign.prepare_articles(ids) == 3  # again (a re-extraction): replaced, not added
    assert PreparedArticle.objects.count() == 3
    loaded = Article.objects.select_related("prepared").get(pk=wire.pk)
    stored = assign.doc_for(loaded).prepared
    made = prepare(wire.title, wire.text)
    assert stored is not None
    assert stored.terms[0].ids.tolist() == made.terms[0].ids.tolist()
    assert stored.signature.tolist() == made.signature.tolist()
    assign.assign_articles(ids)
    assert story_of(wire) == story_of(copy) == story_of(own)
    assert StoryArticle.objects.get(article=copy).copy_of_id == wire.pk


def test_a_preparation_older_than_the_articles_text_is_not_used(make_article):
    article = make_article(*read("own-report.txt"), "Harbour Herald")
    assign.prepare_articles([article.pk])
    article.text = article.text.replace("harbour", "airport")
    article.save()
    changed = Article.objects.select_related("prepared").get(pk=article.pk)
    assert assign.doc_for(changed).prepared is None  # the consumer prepares it again
    assign.prepare_articles([article.pk])
    changed = Article.objects.select_related("prepared").get(pk=article.pk)
    assert assign.doc_for(changed).prepared is not None


def test_look_alike_events_stay_apart_and_link_as_related(make_article):
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    articles = {}
    for minutes, item in enumerate(events):
        articles[item["key"]] = (
            item["event"],
            make_article(item["title"], item["text"], f"Pub {minutes % 3}", minutes),
        )
    assign.assign_articles([article.pk for _, article in articles.values()])
    by_event = {}
    for event, article in articles.values():
        by_event.setdefault(event, set()).add(story_of(article).pk)
    stories_of = {event: ids for event, ids in by_event.items()}
    assert stories_of["quake-a"].isdisjoint(stories_of["quake-b"])
    assert stories_of["launch-a"].isdisjoint(stories_of["launch-b"])
    quake_a = Story.objects.get(pk=next(iter(stories_of["quake-a"])))
    related = set(quake_a.related.values_list("pk", flat=True))
    assert related & stories_of["quake-b"], "the other earthquake is related by content"
    assert not related & stories_of["football"]


def test_section_names_an_existing_topic(make_article):
    Topic.objects.create(name="Transport", slug="transport")
    article = make_article(*read("own-report.txt"), "Harbour Herald", section="Transport")
    assign.assign_articles([article.pk])
    assert set(story_of(article).topics.values_list("slug", flat=True)) == {"world", "transport"}


def test_assigning_again_changes_nothing(make_article):
    article = make_article(*read("wire-article.txt"), "Newsdesk Wire")
    assign.assign_articles([article.pk])
    assign.assign_articles([article.pk])
    assert StoryArticle.objects.count() == 1 and Story.objects.count() == 1


def test_a_merge_by_an_editor_rebuilds_every_consumers_index(make_article):
    first = make_article(*read("wire-article.txt"), "Newsdesk Wire")
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    other = make_article(events[-1]["title"], events[-1]["text"], "Sports Desk", 5)
    assign.assign_articles([first.pk, other.pk])
    index_before = assign.story_index()
    assign.merge_stories(story_of(other).pk, story_of(first).pk)
    assign.editors_changed_stories()
    assert index_before.story_of(str(other.pk)) != story_of(first).pk
    rebuilt = assign.story_index()
    assert rebuilt is not index_before
    assert rebuilt.story_of(str(other.pk)) == story_of(first).pk  # memory follows the merge


def test_a_fold_made_by_another_machines_consumer_is_followed_without_a_rebuild(make_article):
    events = {a["key"]: a for a in json.loads((FIXTURES / "events.json").read_text())["articles"]}

    def article(key, minutes):
        return make_article(events[key]["title"], events[key]["text"], f"Desk {key}", minutes)

    quakes = [article("quake-a1", 0), article("quake-a2", 5)]
    launch = article("launch-a1", 10)
    assign.assign_articles([a.pk for a in (*quakes, launch)])
    quake_story, launch_story = story_of(quakes[0]).pk, story_of(launch).pk
    assert quake_story != launch_story
    index = assign.story_index()
    # a consumer on another machine folds one story into the other: no editor, no rebuild
    assign.merge_stories(quake_story, launch_story)
    late = article("quake-a3", 20)
    assign.assign_articles([late.pk])
    assert assign.story_index() is index
    assert index.story_of(str(quakes[0].pk)) == launch_story  # memory followed the fold
    assert story_of(late).pk != quake_story  # never into a story readers no longer see
    assert story_of(late).merged_into_id is None
    assert Story.objects.get(pk=quake_story).merged_at is not None


def test_merged_story_points_to_the_survivor(make_article):
    a = make_article(*read("wire-article.txt"), "Newsdesk Wire")
    assign.assign_articles([a.pk])
    empty = Story.objects.create(title="Duplicate")
    assign.merge_stories(empty.pk, story_of(a).pk)
    empty.refresh_from_db()
    assert empty.merged_into_id == story_of(a).pk
    assert not Story.objects.visible().filter(pk=empty.pk).exists()


def test_score_rises_with_publishers_and_velocity_and_decays_with_age():
    now = START
    assert story_score(5, 0, now, now) > story_score(1, 0, now, now)
    assert story_score(2, 6, now, now) > story_score(2, 0, now, now)
    assert story_score(2, 0, now - timedelta(hours=12), now) == pytest.approx(
        story_score(2, 0, now, now) / 2
    )


def test_a_copy_names_the_original_it_links_to_not_merely_the_earliest(make_article):
    title, text = read("wire-article.txt")
    wire = make_article(title, text, "Newsdesk Wire")
    syndicated = make_article(title, text, "Coast Daily", minutes=10)
    blog_title, blog_text = read("blog-copy.txt")
    copy = make_article(blog_title, blog_text, "Buzz Blog", minutes=40)
    copy.links = ["https://elsewhere.example/about", syndicated.url]
    copy.save()
    assign.assign_articles([wire.pk, syndicated.pk, copy.pk])
    assert StoryArticle.objects.get(article=syndicated).copy_of_id == wire.pk  # the earliest
    assert StoryArticle.objects.get(article=copy).copy_of_id == syndicated.pk  # its link


def test_a_copy_stored_before_the_original_it_links_to_is_recorded_as_its_copy(make_article):
    blog_title, blog_text = read("blog-copy.txt")
    copy = make_article(blog_title, blog_text, "Buzz Blog")
    wire = make_article(*read("wire-article.txt"), "Newsdesk Wire", minutes=30)
    copy.links = [wire.url]
    copy.save()
    assign.assign_articles([copy.pk])
    assert StoryArticle.objects.get(article=copy).copy_of_id is None
    assign.assign_articles([wire.pk])
    assert StoryArticle.objects.get(article=copy).copy_of_id == wire.pk
    assert StoryArticle.objects.get(article=wire).copy_of_id is None
    assert story_of(copy) == story_of(wire)
    assert story_of(wire).title == wire.title  # the original, not the copy, is the headline


def test_a_late_fragment_is_folded_into_its_story_once_it_has_settled(make_article):
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    first = [
        make_article(item["title"], item["text"], f"Pub {n}", n)
        for n, item in enumerate(events)
        if item["event"] in ("quake-a", "quake-b")
    ]
    assign.assign_articles([article.pk for article in first])
    quake_a = story_of(first[0])
    title, _, text = (FIXTURES / "late-report.txt").read_text().partition("\n")
    late = make_article(title, text.strip(), "Andes Daily", minutes=30)
    assign.assign_articles([late.pk])
    fragment = story_of(late)
    assert fragment != quake_a  # not sure enough to join when it came

    assert assign.settle_stories(now=START + timedelta(minutes=45)) == []  # not yet quiet
    assert assign.settle_stories(now=START + timedelta(hours=2)) == []  # 3 quiet hours
    assert assign.settle_stories(now=START + timedelta(hours=4)) == [quake_a.pk]
    fragment.refresh_from_db()
    quake_a.refresh_from_db()
    assert fragment.merged_into_id == quake_a.pk  # its URL redirects to the survivor
    assert story_of(late) == quake_a
    assert quake_a.article_count == 4 and quake_a.publisher_count == 4
    assert story_of(first[-1]) != quake_a  # the look-alike quake stays apart
    assert assign.story_index().story_of(str(late.pk)) == quake_a.pk


def test_the_scheduler_settles_fragments_when_no_new_article_comes_to_do_it(make_article):
    from newsdesk import pipeline

    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    quake = [item for item in events if item["event"] == "quake-a"]
    first = [make_article(i["title"], i["text"], f"Pub {n}", n) for n, i in enumerate(quake)]
    title, _, text = (FIXTURES / "late-report.txt").read_text().partition("\n")
    late = make_article(title, text.strip(), "Andes Daily", minutes=30)
    assign.assign_articles([a.pk for a in first])
    assign.assign_articles([late.pk])
    assert story_of(late) != story_of(first[0])
    pipeline.schedule_due_work()  # tasks run inline here; the report is hours old
    assert story_of(late) == story_of(first[0])


def test_an_editors_split_is_not_undone_by_settling(make_article, admin_client):
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    quake = [item for item in events if item["event"] == "quake-a"]
    first = [make_article(i["title"], i["text"], f"Pub {n}", n) for n, i in enumerate(quake)]
    assign.assign_articles([a.pk for a in first])
    story = story_of(first[0])
    response = admin_client.post(
        "/admin/stories/story/",
        {"action": "split_copies_out", "_selected_action": [story.pk]},
    )
    assert response.status_code == 302
    split = {story_of(a).pk for a in first}
    assert len(split) == 3 and Story.objects.filter(kept_apart=True).count() == 3
    assign.settle_stories(now=START + timedelta(hours=3))
    assert {story_of(a).pk for a in first} == split


def quake_a_reports(make_article):
    events = json.loads((FIXTURES / "events.json").read_text())["articles"]
    return [
        make_article(item["title"], item["text"], f"Pub {n}", 10 * n)
        for n, item in enumerate(events)
        if item["event"] == "quake-a"
    ]


def reaction_pieces(make_article):
    reactions = json.loads((FIXTURES / "reactions.json").read_text())["articles"]
    return [
        make_article(item["title"], item["text"], f"Reactions {n}", 120 + 10 * n)
        for n, item in enumerate(reactions)
    ]


def test_an_editors_headline_survives_new_coverage(make_article):
    reports = quake_a_reports(make_article)
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    form = modelform_factory(Story, fields=["title", "headline_article"])(
        {"title": "Deadly quake in southern Peru", "headline_article": reports[2].pk},
        instance=story,
    )
    assert form.is_valid()
    StoryAdmin(Story, None).save_model(None, form.save(commit=False), form, change=True)
    story.refresh_from_db()
    assert story.headline_locked  # editing the title or the lead locks them

    title, _, text = (FIXTURES / "late-report.txt").read_text().partition("\n")
    late = make_article(title, text.strip(), "Andes Daily", minutes=30)
    assign.assign_articles([late.pk])
    assign.settle_stories(now=START + timedelta(hours=4))
    story.refresh_from_db()
    assert story.article_count == 4  # the refreshes ran
    assert story.title == "Deadly quake in southern Peru"
    assert story.headline_article_id == reports[2].pk


def test_the_headline_stays_when_reaction_pieces_join_the_story(make_article):
    reports = quake_a_reports(make_article)
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    lead = story.headline_article_id
    assert lead in {a.pk for a in reports}

    reactions = reaction_pieces(make_article)
    for reaction in reactions:  # as if the engine had put them in the story
        StoryArticle.objects.create(article=reaction, story=story)
        assign.story_index().restore(assign.doc_for(reaction), story.pk)
        assign.CONSUMER.seen.add(reaction.pk)
        assign.refresh_story(story, assign.story_index())
    story.refresh_from_db()
    assert story.article_count == 8
    assert story.headline_article_id == lead


def test_a_story_whose_lead_has_no_image_shows_the_latest_members_image(make_article):
    reports = quake_a_reports(make_article)
    assign.assign_articles([a.pk for a in reports])
    story = story_of(reports[0])
    assert story.image_url == ""  # no report has one
    others = [a for a in reports if a.pk != story.headline_article_id]
    Article.objects.filter(pk=others[0].pk).update(image_url="https://img.example/first.jpg")
    Article.objects.filter(pk=others[1].pk).update(image_url="https://img.example/second.jpg")
    StoryArticle.objects.filter(article=others[0]).update(added_at=START + timedelta(hours=2))
    StoryArticle.objects.filter(article=others[1]).update(added_at=START + timedelta(hours=1))
    assign.refresh_story(story, assign.story_index())
    story.refresh_from_db()
    assert story.image_url == "https://img.example/first.jpg"  # added last

    StoryArticle.objects.filter(article=others[1]).update(added_at=START + timedelta(hours=3))
    assign.refresh_story(story, assign.story_index())
    story.refresh_from_db()
    assert story.image_url == "https://img.example/second.jpg"


def test_a_second_consumer_takes_in_what_the_first_added_since_it_last_looked(make_article):
    """Consumers on several machines take turns; each catches up with the memberships the
    others added since its own last look, and only those."""
    reports = quake_a_reports(make_article)
    other = assign.ClusteringConsumer()
    assign.assign_articles([reports[0].pk])
    other.story_index()  # built from the database: it holds the first report
    assert other.seen == {reports[0].pk}

    assign.assign_articles([a.pk for a in reports[1:]])  # the first consumer's turn
    index = other.story_index()
    assert other.seen == {a.pk for a in reports}
    assert {index.story_of(str(a.pk)) for a in reports} == {story_of(reports[0]).pk}
    restored = len(other.seen)
    other.story_index()  # nothing new: nothing restored twice
    assert len(other.seen) == restored


def test_catching_up_never_sends_the_articles_already_seen_to_the_database(make_article):
    """The seen set grows with the window; a query carrying it was prepared anew for
    every batch (on SQLite kept in the statement cache: 130 MB at 35,000 articles)."""
    from django.db import connection

    reports = quake_a_reports(make_article) + reaction_pieces(make_article)
    assign.assign_articles([a.pk for a in reports])
    assert len(assign.CONSUMER.seen) == len(reports)
    sent = []

    def count_parameters(execute, sql, params, many, context):
        sent.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_parameters):
        assign.story_index()  # nothing new since the batch
    assert sent and max(sent) < len(reports)
