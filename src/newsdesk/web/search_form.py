"""The search page's form: the words and the filters, each checked on its own.

A filter that does not make sense (an unknown topic, a date like 2026-13-40) gets a
message next to it and is left out; the search itself still runs.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.sources.models import Publisher, Topic

from .search import SearchFilters


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to look for"), required=False, max_length=100_000)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any topic"),
    )
    publisher = forms.CharField(label=_("Publisher"), required=False, max_length=200)
    lang = forms.RegexField(
        label=_("Language code"),
        regex=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
        required=False,
        error_messages={"invalid": _("Use a language code such as en or de.")},
    )
    since = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def clean_publisher(self):
        name = self.cleaned_data["publisher"].strip()
        if not name:
            return None
        found = (
            Publisher.objects.filter(excluded=False, slug=name).first()
            or Publisher.objects.filter(excluded=False, name__iexact=name).first()
        )
        if found is None:
            raise forms.ValidationError(
                _("No publisher called “%(name)s”; see the list of publishers."),
                params={"name": name},
            )
        return found

    def filters(self) -> SearchFilters:
        """The filters that passed validation (the others are left out)."""
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }

        def start_of(day):
            return timezone.make_aware(datetime.combine(day, time.min)) if day else None

        return SearchFilters(
            topic_id=data.get("topic").pk if data.get("topic") else None,
            publisher_id=data.get("publisher").pk if data.get("publisher") else None,
            language=data.get("lang") or "",
            since=start_of(data.get("since")),
            until=start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
        )
