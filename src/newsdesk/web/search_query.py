"""Visitors' search text turned into a safe, bounded query (pure; no Django needed).

People type words, "quoted phrases", -exclusions and OR, and also unbalanced quotes,
stray operators, SQL and 5,000 characters of pasted text. Everything is reduced to
word tokens (Unicode letters and digits), so what reaches the database's full-text
syntax can never be malformed; the engine-specific renderings live here too, so both
databases understand a query the same way.
"""

import re
from dataclasses import dataclass, field

MAX_CHARS = 300
MAX_TERMS = 12

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool = False

    def fts5(self) -> str:
        return '"' + " ".join(self.words).replace('"', '""') + '"'

    def websearch(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if len(self.words) > 1 else text


@dataclass
class ParsedQuery:
    """Positive terms grouped by OR (groups are ANDed), and terms to exclude."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    shortened: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.groups

    def fts5(self) -> str:
        """SQLite FTS5 MATCH syntax; every term is a quoted phrase."""
        parts = []
        for group in self.groups:
            rendered = " OR ".join(term.fts5() for term in group)
            parts.append(f"({rendered})" if len(group) > 1 else rendered)
        expression = " AND ".join(parts)
        for term in self.excluded:
            expression = f"({expression}) NOT {term.fts5()}"
        return expression

    def websearch(self) -> str:
        """PostgreSQL websearch_to_tsquery syntax."""
        parts = [" OR ".join(term.websearch() for term in group) for group in self.groups]
        parts += [f"-{term.websearch()}" for term in self.excluded]
        return " ".join(parts)

    def words(self) -> list[str]:
        return [word for group in self.groups for term in group for word in term.words]


def parse_query(text: str) -> ParsedQuery:
    text = text or ""
    shortened = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    parsed = ParsedQuery(shortened=shortened)
    join_with_previous = False
    count = 0
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if bare == "OR":
            join_with_previous = bool(parsed.groups)
            continue
        negated = bool(negated_phrase) or bool(bare and bare.startswith("-") and len(bare) > 1)
        words = tuple(w.lower() for w in _WORD.findall(phrase if phrase is not None else bare))
        if not words:
            continue
        if count >= MAX_TERMS:
            parsed.shortened = True
            break
        count += 1
        term = Term(words, negated)
        if negated:
            parsed.excluded.append(term)
        elif join_with_previous:
            parsed.groups[-1].append(term)
        else:
            parsed.groups.append([term])
        join_with_previous = False
    return parsed
