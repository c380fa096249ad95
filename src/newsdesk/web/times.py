"""Times as a reader reads them: "2 h ago", with the exact time and zone at hand.

Pages are rendered on the server and kept in the page cache, so a label computed at
rendering goes stale while the page is served. The label is only the fallback: each
<time data-relative> carries its instant in `datetime`, and static/web/times.js redoes
the labels from it in the visitor's browser on load and every minute, with the same
words (RELATIVE_LABELS, the site's translations, handed to the script in the page).
Older than a week, a date is shown instead, which never goes stale.
"""

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

WEEK = timedelta(days=7)


def relative_label(moment: datetime, now: datetime) -> str:
    """moment as seen from now: "just now", "5 min ago", "2 h ago", "3 days ago", or
    its date when more than a week ago. A moment ahead of now (clocks differ) is now."""
    seconds = max(0, int((now - moment).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return gettext("just now")
    if hours < 1:
        return ngettext("%(count)d min ago", "%(count)d min ago", minutes) % {"count": minutes}
    if days < 1:
        return ngettext("%(count)d h ago", "%(count)d h ago", hours) % {"count": hours}
    if days < WEEK.days:
        return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def exact_time(moment: datetime) -> str:
    """The full date and time in the site's time zone, with the zone: "Dec. 3, 2026,
    7:01 a.m. UTC"."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def relative_labels() -> dict:
    """The words of relative_label for the page's script, in the active language."""

    def forms(singular: str, plural: str) -> list[str]:
        return [ngettext(singular, plural, 1), ngettext(singular, plural, 2)]

    return {
        "now": gettext("just now"),
        "minutes": forms("%(count)d min ago", "%(count)d min ago"),
        "hours": forms("%(count)d h ago", "%(count)d h ago"),
        "days": forms("%(count)d day ago", "%(count)d days ago"),
    }
