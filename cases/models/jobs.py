"""Long-running work (imports, analyses, dossiers, checks) and its progress."""
from django.conf import settings
from django.db import models

from cases.access import CaseScopedQuerySet, Handling
from cases.models.records import UniqueChecksAcrossCases


class Job(UniqueChecksAcrossCases, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(max_length=60)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_current = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    progress_message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_type = models.CharField(max_length=60, blank=True, help_text="Model of the result record, if any")
    result_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A job over FIU material (an import of bank data, an analysis of it) is
    # itself FIU material: it follows the same handling rules as its input.
    handling = models.CharField(max_length=10, choices=Handling.choices, default=Handling.TEAM)
    origin_agency = models.ForeignKey("cases.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    fiu_released_at = models.DateTimeField(null=True, blank=True)

    objects = CaseScopedQuerySet.as_manager()
    HAS_HANDLING = True

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_current / self.progress_total))
