"""Times as a subscriber reads them: in their own zone, as short as stays unambiguous."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, pgettext

from newsdesk.newsletter.schedule import zone as zone_named


@dataclass(frozen=True)
class ShownTime:
    iso: str  # for <time datetime="...">
    label: str  # "14:05", "Mon 14:05" or "27 Nov 14:05", in the active language


def story_time(when: datetime, reference: datetime, zone: str) -> ShownTime:
    """`when` in the reader's zone, relative to `reference` (when the digest is sent): the
    time alone on the same day, with the weekday within the week before, else the date."""
    tz = zone_named(zone)
    local = when.astimezone(tz)
    today = reference.astimezone(tz).date()
    if local.date() == today:
        pattern = pgettext("time of a story on the day a digest is sent", "H:i")
    elif today - timedelta(days=6) <= local.date() < today:
        pattern = pgettext("weekday and time of a story in the week before", "D H:i")
    else:
        pattern = pgettext("date and time of an older story", "j M H:i")
    return ShownTime(local.isoformat(timespec="minutes"), date_format(local, pattern))


def local_datetime(when: datetime, zone: str) -> str:
    """A whole date and time in the reader's zone and language, with the zone's name:
    "Tuesday 1 December 2026, 07:00 (Europe/Berlin)"."""
    local = when.astimezone(zone_named(zone))
    pattern = pgettext("a whole date and time (Django date format)", "l j F Y, H:i")
    return f"{date_format(local, pattern)} ({zone or 'UTC'})"


def schedule_text(subscriber) -> str:
    """When digests come, in the active language: "every day at 07:00 (Europe/Berlin)"."""
    values = {"time": f"{subscriber.send_hour:02d}:00", "zone": subscriber.timezone or "UTC"}
    if subscriber.frequency == "weekly":
        values["day"] = WEEKDAYS.get(subscriber.weekday, WEEKDAYS[0])
        return gettext("every %(day)s at %(time)s (%(zone)s)") % values
    return gettext("every day at %(time)s (%(zone)s)") % values


def next_digest_text(subscriber, now: datetime | None = None) -> str:
    """When the next digest comes, for the pages a subscriber's links open ('' when none
    is coming: the address is not confirmed)."""
    if subscriber.state != "confirmed":
        return ""
    now = now or timezone.now()
    due = subscriber.next_digest_at
    if due is None or due <= now:
        return gettext("within a minute")
    return local_datetime(due, subscriber.timezone)
