"""Subscribers, digest editions, deliveries and the local outbox."""

import uuid

from django.db import models
from django.utils import timezone

from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.models import Story


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Suppressed after bounces"
        COMPLAINED = "complained", "Complained (marked as spam)"

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    class Format(models.TextChoices):
        HTML = "html", "HTML and plain text"
        TEXT = "text", "Plain text only"

    email = models.EmailField(max_length=254, unique=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    token_id = models.UUIDField(default=uuid.uuid4, help_text="Changes to invalidate old links.")
    confirm_version = models.PositiveIntegerField(
        default=0,
        help_text="Raised whenever mailing stops (unsubscribed, bounced, complained): confirm "
        "links carry it, so those sent before no longer confirm anything.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Proof of consent (double opt-in).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    consent_form_version = models.CharField(max_length=40, blank=True)
    consent_token_id = models.CharField(max_length=64, blank=True)
    consent_source = models.CharField(
        max_length=20, blank=True, help_text="Where the sign-up came from: form or api."
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    # Preferences.
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    publishers = models.ManyToManyField(Publisher, blank=True, related_name="subscribers")
    keywords = models.CharField(max_length=500, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    send_hour = models.PositiveSmallIntegerField(default=7)
    weekday = models.PositiveSmallIntegerField(default=0, help_text="0 = Monday (weekly only).")
    timezone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=10, default="en")
    story_languages = models.JSONField(
        default=list,
        blank=True,
        help_text="Language codes of the stories to include (several allowed); empty means "
        "every language. Set at sign-up from the browser's Accept-Language "
        "(core.languages.accepted_languages).",
    )
    show_images = models.BooleanField(
        default=False,
        help_text="A small image beside each story, through our image proxy. Off by default: "
        "images in mail are a tracking channel, so the subscriber chooses.",
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.HTML)
    breaking_alerts = models.BooleanField(
        default=False,
        help_text="Besides the digest, one mail about each matching story as soon as it "
        "reaches NEWSDESK_BREAKING_PUBLISHERS publishers.",
    )

    # Schedule: state in the database, never a timer in memory.
    last_digest_at = models.DateTimeField(null=True, blank=True)
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    soft_bounces = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["state", "next_digest_at"], name="subscriber_due")]

    def __str__(self) -> str:
        return self.email


class Edition(models.Model):
    """One frequency's scheduled slot, e.g. the daily digest for 07:00 on 27 November; or
    one breaking story's alert (frequency "breaking", slot = when it was planned)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        BREAKING = "breaking", "Breaking story"

    class State(models.TextChoices):
        BUILDING = "building", "Building"
        SENDING = "sending", "Sending"
        FINISHED = "finished", "Finished"

    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    slot = models.DateTimeField()
    story = models.ForeignKey(
        Story,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The story a breaking alert is about (empty for digests).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.BUILDING)
    created_at = models.DateTimeField(default=timezone.now)
    public_stories = models.JSONField(
        default=dict,
        blank=True,
        help_text="The public archive's copy of this digest slot: the top stories overall "
        "and per topic when it was planned (nothing personal; see archive.py).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["frequency", "slot"],
                condition=~models.Q(frequency="breaking"),
                name="edition_unique_slot",
            ),
            # A story is alerted at most once: one breaking edition per story.
            models.UniqueConstraint(
                fields=["story"],
                condition=models.Q(frequency="breaking"),
                name="edition_breaking_once_per_story",
            ),
        ]

    def __str__(self) -> str:
        if self.frequency == self.Frequency.BREAKING:
            return f"Breaking story {self.story_id or '(removed)'}, {self.slot:%Y-%m-%d %H:%M}"
        return f"{self.get_frequency_display()} digest, {self.slot:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One subscriber's copy of one edition: the unit of 'delivered once'."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        BOUNCED = "bounced", "Bounced"
        SKIPPED = "skipped", "Nothing new to send"

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    message_id = models.CharField(max_length=250, unique=True)
    story_count = models.PositiveIntegerField(default=0)
    story_ids = models.JSONField(
        default=list, help_text="The stories chosen when the delivery was planned, in order."
    )
    first_digest = models.BooleanField(
        default=False, help_text="The subscriber's first digest since confirming."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Sending state: a worker claims a delivery until claimed_until; a worker killed
    # mid-send leaves the claim to expire, and the next run sends it again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "edition"], name="delivery_once_per_edition"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.edition} → {self.subscriber}"


class MailEvent(models.Model):
    """Something the mail system told us after sending: a bounce or a complaint."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", "Hard bounce"
        SOFT_BOUNCE = "soft_bounce", "Soft bounce"
        COMPLAINT = "complaint", "Complaint"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.CharField(max_length=254)
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="mail_events"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="mail_events"
    )
    source = models.CharField(max_length=40, help_text="dsn, arf, or a provider's webhook.")
    detail = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.recipient}"


class OutboxMessage(models.Model):
    """A mail kept in the database instead of sent: the embedded default's mail server."""

    to = models.TextField()
    from_email = models.CharField(max_length=300)
    subject = models.TextField()
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    raw = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
