"""The languages stories are in: what a reader can choose from (the site's language
filter, a subscriber's story languages)."""

from django.core.cache import cache
from django.utils.translation import get_language_info

from newsdesk.stories.models import Story

CACHE_KEY = "newsdesk:stories:languages"
CACHE_SECONDS = 300


def story_language_codes() -> list[str]:
    """Codes of every language some visible story is in, sorted (cached for 5 minutes:
    a new language shows up within that time; a desk with no stories yet is asked again
    each time, so its first stories' languages show at once)."""
    codes = cache.get(CACHE_KEY)
    if codes is None:
        codes = list(
            Story.objects.visible()
            .exclude(language="")
            .order_by("language")
            .values_list("language", flat=True)
            .distinct()
        )
        if codes:
            cache.set(CACHE_KEY, codes, CACHE_SECONDS)
    return codes


def language_name(code: str) -> str:
    """A language's own name for itself ("Deutsch"), or the code if Django does not know it."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code
