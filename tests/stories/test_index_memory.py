"""The clustering consumer never holds two indexes: what one dropped after a failed batch
held is released at once, and the index itself before the next is built, even though the
error keeps it in a reference cycle (as PostgreSQL's deadlock errors did in a worker)."""

import gc
import weakref

import pytest
from django.db import OperationalError

from newsdesk.stories import assign


def test_an_index_dropped_after_a_failed_batch_is_freed_before_the_next_is_built(
    db, monkeypatch
):
    dropped, sketch = [], []

    def fail(index, now):
        dropped.append(weakref.ref(index))
        sketch.append(weakref.ref(index._vocabulary.counts))  # 32 MB, the largest part
        try:
            raise OperationalError("deadlock detected")
        except OperationalError as error:
            kept = error  # a frame holding its own error: a reference cycle, as Django's
            raise kept from None  # error wrapper makes with the driver's error

    monkeypatch.setattr(assign, "_settle", fail)
    gc.disable()  # no collection but the consumer's own decides this test
    try:
        with pytest.raises(OperationalError):
            assign.assign_articles([])
        monkeypatch.undo()
        assert dropped[0]() is not None, "freed by reference counting alone: no cycle to test"
        assert sketch[0]() is None, "what the dropped index held waits for the collector"
        rebuilt = assign.story_index()
        assert dropped[0]() is None, "the dropped index is still held beside the new one"
        assert rebuilt is not None
    finally:
        gc.enable()
