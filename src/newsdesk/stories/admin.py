"""Stories in the admin, and the editor's desk (``desk_view``): one page per story to move
articles, choose the lead and headline, merge into a story found by search and undo the
last merge or split. The changes themselves are ``stories.desk``'s, each logged as an
``EditorAction`` (listed read-only in the admin)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from newsdesk.stories import desk
from newsdesk.stories.models import EditorAction, Story, StoryArticle

SEARCH_RESULTS = 20
NEW_STORY = "new"


class MembershipInline(admin.TabularInline):
    """The story's articles, read-only: moves go through the desk, which logs them and
    tells the clustering consumers."""

    model = StoryArticle
    fk_name = "story"
    fields = ["article", "copy_of", "added_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class StoryStateFilter(admin.SimpleListFilter):
    """Stories with articles by default: empty stories and the shells of merged ones
    only when asked for."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("merged", gettext_lazy("Merged into another")),
            ("empty", gettext_lazy("Empty")),
            ("all", gettext_lazy("All")),
        ]

    def choices(self, changelist):
        """Django's "All" (no value) means "with articles" here."""
        current = self.value()
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("With articles"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "merged":
            return queryset.filter(merged_into__isnull=False)
        if value == "empty":
            return queryset.filter(article_count=0, merged_into__isnull=True)
        if value == "all":
            return queryset
        return queryset.filter(article_count__gt=0, merged_into__isnull=True)


class StoryForm(forms.ModelForm):
    def clean_headline_article(self):
        article = self.cleaned_data.get("headline_article")
        if article is not None and self.instance.pk and not self.instance.memberships.filter(
            article=article
        ).exists():
            raise forms.ValidationError(
                _("The lead must be one of this story's articles; move it here on the desk "
                  "first.")
            )
        return article


def rounded_score(story: Story) -> str:
    return f"{story.score:.2f}"


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryForm
    list_display = [
        "title",
        "publisher_count",
        "article_count",
        "last_updated_at",
        "shown_score",
        "pinned",
        "hidden",
        "desk_link",
    ]
    list_editable = ["pinned", "hidden"]
    list_filter = [
        StoryStateFilter, "pinned", "hidden", "headline_locked", "kept_apart", "language",
        "topics",
    ]
    search_fields = ["title"]
    raw_id_fields = ["headline_article"]
    filter_horizontal = ["topics"]
    inlines = [MembershipInline]
    actions = ["merge_selected", "split_copies_out"]
    change_form_template = "admin/stories/story/change_form_with_desk.html"
    computed = [
        "article_count",
        "publisher_count",
        "shown_score",
        "first_seen_at",
        "last_updated_at",
        "merged_into",
        "merged_at",
    ]
    readonly_fields = computed
    fieldsets = [
        (None, {"fields": ["title", "headline_article", "headline_locked", "pinned", "hidden",
                           "kept_apart"]}),
        (gettext_lazy("Shown"), {"fields": ["excerpt", "image_url", "language", "topics"]}),
        (gettext_lazy("Computed from the articles"), {"fields": computed}),
    ]

    @admin.display(description=gettext_lazy("score"), ordering="score")
    def shown_score(self, story):
        return rounded_score(story)

    @admin.display(description=gettext_lazy("desk"))
    def desk_link(self, story):
        url = reverse("admin:stories_story_desk", args=[story.pk])
        return format_html('<a href="{}">{}</a>', url, _("Desk"))

    def get_urls(self):
        desk_url = path(
            "<int:story_id>/desk/",
            self.admin_site.admin_view(self.desk_view),
            name="stories_story_desk",
        )
        return [desk_url, *super().get_urls()]

    def save_model(self, request, obj, form, change):
        """An editor who sets the title or the headline article locks the headline, so
        that new coverage never overwrites the choice (untick the lock to hand it back).
        Every change is logged as an editor action."""
        edited = {"title", "headline_article"} & set(form.changed_data)
        if change and edited and "headline_locked" not in form.changed_data:
            obj.headline_locked = True
        if not change:
            super().save_model(request, obj, form, change)
            return
        # only what the editor changed: the counts and times the form showed may be stale
        # by now (the clustering consumer refreshes stories as articles come)
        many = {field.name for field in obj._meta.many_to_many}
        fields = {name for name in form.changed_data if name not in many}
        if fields:
            fields |= {"headline_locked", "slug"}
            obj.save(update_fields=sorted(fields))
        if form.changed_data:
            kind = EditorAction.Kind.LEAD if edited else EditorAction.Kind.EDIT
            desk.log_action(
                request.user if request else None, kind, obj,
                _("Changed %(fields)s of story %(story)s.")
                % {"fields": ", ".join(form.changed_data), "story": obj.pk},
                fields=sorted(form.changed_data),
            )

    # -- bulk actions ------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Merge the selected stories into one I choose"))
    def merge_selected(self, request, queryset):
        stories = sorted(queryset, key=lambda s: (-s.article_count, s.pk))
        if len(stories) < 2:
            self.message_user(request, _("Select two or more stories to merge."),
                              messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor", "")
        survivor = next((s for s in stories if str(s.pk) == survivor_id), None)
        if request.POST.get("post") != "yes" or survivor is None:
            return TemplateResponse(request, "admin/stories/story/merge_choice.html", {
                **self.admin_site.each_context(request),
                "title": _("Which story should the others be merged into?"),
                "stories": stories,
                "missing_choice": request.POST.get("post") == "yes",
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })
        try:
            for story in stories:
                if story.pk != survivor.pk:
                    desk.merge(request.user, story, survivor)
        except desk.DeskError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        count = len(stories) - 1
        self.message_user(request, ngettext(
            "Merged %(count)d story into “%(title)s”.",
            "Merged %(count)d stories into “%(title)s”.", count,
        ) % {"count": count, "title": survivor.title})
        return None

    @admin.action(description=gettext_lazy("Split: give each article but the first its own "
                                           "story"))
    def split_copies_out(self, request, queryset):
        done = [action for story in queryset if (action := desk.split(request.user, story))]
        self.message_user(request, ngettext(
            "Split %(count)d story; the desk can undo it.",
            "Split %(count)d stories; the desk can undo each.", len(done),
        ) % {"count": len(done)})

    # -- the desk ----------------------------------------------------------------------------

    def desk_view(self, request, story_id: int):
        story = get_object_or_404(Story, pk=story_id)
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        if request.method == "POST":
            return self._desk_post(request, story)
        query = request.GET.get("q", "").strip()[:200]
        found = find_stories(query, story) if query else []
        targets = [*found, *[s for s in story.related.filter(merged_into__isnull=True,
                                                                 article_count__gt=0)
                             if s not in found]]
        memberships = list(
            story.memberships.select_related("article__publisher", "copy_of")
            .order_by("article__published_at", "article_id")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Desk: %(title)s") % {"title": story.title},
            "story": story,
            "score": rounded_score(story),
            "live": desk.live_story(story) if story.merged_into_id else None,
            "memberships": memberships,
            "query": query,
            "found": found,
            "targets": targets,
            "new_story": NEW_STORY,
            "undoable": desk.last_undoable(story),
            "log": EditorAction.objects.filter(Q(story=story) | Q(other_story=story))
            .select_related("editor")[:20],
            "log_url": reverse("admin:stories_editoraction_changelist")
            + f"?story__exact={story.pk}",
            "opts": self.model._meta,
            "public_url": story.get_absolute_url()
            if Story.objects.visible().filter(pk=story.pk).exists() else "",
        }
        return TemplateResponse(request, "admin/stories/story/desk.html", context)

    def _desk_post(self, request, story: Story):
        operation = request.POST.get("operation", "")
        form_class = DESK_FORMS.get(operation)
        if form_class is None:
            messages.error(request, _("Unknown desk operation; reload the page."))
            return HttpResponseRedirect(request.path)
        form = form_class(request.POST, story=story)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(request.path)
        try:
            action, goes_to = form.apply(request.user)
        except desk.DeskError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.path)
        messages.success(request, action.summary)
        return HttpResponseRedirect(reverse("admin:stories_story_desk", args=[goes_to.pk]))


def find_stories(query: str, story: Story) -> list[Story]:
    """Stories with articles matching all the words of ``query`` (or its number)."""
    stories = Story.objects.filter(merged_into__isnull=True, article_count__gt=0).exclude(
        pk=story.pk
    )
    if query.isdigit():
        return list(stories.filter(pk=int(query)))
    for word in query.split():
        stories = stories.filter(title__icontains=word)
    return list(stories.order_by("-last_updated_at", "-pk")[:SEARCH_RESULTS])


def live_target(value) -> Story:
    story = Story.objects.filter(pk=value).first()
    if story is None:
        raise forms.ValidationError(_("There is no story %(id)s.") % {"id": value})
    return story


class DeskForm(forms.Form):
    def __init__(self, *args, story: Story, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story


class MoveForm(DeskForm):
    article = forms.IntegerField()
    target = forms.CharField(max_length=20)

    def clean_article(self):
        article = self.cleaned_data["article"]
        if not self.story.memberships.filter(article_id=article).exists():
            raise forms.ValidationError(_("That article is no longer in this story."))
        return article

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target == NEW_STORY:
            return None
        if not target.isdigit():
            raise forms.ValidationError(_("Choose a story to move the article to."))
        return live_target(int(target))

    def apply(self, editor):
        action = desk.move_article(editor, self.cleaned_data["article"],
                                   self.cleaned_data["target"])
        self.story.refresh_from_db()
        return action, (self.story if self.story.merged_into_id is None else action.other_story)


class LeadForm(DeskForm):
    article = forms.IntegerField()
    title = forms.CharField(max_length=1000, required=False)

    def apply(self, editor):
        action = desk.set_lead(editor, self.story, self.cleaned_data["article"],
                               self.cleaned_data["title"])
        return action, self.story


class MergeForm(DeskForm):
    target = forms.IntegerField()

    def clean_target(self):
        return live_target(self.cleaned_data["target"])

    def apply(self, editor):
        action = desk.merge(editor, self.story, self.cleaned_data["target"])
        return action, self.cleaned_data["target"]


class UndoForm(DeskForm):
    action = forms.IntegerField()

    def clean_action(self):
        latest = desk.last_undoable(self.story)
        if latest is None or latest.pk != self.cleaned_data["action"]:
            raise forms.ValidationError(
                _("That is no longer the last merge or split of this story; reload the page.")
            )
        return latest

    def apply(self, editor):
        action = self.cleaned_data["action"]
        done = desk.undo(editor, action)
        goes_to = Story.objects.get(pk=action.story_id)
        return done, goes_to if goes_to.merged_into_id is None else desk.live_story(goes_to)


DESK_FORMS = {"move": MoveForm, "lead": LeadForm, "merge": MergeForm, "undo": UndoForm}


@admin.register(EditorAction)
class EditorActionAdmin(admin.ModelAdmin):
    """The log of editors' actions: read-only."""

    list_display = ["at", "editor_name", "kind", "summary", "story_link", "undone"]
    list_filter = ["kind", "editor_name"]
    search_fields = ["summary", "editor_name"]
    date_hierarchy = "at"
    fields = ["at", "editor_name", "kind", "story", "other_story", "summary", "details",
              "undone_by"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("story"))
    def story_link(self, action):
        if action.story_id is None:
            return "—"
        url = reverse("admin:stories_story_desk", args=[action.story_id])
        return format_html('<a href="{}">{}</a>', url, action.story_id)

    @admin.display(description=gettext_lazy("undone"), boolean=True)
    def undone(self, action):
        return action.undone_by_id is not None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
