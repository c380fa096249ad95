"""When a subscriber's digests are due: slots in their own time zone, stored in UTC.

A slot is the instant of a subscriber's local send time (07:00 Europe/Berlin on
27 November is 06:00 UTC); everyone whose slot is the same instant shares one Edition.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = ZoneInfo("UTC")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _local_slot(day, hour: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz).astimezone(UTC)


def latest_slot(subscriber, now: datetime) -> datetime:
    """The most recent slot at or before `now` (UTC)."""
    tz = zone(subscriber.timezone)
    local_now = now.astimezone(tz)
    day = local_now.date()
    for back in range(0, 8):
        candidate_day = day - timedelta(days=back)
        if (
            subscriber.frequency == "weekly"
            and candidate_day.weekday() != subscriber.weekday
        ):
            continue
        slot = _local_slot(candidate_day, subscriber.send_hour, tz)
        if slot <= now:
            return slot
    raise AssertionError("a daily or weekly slot always falls within eight days")


def next_slot(subscriber, after: datetime) -> datetime:
    """The first slot strictly after `after` (UTC)."""
    tz = zone(subscriber.timezone)
    day = after.astimezone(tz).date()
    for ahead in range(0, 9):
        candidate_day = day + timedelta(days=ahead)
        if (
            subscriber.frequency == "weekly"
            and candidate_day.weekday() != subscriber.weekday
        ):
            continue
        slot = _local_slot(candidate_day, subscriber.send_hour, tz)
        if slot > after:
            return slot
    raise AssertionError("a daily or weekly slot always falls within nine days")


def first_window(subscriber) -> timedelta:
    """How far back a first digest looks: a day (a week for weekly subscribers)."""
    return timedelta(days=7) if subscriber.frequency == "weekly" else timedelta(days=1)
