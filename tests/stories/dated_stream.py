"""Feeding a dated stream to the engine as the clustering consumer and the scheduler do,
shared by the engine's stream tests."""

import math
from datetime import timedelta

from newsdesk.stories.engine import Doc, StoryIndex

SETTLE = timedelta(hours=3)  # NEWSDESK_STORY_SETTLE_MINUTES's default


def stream(index: StoryIndex, docs: list[Doc]) -> dict[str, int]:
    """Each report's final story. Stories quiet for the settle time are consolidated
    before each later report, and all of them once the stream is over."""
    story_of, folded_into = {}, {}
    for doc in sorted(docs, key=lambda d: d.published):
        for survivor, folded in index.consolidate(doc.published - SETTLE):
            folded_into.update(dict.fromkeys(folded, survivor))
        assignment = index.add(doc)
        story_of[doc.key] = assignment.story_id
        folded_into.update(dict.fromkeys(assignment.merged_story_ids, assignment.story_id))
    for survivor, folded in index.consolidate(math.inf):
        folded_into.update(dict.fromkeys(folded, survivor))

    def final(story: int) -> int:
        return final(folded_into[story]) if story in folded_into else story

    return {key: final(story) for key, story in story_of.items()}
