"""International cooperation: mutual legal assistance requests and asset-sharing agreements."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.models.people import validate_country
from cases.models.records import CaseRecord, HandledRecord


class MlaRequest(HandledRecord):
    """A request for mutual legal assistance about assets (tracing, freezing, confiscation, enforcement)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"
        RECEIVED = "received", "Received by the requested state"
        IN_EXECUTION = "in_execution", "In execution"
        EXECUTED = "executed", "Executed"
        PARTIALLY_EXECUTED = "partially_executed", "Partially executed"
        REFUSED = "refused", "Refused"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Purpose(models.TextChoices):
        TRACING = "tracing", "Tracing and identification of assets"
        FREEZING = "freezing", "Freezing / seizure"
        CONFISCATION = "confiscation", "Recognition and execution of a confiscation order"
        EVIDENCE = "evidence", "Evidence (bank records, registry extracts)"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=60, help_text="File number of the request")
    requesting_state = models.CharField(max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2")
    requested_state = models.CharField(max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2")
    purpose = models.CharField(max_length=14, choices=Purpose.choices, default=Purpose.FREEZING)
    legal_basis = models.CharField(max_length=300, blank=True,
                                   help_text="Treaty or instrument, e.g. UNTOC art. 13, EU Regulation 2018/1805")
    central_authority = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    sent_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    response_due_on = models.DateField(null=True, blank=True)
    executed_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    assets = models.ManyToManyField("recovery.Asset", blank=True, related_name="mla_requests")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "reference"], name="recovery_mla_reference_once")]
        verbose_name = "MLA request"

    def __str__(self):
        return f"MLA {self.reference} ({self.requesting_state} → {self.requested_state})"

    def clean(self):
        errors = {}
        if self.requesting_state and self.requesting_state == self.requested_state:
            errors["requested_state"] = "The requested state must differ from the requesting state."
        if self.sent_on and self.received_on and self.received_on < self.sent_on:
            errors["received_on"] = "A request cannot be received before it was sent."
        if self.executed_on and self.sent_on and self.executed_on < self.sent_on:
            errors["executed_on"] = "A request cannot be executed before it was sent."
        if errors:
            raise ValidationError(errors)


class SharingAgreement(CaseRecord):
    """An agreement between states to share confiscated assets (UNTOC art. 14(3)(b))."""

    reference = models.CharField(max_length=60)
    concluded_on = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300, blank=True)
    assets = models.ManyToManyField("recovery.Asset", blank=True, related_name="sharing_agreements")
    mla_request = models.ForeignKey(MlaRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "reference"], name="recovery_sharing_reference_once")]

    def __str__(self):
        return f"Sharing agreement {self.reference}"

    @property
    def total_percent(self):
        return sum((s.share_percent for s in self.shares.all()), Decimal("0"))


class SharingShare(CaseRecord):
    """One state's share of the assets under an agreement; the shares of an agreement sum to at most 100 %."""

    agreement = models.ForeignKey(SharingAgreement, on_delete=models.CASCADE, related_name="shares")
    state = models.CharField(max_length=2, validators=[validate_country], help_text="ISO 3166-1 alpha-2")
    share_percent = models.DecimalField(max_digits=5, decimal_places=2,
                                        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])

    class Meta:
        ordering = ["-share_percent", "state"]
        constraints = [models.UniqueConstraint(fields=["agreement", "state"], name="recovery_share_once_per_state")]

    def __str__(self):
        return f"{self.state}: {self.share_percent}%"
