"""Keyset pagination: "older" and "newer" links that carry a cursor, not a page number.

An OFFSET makes the database walk past every earlier row, so page 500 costs 500 pages;
a cursor (the sort key of the last row shown) lets an index jump straight to the next
row, so page 500 costs the same as page 1. Cursors are opaque to visitors; a cursor that
does not decode (edited, truncated, from an older release) simply shows the first page.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering: the model field and whether it runs descending."""

    field: str
    descending: bool = True
    kind: type = float

    def order_by(self, reverse: bool = False) -> str:
        descending = self.descending != reverse
        return f"-{self.field}" if descending else self.field

    def encode(self, value):
        return value.isoformat() if isinstance(value, datetime) else value

    def decode(self, value):
        if self.kind is datetime:
            return datetime.fromisoformat(value)
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{self.field}: expected true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{self.field}: expected a number")
        return self.kind(value)


@dataclass
class Page:
    items: list
    older: str | None
    newer: str | None


def encode_cursor(direction: str, values: list) -> str:
    raw = json.dumps([direction, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[SortKey]) -> tuple[str, list] | None:
    """(direction, values) from a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
        if direction not in ("older", "newer") or len(values) != len(keys):
            return None
        return direction, [key.decode(value) for key, value in zip(keys, values, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def _beyond(keys: list[SortKey], values: list, forward: bool):
    """Rows strictly after `values` in the ordering (or strictly before, going back).

    When every key runs the same way (all of the site's lists), this is one row-value
    comparison, (a, b) < (x, y), which SQLite and PostgreSQL answer with a range seek on
    an index over those columns. The equivalent a < x OR (a = x AND b < y) is a filter on
    an index scan from the top of the list instead, which reads every earlier row.
    """
    if len({key.descending for key in keys}) == 1:
        after = keys[0].descending == forward
        comparison = TupleLessThan if after else TupleGreaterThan
        return comparison(Tuple(*(F(key.field) for key in keys)), list(values))
    alternatives = []
    for index, key in enumerate(keys):
        equal = {k.field: v for k, v in zip(keys[:index], values[:index], strict=True)}
        after = key.descending == forward
        lookup = "lt" if after else "gt"
        alternatives.append(Q(**equal, **{f"{key.field}__{lookup}": values[index]}))
    return reduce(or_, alternatives)


def _values_of(item, keys: list[SortKey]) -> list:
    return [key.encode(getattr(item, key.field)) for key in keys]


def keyset_page(queryset, keys: list[SortKey], cursor: str | None, size: int) -> Page:
    """One page of `queryset` in the order `keys` describe, from `cursor` on."""
    decoded = decode_cursor(cursor, keys) if cursor else None
    forward = decoded is None or decoded[0] == "older"
    ordered = queryset.order_by(*(key.order_by(reverse=not forward) for key in keys))
    if decoded is not None:
        ordered = ordered.filter(_beyond(keys, decoded[1], forward))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return Page(items=[], older=None, newer=None)
    has_older = more if forward else True
    has_newer = decoded is not None if forward else more
    return Page(
        items=rows,
        older=encode_cursor("older", _values_of(rows[-1], keys)) if has_older else None,
        newer=encode_cursor("newer", _values_of(rows[0], keys)) if has_newer else None,
    )
