"""Hits of cross-case deconfliction (serial numbers, accounts, addresses)."""
from django.conf import settings
from django.db import models


class DeconflictionHit(models.Model):
    """One case's record matched a record of another case.

    Stored once per (case, subject, other case, matched value). The user of `case`
    sees the other case's details only if they are a member there; otherwise the
    hit says only that another case holds a match and which agency to contact.
    """

    class MatchType(models.TextChoices):
        EXACT = "exact", "Exact"
        PARTIAL = "partial", "Partial"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deconfliction_hits")
    kind = models.CharField(max_length=40)  # "serial number", "IBAN", "crypto address" ...
    subject_type = models.CharField(max_length=100)  # model label of the record in `case`
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=300)
    matched_value = models.CharField(max_length=200)
    match_type = models.CharField(max_length=10, choices=MatchType.choices, default=MatchType.EXACT)
    other_case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    other_type = models.CharField(max_length=100)
    other_id = models.CharField(max_length=64)
    contact_agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="+")
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "subject_type", "subject_id", "other_case", "other_type", "other_id"],
                name="deconfliction_hit_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.matched_value} in {self.case.reference} matches a record of another case"
