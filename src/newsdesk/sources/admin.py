from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from newsdesk.core.words import count
from newsdesk.sources import additions
from newsdesk.sources.models import Entry, FormerSlug, Publisher, PublisherLabel, Source, Topic


class BrokenFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "health"

    def lookups(self, request, model_admin):
        return [("broken", "Broken (last poll failed)"), ("ok", "Working"),
                ("disabled", "Disabled")]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            return queryset.filter(error_count__gt=0)
        if self.value() == "ok":
            return queryset.filter(error_count=0, enabled=True)
        if self.value() == "disabled":
            return queryset.filter(enabled=False)
        return queryset


class AddSourceForm(forms.Form):
    """The admin's add form: what `newsdesk sources add` takes, not the model's fields."""

    url = forms.URLField(
        label="Site or feed URL", max_length=2000, assume_scheme="https",
        help_text="The publisher's home page, a section page, a feed or a news sitemap: "
        "Newsdesk finds what to follow, as `newsdesk sources add` does.",
        widget=forms.URLInput(attrs={"size": 60, "autofocus": True}),
    )
    topics = forms.ModelMultipleChoiceField(
        Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The topics its stories are filed under.",
    )
    new_topic = forms.CharField(
        required=False, max_length=200, label="Or a new topic",
        help_text="A path such as World/Europe; missing topics are created.",
    )

    def topic_paths(self) -> list[str]:
        """Topic paths as `sources add --topic` takes them."""
        paths = [self._path_of(topic) for topic in self.cleaned_data["topics"]]
        if new := self.cleaned_data["new_topic"].strip():
            paths.append(new)
        return paths

    @staticmethod
    def _path_of(topic) -> str:
        names, seen = [], set()
        while topic is not None and topic.pk not in seen:
            seen.add(topic.pk)
            names.insert(0, topic.name)
            topic = topic.parent
        return "/".join(names)


def _span(seconds: float) -> str:
    """A duration as short as a narrow column needs: "40 s", "12 min", "3 h", "2 days"."""
    seconds = max(0, int(seconds))
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            amount = seconds // size
            return count(amount, "day") if unit == "day" else f"{amount} {unit}"
    return f"{seconds} s"


