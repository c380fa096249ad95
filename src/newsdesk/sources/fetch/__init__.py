"""The guarded HTTP client: the only way Newsdesk reaches the network.

    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(url, kind="feed", etag=..., last_modified=...)

Every failure comes back as `result.error`, a FetchError with a machine `code`
and a `message` for the user; see errors.py for the list.
"""

from newsdesk.sources.fetch.client import Fetcher, fetch_many, fetch_sync
from newsdesk.sources.fetch.errors import ErrorCode, FetchError
from newsdesk.sources.fetch.policy import FetchPolicy
from newsdesk.sources.fetch.results import FetchKind, FetchRequest, FetchResult

__all__ = [
    "ErrorCode",
    "FetchError",
    "FetchKind",
    "FetchPolicy",
    "FetchRequest",
    "FetchResult",
    "Fetcher",
    "fetch_many",
    "fetch_sync",
]
