"""Generate the site benchmark's database, once, and reuse it.

N articles of about 300 words, ten to a story (N/10 stories), from up to 2,000
publishers (one per 500 articles, at least 20), in 20 topics, 90 % English and 10 %
German, spread over the past year; every word is made up here, no real text. Scores
are computed with the stories room's own formula, so yesterday's stories rank low and
a new story rises to the top as it would in production.

The database is bench-only: SQLite under var/bench/, or the PostgreSQL database
BENCH_POSTGRES_URL (default postgresql://127.0.0.1:5432/newsdesk_bench_<N>), created
when missing. A marker file records a finished generation; a second run with the same
size and database reuses it (--force builds it again).

Usage: bench/gen_site_data.py [--articles 1000000] [--database sqlite|postgresql] [--force]
Progress goes to stderr; the last line of stdout is the DATABASE_URL to use.
"""

import argparse
import itertools
import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from common import say

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
ARTICLES_PER_STORY = 10
WORDS_PER_ARTICLE = 300
TOPICS = [
    "World",
    "Europe",
    "Politics",
    "Business",
    "Markets",
    "Technology",
    "Science",
    "Health",
    "Climate",
    "Energy",
    "Transport",
    "Culture",
    "Books",
    "Film",
    "Music",
    "Sport",
    "Football",
    "Education",
    "Cities",
    "Weather",
]
FUNCTION_WORDS = {
    "en": "the of and to in a is that for on with as by at from was said after will has".split(),
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine".split(),
}


def bench_database_url(database: str, articles: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'site-{articles}.sqlite3'}"
    default = f"postgresql://127.0.0.1:5432/newsdesk_bench_{articles}"
    return os.environ.get("BENCH_POSTGRES_URL", default)


def bench_environment(database_url: str) -> dict[str, str]:
    """Environment for every bench process that opens the bench database."""
    return {
        "DATABASE_URL": database_url,
        "NEWSDESK_VAR_DIR": str(BENCH_DIR / "var"),
        # The bench database is not production; PostgreSQL settings demand a key.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-key-" + "x" * 40,
        "NEWSDESK_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
    }


def create_postgres_database(url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            say(f"creating PostgreSQL database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class Writer:
    """Made-up words and sentences, deterministic for a seed."""

    def __init__(self, seed: int):
        self.random = random.Random(seed)
        syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ei", "au")]
        words = set()
        while len(words) < 20_000:
            words.add("".join(self.random.choices(syllables, k=self.random.randint(2, 4))))
        self.words = sorted(words)
        # Zipf-like weights: a few words are common, most are rare, as in news text.
        self.cum_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(20_000)))

    def sentence(self, language: str, length: int) -> str:
        picked = self.random.choices(self.words, cum_weights=self.cum_weights, k=length)
        glue = FUNCTION_WORDS[language]
        words = [w if self.random.random() > 0.3 else self.random.choice(glue) for w in picked]
        return " ".join(words).capitalize() + "."

    def title(self, language: str) -> str:
        return self.sentence(language, self.random.randint(7, 13)).rstrip(".")

    def body(self, language: str) -> str:
        sentences, count = [], 0
        while count < WORDS_PER_ARTICLE:
            length = self.random.randint(12, 24)
            sentences.append(self.sentence(language, length))
            count += length
        return " ".join(sentences)


