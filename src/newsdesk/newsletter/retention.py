"""Pruning the delivery log and the mail logs (NEWSDESK_RETAIN_DELIVERIES_DAYS, _LOGS_DAYS).

A delivery row is needed while its edition is being sent (it is what makes a resend after
a crash impossible) and for a while after, to tie a late bounce to its mail (VERP). Once
it is done (sent, failed, bounced or skipped) and older than the retention period, it is
deleted: an edition is planned only while its slot is the latest (a week at most, see
settings), so no subscriber can be planned into it again. Editions themselves are kept
(one row per slot: they are what keeps a slot or a breaking story from being mailed
twice). Bounce and
complaint records and the embedded outbox are logs: kept for the logs' period. What they
decided stays on the subscriber (state, soft bounce count).
"""

from datetime import datetime

from newsdesk.core.pruning import delete_in_batches
from newsdesk.newsletter.models import Delivery, MailEvent, OutboxMessage

DONE = [
    Delivery.State.SENT,
    Delivery.State.FAILED,
    Delivery.State.BOUNCED,
    Delivery.State.SKIPPED,
]


def prune_deliveries(before: datetime) -> int:
    """Delete deliveries that are done and were created before `before`; returns how many."""
    return delete_in_batches(Delivery.objects.filter(created_at__lt=before, state__in=DONE))


def prune_mail_logs(before: datetime) -> int:
    """Delete bounce and complaint records and outbox messages older than `before`."""
    return delete_in_batches(MailEvent.objects.filter(received_at__lt=before)) + (
        delete_in_batches(OutboxMessage.objects.filter(created_at__lt=before))
    )
