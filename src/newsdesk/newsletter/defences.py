"""Bot defences shared by every sign-up path (the form and POST /api/subscribe).

Each check raises Refusal with a message a person can act on. Counters live in
Django's cache (the database cache, or Redis in production), never in one
process's memory, so limits hold across web processes and machines.

Order matters and is the same on every path (see `signup.screen_request`): the origin,
the honeypot, then the signed fill time and the optional proof of work, then the limit
per client (an IPv4 address or an IPv6 /64, from core.client_address);
the limits per address and per domain and the daily cap on confirmation mails to
one address come after the address has been read.
"""

import time
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsdesk.core.client_address import client_key
from newsdesk.core.origin import is_cross_origin
from newsdesk.core.ratelimit import count_in_window

STARTED_SIGNER = signing.Signer(salt="newsdesk.newsletter.started")
# A form older than this is treated like a forged one: load the page again.
STARTED_MAX_AGE = 7 * 24 * 3600


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


# --- where the form was sent from --------------------------------------------------------


def check_origin(request) -> None:
    """The sign-up endpoints use no CSRF cookie, so that public pages stay cacheable
    (a documented exception); instead a browser's POST must come from our own origin
    (core.origin, the same check as the consent form's). Clients that send no Origin,
    Sec-Fetch-Site or Referer are not browsers, so there is no visitor's session to ride
    on, and the bot defences below still apply to them."""
    if is_cross_origin(request):
        raise Refusal(
            "origin",
            _("This form was sent from another website. Please sign up on our own page."),
            status=403,
        )


# --- traps for scripts ------------------------------------------------------------------


def form_started(now: float | None = None) -> str:
    """The value of a sign-up form's `started` field: the time it was rendered, signed, so
    that a script cannot simply claim to have loaded the form long ago."""
    now = time.time() if now is None else now
    return STARTED_SIGNER.sign(str(int(now)))


def read_started(value) -> int | None:
    """The render time a `started` field carries, or None when it is not one we signed."""
    try:
        return int(STARTED_SIGNER.unsign(str(value or "")))
    except (signing.BadSignature, ValueError):
        return None


def check_traps(data, now: float | None = None) -> None:
    """The honeypot (a field people never see, which form-filling bots fill) and the
    minimum time between rendering the form and sending it."""
    now = time.time() if now is None else now
    if (data.get("website") or "").strip():
        raise Refusal("honeypot", "Thank you.", silent=True)
    minimum = settings.NEWSDESK_SIGNUP_MIN_SECONDS
    started = read_started(data.get("started"))
    if started is None or not (now - STARTED_MAX_AGE <= started <= now - minimum + 1):
        raise Refusal(
            "too_fast",
            _(
                "That was quicker than a person usually fills in a form, or the form was "
                "incomplete. Please check your address and press Subscribe again."
            ),
        )


# --- rate limits ------------------------------------------------------------------------


def _enforce(scope: str, key: str, limit_window: tuple[int, int], code: str, message: str) -> None:
    """Count one attempt; over the limit, refuse with 429, the message and Retry-After."""
    limit, window = limit_window
    over, left = count_in_window(scope, key, limit, window)
    if over:
        message = _("%(problem)s Please try again in %(wait)s.") % {
            "problem": message,
            "wait": _minutes(left),
        }
        raise Refusal(code, message, status=429, retry_after=left)


def check_client_rate(request) -> None:
    """The limit per client (an IPv4 address or an IPv6 /64, see core.client_address)."""
    _enforce(
        "signup-client",
        client_key(request),
        settings.NEWSDESK_SIGNUP_LIMIT_IP,
        "rate_ip",
        _("Too many sign-ups from your network recently."),
    )


def check_address_rate(address: str, domain: str) -> None:
    _enforce(
        "signup-address",
        address,
        settings.NEWSDESK_SIGNUP_LIMIT_ADDRESS,
        "rate_address",
        _("This address has been entered many times recently."),
    )
    _enforce(
        "signup-domain",
        domain,
        settings.NEWSDESK_SIGNUP_LIMIT_DOMAIN,
        "rate_domain",
        _("Too many sign-ups for addresses at %(domain)s recently.") % {"domain": domain},
    )


def reserve_confirmation_mail(address: str) -> None:
    """The cap on mails (confirmations and 'already subscribed' notes) to one address per
    day, so that nobody can use the form to flood someone else's inbox."""
    limit = settings.NEWSDESK_CONFIRMATIONS_PER_DAY
    over, left = count_in_window("signup-mails", address, limit, 24 * 3600)
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
