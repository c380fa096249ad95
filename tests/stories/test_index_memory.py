"""The clustering consumer never holds two indexes: one dropped after a failed batch is
freed before the next is built, even when the error keeps it in a reference cycle."""

import gc
import weakref

import pytest
from django.db import OperationalError

from newsdesk.stories import assign


def test_an_index_dropped_after_a_failed_batch_is_freed_before_the_next_is_built(
    db, monkeypatch
):
    dropped = []

    def fail(index, now):
        dropped.append(weakref.ref(index))
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
        rebuilt = assign.story_index()
        assert dropped[0]() is None, "the dropped index is still held beside the new one"
        assert rebuilt is not None
    finally:
        gc.enable()
