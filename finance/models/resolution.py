"""Entity resolution: suggested matches the analyst confirms or rejects."""
from django.conf import settings
from django.db import models

from cases.models.records import CaseRecord


class ResolutionSuggestion(CaseRecord):
    """"Party P may be case person E" (or the same as party Q). Rejected suggestions are kept so they
    are not suggested again; confirmed ones link the party to the entity or merge the two parties."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    party = models.ForeignKey("finance.Party", on_delete=models.CASCADE, related_name="suggestions")
    entity = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    other_party = models.ForeignKey("finance.Party", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+")
    score = models.PositiveSmallIntegerField(help_text="0–100")
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["party", "entity"], condition=models.Q(entity__isnull=False),
                                    name="finance_suggest_entity_once"),
            models.UniqueConstraint(fields=["party", "other_party"], condition=models.Q(other_party__isnull=False),
                                    name="finance_suggest_party_once"),
            models.CheckConstraint(condition=models.Q(entity__isnull=False) ^ models.Q(other_party__isnull=False),
                                   name="finance_suggest_one_target"),
        ]

    def __str__(self):
        target = self.entity or self.other_party
        return f"{self.party} ≈ {target} ({self.score})"

    @property
    def target(self):
        return self.entity or self.other_party
