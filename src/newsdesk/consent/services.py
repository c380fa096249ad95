"""The non-essential services an operator declared in NEWSDESK_SERVICES.

Out of the box there are none: Newsdesk sets only strictly necessary cookies and
makes no third-party request, so no consent is asked. Each declared service names its
purpose, the cookies it sets (with their durations) and what it loads; the consent
manager, the cookie policy page and the Content-Security-Policy are all built from
this one declaration.

NEWSDESK_SERVICES is a list of mappings (or the same as a JSON string), e.g.::

    [{"key": "stats", "name": "Example Analytics", "purpose": "analytics",
      "provider": "Example Ltd, Berlin", "description": "Counts page views.",
      "scripts": ["https://stats.example.net/count.js"],
      "hosts": ["https://stats.example.net"],
      "cookies": [{"name": "_ex_id", "duration": "13 months", "purpose": "Visitor id"}]}]
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from newsdesk.core.languages import STORY_LANGUAGE_COOKIE

PURPOSES = {
    "analytics": _("Analytics"),
    "media": _("Embedded media"),
    "social": _("Social media"),
    "advertising": _("Advertising"),
}


@dataclass(frozen=True)
class DeclaredCookie:
    name: str
    duration: str
    purpose: str = ""


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    purpose: str
    provider: str
    description: str
    scripts: tuple[str, ...]
    hosts: tuple[str, ...]
    cookies: tuple[DeclaredCookie, ...]

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES.get(self.purpose, self.purpose))


@dataclass(frozen=True)
class NecessaryCookie:
    name: str
    duration: str
    purpose: str


def necessary_cookies() -> list[NecessaryCookie]:
    """The strictly necessary cookies the site itself may set, for the policy page."""
    return [
        NecessaryCookie(
            "nd_consent",
            str(_("6 months")),
            str(_("Remembers your cookie choices; set only when you make a choice.")),
        ),
        NecessaryCookie(
            STORY_LANGUAGE_COOKIE,
            str(_("1 year")),
            str(
                _(
                    "Remembers the story language you picked in the language filter; "
                    "set only when you choose one."
                )
            ),
        ),
        NecessaryCookie(
            settings.SESSION_COOKIE_NAME,
            str(_("2 weeks")),
            str(_("Keeps editors signed in to the administration; never set for readers.")),
        ),
        NecessaryCookie(
            settings.CSRF_COOKIE_NAME,
            str(_("1 year")),
            str(_("Protects the administration's forms; never set for readers.")),
        ),
    ]


def _raw_declaration() -> list:
    raw = settings.NEWSDESK_SERVICES or []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ImproperlyConfigured(
                f"NEWSDESK_SERVICES: not valid JSON ({error}); expected a list of services"
            ) from None
    if not isinstance(raw, list):
        raise ImproperlyConfigured("NEWSDESK_SERVICES: expected a list of services")
    return raw


def _service(index: int, item) -> Service:
    where = f"NEWSDESK_SERVICES[{index}]"
    if not isinstance(item, dict):
        raise ImproperlyConfigured(f"{where}: expected a mapping, got {type(item).__name__}")
    missing = [name for name in ("key", "name", "purpose") if not item.get(name)]
    if missing:
        raise ImproperlyConfigured(f"{where}: missing {', '.join(missing)}")
    cookies = []
    for cookie in item.get("cookies", []):
        if not isinstance(cookie, dict) or not cookie.get("name") or not cookie.get("duration"):
            raise ImproperlyConfigured(
                f"{where}.cookies: each cookie needs a name and a duration, got {cookie!r}"
            )
        cookies.append(
            DeclaredCookie(cookie["name"], cookie["duration"], cookie.get("purpose", ""))
        )
    return Service(
        key=str(item["key"]),
        name=str(item["name"]),
        purpose=str(item["purpose"]),
        provider=str(item.get("provider", "")),
        description=str(item.get("description", "")),
        scripts=tuple(item.get("scripts", ())),
        hosts=tuple(item.get("hosts", ())),
        cookies=tuple(cookies),
    )


def declared_services() -> list[Service]:
    return [_service(index, item) for index, item in enumerate(_raw_declaration())]


def declared_purposes() -> list[tuple[str, str]]:
    """(key, label) of every purpose some declared service serves, in declaration order."""
    seen: dict[str, str] = {}
    for service in declared_services():
        seen.setdefault(service.purpose, service.purpose_label)
    return list(seen.items())


def policy_version() -> str:
    """The version of the cookie policy consent was given to.

    NEWSDESK_CONSENT_POLICY_VERSION when the operator sets one, else a digest of the
    declared services: declaring, removing or changing a service changes the policy,
    so every visitor is asked again.
    """
    explicit = settings.NEWSDESK_CONSENT_POLICY_VERSION
    if explicit:
        return str(explicit)[:40]
    canonical = json.dumps(_raw_declaration(), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
