"""Articles: what extraction made of a publisher's page, stored once per canonical URL."""

import hashlib

from django.db import models
from django.utils import timezone

from newsdesk.sources.models import Entry, Publisher, Source


class Article(models.Model):
    class Status(models.TextChoices):
        OK = "ok", "Extracted"
        FEED_ONLY = "feed_only", "Feed content only"
        PAYWALL = "paywall", "Paywall (feed summary used)"
        CONSENT_WALL = "consent_wall", "Consent wall (feed summary used)"
        BOT_CHALLENGE = "bot_challenge", "Bot challenge (feed summary used)"
        NOT_ARTICLE = "not_article", "Not an article"
        FAILED = "failed", "Page could not be fetched (feed summary used)"

    url = models.URLField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="articles")
    entries = models.ManyToManyField(Entry, related_name="articles", blank=True)

    title = models.TextField()
    bylines = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=20, blank=True, db_index=True)
    image_url = models.URLField(max_length=2000, blank=True)
    section = models.CharField(max_length=200, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    links = models.JSONField(
        default=list, blank=True, help_text="Pages the article points at (attribution)."
    )
    text = models.TextField(blank=True, help_text="Full text: kept for clustering and search only.")
    excerpt = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OK)

    # The publisher's wishes for what we show.
    nosnippet = models.BooleanField(default=False)
    max_snippet = models.IntegerField(null=True, blank=True)
    noarchive = models.BooleanField(default=False)

    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    extracted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def hash_url(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()

    @property
    def is_walled(self) -> bool:
        return self.status in (
            self.Status.PAYWALL,
            self.Status.CONSENT_WALL,
            self.Status.BOT_CHALLENGE,
        )

    @property
    def shown_excerpt(self) -> str:
        """The excerpt we may show, honouring nosnippet, max-snippet and headlines-only."""
        if self.publisher.headlines_only:
            return ""
        from newsdesk.articles.excerpt import make_excerpt

        return make_excerpt(
            self.excerpt,
            max_chars=len(self.excerpt) or 1,
            nosnippet=self.nosnippet,
            max_snippet=self.max_snippet,
        )
