"""Every way a fetch can fail, as a short code plus a sentence for the user.

Modelled on Miniflux's fetcher/response_handler.go: the operator reads one plain
sentence naming the URL and what to expect next, while the technical cause (the
exception, the errno) is kept apart for the log.
"""

from enum import StrEnum
from http import HTTPStatus


class ErrorCode(StrEnum):
    """The fixed list of failure codes; the pipeline decides retries and backoff from these."""

    BAD_URL = "bad_url"
    BAD_SCHEME = "bad_scheme"
    BAD_CREDENTIALS = "bad_credentials"
    REFUSED_ADDRESS = "refused_address"
    DNS = "dns"
    CONNECT = "connect"
    TLS = "tls"
    TIMEOUT = "timeout"
    BAD_RESPONSE = "bad_response"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    HTTP_401 = "http_401"
    HTTP_403 = "http_403"
    HTTP_404 = "http_404"
    HTTP_410 = "http_410"
    HTTP_429 = "http_429"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    HTTP_UNEXPECTED = "http_unexpected"
    EMPTY_BODY = "empty_body"
    ROBOTS_DISALLOWED = "robots_disallowed"
    ROBOTS_UNAVAILABLE = "robots_unavailable"


class FetchError(Exception):
    """A failed fetch: `code` for the program, `message` for the user, `detail` for the log.

    `message` reads "<kind> <url>: <reason>", e.g.
    "feed https://x/rss: the server answered 503 Service Unavailable; will retry after 120 s",
    and names the URL asked for when the failure came after a redirect.
    """

    def __init__(self, code: ErrorCode, kind: str, url: str, reason: str, detail: str = ""):
        self.code = code
        self.kind = kind
        self.url = url
        self.reason = reason
        self.detail = detail
        self.redirected_from: str | None = None
        super().__init__(code, kind, url, reason, detail)  # all of them, so it pickles

    @property
    def message(self) -> str:
        if self.redirected_from:
            return f"{self.kind} {self.redirected_from} (redirected to {self.url}): {self.reason}"
        return f"{self.kind} {self.url}: {self.reason}"

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"FetchError({self.code.value!r}, {self.message!r}, detail={self.detail!r})"


def status_phrase(status: int) -> str:
    """'503 Service Unavailable', or just '599' for a status HTTP does not name."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def retry_hint(retry_after: int | None) -> str:
    if retry_after is None:
        return "will retry later"
    return f"will retry after {retry_after} s"


def status_error(status: int, kind: str, url: str, retry_after: int | None) -> FetchError | None:
    """The error an HTTP status means for us, or None when the body can be used."""
    answered = f"the server answered {status_phrase(status)}"
    if 200 <= status < 300:
        return None
    if status == 401:
        return FetchError(
            ErrorCode.HTTP_401, kind, url,
            f"{answered}; check the user name and password set for this source",
        )
    if status == 403:
        return FetchError(
            ErrorCode.HTTP_403, kind, url, f"{answered}; the publisher refuses Newsdesk access"
        )
    if status == 404:
        return FetchError(ErrorCode.HTTP_404, kind, url, f"{answered}; check the address")
    if status == 410:
        return FetchError(
            ErrorCode.HTTP_410, kind, url, f"{answered}; the publisher has removed it for good"
        )
    if status == 429:
        return FetchError(ErrorCode.HTTP_429, kind, url, f"{answered}; {retry_hint(retry_after)}")
    if 400 <= status < 500:
        return FetchError(ErrorCode.HTTP_4XX, kind, url, answered)
    if 500 <= status < 600:
        return FetchError(ErrorCode.HTTP_5XX, kind, url, f"{answered}; {retry_hint(retry_after)}")
    return FetchError(
        ErrorCode.HTTP_UNEXPECTED, kind, url, f"{answered}, which Newsdesk cannot use"
    )
