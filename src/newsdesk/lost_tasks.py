"""Task rows that a killed worker left marked as running (django-tasks-db).

A worker killed with SIGKILL (by an operator, the OOM killer, a power cut) never
records how its task ended, so the row would say RUNNING for ever, in the admin and to
anything that counts running tasks. The work itself is not lost with it: every step
keeps its state in the rows it works on (a poll's claim runs out, an entry stays new,
an article stays without a story, a delivery stays queued, digests are asked for every
minute), and the scheduler's recovery queues that work again. What is left is to end
the row truthfully: failed, saying why.

A row counts as lost once it has been running longer than NEWSDESK_STALLED_SECONDS,
the same patience the recovery has for the work. A task that was only slow finishes
anyway and records its own result over this one; every step is idempotent.
"""

from datetime import datetime

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

LOST = "newsdesk.lost_tasks.WorkerLost"
LOST_REASON = (
    "WorkerLost: the worker running this task stopped without recording how it ended "
    "(killed, or its machine went down); its work was queued again by the scheduler's "
    "recovery.\n"
)


def fail_lost_tasks(started_before: datetime, now: datetime | None = None) -> int:
    """Mark tasks still running since before started_before as failed; how many."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=started_before
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now or timezone.now(),
        exception_class_path=LOST,
        traceback=LOST_REASON,
    )
