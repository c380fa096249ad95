"""The sign-up form: an address, the render time, and the honeypot (plain fields, so the
footer form of every page and the dedicated page post the same thing); and the
preferences form. Labels are lazy translations: a form speaks the language active when
it is rendered."""

from functools import lru_cache
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsdesk.newsletter.addresses import AddressProblem, read_address


class SubscribeForm(forms.Form):
    email = forms.CharField(label=_("Email address"), max_length=320, required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    keep_address = forms.BooleanField(
        required=False, label=_("No, my address is right as I typed it")
    )

    def clean(self):
        cleaned = super().clean()
        self.suggestion = None
        try:
            cleaned["address"], cleaned["domain"] = read_address(
                cleaned.get("email", ""), accept_as_typed=cleaned.get("keep_address", False)
            )
        except AddressProblem as problem:
            self.suggestion = problem.suggestion
            self.add_error("email", problem.message)
        return cleaned


class TimeZoneSelect(forms.Select):
    """The zone list; with JavaScript, the browser's own zone is selected when the
    subscriber has not chosen one (newsletter/timezone.js)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"data-browser-zone": "suggest", **(attrs or {})})


class ChoicesForm(forms.Form):
    """What a new subscriber chooses on the confirmed page: what to read, and when.
    Choices for topics, publishers and languages are set per request."""

    topics = forms.MultipleChoiceField(
        required=False, label=_("Topics"), widget=forms.CheckboxSelectMultiple
    )
    story_languages = forms.MultipleChoiceField(
        required=False,
        label=_("Story languages"),
        help_text=_("Stories in these languages only; none ticked means every language."),
        widget=forms.CheckboxSelectMultiple,
    )
    publishers = forms.MultipleChoiceField(
        required=False, label=_("Publishers"), widget=forms.CheckboxSelectMultiple
    )
    send_hour = forms.TypedChoiceField(
        coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], label=_("At (local time)")
    )
    timezone = forms.CharField(max_length=64, label=_("Time zone"), widget=TimeZoneSelect)

    def __init__(self, *args, topics=(), publishers=(), story_languages=(), zone="UTC",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(str(t.pk), t.name) for t in topics]
        self.fields["publishers"].choices = [(str(p.pk), p.name) for p in publishers]
        self.fields["story_languages"].choices = list(story_languages)
        self.fields["timezone"].widget.choices = zone_choices(zone)
        if zone != "UTC":  # chosen before: JavaScript must not replace it
            self.fields["timezone"].widget.attrs.pop("data-browser-zone", None)

    def clean_timezone(self):
        name = self.cleaned_data["timezone"].strip()
        if name not in known_time_zones():
            raise forms.ValidationError(
                _(
                    "%(name)r is not a time zone we know. Use a name like Europe/Berlin "
                    "or America/New_York."
                )
                % {"name": name}
            )
        return name


class PreferencesForm(ChoicesForm):
    """Everything a subscriber can change on the preferences page."""

    keywords = forms.CharField(
        required=False,
        max_length=500,
        label=_("Keywords"),
        help_text=_("Words or phrases, separated by commas: stories mentioning any of them."),
    )
    frequency = forms.ChoiceField(
        label=_("Frequency"), choices=[("daily", _("Daily")), ("weekly", _("Weekly"))]
    )
    breaking_alerts = forms.BooleanField(required=False, label=_("Breaking stories"))
    weekday = forms.TypedChoiceField(
        coerce=int, label=_("On (weekly only)"), choices=list(WEEKDAYS.items())
    )
    language = forms.ChoiceField(label=_("Language of the emails and pages"), choices=[])
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("html", _("HTML and plain text")), ("text", _("Plain text only"))],
    )
    show_images = forms.BooleanField(
        required=False,
        label=_("Show a small image with each story"),
        help_text=_("Off by default: your mail program fetches the images from our site "
                    "when you open the digest, which tells us that you opened it."),
    )

    field_order = ["topics", "story_languages", "publishers", "keywords", "frequency",
                   "breaking_alerts", "send_hour", "weekday", "timezone", "language", "format",
                   "show_images"]

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = list(languages)
        threshold = settings.NEWSDESK_BREAKING_PUBLISHERS
        self.fields["breaking_alerts"].help_text = ngettext(
            "Besides the digest, email me each story I follow, once, as soon as %(count)d "
            "publisher covers it.",
            "Besides the digest, email me each story I follow, once, as soon as %(count)d "
            "publishers cover it.",
            threshold,
        ) % {"count": threshold}
        if threshold <= 0:  # alerts are off on this site
            del self.fields["breaking_alerts"]


# The regions of the tz database's own names; the rest are old aliases (US/Eastern, EST).
ZONE_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
                "Europe", "Indian", "Pacific")


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """The IANA names this system knows (reading them scans the tz database: once)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _zone_groups() -> tuple:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(known_time_zones()):
        region, _slash, place = name.partition("/")
        if region in ZONE_REGIONS and place:
            grouped.setdefault(region, []).append((name, place.replace("_", " ")))
    return (("UTC", "UTC"), *((region, names) for region, names in grouped.items()))


def zone_choices(current: str = "UTC") -> list:
    """The zone list, grouped by region; a zone chosen before under an old alias
    (US/Eastern) stays in it so that saving keeps it."""
    choices = list(_zone_groups())
    offered = {"UTC"} | {name for _r, names in choices[1:] for name, _p in names}
    if current and current not in offered and current in known_time_zones():
        choices.insert(1, (current, current))
    return choices
