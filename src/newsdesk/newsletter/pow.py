"""An optional, self-hosted proof-of-work challenge (no third-party captcha).

Off unless NEWSDESK_SIGNUP_POW_BITS > 0. The form then carries a signed challenge and
a small script finds a nonce such that SHA-256(challenge + ":" + nonce) starts with
that many zero bits: about 2**bits hashes for the browser, one for us. Each solved
challenge is accepted once (remembered in the shared cache). With it turned on,
signing up needs JavaScript: the operator trades the no-script path for cost to bots.
"""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _

from newsdesk.newsletter.defences import Refusal

SALT = "newsdesk.newsletter.pow"
MAX_AGE = 3600


def bits_required() -> int:
    return int(settings.NEWSDESK_SIGNUP_POW_BITS)


def new_challenge() -> str:
    return signing.dumps({"r": secrets.token_hex(8), "b": bits_required()}, salt=SALT)


def leading_zero_bits(digest: bytes) -> int:
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def solve(challenge: str, bits: int) -> str:
    """What the browser's script does; used by tests and the benchmark's bots."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def check(data) -> None:
    bits = bits_required()
    if bits <= 0:
        return
    challenge = data.get("pow_challenge") or ""
    nonce = data.get("pow_nonce") or ""
    try:
        payload = signing.loads(challenge, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        raise Refusal(
            "pow_missing",
            _(
                "This form needs JavaScript to prove it was sent by a browser, or its page "
                "is more than an hour old. Reload the page and press Subscribe again."
            ),
        ) from None
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < min(bits, int(payload.get("b", bits))):
        raise Refusal(
            "pow_wrong",
            _(
                "The form's browser check did not finish. Wait a moment and press Subscribe "
                "again."
            ),
        )
    if not cache.add(f"newsletter:pow:{digest.hex()[:32]}", 1, timeout=MAX_AGE + 60):
        raise Refusal(
            "pow_reused",
            _("This form was already sent once. Reload the page to sign up again."),
        )
