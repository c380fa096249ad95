"""Reading an address someone typed: what is wrong with it, in words they can act on.

Syntax is checked by email-validator (its messages name the exact problem, e.g.
"There must be something after the @-sign."); likely typos of common mail domains
come from typos.py. No DNS lookups here: a sign-up must not wait on the network,
and the confirmation mail is the real test of an address.
"""

from dataclasses import dataclass

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
        raise AddressProblem("Enter your email address, for example name@example.com.")
    if len(typed) > 254:
        raise AddressProblem(
            f"This address is {len(typed)} characters long; addresses have at most 254. "
            "Check that only your address is in the field.",
        )
    try:
        valid = validate_email(typed, check_deliverability=False)
    except EmailNotValidError as error:
        raise AddressProblem(
            f"{error} Check the address and try again, for example name@example.com."
        ) from None
    address = valid.normalized.lower()
    domain = valid.domain.lower()
    if not accept_as_typed:
        suggestion = suggest_address(address)
        if suggestion:
            raise AddressProblem(
                f"{domain} — did you mean {suggestion.rpartition('@')[2]}?",
                suggestion=suggestion,
                code="typo",
            )
    return address, domain
