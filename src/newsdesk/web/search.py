"""Full-text search over stories and their articles: one interface, two engines.

SQLite (the embedded default) uses an FTS5 index; PostgreSQL a table of stored, weighted
tsvectors with a GIN index. Both are kept in step with the articles table by triggers,
created by this app's migrations and re-checked after every `migrate` (see
ensure_search_index). Both rank articles (title matches weigh more), both return
highlighted snippets, both take the same filters, and neither ever sees raw visitor
text: search_query.parse_query reduces it to word tokens first.

Ranking looks at the most recent RANKING_WINDOW matching articles (after filters): a
word found in half the archive would otherwise have every match scored on every search;
for news the recent coverage is what a reader is after, and a rare word's matches all
fit in the window anyway.
"""

# The SQL below interpolates only table names from the models and fixed fragments of
# this module; every value a visitor influences is passed as a query parameter.
# ruff: noqa: S608

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher
from newsdesk.stories.models import Story, StoryArticle

from .search_query import ParsedQuery, parse_query

CANDIDATES = 400
RANKING_WINDOW = 2000
MARK_START, MARK_END = "\ue000", "\ue001"

FTS_TABLE = "web_article_fts"
PG_TABLE = "web_search_vector"
PG_OLD_INDEX = "web_article_search"  # the expression index of migration 0001
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, coalesce({a}.title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce({a}.text, '')), 'B'))"
)


@dataclass(frozen=True)
class SearchFilters:
    topic_id: int | None = None
    publisher_id: int | None = None
    language: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class SearchHit:
    story: Story
    article: Article
    title_html: SafeString
    snippet_html: SafeString
    original: Article | None = None  # the article this hit copies: its publisher is credited

    @property
    def credited(self) -> Article:
        """The article whose publisher a result credits: the original, for a copy."""
        return self.original or self.article


@dataclass
class SearchResults:
    query: ParsedQuery
    hits: list[SearchHit]
    has_more: bool


