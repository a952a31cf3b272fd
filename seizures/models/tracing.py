"""Tracing requests and the transfer documents found or obtained."""
from django.core.exceptions import ValidationError
from django.db import models

from cases.models import HandledRecord
from cases.models.people import validate_country


class TracingRequest(HandledRecord):
    class Destination(models.TextChoices):
        NATIONAL_REGISTRY = "national_registry", "National firearms registry"
        FOREIGN_STATE = "foreign_state", "Foreign state's national focal point"
        IARMS = "iarms", "INTERPOL iARMS"
        MANUFACTURER = "manufacturer", "Manufacturer"

    class Priority(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESPONDED = "responded", "Responded"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        DIVERSION_POINT = "diversion_point", "Traced to the point of diversion"
        LAST_LEGAL_OWNER = "last_legal_owner", "Traced to the last legal owner"
        NOT_TRACED = "not_traced", "Not traced"

    class DiversionType(models.TextChoices):
        STOCKPILE_LOSS = "stockpile_loss", "Loss from a state stockpile"
        THEFT = "theft", "Theft"
        ILLICIT_RETRANSFER = "illicit_retransfer", "Illicit retransfer"
        STRAW_PURCHASE = "straw_purchase", "Straw purchase"
        CRAFT_PRODUCTION = "craft_production", "Craft production"
        CONVERSION = "conversion", "Conversion of a non-lethal weapon"
        EXPORT_DIVERSION = "export_diversion", "Diversion of an export"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.SENT, Status.ACKNOWLEDGED)
    SUCCESSFUL = (Outcome.DIVERSION_POINT, Outcome.LAST_LEGAL_OWNER)

    reference = models.CharField(max_length=40, help_text="Our reference, unique within the case")
    firearms = models.ManyToManyField("seizures.Firearm", related_name="tracing_requests")
    destination = models.CharField(max_length=20, choices=Destination.choices)
    destination_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    destination_name = models.CharField(max_length=200, blank=True, help_text="Authority, focal point or manufacturer")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.ROUTINE)
    justification = models.TextField(blank=True, help_text="Why urgent")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    their_reference = models.CharField(max_length=60, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    not_traced_reason = models.CharField(max_length=300, blank=True)
    last_legal_owner = models.CharField(max_length=200, blank=True)
    last_legal_transfer = models.CharField(max_length=300, blank=True, help_text="Licence, date and parties of the last legal transfer")
    last_legal_country = models.CharField(max_length=2, blank=True, validators=[validate_country])
    diversion_point = models.CharField(max_length=300, blank=True)
    diversion_type = models.CharField(max_length=20, choices=DiversionType.choices, blank=True)
    response_text = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "reference"], name="tracing_reference_once_per_case")]

    def __str__(self):
        return f"Tracing request {self.reference}"

    def clean(self):
        if self.destination == self.Destination.FOREIGN_STATE and not self.destination_country:
            raise ValidationError({"destination_country": "A request to a foreign state names the country."})
        if self.priority == self.Priority.URGENT and not self.justification.strip():
            raise ValidationError({"justification": "An urgent request needs a justification."})
        if self.outcome == self.Outcome.NOT_TRACED and not self.not_traced_reason.strip():
            raise ValidationError({"not_traced_reason": "Say why the firearm could not be traced."})

    @property
    def is_successful(self):
        return self.outcome in self.SUCCESSFUL

    def is_overdue(self, today):
        return self.status in self.OPEN_STATUSES and self.due_date is not None and self.due_date < today


class TransferDocument(HandledRecord):
    class Kind(models.TextChoices):
        IMPORT_LICENCE = "import_licence", "Import licence"
        EXPORT_LICENCE = "export_licence", "Export licence"
        TRANSIT_LICENCE = "transit_licence", "Transit licence"
        END_USER_CERTIFICATE = "end_user_certificate", "End-user certificate"
        END_USE_CERTIFICATE = "end_use_certificate", "End-use certificate"
        TRANSPORT_DOCUMENT = "transport_document", "Transport document (CMR, bill of lading, air waybill)"
        BROKERING_AUTHORIZATION = "brokering_authorization", "Brokering authorization"
        OTHER = "other", "Other"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", "Unverified"
        AUTHENTIC = "authentic", "Verified authentic"
        FORGED = "forged", "Forged"
        ALTERED = "altered", "Altered"
        BEYOND_TERMS = "beyond_terms", "Used beyond its terms"

    DIVERSION_SIGNS = (Verification.FORGED, Verification.ALTERED, Verification.BEYOND_TERMS)

    seizure = models.ForeignKey("seizures.Seizure", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="documents")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    number = models.CharField(max_length=100)
    issuing_authority = models.CharField(max_length=200)
    issuing_country = models.CharField(max_length=2, validators=[validate_country])
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    exporter = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    importer = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    broker = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    carrier = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    declared_end_user = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    items_description = models.TextField(blank=True, help_text="Items and quantities as stated on the document")
    quantity = models.PositiveIntegerField(null=True, blank=True)
    non_reexport_clause = models.BooleanField(default=False)
    verification_status = models.CharField(max_length=14, choices=Verification.choices, default=Verification.UNVERIFIED)
    verification_method = models.CharField(max_length=300, blank=True, help_text="How it was verified, with whom")
    firearms = models.ManyToManyField("seizures.Firearm", blank=True, related_name="transfer_documents")
    evidence = models.ForeignKey("cases.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": "The document expires before it was issued."})
        if self.verification_status != self.Verification.UNVERIFIED and not self.verification_method.strip():
            raise ValidationError({"verification_method": "Say how the document was verified."})
