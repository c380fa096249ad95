"""A visitor's consent: read from a signed cookie, recorded server-side, withdrawn.

The cookie holds only the record's random id, the policy version and the choices; it is
signed so a page cannot be tricked into loading a service nobody agreed to, and it
expires after six months, after which the visitor is asked again. A policy change
(see services.policy_version) makes every earlier choice void as well.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from .models import ConsentRecord
from .services import Service, declared_purposes, declared_services, policy_version

COOKIE_NAME = "nd_consent"
COOKIE_SALT = "newsdesk.consent"
MAX_AGE = timedelta(days=183)


@dataclass(frozen=True)
class Consent:
    record_id: str
    policy_version: str
    allowed: frozenset[str]

    def allows(self, purpose: str) -> bool:
        return purpose in self.allowed


def _encode(consent: Consent) -> str:
    return "|".join([consent.record_id, consent.policy_version, ",".join(sorted(consent.allowed))])


def _decode(value: str) -> Consent | None:
    parts = value.split("|")
    if len(parts) != 3:
        return None
    record_id, version, allowed = parts
    return Consent(record_id, version, frozenset(filter(None, allowed.split(","))))


def _cookie_consent(request) -> Consent | None:
    """What the visitor's cookie says, whatever policy it was given to."""
    if COOKIE_NAME not in request.COOKIES:
        return None
    try:
        value = request.get_signed_cookie(
            COOKIE_NAME, salt=COOKIE_SALT, max_age=MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    return _decode(value)


def current_consent(request) -> Consent | None:
    """The visitor's valid consent for the current policy, or None if they must be asked."""
    consent = _cookie_consent(request)
    if consent is None or consent.policy_version != policy_version():
        return None
    return consent


def must_ask(request) -> bool:
    """True when non-essential services are declared and this visitor has not chosen."""
    return bool(declared_services()) and current_consent(request) is None


def allowed_services(request) -> list[Service]:
    """The declared services this visitor opted in to; nothing before an explicit choice."""
    consent = current_consent(request)
    if consent is None:
        return []
    return [service for service in declared_services() if consent.allows(service.purpose)]


def record_choice(response, allowed_purposes) -> Consent:
    """Keep the choice server-side (no IP address) and in the visitor's cookie."""
    known = {key for key, _label in declared_purposes()}
    allowed = frozenset(purpose for purpose in allowed_purposes if purpose in known)
    version = policy_version()
    record = ConsentRecord.objects.create(
        policy_version=version, choices={key: key in allowed for key in sorted(known)}
    )
    consent = Consent(str(record.pk), version, allowed)
    response.set_signed_cookie(
        COOKIE_NAME,
        _encode(consent),
        salt=COOKIE_SALT,
        max_age=int(MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return consent


def withdraw(request, response) -> None:
    """Withdraw consent: mark the record, drop our cookie and every declared cookie we can."""
    consent = _cookie_consent(request)
    if consent is not None:
        ConsentRecord.objects.filter(pk=consent.record_id, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
    for service in declared_services():
        for cookie in service.cookies:
            if cookie.name in request.COOKIES:
                response.delete_cookie(cookie.name)
