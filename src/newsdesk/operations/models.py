from django.db import models


class HousekeepingJob(models.Model):
    """One retention job's schedule: state in the database, like every other schedule.

    Any number of schedulers may run: a job is claimed by moving `next_run_at` forward in
    one conditional UPDATE, so exactly one of them enqueues each run.
    """

    name = models.CharField(max_length=40, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (next run {self.next_run_at:%Y-%m-%d %H:%M})"
