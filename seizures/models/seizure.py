"""A seizure event: when, where, by whom, in what context and on what legal basis."""
from django.core.exceptions import ValidationError
from django.db import models

from cases.models import CaseRecord
from cases.models.people import validate_country

from .choices import CriminalContext, LegalBasis, PartyRole, RecoveryType, SeizureContext


def validate_country_list(value):
    if not isinstance(value, list):
        raise ValidationError("A list of ISO 3166-1 alpha-2 country codes.")
    for code in value:
        validate_country(code)


class Seizure(CaseRecord):
    """Seizures are the factual base of a case and shared with the whole joint team."""

    reference = models.CharField(max_length=40, help_text="Seizure report number, unique within the case")
    occurred_at = models.DateTimeField("date and time")
    country = models.CharField(max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=100, blank=True)
    place = models.CharField(max_length=300, blank=True, help_text="Address or description of the place")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    seizing_agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="+")
    seizing_officer = models.CharField(max_length=200, blank=True)
    recovery_type = models.CharField(max_length=12, choices=RecoveryType.choices, default=RecoveryType.SEIZED)
    context = models.CharField(max_length=20, choices=SeizureContext.choices)
    # Legal basis is the ground on which the items were taken; it does not change.
    legal_basis = models.CharField(max_length=24, choices=LegalBasis.choices)
    legal_basis_detail = models.CharField(max_length=300, blank=True, help_text="Statute or 'other' explained")
    # The criminal context emerges later; changes are kept in CriminalContextChange.
    criminal_context = models.CharField(max_length=20, choices=CriminalContext.choices, default=CriminalContext.UNKNOWN)
    route_departure = models.CharField(max_length=2, blank=True, validators=[validate_country])
    route_transit = models.JSONField(default=list, blank=True, validators=[validate_country_list])
    route_destination = models.CharField(max_length=2, blank=True, validators=[validate_country])
    concealment = models.CharField(max_length=300, blank=True, help_text="How the items were hidden")
    description = models.TextField(blank=True)
    source_evidence = models.ForeignKey("cases.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", help_text="Imported from this file")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "reference"], name="seizure_reference_once_per_case")]

    def __str__(self):
        return f"Seizure {self.reference} ({self.occurred_at:%d %b %Y})" if self.occurred_at else f"Seizure {self.reference}"

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": "Latitude lies between -90 and 90."})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": "Longitude lies between -180 and 180."})
        if self.legal_basis == LegalBasis.OTHER and not self.legal_basis_detail.strip():
            raise ValidationError({"legal_basis_detail": "Say which legal basis when it is 'other'."})

    @property
    def route(self):
        return [c for c in [self.route_departure, *self.route_transit, self.route_destination] if c]


class CriminalContextChange(CaseRecord):
    """History of a seizure's criminal context: each assessment with who, when and why."""

    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="context_changes")
    previous = models.CharField(max_length=20, choices=CriminalContext.choices, blank=True)
    context = models.CharField(max_length=20, choices=CriminalContext.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class SeizureParty(CaseRecord):
    """A person or organisation of the case involved in the seizure."""

    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="parties")
    entity = models.ForeignKey("cases.Entity", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=PartyRole.choices)

    class Meta:
        ordering = ["role", "id"]
        constraints = [models.UniqueConstraint(fields=["seizure", "entity", "role"], name="seizure_party_once")]

    def __str__(self):
        return f"{self.entity} ({self.get_role_display().lower()})"
