"""Excerpts stored before they kept to the first paragraph of prose are cut again from
the article's text (a standfirst glued to the lead that restates it reads as one text
saying the same thing twice); stories showing such an article as their headline take
its new excerpt. Only articles whose text still has paragraphs are read."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 1000


def recut_excerpts(apps, schema_editor):
    from newsdesk.articles.excerpt import make_excerpt

    Article = apps.get_model("articles", "Article")
    Story = apps.get_model("stories", "Story")
    articles = (
        Article.objects.filter(text__contains="\n")
        .only("pk", "text", "excerpt", "language")
        .order_by("pk")
    )
    changed = []
    for article in articles.iterator(chunk_size=BATCH):
        excerpt = make_excerpt(
            article.text,
            max_chars=settings.NEWSDESK_EXCERPT_CHARS,
            language=article.language or None,
        )
        if excerpt != article.excerpt:
            article.excerpt = excerpt
            changed.append(article)
        if len(changed) >= BATCH:
            _save(Article, Story, changed)
            changed = []
    _save(Article, Story, changed)


def _save(Article, Story, changed):
    if not changed:
        return
    Article.objects.bulk_update(changed, ["excerpt"])
    headline = Article.objects.filter(pk=OuterRef("headline_article_id")).values("excerpt")
    Story.objects.filter(headline_article_id__in=[a.pk for a in changed]).update(
        excerpt=Subquery(headline[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_article_links"),
        ("stories", "0007_story_headline_locked"),
    ]

    operations = [migrations.RunPython(recut_excerpts, migrations.RunPython.noop)]