def marked_html(text: str) -> SafeString:
    """Engine output with our private-use markers turned into <mark>, the rest escaped."""
    escaped = escape(text)
    return mark_safe(  # noqa: S308 - everything but our own markers is escaped above
        escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


def _clean(text: str) -> str:
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def _bounded_snippet(text: str, article: Article) -> str:
    """The snippet as the publisher allows it: none, or at most max-snippet characters."""
    if article.nosnippet or article.publisher.headlines_only:
        return ""
    if article.max_snippet is not None and article.max_snippet >= 0:
        visible = 0
        for index, char in enumerate(text):
            if char not in (MARK_START, MARK_END):
                visible += 1
            if visible > article.max_snippet:
                text = text[:index].rstrip() + "…"
                if text.count(MARK_START) > text.count(MARK_END):
                    text += MARK_END
                break
    return text


def _filter_sql(filters: SearchFilters) -> tuple[str, str, list]:
    tables = {
        "story": Story._meta.db_table,
        "publisher": Publisher._meta.db_table,
        "topics": Story.topics.through._meta.db_table,
    }
    clauses = [
        "s.hidden = %s",
        "s.merged_into_id IS NULL",
        "s.article_count > 0",
        "p.excluded = %s",
    ]
    params: list = [False, False]
    if filters.topic_id is not None:
        clauses.append(
            f"EXISTS (SELECT 1 FROM {tables['topics']} st "
            "WHERE st.story_id = m.story_id AND st.topic_id = %s)"
        )
        params.append(filters.topic_id)
    if filters.publisher_id is not None:
        clauses.append("a.publisher_id = %s")
        params.append(filters.publisher_id)
    if filters.language:
        clauses.append("a.language = %s")
        params.append(filters.language)
    if filters.since is not None:
        clauses.append("a.published_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.since))
    if filters.until is not None:
        clauses.append("a.published_at < %s")
        params.append(connection.ops.adapt_datetimefield_value(filters.until))
    joins = (
        f"JOIN {StoryArticle._meta.db_table} m ON m.article_id = a.id "
        f"JOIN {tables['story']} s ON s.id = m.story_id "
        f"JOIN {tables['publisher']} p ON p.id = a.publisher_id"
    )
    return joins, " AND ".join(clauses), params


class SqliteSearch:
    """FTS5 with bm25 ranking (title weighted 8:1 over body)."""

    def candidates(self, query: ParsedQuery, filters: SearchFilters) -> list[tuple[int, int]]:
        joins, where, params = _filter_sql(filters)
        sql = (
            "SELECT id, story_id FROM ("
            f"SELECT a.id, m.story_id, bm25({FTS_TABLE}, 8.0, 1.0) AS score FROM {FTS_TABLE} "
            f"JOIN {Article._meta.db_table} a ON a.id = {FTS_TABLE}.rowid {joins} "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} "
            f"ORDER BY {FTS_TABLE}.rowid DESC LIMIT %s"
            ") ORDER BY score LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query.fts5(), *params, RANKING_WINDOW, CANDIDATES])
            return cursor.fetchall()

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, tuple]:
        marks = ", ".join(["%s"] * len(article_ids))
        sql = (
            f"SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s), "
            f"snippet({FTS_TABLE}, 1, %s, %s, '…', 24) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({marks})"
        )
        params = [MARK_START, MARK_END, MARK_START, MARK_END, query.fts5(), *article_ids]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


class PostgresSearch:
    """websearch_to_tsquery over stored, GIN-indexed tsvectors, ranked by ts_rank_cd."""

    def candidates(self, query: ParsedQuery, filters: SearchFilters) -> list[tuple[int, int]]:
        joins, where, params = _filter_sql(filters)
        sql = (
            "SELECT id, story_id FROM ("
            f"SELECT a.id, m.story_id, a.published_at, v.vector FROM {PG_TABLE} v "
            f"JOIN {Article._meta.db_table} a ON a.id = v.article_id {joins} "
            "WHERE v.vector @@ websearch_to_tsquery('simple'::regconfig, %s) "
            f"AND {where} ORDER BY a.id DESC LIMIT %s"
            ") recent "
            "ORDER BY ts_rank_cd(recent.vector, websearch_to_tsquery('simple'::regconfig, %s)) "
            "DESC, recent.published_at DESC LIMIT %s"
        )
        text = query.websearch()
        with connection.cursor() as cursor:
            cursor.execute(sql, [text, *params, RANKING_WINDOW, text, CANDIDATES])
            return cursor.fetchall()

    def highlights(self, query: ParsedQuery, article_ids: list[int]) -> dict[int, tuple]:
        options = f"StartSel={MARK_START}, StopSel={MARK_END}"
        sql = (
            "SELECT a.id, ts_headline('simple'::regconfig, a.title, q, %s), "
            "ts_headline('simple'::regconfig, a.text, q, %s) "
            f"FROM {Article._meta.db_table} a, websearch_to_tsquery('simple'::regconfig, %s) q "
            "WHERE a.id = ANY(%s)"
        )
        params = [
            options + ", HighlightAll=true",
            options + ", MaxFragments=1, MaxWords=30, MinWords=12, FragmentDelimiter=…",
            query.websearch(),
            article_ids,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def engine():
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()


def search_stories(text: str, filters: SearchFilters | None = None, *, page: int = 1,
                   per_page: int = 20) -> SearchResults:
    """Stories matching `text`, best first, each with its best-matching article."""
    query = parse_query(text)
    if query.is_empty:
        return SearchResults(query, [], False)
    backend = engine()
    best_article_of_story: dict[int, int] = {}
    for article_id, story_id in backend.candidates(query, filters or SearchFilters()):
        best_article_of_story.setdefault(story_id, article_id)
    ranked = list(best_article_of_story.items())
    start = (page - 1) * per_page
    chosen = ranked[start : start + per_page]
    if not chosen:
        return SearchResults(query, [], False)
    stories = Story.objects.in_bulk([story_id for story_id, _ in chosen])
    articles = Article.objects.select_related("publisher").in_bulk(
        [article_id for _, article_id in chosen]
    )
    marks = backend.highlights(query, [article_id for _, article_id in chosen])
    originals = {
        membership.article_id: membership.copy_of
        for membership in StoryArticle.objects.filter(
            article_id__in=[article_id for _, article_id in chosen], copy_of__isnull=False
        ).select_related("copy_of__publisher")
    }
    hits = []
    for story_id, article_id in chosen:
        article = articles[article_id]
        title, snippet = marks.get(article_id, (article.title, ""))
        hits.append(
            SearchHit(
                story=stories[story_id],
                article=article,
                title_html=marked_html(title or _clean(article.title)),
                snippet_html=marked_html(_bounded_snippet(snippet or "", article)),
                original=originals.get(article_id),
            )
        )
    return SearchResults(query, hits, has_more=len(ranked) > start + per_page)


# --- the index itself ----------------------------------------------------------------

SQLITE_INDEX_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, text, "
    "content='articles_article', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON articles_article BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON articles_article BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF title, text "
    f"ON articles_article BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text); END",
]
# No foreign key to articles_article: Django's flush TRUNCATEs the tables it knows, which
# a foreign key from an unknown table would refuse; the triggers keep the rows in step.
POSTGRES_INDEX_SQL = [
    f"DROP INDEX IF EXISTS {PG_OLD_INDEX}",
    f"CREATE TABLE IF NOT EXISTS {PG_TABLE} "
    "(article_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_gin ON {PG_TABLE} USING gin (vector)",
    "CREATE OR REPLACE FUNCTION web_search_vector_update() RETURNS trigger AS $$ BEGIN "
    f"INSERT INTO {PG_TABLE} (article_id, vector) VALUES (NEW.id, {PG_VECTOR.format(a='NEW')}) "
    "ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector; RETURN NULL; "
    "END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION web_search_vector_delete() RETURNS trigger AS $$ BEGIN "
    f"DELETE FROM {PG_TABLE} WHERE article_id = OLD.id; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE FUNCTION web_search_vector_truncate() RETURNS trigger AS $$ BEGIN "
    f"TRUNCATE {PG_TABLE}; RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE OR REPLACE TRIGGER web_search_vector_sync AFTER INSERT OR UPDATE OF title, text "
    "ON articles_article FOR EACH ROW EXECUTE FUNCTION web_search_vector_update()",
    "CREATE OR REPLACE TRIGGER web_search_vector_drop AFTER DELETE ON articles_article "
    "FOR EACH ROW EXECUTE FUNCTION web_search_vector_delete()",
    "CREATE OR REPLACE TRIGGER web_search_vector_empty AFTER TRUNCATE ON articles_article "
    "FOR EACH STATEMENT EXECUTE FUNCTION web_search_vector_truncate()",
]
SQLITE_TRIGGERS = {f"{FTS_TABLE}_insert", f"{FTS_TABLE}_delete", f"{FTS_TABLE}_update"}


def ensure_search_index(conn) -> None:
    """Create the full-text index if it is missing, and rebuild it if triggers were lost.

    SQLite drops a table's triggers when a migration remakes the table (as Django does
    for most column changes), so this runs after every migrate, not only once.
    """
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s) IS NULL", [PG_TABLE])
            created = cursor.fetchone()[0]
            for statement in POSTGRES_INDEX_SQL:
                cursor.execute(statement)
            if created:
                cursor.execute(
                    f"INSERT INTO {PG_TABLE} (article_id, vector) "
                    f"SELECT id, {PG_VECTOR.format(a='articles_article')} FROM articles_article "
                    "ON CONFLICT (article_id) DO NOTHING"
                )
        elif conn.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["articles_article"],
            )
            present = {row[0] for row in cursor.fetchall()}
            for statement in SQLITE_INDEX_SQL:
                cursor.execute(statement)
            if present != SQLITE_TRIGGERS:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def drop_search_index(conn) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS web_search_vector_sync ON articles_article")
            cursor.execute("DROP TRIGGER IF EXISTS web_search_vector_drop ON articles_article")
            cursor.execute("DROP TRIGGER IF EXISTS web_search_vector_empty ON articles_article")
            cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
            cursor.execute("DROP FUNCTION IF EXISTS web_search_vector_update()")
            cursor.execute("DROP FUNCTION IF EXISTS web_search_vector_delete()")
            cursor.execute("DROP FUNCTION IF EXISTS web_search_vector_truncate()")
            cursor.execute(f"DROP INDEX IF EXISTS {PG_OLD_INDEX}")
        elif conn.vendor == "sqlite":
            for trigger in sorted(SQLITE_TRIGGERS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
