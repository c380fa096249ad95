"""What Newsdesk follows: publishers, their sources (feeds, sitemaps, section pages),
the topics they are filed under, and the entries each poll finds."""

import hashlib

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify


class Topic(models.Model):
    """A subject sources and stories are filed under (World, Science, ...).

    Topics live here, at the head of the flow, because sources carry them first;
    stories and subscribers refer to them downstream.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_path(cls, names: list[str]) -> "Topic | None":
        """The topic for an OPML outline path such as ["News", "World"], created as needed."""
        parent = None
        for name in names:
            slug = slugify(name)[:120] or "topic"
            parent, _ = cls.objects.get_or_create(
                slug=slug, defaults={"name": name[:100], "parent": parent}
            )
        return parent


class Publisher(models.Model):
    """Who publishes: one publisher may have several sources (World feed, Tech feed)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    domain = models.CharField(max_length=253, db_index=True)
    excluded = models.BooleanField(default=False, help_text="Never show this publisher.")
    headlines_only = models.BooleanField(
        default=False, help_text="Show headlines and links only, no excerpts or images."
    )
    name_confirmed = models.BooleanField(
        default=False,
        help_text="The name was set by an editor or agreed by the publisher's own pages "
        "(sources.naming); until then it is the feed's title.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_domain(cls, domain: str, name: str = "") -> "Publisher":
        domain = domain.lower().removeprefix("www.")
        found = cls.objects.filter(domain=domain).first()
        if found:
            return found
        base = slugify(name or domain)[:200] or "publisher"
        slug, n = base, 1
        while slug_taken(slug):
            n += 1
            slug = f"{base}-{n}"
        return cls.objects.create(domain=domain, name=name or domain, slug=slug)

    def follow_name_with_slug(self) -> bool:
        """Give the publisher the address its name makes (`/publishers/meridian-wire/`
        once "Meridian Wire: World" is known as "Meridian Wire"), keeping the old one as
        a FormerSlug that redirects. Returns whether the slug changed.

        Race-safe: the change is made only if the slug is still the one read (another
        process may have changed it meanwhile), slugs are unique in the database (a
        candidate taken between the check and the write is skipped for the next one),
        and a slug another publisher had before is never reused, so old links keep
        leading to the publisher they named."""
        base = slugify(self.name)[:200] or "publisher"
        old = self.slug
        if old == base or (old.startswith(f"{base}-") and old[len(base) + 1 :].isdigit()):
            return False
        for n in range(1, MAX_SLUG_TRIES + 1):
            candidate = base if n == 1 else f"{base}-{n}"
            if slug_taken(candidate, publisher=self):
                continue
            try:
                with transaction.atomic():
                    moved = Publisher.objects.filter(pk=self.pk, slug=old).update(
                        slug=candidate
                    )
                    if not moved:
                        return False
                    self.former_slugs.filter(slug=candidate).delete()  # renamed back
                    FormerSlug.objects.get_or_create(slug=old, defaults={"publisher": self})
            except IntegrityError:
                continue  # taken a moment ago: try the next
            self.slug = candidate
            return True
        return False


MAX_SLUG_TRIES = 50


def slug_taken(slug: str, publisher: "Publisher | None" = None) -> bool:
    """Whether another publisher has `slug` now or had it before."""
    others = Publisher.objects.all()
    former = FormerSlug.objects.filter(slug=slug)
    if publisher is not None:
        others, former = others.exclude(pk=publisher.pk), former.exclude(publisher=publisher)
    return others.filter(slug=slug).exists() or former.exists()


class FormerSlug(models.Model):
    """An address a publisher's page had before its name changed: old links and feed
    subscriptions are redirected to the current one."""

    publisher = models.ForeignKey(
        Publisher, on_delete=models.CASCADE, related_name="former_slugs"
    )
    slug = models.SlugField(max_length=220, unique=True)
    retired_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.slug


class PublisherLabel(models.Model):
    """A free label the operator gives a publisher (country, lean, ownership, ...).

    Newsdesk ships none: labels are the operator's own judgement, set in the admin or as
    label-NAME="value" attributes on an OPML import. The story page shows the split of a
    story's coverage by each label, and flags a story covered by only one side of one.
    """

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(
        max_length=50, help_text="What the label says, in lower case: country, lean, ownership."
    )
    value = models.CharField(max_length=100, help_text="This publisher's value: DE, left, public.")

    class Meta:
        ordering = ["name", "value"]
        constraints = [
            models.UniqueConstraint(fields=["publisher", "name"], name="one_value_per_label")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split()).lower()
        self.value = " ".join(self.value.split())
        super().save(*args, **kwargs)


class DeclaredName(models.Model):
    """A publisher's name as one of its pages declares it, until the pages agree on one
    (sources.naming): one row per page, so one page is one vote however often it is read."""

    publisher = models.ForeignKey(
        Publisher, on_delete=models.CASCADE, related_name="declared_names"
    )
    page_hash = models.CharField(max_length=64)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publisher", "page_hash"], name="one_name_per_page")
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """One thing we poll: a feed, a news sitemap or a section page."""

    class Kind(models.TextChoices):
        FEED = "feed", "Feed (RSS, Atom, JSON Feed)"
        NEWS_SITEMAP = "news_sitemap", "News sitemap"
        SECTION_PAGE = "section_page", "Section page links"

    url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FEED)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    publisher = models.ForeignKey(Publisher, on_delete=models.PROTECT, related_name="sources")
    topics = models.ManyToManyField(Topic, blank=True, related_name="sources")
    language = models.CharField(max_length=20, blank=True)
    enabled = models.BooleanField(default=True)

    # Per-source fetching options.
    fetch_pages = models.BooleanField(
        default=True, help_text="Fetch and extract article pages (else use the feed's content)."
    )
    user_agent = models.CharField(max_length=300, blank=True)
    cookie = models.CharField(max_length=2000, blank=True)
    auth_username = models.CharField(max_length=200, blank=True)
    auth_password = models.CharField(max_length=200, blank=True)

    # Polling state: the scheduler is these columns, never a timer in memory.
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    poll_interval = models.PositiveIntegerField(default=3600, help_text="Learnt, in seconds.")
    poll_interval_override = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seconds; overrides the learnt interval."
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_new_entry_at = models.DateTimeField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    warnings = models.TextField(blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)

    # WebSub.
    websub_hub = models.URLField(max_length=2000, blank=True)
    websub_secret = models.CharField(max_length=100, blank=True)
    websub_lease_until = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["publisher__name", "title"]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="source_due")]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def is_broken(self) -> bool:
        return self.error_count > 0


class Entry(models.Model):
    """One item of a source, stored once per (source, identity key).

    The identity key is the GUID when it is usable, else the canonical link, else a
    content hash; it is stored hashed so that the unique index stays small.
    """

    class State(models.TextChoices):
        NEW = "new", "Waiting for extraction"
        DONE = "done", "Article stored"
        FAILED = "failed", "Extraction failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    key_hash = models.CharField(max_length=64)
    guid = models.TextField(blank=True)
    link = models.URLField(max_length=2000, blank=True)
    title = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    content_html = models.TextField(blank=True)
    author = models.CharField(max_length=300, blank=True)
    image = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "key_hash"], name="entry_unique_per_source")
        ]
        indexes = [models.Index(fields=["state", "fetched_at"], name="entry_state")]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.title or self.link

    @staticmethod
    def hash_key(identity_key: str) -> str:
        return hashlib.sha256(identity_key.encode("utf-8")).hexdigest()
