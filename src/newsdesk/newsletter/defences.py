"""Bot defences shared by every sign-up path (the form and POST /api/subscribe).

Each check raises Refusal with a message a person can act on. Counters live in
Django's cache (the database cache, or Redis in production), never in one
process's memory, so limits hold across web processes and machines.

Order matters and is the same on every path (see `screen_signup`): the honeypot,
then the fill time and the optional proof of work, then the limit per client IP;
the limits per address and per domain and the daily cap on confirmation mails to
one address come after the address has been read.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass
class Refusal(Exception):
    """A sign-up we will not act on. `silent` refusals (bots) get the success page."""

    code: str
    message: str
    status: int = 400
    retry_after: int | None = None
    silent: bool = False

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


# --- who is asking ----------------------------------------------------------------------


def _networks(names: list[str]) -> list:
    networks = []
    for name in names:
        try:
            networks.append(ipaddress.ip_network(name, strict=False))
        except ValueError:
            continue  # a malformed entry trusts nothing rather than everything
    return networks


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is one of
    NEWSDESK_TRUSTED_PROXIES (then the right-most hop that is not itself a trusted proxy,
    since everything left of that was written by the client and can be forged)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(settings.NEWSDESK_TRUSTED_PROXIES)
    if not trusted or not _is_in(remote, trusted):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _is_in(hop, trusted):
            return hop if _is_ip(hop) else remote
    return remote


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_in(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def check_origin(request) -> None:
    """The sign-up endpoints use no CSRF cookie, so that public pages stay cacheable
    (a documented exception); instead a browser's POST must come from our own origin.
    Browsers send Origin on every POST; clients that send neither Origin nor Referer
    are not browsers, so there is no visitor's session to ride on, and the bot defences
    below still apply to them."""
    origin = request.META.get("HTTP_ORIGIN") or ""
    if not origin:
        referer = request.META.get("HTTP_REFERER") or ""
        if not referer:
            return
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin == "null" or origin.rstrip("/") not in allowed_origins(request):
        raise Refusal(
            "origin",
            _("This form was sent from another website. Please sign up on our own page."),
            status=403,
        )


def allowed_origins(request) -> set[str]:
    base = urlsplit(settings.NEWSDESK_BASE_URL)
    origins = {f"{base.scheme}://{base.netloc}"}
    origins.update(o.rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS)
    origins.add(f"{request.scheme}://{request.get_host()}")
    return origins


# --- traps for scripts ------------------------------------------------------------------


def check_traps(data, now: float | None = None) -> None:
    """The honeypot (a field people never see, which form-filling bots fill) and the
    minimum time between rendering the form and sending it."""
    now = time.time() if now is None else now
    if (data.get("website") or "").strip():
        raise Refusal("honeypot", "Thank you.", silent=True)
    minimum = settings.NEWSDESK_SIGNUP_MIN_SECONDS
    try:
        started = float(data.get("started") or "")
    except (TypeError, ValueError):
        started = None
    if started is None or not (now - 7 * 24 * 3600 <= started <= now - minimum + 1):
        raise Refusal(
            "too_fast",
            _(
                "That was quicker than a person usually fills in a form, or the form was "
                "incomplete. Please check your address and press Subscribe again."
            ),
        )


# --- rate limits ------------------------------------------------------------------------


def _hit(scope: str, key: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one attempt in a fixed window; True when over the limit, and the seconds
    left in the window."""
    if limit <= 0:
        return False, 0
    slot = int(time.time() // window)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    cache_key = f"newsletter:rate:{scope}:{digest}:{slot}"
    cache.add(cache_key, 0, timeout=window + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 60)
        count = 1
    return count > limit, window - int(time.time()) % window


def _enforce(scope: str, key: str, limit_window: tuple[int, int], code: str, message: str) -> None:
    """Count one attempt; over the limit, refuse with 429, the message and Retry-After."""
    limit, window = limit_window
    over, left = _hit(scope, key, limit, window)
    if over:
        message = _("%(problem)s Please try again in %(wait)s.") % {
            "problem": message,
            "wait": _minutes(left),
        }
        raise Refusal(code, message, status=429, retry_after=left)


def check_ip_rate(ip: str) -> None:
    _enforce(
        "ip",
        ip,
        settings.NEWSDESK_SIGNUP_LIMIT_IP,
        "rate_ip",
        _("Too many sign-ups from your network recently."),
    )


def check_address_rate(address: str, domain: str) -> None:
    _enforce(
        "address",
        address,
        settings.NEWSDESK_SIGNUP_LIMIT_ADDRESS,
        "rate_address",
        _("This address has been entered many times recently."),
    )
    _enforce(
        "domain",
        domain,
        settings.NEWSDESK_SIGNUP_LIMIT_DOMAIN,
        "rate_domain",
        _("Too many sign-ups for addresses at %(domain)s recently.") % {"domain": domain},
    )


def reserve_confirmation_mail(address: str) -> None:
    """The cap on mails (confirmations and 'already subscribed' notes) to one address per
    day, so that nobody can use the form to flood someone else's inbox."""
    limit = settings.NEWSDESK_CONFIRMATIONS_PER_DAY
    over, left = _hit("mails", address, limit, 24 * 3600)
    if over:
        raise Refusal(
            "daily_cap",
            _(
                "We have already sent several emails to this address today, and send no "
                "more until tomorrow so that nobody can flood an inbox with them. Look for "
                "the earlier email (it may be in the spam folder) and use its link."
            ),
            status=429,
            retry_after=left,
        )


def _minutes(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


# --- domains ----------------------------------------------------------------------------


def check_domain_allowed(domain: str) -> None:
    """Operator-blocked domains (NEWSDESK_BLOCKED_DOMAINS) and, unless turned off with
    NEWSDESK_BLOCK_DISPOSABLE=False, throw-away mail services (disposable-email-domains)."""
    domain = domain.lower()
    labels = domain.split(".")
    parents = {".".join(labels[i:]) for i in range(len(labels) - 1)}
    blocked = {d.lower() for d in settings.NEWSDESK_BLOCKED_DOMAINS}
    if parents & blocked or (settings.NEWSDESK_BLOCK_DISPOSABLE and parents & DISPOSABLE_DOMAINS):
        raise Refusal(
            "blocked_domain",
            _(
                "We do not accept addresses at %(domain)s (it is a throw-away or blocked "
                "mail service). Please use another address."
            )
            % {"domain": domain},
        )
