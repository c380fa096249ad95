"""The editor's desk: moving articles, choosing the lead, merging, splitting and undoing.

Each change is one transaction under the clustering lock (``assign._lock``), so it never
interleaves with the clustering consumer's assignment; each is logged as an
``EditorAction`` (who, what, when). Changes to memberships then tell every clustering
consumer to rebuild its index from the database (``assign.editors_changed_stories``), as
merges by hand always did: the next article about a moved article's event is compared
with the story the editor chose, not the one the engine had.

Stories an editor has separated (by a move, a split or an undone merge) are marked
``kept_apart``: the engine never folds them into another story at settle time, so it
cannot undo the editor's choice (new coverage may still join them).

Undo restores the memberships an action recorded: articles that joined the surviving
story since stay with it, and an article moved elsewhere since stays where it is.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsdesk.stories import assign
from newsdesk.stories.models import EditorAction, Story, StoryArticle
from newsdesk.stories.rank import rescore

UNDOABLE = (EditorAction.Kind.MERGE, EditorAction.Kind.SPLIT)


class DeskError(ValueError):
    """An editor's request that cannot be done as asked; the message says why."""


def live_story(story: Story) -> Story:
    """The story a (possibly merged) story's articles are shown in now."""
    seen = set()
    while story.merged_into_id is not None and story.pk not in seen:
        seen.add(story.pk)
        story = Story.objects.get(pk=story.merged_into_id)
    return story


def log_action(editor, kind, story, summary, other_story=None, **details) -> EditorAction:
    return EditorAction.objects.create(
        editor=editor if editor is not None and editor.is_authenticated else None,
        editor_name=editor.get_username() if editor is not None else "",
        kind=kind,
        story=story,
        other_story=other_story,
        summary=summary,
        details=details,
    )


def _refresh(*stories: Story) -> None:
    for story in stories:
        story.refresh_from_db()
        if story.headline_locked and not story.memberships.filter(
            article_id=story.headline_article_id
        ).exists():
            story.headline_locked = False  # the editor's lead left: the engine chooses again
        assign.refresh_story(story)
    rescore(list(stories))


def _clustering_changed() -> None:
    """Tell the consumers now (a consumer in this process, or one sharing this database
    cache, sees it with the change) and again once committed (a shared cache outside the
    database may have let another consumer rebuild before the change was visible)."""
    assign.editors_changed_stories()
    transaction.on_commit(assign.editors_changed_stories)


def move_article(editor, article_id: int, target: Story | None) -> EditorAction:
    """Move an article (with the copies of it in the same story) to ``target``, or to a
    new story when ``target`` is None. A story left empty redirects to ``target``."""
    with transaction.atomic():
        assign._lock()
        membership = (
            StoryArticle.objects.select_related("story", "article")
            .select_for_update()
            .filter(article_id=article_id)
            .first()
        )
        if membership is None:
            raise DeskError(_("Article %(id)s is in no story.") % {"id": article_id})
        source = membership.story
        if target is not None:
            target = Story.objects.get(pk=target.pk)
            if target.merged_into_id is not None:
                raise DeskError(
                    _("Story %(id)s was merged into another; choose that one.")
                    % {"id": target.pk}
                )
            if target.pk == source.pk:
                raise DeskError(_("The article is in that story already."))
        created = target is None
        if created:
            target = Story.objects.create(
                title=membership.article.title, first_seen_at=membership.article.created_at
            )
        moved = [article_id] + list(
            source.memberships.filter(copy_of_id=article_id).values_list("article_id", flat=True)
        )
        StoryArticle.objects.filter(article_id__in=moved).update(story=target)
        Story.objects.filter(pk__in=[source.pk, target.pk]).update(kept_apart=True)
        if not source.memberships.exists():  # readers who knew it find the article
            Story.objects.filter(pk=source.pk).update(
                merged_into=target, merged_at=timezone.now()
            )
        _refresh(source, target)
        summary = (
            _("Moved “%(article)s” from story %(source)s to the new story %(target)s.")
            if created
            else _("Moved “%(article)s” from story %(source)s to story %(target)s.")
        ) % {"article": membership.article.title, "source": source.pk, "target": target.pk}
        action = log_action(
            editor, EditorAction.Kind.MOVE, source, summary, other_story=target,
            articles=moved, new_story=created,
        )
        _clustering_changed()
    return action


def set_lead(editor, story: Story, article_id: int, title: str) -> EditorAction:
    """Make ``article_id`` the story's lead and ``title`` its headline (the article's own
    title when empty); both are locked, so new coverage never changes them."""
    with transaction.atomic():
        assign._lock()  # the consumer's refresh of this story must not overwrite the choice
        story = Story.objects.select_for_update().get(pk=story.pk)
        membership = story.memberships.select_related("article").filter(
            article_id=article_id
        ).first()
        if membership is None:
            raise DeskError(
                _("Article %(id)s is not in this story; move it here first.") % {"id": article_id}
            )
        title = " ".join((title or "").split()) or membership.article.title
        before = {"title": story.title, "lead": story.headline_article_id}
        story.headline_article_id = article_id
        story.title = title
        story.headline_locked = True
        story.save()
        assign.refresh_story(story)
        summary = _("Lead of story %(story)s: “%(article)s”, headline “%(title)s”.") % {
            "story": story.pk,
            "article": membership.article.title,
            "title": title,
        }
        return log_action(
            editor, EditorAction.Kind.LEAD, story, summary,
            before=before, after={"title": title, "lead": article_id},
        )


