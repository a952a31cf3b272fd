"""Abstract bases for records that belong to a case."""
from django.conf import settings
from django.db import models

from cases.access import CaseScopedQuerySet, Handling, scope_guard


class UniqueChecksAcrossCases:
    """Django's uniqueness and constraint checks query the default manager without a case: they look
    across cases by design and return nothing but a yes/no, so the scope guard stands aside for them."""

    def validate_unique(self, *args, **kwargs):
        with scope_guard(False):
            return super().validate_unique(*args, **kwargs)

    def validate_constraints(self, *args, **kwargs):
        with scope_guard(False):
            return super().validate_constraints(*args, **kwargs)


class CaseRecord(UniqueChecksAcrossCases, models.Model):
    """A record owned by one case; its default manager is case-scoped."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseScopedQuerySet.as_manager()

    HAS_HANDLING = False

    class Meta:
        abstract = True


class HandledRecord(CaseRecord):
    """A case record carrying a handling code (team / agency / fiu)."""

    handling = models.CharField(max_length=10, choices=Handling.choices, default=Handling.TEAM)
    origin_agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="+")
    fiu_released_at = models.DateTimeField(null=True, blank=True)
    fiu_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    HAS_HANDLING = True

    class Meta:
        abstract = True
