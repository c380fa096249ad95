"""URL canonicalisation shared by ingestion, extraction and the site.

Two links to one article must compare equal, so that an entry, an article and a
source are stored once: tracking parameters and fragments carry no identity.
"""

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Parameters that only tell the publisher where a reader came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "ncid",
        "sr_share",
        "ref_src",
        "ref_url",
        "s_cid",
        "spm",
        "at_medium",
        "at_campaign",
        "wt.mc_id",
        "icid",
        "ito",
        "guccounter",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "__hs", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Return url without tracking query parameters, everything else untouched."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Resolve url against base and reduce it to the form we store and compare.

    Lower-cases scheme and host, drops the default port, the fragment and tracking
    parameters, and gives an empty path as "/". Query order is kept: some sites
    route on it.
    """
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if parts.port and DEFAULT_PORTS.get(scheme) != parts.port:
        netloc = f"{host}:{parts.port}"
    if parts.username:
        auth = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{auth}@{netloc}"
    path = parts.path or "/"
    cleaned = urlunsplit((scheme, netloc, path, parts.query, ""))
    return strip_tracking(cleaned)


def is_http_url(text: str) -> bool:
    """True when text is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit((text or "").strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> str:
    """The lower-case host name of url, or "" when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
