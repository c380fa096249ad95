"""Counted nouns for the command line: "1 entry", "2 entries", "polled 1 source".

The CLI speaks English only (its output is for operators and logs); pages and mails use
Django's ngettext, which knows each language's plural rules.
"""


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`number` and the noun in the form that goes with it."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {noun}"