def _when(moment, *, future: bool = False) -> str:
    if moment is None:
        return "never"
    delta = (moment - timezone.now()).total_seconds()
    if future or delta > 0:
        return "now" if delta <= 0 else f"in {_span(delta)}"
    return f"{_span(-delta)} ago"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "health", "last_success", "short_error", "next_poll",
                    "entries_per_day"]
    list_filter = [BrokenFilter, "kind", "enabled", "topics"]
    search_fields = ["url", "title", "publisher__name"]
    list_select_related = ["publisher"]
    filter_horizontal = ["topics"]
    actions = ["poll_now", "show_last_error"]

    class Media:
        css = {"all": ["sources/admin-sources.css"]}
    fieldsets = [
        (None, {"fields": ["url", "kind", "title", "site_url", "publisher", "topics",
                           "language", "enabled"]}),
        ("Fetching", {"classes": ["collapse"],
                      "fields": ["fetch_pages", "poll_interval_override", "user_agent", "cookie",
                                 "auth_username", "auth_password"]}),
        ("Health", {"fields": ["last_success_at", "last_polled_at", "next_poll_at",
                               "poll_interval", "error_count", "last_error", "last_error_at",
                               "warnings", "disabled_reason"]}),
        ("WebSub", {"classes": ["collapse"], "fields": ["websub_hub", "websub_lease_until"]}),
    ]
    readonly_fields = ["last_polled_at", "last_success_at", "next_poll_at", "last_error",
                       "last_error_at", "error_count", "warnings", "poll_interval",
                       "websub_hub", "websub_lease_until", "disabled_reason"]

    def get_queryset(self, request):
        day_ago = timezone.now() - timezone.timedelta(days=1)
        return super().get_queryset(request).annotate(
            _per_day=Count("entries", filter=Q(entries__fetched_at__gte=day_ago))
        )

    # --- the list: what a source is and how it is doing, in columns that fit 1,280 px ----

    @admin.display(description="source", ordering="title")
    def name(self, obj):
        return format_html('{}<br><span class="quiet">{} · {}</span>',
                           Truncator(obj.title or obj.url).chars(70),
                           Truncator(obj.publisher.name).chars(40),
                           obj.get_kind_display().split(" (")[0])

    @admin.display(description="health", ordering="error_count")
    def health(self, obj):
        if not obj.enabled:
            return "disabled"
        if obj.error_count:
            return format_html('<strong>failing</strong><br><span class="quiet">{}</span>',
                               count(obj.error_count, "time"))
        return "ok"

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, obj):
        return _when(obj.last_success_at)

    @admin.display(description="last error", ordering="last_error_at")
    def short_error(self, obj):
        if not obj.last_error:
            return "–"
        reason = obj.last_error.removeprefix(f"feed {obj.url}: ")  # the row names the feed
        return format_html('{} <a href="{}">show</a>', Truncator(reason).chars(60),
                           reverse("admin:sources_source_last_error", args=[obj.pk]))

    @admin.display(description="next poll", ordering="next_poll_at")
    def next_poll(self, obj):
        return _when(obj.next_poll_at, future=True) if obj.enabled else "–"

    @admin.display(description="entries / day", ordering="_per_day")
    def entries_per_day(self, obj):
        return obj._per_day

    # --- actions -------------------------------------------------------------------------

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        """Due at once: the scheduler queues them within seconds (the schedule is the
        source's next_poll_at, so a poll asked for here is claimed once, like any other;
        one being polled right now is not polled twice)."""
        polled = queryset.filter(enabled=True).update(next_poll_at=timezone.now())
        skipped = queryset.count() - polled
        message = f"{count(polled, 'source')} will be polled within seconds."
        if skipped:
            message += f" {count(skipped, 'disabled source')} left alone."
        self.message_user(request, message, messages.SUCCESS if polled else messages.WARNING)

    @admin.action(description="Show last error")
    def show_last_error(self, request, queryset):
        return self._errors_page(request, list(queryset.select_related("publisher")))

    # --- pages: add by URL, its progress, last errors ------------------------------------

    def get_urls(self):
        own = [
            path("addition/<str:addition_id>/", self.admin_site.admin_view(self.addition_view),
                 name="sources_source_addition"),
            path("<int:source_id>/last-error/", self.admin_site.admin_view(self.last_error_view),
                 name="sources_source_last_error"),
        ]
        return own + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Add by URL with the CLI's discovery, run as a task (it can take minutes)."""
        if not self.has_add_permission(request):
            raise Http404
        form = AddSourceForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            addition_id = additions.start(form.cleaned_data["url"], form.topic_paths())
            return redirect("admin:sources_source_addition", addition_id)
        return TemplateResponse(request, "admin/sources/source/add_by_url.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": "Add a source",
        })

    def addition_view(self, request, addition_id):
        addition = additions.load(addition_id)
        if addition is None:
            raise Http404("No such request to add a source (they are kept for a day).")
        return TemplateResponse(request, "admin/sources/source/addition.html", {
            **self.admin_site.each_context(request), "addition": addition,
            "opts": self.model._meta,
            "title": f"Adding {addition.url}",
            "source_url": reverse("admin:sources_source_change", args=[addition.source_id])
            if addition.source_id else "",
            "form": AddSourceForm(initial={"url": addition.url}),
        })

    def last_error_view(self, request, source_id):
        source = get_object_or_404(Source.objects.select_related("publisher"), pk=source_id)
        return self._errors_page(request, [source])

    def _errors_page(self, request, sources):
        return TemplateResponse(request, "admin/sources/source/last_errors.html", {
            **self.admin_site.each_context(request), "sources": sources,
            "opts": self.model._meta, "title": "Last errors",
        })


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_at", "state"]
    list_filter = ["state"]
    search_fields = ["title", "link"]
    raw_id_fields = ["source"]


class PublisherLabelInline(admin.TabularInline):
    """Free labels (country, lean, ownership): the story page's coverage at a glance."""

    model = PublisherLabel
    extra = 1


class FormerSlugInline(admin.TabularInline):
    """Addresses the publisher's page had before: they redirect to the current one."""

    model = FormerSlug
    extra = 0
    fields = ["slug", "retired_at"]
    readonly_fields = ["slug", "retired_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "excluded", "headlines_only"]
    inlines = [PublisherLabelInline, FormerSlugInline]
    list_editable = ["excluded", "headlines_only"]
    search_fields = ["name", "domain", "slug"]

    def save_model(self, request, obj, form, change):
        if "name" in form.changed_data:
            obj.name_confirmed = True  # an editor's choice is never replaced automatically
        old_slug = form.initial.get("slug") if change else None
        super().save_model(request, obj, form, change)
        if not change:
            return
        if "slug" in form.changed_data and old_slug:
            # The editor chose the address: the old one still leads here.
            FormerSlug.objects.filter(publisher=obj, slug=obj.slug).delete()
            FormerSlug.objects.get_or_create(slug=old_slug, defaults={"publisher": obj})
        elif "name" in form.changed_data:
            obj.follow_name_with_slug()


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
