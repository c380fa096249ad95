"""The search page's form: the words and the filters, each checked on its own.

A filter that does not make sense (an unknown topic, a date like 2026-13-40) gets a
message next to it and is left out; the search itself still runs. Publisher and language
are chosen from lists (the publishers shown, the languages stories are in); a publisher's
name typed into an address still works. `from=` and `to=` are accepted for `since=` and
`until=` (`with_date_aliases`).
"""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.sources.models import Publisher, Topic
from newsdesk.stories.languages import language_name, story_language_codes

from .search import SearchFilters

# Other names people (and other sites' search forms) use for the date filters.
DATE_ALIASES = {"from": "since", "to": "until"}


def with_date_aliases(query):
    """The query with `from`/`to` read as `since`/`until` (unless those are given)."""
    if not any(alias in query for alias in DATE_ALIASES):
        return query
    query = query.copy()
    for alias, name in DATE_ALIASES.items():
        if alias in query and not query.get(name):
            query.setlist(name, query.getlist(alias))
        query.pop(alias, None)
    return query


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words to look for"), required=False, max_length=100_000)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Any topic"),
    )
    publisher = forms.CharField(
        label=_("Publisher"), required=False, max_length=200, widget=forms.Select
    )
    lang = forms.RegexField(
        label=_("Language"),
        widget=forms.Select,
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].widget.choices = [
            ("", _("Any publisher")),
            *Publisher.objects.filter(excluded=False).order_by("name").values_list("slug", "name"),
        ]
        self.fields["lang"].widget.choices = [
            ("", _("Any language")),
            *((code, language_name(code)) for code in story_language_codes()),
        ]

    @property
    def filters_in_use(self) -> int:
        """How many filters the visitor set (valid or not)."""
        return sum(1 for name in self.fields if name != "q" and self.data.get(name))

    def date_problems(self) -> list[str]:
        """One plain sentence per date filter that is not a date, for the page's top."""
        problems = []
        for name in ("since", "until"):
            if name in self.errors:
                problems.append(
                    _("“%(value)s” is not a date, so the “%(field)s” filter was left out. "
                      "Enter a date as YYYY-MM-DD, e.g. 2026-12-03.")
                    % {"value": self.data.get(name, "")[:40], "field": self.fields[name].label}
                )
        return problems

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
