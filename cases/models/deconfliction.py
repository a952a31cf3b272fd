"""Hits of cross-case deconfliction (serial numbers, accounts, addresses)."""
from django.conf import settings
from django.db import models

from cases.access import Handling


class DeconflictionHit(models.Model):
    """One case's record matched a record of another case.

    Stored once per pair of records, whichever side recorded first. Both sides see it the same
    way: a flag on their own record that another case holds a match and which agency to contact,
    never the other case's reference or record. It carries the strictest handling of the two
    records (`Handling.strictest`): a hit on unreleased FIU intelligence is shown only to users
    with FIU access to the FIU side's case (`subject_fiu` / `other_fiu` say which side that is).
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
    # What each side is shown: its own value (a partial serial differs from the other side's) and a
    # link to its own record.
    other_value = models.CharField(max_length=200, blank=True)
    subject_url = models.CharField(max_length=300, blank=True)
    other_url = models.CharField(max_length=300, blank=True)
    handling = models.CharField(max_length=10, choices=Handling.choices, default=Handling.TEAM)
    origin_agency = models.ForeignKey("cases.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    subject_fiu = models.BooleanField(default=False, help_text="The subject was unreleased FIU intelligence")
    other_fiu = models.BooleanField(default=False, help_text="The other record was unreleased FIU intelligence")

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "subject_type", "subject_id", "other_case", "other_type", "other_id"],
                name="deconfliction_hit_once",
            )
        ]

    # A hit is never released: it stays as strict as the records were when they matched.
    fiu_released_at = None

    def __str__(self):
        return f"{self.kind} matches a record of another case"

    @property
    def fiu_case_ids(self):
        """The cases whose unreleased FIU intelligence the hit rests on."""
        return [c for c, fiu in ((self.case_id, self.subject_fiu), (self.other_case_id, self.other_fiu)) if fiu]
