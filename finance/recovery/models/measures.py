"""Legal measures: each one is a step of an asset's state machine, with its order and deadlines."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from cases.models.records import CaseRecord

from .assets import Asset, AssetState
from .base import AssetChildQuerySet


class LegalMeasure(CaseRecord):
    """A freeze request, freeze/restraint order, seizure, confiscation, forfeiture, disposal, return,
    sharing or release of one asset. The newest measure of an asset is its current one; earlier ones are
    superseded (their deadlines no longer run)."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="measures")
    from_state = models.CharField(max_length=20, choices=AssetState.choices)
    to_state = models.CharField(max_length=20, choices=AssetState.choices)
    authority = models.CharField(max_length=200, help_text="Court, prosecutor or agency that ordered or requested it")
    legal_basis = models.CharField(max_length=300, help_text="Statute and article, e.g. “CPC art. 265(1)”")
    order_reference = models.CharField(max_length=100, blank=True, help_text="Court file or order number")
    issued_on = models.DateField(help_text="Date the order or request was issued")
    served_on = models.DateField(null=True, blank=True, help_text="Date it was served on the holder or institution")
    expires_on = models.DateField(null=True, blank=True, help_text="Date the order lapses unless renewed")
    review_on = models.DateField(null=True, blank=True, help_text="Date a court or the prosecutor must review it")
    amount_covered = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True,
                                         validators=[MinValueValidator(Decimal("0"))])
    amount_currency = models.CharField(max_length=3, blank=True)
    reason = models.TextField(blank=True, help_text="Required for a release: why the asset is released")
    note = models.TextField(blank=True)
    documents = models.ManyToManyField("cases.EvidenceFile", blank=True, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AssetChildQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["expires_on"]), models.Index(fields=["review_on"])]

    def __str__(self):
        return f"{self.get_to_state_display()} — {self.asset} ({self.issued_on:%d %b %Y})"

    @property
    def is_current(self):
        return self.superseded_at is None

    @property
    def is_renewal(self):
        return self.from_state == self.to_state

    def clean(self):
        errors = {}
        if self.served_on and self.issued_on and self.served_on < self.issued_on:
            errors["served_on"] = "An order cannot be served before it was issued."
        if self.expires_on and self.issued_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = "The expiry date must come after the date of issue."
        if self.review_on and self.issued_on and self.review_on < self.issued_on:
            errors["review_on"] = "The review date cannot come before the date of issue."
        if self.amount_covered is not None and not self.amount_currency:
            errors["amount_currency"] = "Give the currency of the amount covered."
        if self.to_state == AssetState.RELEASED and not (self.reason or "").strip():
            errors["reason"] = "Say why the asset is released (court decision, expiry, successful appeal …)."
        if errors:
            raise ValidationError(errors)
