"""The URLs one fetch visits: each checked, loops and long chains stopped, moves noted.

Redirects are followed here rather than by aiohttp so that every hop's URL is
checked, credentials stay with the origin they were given for, and the caller
learns where a feed has moved for good (the 301/308 redirects a chain began with).
"""

from yarl import URL

from newsdesk.sources.fetch.addresses import canonical_numeric_host
from newsdesk.sources.fetch.errors import ErrorCode, FetchError
from newsdesk.sources.fetch.results import FetchKind, FetchRequest, FetchResult

PERMANENT_REDIRECT_STATUSES = frozenset({301, 308})
METHOD_CHANGING_STATUSES = frozenset({301, 302, 303})  # a POST continues as a GET


def checked_url(raw: str, kind: FetchKind) -> URL:
    """Parse raw as an http(s) URL with a host, numeric hosts written as dotted quads.

    127.1, 2130706433 and 0x7f.0.0.1 all mean 127.0.0.1 to a resolver; spelling them
    canonically lets aiohttp dial them and the address guard judge them.
    """
    try:
        url = URL(raw)
    except (TypeError, ValueError) as exc:
        raise FetchError(
            ErrorCode.BAD_URL, kind, str(raw), "this is not a valid URL", str(exc)
        ) from None
    if url.scheme not in ("http", "https"):
        scheme = url.scheme or "a relative address"
        raise FetchError(
            ErrorCode.BAD_SCHEME, kind, raw,
            f"only http and https addresses can be fetched, not {scheme}",
        )
    if not url.host:
        raise FetchError(ErrorCode.BAD_URL, kind, raw, "the address has no host name")
    try:
        numeric_host = canonical_numeric_host(url.host)
    except ValueError as exc:
        raise FetchError(ErrorCode.BAD_URL, kind, raw, str(exc)) from None
    if numeric_host is not None and numeric_host != url.host:
        url = url.with_host(numeric_host)
    return url


def redirect_target(url: URL, location: str, kind: FetchKind) -> URL:
    """The checked URL a Location header points to, resolved against the current URL."""
    try:
        return checked_url(str(url.join(URL(location))), kind)
    except (TypeError, ValueError) as exc:
        raise FetchError(
            ErrorCode.BAD_RESPONSE, kind, str(url),
            f"the server redirected to {location!r}, which is not a valid URL", str(exc),
        ) from None
    except FetchError as error:
        raise FetchError(
            error.code, kind, str(url), f"the server redirected to {location}, but {error.reason}"
        ) from None


class RedirectChain:
    """Where one fetch is, where it has been, and what it may still send along."""

    def __init__(self, request: FetchRequest, max_redirects: int):
        """Raises FetchError when the requested URL or its credentials cannot be used."""
        self._request = request
        self._max_redirects = max_redirects
        url = checked_url(request.url, request.kind)
        self._basic_auth = request.basic_auth or _credentials_in(url)
        if self._basic_auth and ":" in self._basic_auth[0]:
            raise FetchError(
                ErrorCode.BAD_CREDENTIALS, request.kind, str(url),
                "the user name for HTTP basic auth may not contain ':'; correct it",
            )
        self.current = url.with_user(None)
        self.form = request.form
        self._visited = {self.current}
        self.same_origin = True  # credentials and cookie go to the first origin only
        self.permanent_redirect: str | None = None
        self._only_permanent_so_far = True

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        return self._basic_auth if self.same_origin else None

    def follow(self, status: int, target: URL) -> FetchError | None:
        """Move to target, or say why not (a loop, or too many redirects)."""
        kind, here = self._request.kind, str(self.current)
        if self._only_permanent_so_far and status in PERMANENT_REDIRECT_STATUSES:
            self.permanent_redirect = str(target)
        else:
            self._only_permanent_so_far = False
        if target in self._visited:
            return FetchError(
                ErrorCode.REDIRECT_LOOP, kind, here,
                f"the redirects go round in a loop (back to {target})",
            )
        if len(self._visited) > self._max_redirects:
            return FetchError(
                ErrorCode.TOO_MANY_REDIRECTS, kind, here,
                f"more than {self._max_redirects} redirects (NEWSDESK_FETCH_MAX_REDIRECTS)",
            )
        self._visited.add(target)
        if status in METHOD_CHANGING_STATUSES:
            self.form = None
        self.same_origin = self.same_origin and target.origin() == self.current.origin()
        self.current = target
        return None

    def finished(self, result: FetchResult) -> FetchResult:
        """The result of the last hop, told where the chain moved and where it began."""
        if result.error is not None and len(self._visited) > 1:
            result.error.redirected_from = self._request.url
        if result.status is not None:
            result.permanent_redirect = self.permanent_redirect
        return result

    def failed(self, error: FetchError, status: int | None = None) -> FetchResult:
        return self.finished(
            FetchResult(self._request.url, str(self.current), status, error=error)
        )


def _credentials_in(url: URL) -> tuple[str, str] | None:
    if url.user is None:
        return None
    return url.user, url.password or ""
