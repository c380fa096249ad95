from django.contrib import admin, messages

from newsdesk.stories.assign import editors_changed_stories, merge_stories, refresh_story
from newsdesk.stories.models import Story, StoryArticle


class MembershipInline(admin.TabularInline):
    model = StoryArticle
    fk_name = "story"
    raw_id_fields = ["article", "copy_of"]
    extra = 0


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "publisher_count",
        "article_count",
        "last_updated_at",
        "score",
        "pinned",
        "hidden",
    ]
    list_editable = ["pinned", "hidden"]
    list_filter = ["pinned", "hidden", "headline_locked", "kept_apart", "language", "topics"]
    search_fields = ["title"]
    raw_id_fields = ["headline_article", "merged_into"]
    filter_horizontal = ["topics"]
    inlines = [MembershipInline]
    actions = ["merge_selected", "split_copies_out"]

    def save_model(self, request, obj, form, change):
        """An editor who sets the title or the headline article locks the headline, so
        that new coverage never overwrites the choice (untick the lock to hand it back)."""
        edited = {"title", "headline_article"} & set(form.changed_data)
        if change and edited and "headline_locked" not in form.changed_data:
            obj.headline_locked = True
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected stories into the largest one")
    def merge_selected(self, request, queryset):
        stories = sorted(queryset, key=lambda s: -s.article_count)
        if len(stories) < 2:
            self.message_user(request, "Select two or more stories to merge.", messages.WARNING)
            return
        survivor = stories[0]
        for story in stories[1:]:
            merge_stories(story.pk, survivor.pk)
        refresh_story(survivor)
        editors_changed_stories()
        self.message_user(request, f"Merged {len(stories) - 1} stories into “{survivor}”.")

    @admin.action(description="Split: give each publisher's article its own story")
    def split_copies_out(self, request, queryset):
        for story in queryset:
            memberships = list(story.memberships.select_related("article")[1:])
            for membership in memberships:
                new = Story.objects.create(title=membership.article.title, kept_apart=True)
                membership.story = new
                membership.save()
                refresh_story(new)
            if memberships:  # the editor decided what each piece holds: keep it so
                story.kept_apart = True
            refresh_story(story)
        editors_changed_stories()
        self.message_user(request, "Split the selected stories.")
