from django.conf import settings
from django.db import models


class Notification(models.Model):
    """A message to one user (deadline reminders, finished jobs, overdue tasks)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    # Re-running a scheduled check must not notify twice: one key per reason.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="one_notification_per_reason")]

    def __str__(self):
        return self.message
