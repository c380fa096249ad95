"""What a caller asks the Fetcher for, and what it gets back."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

from multidict import CIMultiDict, CIMultiDictProxy

from newsdesk.sources.fetch.errors import FetchError


class FetchKind(StrEnum):
    """What is fetched: decides the Accept header, and whether robots.txt is asked (pages).

    HUB is a WebSub hub, the one kind that is sent a form (a POST).
    """

    FEED = "feed"
    PAGE = "page"
    ROBOTS = "robots"
    IMAGE = "image"
    HUB = "hub"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One URL to fetch, with what this source needs sent along.

    form, when given, is POSTed form-encoded (a WebSub subscription) instead of a GET.
    """

    url: str
    kind: FetchKind | str = FetchKind.FEED
    etag: str | None = None
    last_modified: str | None = None
    headers: Mapping[str, str] | None = None
    basic_auth: tuple[str, str] | None = None
    cookie: str | None = None
    user_agent: str | None = None
    form: Mapping[str, str] | None = None

    def __post_init__(self):
        try:
            object.__setattr__(self, "kind", FetchKind(self.kind))
        except ValueError:
            kinds = ", ".join(kind.value for kind in FetchKind)
            raise ValueError(f"unknown fetch kind {self.kind!r}; expected one of {kinds}") from None


@dataclass(slots=True)
class FetchResult:
    """The outcome of one fetch; `error` is None when `body` can be used.

    body is decompressed and at most max_bytes long. permanent_redirect is the URL the
    source should be stored under from now on (the target of the 301/308 redirects the
    chain began with), retry_after the seconds the server asked us to wait.
    """

    requested_url: str
    final_url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: CIMultiDictProxy(CIMultiDict()))
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    permanent_redirect: str | None = None
    retry_after: int | None = None
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def parse_retry_after(value: str | None, now: datetime | None = None) -> int | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0, math.ceil(seconds))