def merge(editor, story: Story, target: Story) -> EditorAction:
    """Fold ``story`` into ``target``, recording what an undo needs."""
    with transaction.atomic():
        assign._lock()
        story, target = Story.objects.get(pk=story.pk), Story.objects.get(pk=target.pk)
        if story.pk == target.pk:
            raise DeskError(_("A story cannot be merged into itself."))
        if story.merged_into_id is not None or target.merged_into_id is not None:
            raise DeskError(_("Only stories that were not merged already can be merged."))
        articles = list(story.memberships.values_list("article_id", flat=True))
        shells = list(Story.objects.filter(merged_into=story).values_list("pk", flat=True))
        assign.merge_stories(story.pk, target.pk)
        _refresh(target)
        summary = _("Merged story %(story)s (“%(title)s”) into story %(target)s.") % {
            "story": story.pk,
            "title": story.title,
            "target": target.pk,
        }
        action = log_action(
            editor, EditorAction.Kind.MERGE, story, summary, other_story=target,
            articles=articles, shells=shells,
        )
        _clustering_changed()
    return action


def split(editor, story: Story) -> EditorAction | None:
    """Give every article of the story but the first its own story (the admin's bulk
    action); None when there was nothing to split."""
    with transaction.atomic():
        assign._lock()
        story = Story.objects.get(pk=story.pk)
        memberships = list(
            story.memberships.select_related("article").order_by("added_at", "article_id")[1:]
        )
        if not memberships:
            return None
        pieces = []
        for membership in memberships:
            new = Story.objects.create(title=membership.article.title, kept_apart=True)
            membership.story = new
            membership.save()
            pieces.append({"story": new.pk, "article": membership.article_id})
            _refresh(new)
        was_kept_apart = story.kept_apart
        Story.objects.filter(pk=story.pk).update(kept_apart=True)
        _refresh(story)
        summary = _("Split story %(story)s into %(count)s stories.") % {
            "story": story.pk,
            "count": len(pieces) + 1,
        }
        action = log_action(
            editor, EditorAction.Kind.SPLIT, story, summary,
            pieces=pieces, kept_apart=was_kept_apart,
        )
        _clustering_changed()
    return action


def last_undoable(story: Story) -> EditorAction | None:
    """The latest merge or split of this story (either side of a merge) not undone yet."""
    return (
        EditorAction.objects.filter(kind__in=UNDOABLE, undone_by__isnull=True)
        .filter(Q(story=story) | Q(kind=EditorAction.Kind.MERGE, other_story=story))
        .order_by("-at", "-pk")
        .first()
    )


def undo(editor, action: EditorAction) -> EditorAction:
    """Undo a merge or split: the recorded memberships go back (see the module's
    docstring). The stories involved are kept apart, so the engine does not redo it."""
    with transaction.atomic():
        assign._lock()
        action = EditorAction.objects.select_for_update().get(pk=action.pk)
        if action.kind not in UNDOABLE:
            raise DeskError(_("Only a merge or a split can be undone."))
        if action.undone_by_id is not None:
            raise DeskError(_("That change was undone already."))
        if action.story is None:
            raise DeskError(_("The story of that change no longer exists."))
        if action.kind == EditorAction.Kind.MERGE:
            summary, other = _undo_merge(action)
        else:
            summary, other = _undo_split(action)
        done = log_action(editor, EditorAction.Kind.UNDO, action.story, summary, other_story=other,
                    undoes=action.pk)
        action.undone_by = done
        action.save(update_fields=["undone_by"])
        _clustering_changed()
    return done


def _undo_merge(action: EditorAction):
    folded = action.story
    if action.other_story is None:
        raise DeskError(_("The story it was merged into no longer exists."))
    survivor = live_story(action.other_story)
    recorded = action.details.get("articles", [])
    back = StoryArticle.objects.filter(article_id__in=recorded, story=survivor)
    count = back.update(story=folded)
    Story.objects.filter(pk=folded.pk).update(merged_into=None, merged_at=None)
    Story.objects.filter(
        pk__in=action.details.get("shells", []), merged_into=survivor
    ).update(merged_into=folded)
    Story.objects.filter(pk__in=[folded.pk, survivor.pk]).update(kept_apart=True)
    _refresh(folded, survivor)
    summary = ngettext(
        "Undid the merge of story %(story)s into story %(target)s: %(count)d article went "
        "back.",
        "Undid the merge of story %(story)s into story %(target)s: %(count)d articles went "
        "back.",
        count,
    ) % {"story": folded.pk, "target": survivor.pk, "count": count}
    return summary, survivor


def _undo_split(action: EditorAction):
    original = live_story(action.story)
    count, pieces = 0, []
    for piece in action.details.get("pieces", []):
        story = Story.objects.filter(pk=piece["story"]).first()
        if story is None:
            continue
        story = live_story(story)
        if story.pk == original.pk:
            continue
        count += StoryArticle.objects.filter(
            article_id=piece["article"], story=story
        ).update(story=original)
        if not story.memberships.exists():
            Story.objects.filter(pk=story.pk).update(
                merged_into=original, merged_at=timezone.now()
            )
        pieces.append(story)
    Story.objects.filter(pk=original.pk).update(
        kept_apart=bool(action.details.get("kept_apart"))
    )
    _refresh(original, *pieces)
    summary = ngettext(
        "Undid the split of story %(story)s: %(count)d article went back.",
        "Undid the split of story %(story)s: %(count)d articles went back.",
        count,
    ) % {"story": original.pk, "count": count}
    return summary, None
