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


class PreferencesForm(forms.Form):
    """What a subscriber chooses; choices for topics and publishers are set per request."""

    topics = forms.MultipleChoiceField(
        required=False, label=_("Topics"), widget=forms.CheckboxSelectMultiple
    )
    publishers = forms.MultipleChoiceField(
        required=False, label=_("Publishers"), widget=forms.CheckboxSelectMultiple
    )
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
    send_hour = forms.TypedChoiceField(
        coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)], label=_("At (local time)")
    )
    weekday = forms.TypedChoiceField(
        coerce=int, label=_("On (weekly only)"), choices=list(WEEKDAYS.items())
    )
    timezone = forms.CharField(max_length=64, label=_("Time zone"))
    language = forms.ChoiceField(label=_("Language"), choices=[])
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("html", _("HTML and plain text")), ("text", _("Plain text only"))],
    )

    def __init__(self, *args, topics=(), publishers=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(str(t.pk), t.name) for t in topics]
        self.fields["publishers"].choices = [(str(p.pk), p.name) for p in publishers]
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


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """The IANA names this system knows (reading them scans the tz database: once)."""
    return frozenset(available_timezones())
