"""What a publisher lets us show: robots meta tags and X-Robots-Tag headers.

We honour the generic directives and those addressed to "newsdesk"; directives for
another named crawler (``googlebot: nosnippet``) are that crawler's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lxml.html import HtmlElement

OUR_AGENTS = frozenset({"robots", "newsdesk"})
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z][\w.-]*)\s*:\s*(?=[A-Za-z])")


@dataclass(frozen=True)
class SnippetPolicy:
    nosnippet: bool = False
    max_snippet: int | None = None  # characters; None = no limit
    noarchive: bool = False


def _apply(directives: Iterable[str], policy: dict) -> None:
    for raw in directives:
        name, _, value = raw.strip().lower().partition(":")
        name = name.strip()
        if name == "nosnippet":
            policy["nosnippet"] = True
        elif name == "noarchive":
            policy["noarchive"] = True
        elif name == "max-snippet":
            try:
                limit = int(value.strip())
            except ValueError:
                continue
            if limit >= 0 and (policy["max_snippet"] is None or limit < policy["max_snippet"]):
                policy["max_snippet"] = limit


def _header_values(headers: Mapping[str, str] | None) -> list[str]:
    if not headers:
        return []
    values = []
    for key, value in headers.items():
        if key.lower() == "x-robots-tag" and value:
            values.extend(value if isinstance(value, list) else [value])
    return values


def _header_directives(value: str) -> list[str]:
    """Directives of one X-Robots-Tag value meant for us (no agent, or one of ours)."""
    match = _AGENT_PREFIX.match(value)  # "googlebot: nosnippet"; "max-snippet: 20" has no agent
    if match:
        if match.group(1).lower() not in OUR_AGENTS:
            return []
        value = value[match.end():]
    return value.split(",")


def snippet_policy(
    tree: HtmlElement | None, headers: Mapping[str, str] | None = None
) -> SnippetPolicy:
    """The strictest of every robots meta tag and X-Robots-Tag header addressed to us."""
    policy = {"nosnippet": False, "max_snippet": None, "noarchive": False}
    if tree is not None:
        for meta in tree.iterfind(".//meta[@name]"):
            if meta.get("name", "").strip().lower() in OUR_AGENTS:
                _apply(meta.get("content", "").split(","), policy)
    for value in _header_values(headers):
        _apply(_header_directives(value), policy)
    return SnippetPolicy(**policy)
