from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.access import Handling, active_memberships, fiu_granted_cases, user_is_fiu, user_is_usable


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The user's own notifications whose sources they may see now: a notification of a case only while
        they are a member, an agency-coded one only inside its agency, one resting on unreleased FIU
        intelligence only with FIU access in its case (FIU agency, or an active grant there)."""
        if not user_is_usable(user):
            return self.none()
        qs = self.filter(recipient=user)
        member = Q(case__isnull=True) | Q(case_id__in=active_memberships(user, "view").values("case_id"))
        allowed = Q(handling=Handling.TEAM)
        if user.agency_id:
            allowed |= Q(handling=Handling.AGENCY, origin_agency_id=user.agency_id)
        if user_is_fiu(user):
            allowed |= Q(handling=Handling.FIU)
        else:
            allowed |= Q(handling=Handling.FIU, case_id__in=fiu_granted_cases(user))
        return qs.filter(member & allowed)


class Notification(models.Model):
    """A message to one user (deadline reminders, finished jobs, overdue tasks, deconfliction hits).

    It carries the strictest handling of the records it speaks of (`Handling.strictest`), and is shown
    only while its recipient may see them."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    # Re-running a scheduled check must not notify twice: one key per reason.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    handling = models.CharField(max_length=10, choices=Handling.choices, default=Handling.TEAM)
    origin_agency = models.ForeignKey("cases.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    # The records it speaks of: [[model label, pk], ...].
    sources = models.JSONField(default=list, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="one_notification_per_reason")]

    def __str__(self):
        return self.message
