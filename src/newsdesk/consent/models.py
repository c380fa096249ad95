"""Server-side record of a visitor's cookie consent: random id, time, policy, choices."""

import uuid

from django.db import models
from django.utils import timezone


class ConsentRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    policy_version = models.CharField(max_length=40)
    choices = models.JSONField(default=dict)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"consent {self.id} ({self.policy_version}, {self.created_at:%Y-%m-%d})"
