"""Deleting or rewriting many old rows without holding a long transaction.

Retention (newsdesk.operations.retention) removes what a desk no longer needs in chunks
of a few hundred rows, each its own short transaction, so that a first run over months
of history never blocks the workers or the web processes for long.
"""

from django.db import transaction

BATCH = 500


def delete_in_batches(queryset, batch: int = BATCH) -> int:
    """Delete every row of `queryset`, `batch` at a time; returns how many went."""
    return _in_batches(queryset, batch, _delete)


def update_in_batches(queryset, batch: int = BATCH, **changes) -> int:
    """Apply `changes` to every row of `queryset`, `batch` at a time; returns how many.

    `queryset` must stop matching a row once it is changed, or this never ends.
    """
    return _in_batches(queryset, batch, lambda rows: rows.update(**changes))


def _delete(rows) -> int:
    """Delete the rows; the count is of this model's rows (not of what cascaded)."""
    return rows.delete()[1].get(rows.model._meta.label, 0)


def _in_batches(queryset, batch: int, act) -> int:
    done = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch])
        if not ids:
            return done
        with transaction.atomic():
            done += act(queryset.model.objects.filter(pk__in=ids))
