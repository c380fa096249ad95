"""Reading an address someone typed: what is wrong with it, in words they can act on.

Syntax is checked by email-validator (its messages name the exact problem, e.g.
"There must be something after the @-sign."); likely typos of common mail domains
come from typos.py. No DNS lookups here: a sign-up must not wait on the network,
and the confirmation mail is the real test of an address.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from newsdesk.newsletter.typos import suggest_address


@dataclass
class AddressProblem(Exception):
    message: str
    suggestion: str | None = None
    code: str = "invalid"


def read_address(text: str, *, accept_as_typed: bool = False) -> tuple[str, str]:
    """The normalised address (lower case) and its domain, or AddressProblem.

    Unless `accept_as_typed`, a likely typo of a common domain is a problem too, with
    the corrected address as its suggestion.
    """
    typed = (text or "").strip()
    if not typed:
        raise AddressProblem(_("Enter your email address, for example name@example.com."))
    if len(typed) > 254:
        raise AddressProblem(
            _(
                "This address is %(length)d characters long; addresses have at most 254. "
                "Check that only your address is in the field."
            )
            % {"length": len(typed)},
        )
    try:
        valid = validate_email(typed, check_deliverability=False)
    except EmailNotValidError as error:
        # email-validator's own sentence (English: the library has no translations) says
        # exactly what is wrong; ours says what to do.
        raise AddressProblem(
            _("%(problem)s Check the address and try again, for example name@example.com.")
            % {"problem": error}
        ) from None
    address = valid.normalized.lower()
    domain = valid.domain.lower()
    if not accept_as_typed:
        suggestion = suggest_address(address)
        if suggestion:
            raise AddressProblem(
                _("%(domain)s — did you mean %(suggestion)s?")
                % {"domain": domain, "suggestion": suggestion.rpartition("@")[2]},
                suggestion=suggestion,
                code="typo",
            )
    return address, domain
