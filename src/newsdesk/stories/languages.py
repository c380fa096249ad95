"""The languages stories are in: what a reader can choose from (the site's language
filter, a subscriber's story languages).

The list is read on every list page (the page cache keys on the languages a reader is
shown, which are a subset of it), so it must be cheap and right from the first request.
It is kept in the "pages" cache (this process's memory for a few seconds in front of the
shared cache, web/local_cache.py) and forgotten the moment a story shows a language the
list lacks (`note_story_language`, called whenever a story is refreshed), so a new
language is offered within the local copy's few seconds, not minutes later. A language
whose last story goes away stays listed until the entry's lifetime ends.
"""

from django.core.cache import caches
from django.utils.translation import get_language_info

from newsdesk.stories.models import Story

CACHE_ALIAS = "pages"
CACHE_KEY = "newsdesk:stories:languages"
CACHE_SECONDS = 3600


def _stored_codes() -> list[str] | None:
    return caches[CACHE_ALIAS].get(CACHE_KEY)


def story_language_codes() -> list[str]:
    """Codes of every language some visible story is in, sorted."""
    codes = _stored_codes()
    if codes is None:
        codes = list(
            Story.objects.visible()
            .exclude(language="")
            .order_by("language")
            .values_list("language", flat=True)
            .distinct()
        )
        caches[CACHE_ALIAS].set(CACHE_KEY, codes, CACHE_SECONDS)
    return codes


def note_story_language(code: str) -> None:
    """A story now shows `code`: if the stored list lacks it, forget the list."""
    if not code:
        return
    codes = _stored_codes()
    if codes is not None and code not in codes:
        forget_story_languages()


def forget_story_languages() -> None:
    caches[CACHE_ALIAS].delete(CACHE_KEY)


def language_name(code: str) -> str:
    """A language's own name for itself ("Deutsch"), or the code if Django does not know it."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code
