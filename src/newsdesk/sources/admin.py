from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone

from newsdesk.sources.models import Entry, Publisher, Source, Topic


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


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publisher", "kind", "enabled", "last_success_at", "last_error",
                    "next_poll_at", "entries_per_day"]
    list_filter = [BrokenFilter, "kind", "enabled", "topics"]
    search_fields = ["url", "title", "publisher__name"]
    filter_horizontal = ["topics"]
    readonly_fields = ["last_polled_at", "last_success_at", "last_error", "last_error_at",
                       "error_count", "warnings", "etag", "last_modified", "poll_interval",
                       "websub_lease_until", "disabled_reason"]

    def get_queryset(self, request):
        day_ago = timezone.now() - timezone.timedelta(days=1)
        return super().get_queryset(request).annotate(
            _per_day=Count("entries", filter=Q(entries__fetched_at__gte=day_ago))
        )

    @admin.display(description="entries in the last day", ordering="_per_day")
    def entries_per_day(self, obj):
        return obj._per_day


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published_at", "state"]
    list_filter = ["state"]
    search_fields = ["title", "link"]
    raw_id_fields = ["source"]


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "excluded", "headlines_only"]
    list_editable = ["excluded", "headlines_only"]
    search_fields = ["name", "domain"]

    def save_model(self, request, obj, form, change):
        if "name" in form.changed_data:
            obj.name_confirmed = True  # an editor's choice is never replaced automatically
        super().save_model(request, obj, form, change)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
