"""Breaking-story alerts: one mail about one story, as soon as it is big enough.

A subscriber who turned `breaking_alerts` on gets, besides their digest, one alert about
each story matching their interests when the story reaches NEWSDESK_BREAKING_PUBLISHERS
distinct publishers (0 turns alerts off). Each such story becomes one Edition (frequency
"breaking"; a unique constraint allows one per story) and each subscriber it matches one
Delivery of it, sent by the digests' machinery (digest.send_queued): a stable
Message-ID, VERP, List-Unsubscribe, DKIM, retries, delivered once. So a story is alerted
at most once to anyone, and a story alerted to someone is left out of their following
digests (digest.plan_deliveries asks `alerted_story_ids`).

The check runs at the start of every digest run (the scheduler's, once a minute). It
asks the database which stories are over the threshold and have no alert yet, so it does
not depend on when it last ran, and running it twice or on two machines plans nothing
twice. Only stories first seen in the last BREAKING_MAX_AGE count: a story that grows
slowly over days is not breaking news, and turning alerts on (or lowering the threshold)
must not mail out a backlog.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from newsdesk.newsletter import selection
from newsdesk.newsletter.models import Delivery, Edition, Subscriber
from newsdesk.newsletter.sending import new_message_id
from newsdesk.stories.models import Story

log = logging.getLogger(__name__)

BREAKING_MAX_AGE = timedelta(hours=24)
STORIES_PER_RUN = 50  # a burst beyond this waits for the next run, a minute later
BREAKING = Edition.Frequency.BREAKING
# An alert that is on its way or arrived; a failed or bounced one did not reach the reader,
# so its story may still go into their digest.
ALERTED_STATES = (Delivery.State.QUEUED, Delivery.State.SENDING, Delivery.State.SENT)


def crossed_stories(now: datetime) -> list[selection.StoryItem]:
    """Visible stories first seen recently that have reached the threshold and have no
    breaking edition yet, oldest first."""
    threshold = settings.NEWSDESK_BREAKING_PUBLISHERS
    if threshold <= 0:
        return []
    alerted = Edition.objects.filter(frequency=BREAKING, story=OuterRef("pk"))
    ids = list(
        Story.objects.visible()
        .filter(
            publisher_count__gte=threshold,
            first_seen_at__gte=now - BREAKING_MAX_AGE,
            first_seen_at__lte=now,
        )
        .exclude(Exists(alerted))
        .order_by("first_seen_at", "pk")
        .values_list("pk", flat=True)[:STORIES_PER_RUN]
    )
    items = selection.load_items(ids)
    return [items[pk] for pk in ids if pk in items]


def audience() -> list[tuple[int, selection.Interests]]:
    """Every confirmed subscriber who wants alerts, with their interests (three queries,
    however many there are)."""
    wanted = Q(subscriber__state=Subscriber.State.CONFIRMED, subscriber__breaking_alerts=True)
    topics = _grouped(Subscriber.topics.through.objects.filter(wanted), "topic_id")
    publishers = _grouped(Subscriber.publishers.through.objects.filter(wanted), "publisher_id")
    rows = Subscriber.objects.filter(
        state=Subscriber.State.CONFIRMED, breaking_alerts=True
    ).values_list("pk", "keywords", "story_languages")
    return [
        (
            pk,
            selection.Interests(
                frozenset(topics.get(pk, ())),
                frozenset(publishers.get(pk, ())),
                selection.parse_keywords(keywords),
                selection.reading_languages(languages),
            ),
        )
        for pk, keywords, languages in rows.iterator(chunk_size=2000)
    ]


def _grouped(rows, column: str) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for subscriber_id, other in rows.values_list("subscriber_id", column).iterator(chunk_size=2000):
        found.setdefault(subscriber_id, []).append(other)
    return found


def plan_alerts(now: datetime) -> int:
    """Create the breaking editions due at `now` and their deliveries; returns how many
    alerts were queued."""
    stories = crossed_stories(now)
    if not stories:
        return 0
    readers = audience()
    queued = 0
    for item in stories:
        with transaction.atomic():
            edition, created = Edition.objects.get_or_create(
                frequency=BREAKING, story_id=item.id, defaults={"slot": now}
            )
            if not created:  # another worker planned it a moment ago
                continue
            matching = [pk for pk, interests in readers if interests.matches(item)]
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        subscriber_id=pk,
                        edition=edition,
                        message_id=new_message_id(),
                        story_ids=[item.id],
                        story_count=1,
                    )
                    for pk in matching
                ],
                ignore_conflicts=True,
                batch_size=1000,
            )
            edition.state = Edition.State.SENDING if matching else Edition.State.FINISHED
            edition.save(update_fields=["state"])
        log.debug(
            "breaking story %d (%d publishers): %d alerts queued",
            item.id,
            item.publisher_count,
            len(matching),
        )
        queued += len(matching)
    return queued


def alerted_story_ids(subscriber_ids, since: datetime) -> dict[int, set[int]]:
    """The stories each of these subscribers had (or is getting) as breaking alerts
    planned after `since`, so that their digests leave them out."""
    rows = Delivery.objects.filter(
        subscriber_id__in=list(subscriber_ids),
        edition__frequency=BREAKING,
        edition__slot__gte=since,
        state__in=ALERTED_STATES,
    ).values_list("subscriber_id", "story_ids")
    found: dict[int, set[int]] = {}
    for subscriber_id, story_ids in rows:
        found.setdefault(subscriber_id, set()).update(story_ids)
    return found