def generate(articles: int, seed: int = 7) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from newsdesk.articles.excerpt import make_excerpt
    from newsdesk.articles.models import Article
    from newsdesk.sources.models import Publisher, Source, Topic
    from newsdesk.stories.models import Story, StoryArticle
    from newsdesk.stories.rank import story_score
    from newsdesk.web.search import drop_search_index, ensure_search_index

    call_command("migrate", verbosity=0)
    call_command("flush", "--no-input", verbosity=0)  # a --force run starts from nothing
    drop_search_index(connection)  # rebuilt once at the end: far faster than per row
    writer = Writer(seed)
    rnd = writer.random
    now = timezone.now()

    topics = [Topic.objects.create(name=name, slug=slugify(name)) for name in TOPICS]
    publisher_count = min(2000, max(20, articles // 500))
    publishers, sources = [], []
    for number in range(publisher_count):
        kind = rnd.choice(["Post", "Herald", "Times", "Zeitung", "Courier", "Daily"])
        name = f"{writer.title('en').split()[0]} {kind} {number}"
        publisher = Publisher.objects.create(
            name=name, slug=f"{slugify(name)}", domain=f"publisher-{number}.example"
        )
        publishers.append(publisher)
        sources.append(
            Source.objects.create(
                url=f"https://publisher-{number}.example/feed", publisher=publisher
            )
        )

    stories_total = max(1, articles // ARTICLES_PER_STORY)
    chunk = 200
    started = time.monotonic()
    for first in range(0, stories_total, chunk):
        with transaction.atomic():
            rows, plans = [], []
            for story_number in range(first, min(first + chunk, stories_total)):
                language = "de" if rnd.random() < 0.1 else "en"
                # At least a day old: a story the bench adds later rises to the top, as news does.
                seen_at = now - timedelta(seconds=rnd.uniform(24 * 3600, 365 * 24 * 3600))
                chosen = rnd.sample(
                    range(publisher_count), k=min(ARTICLES_PER_STORY, publisher_count)
                )
                plan = {"language": language, "seen_at": seen_at, "articles": []}
                for position, index in enumerate(chosen):
                    text = writer.body(language)
                    url = f"https://publisher-{index}.example/{story_number}/{position}"
                    rows.append(
                        Article(
                            url=url,
                            url_hash=Article.hash_url(url),
                            source=sources[index],
                            publisher=publishers[index],
                            title=writer.title(language),
                            published_at=seen_at + timedelta(minutes=17 * position),
                            language=language,
                            text=text,
                            excerpt=make_excerpt(text, 300, language),
                            created_at=seen_at + timedelta(minutes=17 * position),
                        )
                    )
                    plan["articles"].append(rows[-1])
                plans.append(plan)
            Article.objects.bulk_create(rows)
            stories = []
            for plan in plans:
                lead = plan["articles"][0]
                last = plan["articles"][-1].published_at
                count = len(plan["articles"])
                stories.append(
                    Story(
                        title=lead.title,
                        slug=slugify(lead.title)[:120] or "story",
                        headline_article=lead,
                        excerpt=lead.excerpt,
                        language=plan["language"],
                        first_seen_at=plan["seen_at"],
                        last_updated_at=last,
                        article_count=count,
                        publisher_count=count,
                        score=story_score(count, 0, last, now),
                    )
                )
            Story.objects.bulk_create(stories)
            memberships, story_topics, story_publishers = [], [], []
            for story, plan in zip(stories, plans, strict=True):
                for article in plan["articles"]:
                    memberships.append(
                        StoryArticle(article=article, story=story, added_at=article.published_at)
                    )
                    story_publishers.append(
                        Story.publishers.through(
                            story_id=story.pk, publisher_id=article.publisher_id
                        )
                    )
                for topic in rnd.sample(topics, k=2):
                    story_topics.append(Story.topics.through(story_id=story.pk, topic_id=topic.pk))
            StoryArticle.objects.bulk_create(memberships)
            Story.topics.through.objects.bulk_create(story_topics)
            Story.publishers.through.objects.bulk_create(story_publishers)
        done = min(first + chunk, stories_total)
        rate = done * ARTICLES_PER_STORY / max(time.monotonic() - started, 1e-9)
        say(
            f"  {done * ARTICLES_PER_STORY:,} of {stories_total * ARTICLES_PER_STORY:,} articles "
            f"({rate:,.0f}/s)"
        )
    say("building the full-text index")
    ensure_search_index(connection)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--force", action="store_true", help="generate again even if present")
    args = parser.parse_args(argv)
    if args.articles < ARTICLES_PER_STORY:
        parser.error(f"--articles must be at least {ARTICLES_PER_STORY}")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = bench_database_url(args.database, args.articles)
    marker = BENCH_DIR / f"site-{args.database}-{args.articles}.done"
    if marker.exists() and not args.force:
        say(f"reusing the {args.database} bench database with {args.articles:,} articles")
        print(url)
        return 0
    if args.database == "sqlite":
        database_file = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database_file}{suffix}").unlink(missing_ok=True)
    else:
        try:
            create_postgres_database(url)
        except Exception as error:  # noqa: BLE001 - any connection failure is reported
            say(
                f"PostgreSQL at {url} is not reachable ({error}); "
                "start it or set BENCH_POSTGRES_URL"
            )
            return 2
    os.environ.update(bench_environment(url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    say(f"generating {args.articles:,} articles into {url}")
    started = time.monotonic()
    generate(args.articles)
    marker.write_text(json.dumps({"articles": args.articles, "url": url}))
    say(f"generated in {time.monotonic() - started:.0f} s")
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
