"""Coverage at a glance: counts by language, the split by the operator's labels, and
"covered by only one side" when the desk follows more than one side of a label."""

import re

import pytest
from web_builders import make_article, make_publisher, make_story, page_html

from newsdesk.sources.models import PublisherLabel
from newsdesk.sources.registry import export_opml, import_opml


def label(publisher, name, value):
    PublisherLabel.objects.create(publisher=publisher, name=name, value=value)


def glance_html(html: str) -> str:
    return re.search(r'<section class="glance".*?</section>', html, re.S).group()


@pytest.mark.django_db
def test_glance_counts_articles_by_language(client, publishers):
    story = make_story(
        make_article(publishers["harbour"], "Bridge opens", language="en"),
        make_article(publishers["valley"], "Bridge open too", language="en"),
        make_article(make_publisher("Rheinblick"), "Brücke eröffnet", language="de"),
    )

    glance = glance_html(page_html(client.get(story.get_absolute_url())))

    assert "<dt>Languages</dt>" in glance and "English: 2, German: 1" in glance


@pytest.mark.django_db
def test_glance_splits_by_each_label_and_counts_the_unlabelled(client, publishers):
    rhein = make_publisher("Rheinblick")
    label(publishers["harbour"], "country", "NM")
    label(publishers["valley"], "country", "NM")
    label(rhein, "country", "DE")
    label(publishers["harbour"], "ownership", "private")
    story = make_story(
        make_article(publishers["harbour"], "Bridge opens"),
        make_article(publishers["valley"], "Bridge open too"),
        make_article(rhein, "Brücke eröffnet"),
    )

    glance = glance_html(page_html(client.get(story.get_absolute_url())))

    assert "<dt>Country</dt>\n      <dd>NM: 2, DE: 1</dd>" in glance
    assert "<dt>Ownership</dt>\n      <dd>private: 1; 2 publishers not labelled" in glance
    assert "only one side" not in glance  # two countries covered; one ownership known


@pytest.mark.django_db
def test_one_side_only_when_the_desk_follows_another_side(client, publishers):
    label(publishers["harbour"], "lean", "left")
    label(publishers["valley"], "lean", "left")
    story = make_story(
        make_article(publishers["harbour"], "Bridge opens"),
        make_article(publishers["valley"], "Bridge open too"),
    )
    url = story.get_absolute_url()

    # The desk follows only one lean: there is no other side to miss.
    assert "covered by only one side" not in page_html(client.get(url))

    label(publishers["copier"], "lean", "right")
    glance = glance_html(page_html(client.get(url)))
    assert (
        '<dd>left: 2 <span class="badge one-sided">covered by only one side</span></dd>'
        in glance
    )


@pytest.mark.django_db
def test_labels_of_an_excluded_publisher_do_not_make_a_side(client, publishers):
    label(publishers["harbour"], "lean", "left")
    label(make_publisher("Gone Gazette", excluded=True), "lean", "right")
    story = make_story(make_article(publishers["harbour"], "Bridge opens"))

    assert "covered by only one side" not in page_html(client.get(story.get_absolute_url()))


@pytest.mark.django_db
def test_opml_import_labels_publishers_and_export_writes_them_back():
    body = (
        b'<opml version="2.0"><body><outline text="Herald" xmlUrl="https://herald.example/rss"'
        b' htmlUrl="https://herald.example/" label-country="NM" label-lean="centre"/>'
        b"</body></opml>"
    )

    import_opml(body)

    labels = dict(PublisherLabel.objects.values_list("name", "value"))
    assert labels == {"country": "NM", "lean": "centre"}
    assert b'label-country="NM" label-lean="centre"' in export_opml()
    import_opml(body.replace(b"centre", b"left"))  # a second import updates, never duplicates
    assert dict(PublisherLabel.objects.values_list("name", "value"))["lean"] == "left"
    assert PublisherLabel.objects.count() == 2
