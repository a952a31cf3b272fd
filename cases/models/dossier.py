"""Prosecutor's dossiers: court-ready PDF exports of a case, hashed and with a manifest."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.access import Action


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = Action.VIEW):
        """A dossier shows what its requester could see; only the requester may open it,
        and only while they may still export from the case."""
        from cases.models import Case

        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(requested_by=user, case__in=Case.objects.visible_to(user, Action.EXPORT))


class Dossier(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, default="web", help_text="web, api or cli")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # What the user asked for: section keys, period, bundle; stored as given.
    parameters = models.JSONField(default=dict, blank=True)
    # What the dossier contains: keys of the sections actually rendered, in order.
    sections = models.JSONField(default=list, blank=True)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    handling_included = models.JSONField(default=list, blank=True)
    classification = models.CharField(max_length=200, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    pdf_storage_name = models.CharField(max_length=255, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    pdf_size = models.BigIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    bundle_storage_name = models.CharField(max_length=255, blank=True, editable=False)
    bundle_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    bundle_size = models.BigIntegerField(null=True, blank=True)
    job = models.ForeignKey("cases.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__isnull=True) | Q(period_to__isnull=True) | Q(period_from__lte=models.F("period_to")),
                name="dossier_period_in_order",
            )
        ]

    def __str__(self):
        return f"Dossier {self.identifier}"

    @property
    def identifier(self):
        """The number printed on every page and used by `dossier_verify`."""
        return f"{self.case.reference}-D{self.pk}" if self.pk else f"{self.case.reference}-D?"
