"""Stories: every publisher's coverage of one event, and which articles are copies."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import Article
from newsdesk.sources.models import Publisher, Topic


class StoryQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False, merged_into__isnull=True, article_count__gt=0)


class Story(models.Model):
    title = models.TextField()
    slug = models.SlugField(max_length=120, blank=True)
    headline_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    excerpt = models.TextField(blank=True)
    image_url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=20, blank=True, db_index=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="stories")
    publishers = models.ManyToManyField(Publisher, blank=True, related_name="stories")
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="+",
        help_text="Stories most alike in content (any time), best first by id of the link row.",
    )

    first_seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    publisher_count = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0, db_index=True)

    pinned = models.BooleanField(default=False, help_text="Editor: keep at the top.")
    hidden = models.BooleanField(default=False, help_text="Editor: never show.")
    headline_locked = models.BooleanField(
        default=False,
        help_text=(
            "Editor: keep this title and headline article; new coverage and refreshes "
            "never change them (set when an editor edits either)."
        ),
    )
    kept_apart = models.BooleanField(
        default=False,
        help_text="Editor: split off by hand; never folded into another story automatically.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    merged_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it was folded into another story (other consumers follow from here).",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["-last_updated_at", "-id"], name="story_recent"),
            models.Index(fields=["-first_seen_at", "-id"], name="story_first_seen"),
            models.Index(
                fields=["-pinned", "-score", "-last_updated_at", "-id"],
                condition=models.Q(hidden=False, merged_into=None, article_count__gt=0),
                name="story_ranked",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)[:120] or "story"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("web:story", kwargs={"story_id": self.pk, "slug": self.slug or "story"})


class StoryArticle(models.Model):
    """An article's place in a story; copy_of names the original it republishes."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="membership"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="memberships")
    copy_of = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["story", "added_at"], name="membership_story"),
            # what a clustering consumer has not seen yet: the memberships added lately
            models.Index(fields=["added_at"], name="membership_added"),
        ]

    def __str__(self) -> str:
        role = f"copy of article {self.copy_of_id}" if self.copy_of_id else "coverage"
        return f"article {self.article_id} in story {self.story_id} ({role})"


class PreparedArticle(models.Model):
    """The window-free part of the story engine's work on an article (``stories.prepare``).

    Made by the extraction worker that stored the article, so that the one clustering
    consumer only does what needs the window. ``fingerprint`` is of the title and text
    it was made from: if the article changed since, the consumer prepares it again.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="prepared"
    )
    fingerprint = models.CharField(max_length=32)
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"prepared terms of article {self.article_id}"


class EditorAction(models.Model):
    """One change an editor made to stories on the desk (``stories.desk``): who, what, when.

    ``details`` keeps what an undo needs: for a merge, the articles the folded story held
    (and the shells that pointed at it); for a split, which article went to which new
    story and the story's flags before. An action is undone at most once (``undone_by``).
    """

    class Kind(models.TextChoices):
        MOVE = "move", _("move an article")
        LEAD = "lead", _("lead and headline")
        MERGE = "merge", _("merge")
        SPLIT = "split", _("split")
        UNDO = "undo", _("undo")
        EDIT = "edit", _("edit")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editor"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # the name as it was, should the account be deleted later
    editor_name = models.CharField(_("editor's name"), max_length=150, blank=True)
    kind = models.CharField(_("action"), max_length=10, choices=Kind.choices)
    story = models.ForeignKey(
        Story,
        verbose_name=_("story"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="editor_actions",
    )
    other_story = models.ForeignKey(
        Story,
        verbose_name=_("other story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("what"))
    details = models.JSONField(default=dict, blank=True)
    undone_by = models.OneToOneField(
        "self",
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="undoes",
    )

    class Meta:
        verbose_name = _("editor action")
        verbose_name_plural = _("editor actions")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary
