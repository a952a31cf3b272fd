"""Assets held by the network: what they are, who holds them, what they are worth, where they came from."""
from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.models.people import validate_country
from cases.models.records import CaseRecord, HandledRecord

from .base import AssetChildQuerySet


class AssetKind(models.TextChoices):
    BANK_ACCOUNT = "bank_account", "Bank account"
    CRYPTO_WALLET = "crypto_wallet", "Crypto wallet"
    REAL_ESTATE = "real_estate", "Real estate"
    VEHICLE = "vehicle", "Vehicle"
    VESSEL = "vessel", "Vessel"
    AIRCRAFT = "aircraft", "Aircraft"
    CASH = "cash", "Cash"
    COMPANY_SHARES = "company_shares", "Company shares"
    SECURITIES = "securities", "Securities"
    VALUABLES = "valuables", "Valuables"
    OTHER = "other", "Other"


class AssetState(models.TextChoices):
    """Where an asset stands in the legal process (see finance/recovery/states.py for the transitions)."""

    IDENTIFIED = "identified", "Identified"
    FREEZE_REQUESTED = "freeze_requested", "Freeze requested"
    FROZEN = "frozen", "Frozen / restrained"
    SEIZED = "seized", "Seized"
    CONFISCATED = "confiscated", "Confiscated (conviction-based)"
    FORFEITED = "forfeited", "Forfeited (non-conviction-based)"
    DISPOSED = "disposed", "Disposed"
    RETURNED = "returned", "Returned"
    SHARED = "shared", "Shared"
    RELEASED = "released", "Released"


class Asset(HandledRecord):
    """A thing of value the network holds, followed through freezing, seizure and confiscation."""

    Kind = AssetKind
    State = AssetState

    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    label = models.CharField(max_length=200, help_text="Short name, e.g. “Current account at Adriatic Bank”")
    description = models.TextField(blank=True)
    institution = models.CharField(max_length=200, blank=True,
                                   help_text="Bank, exchange, registry or custodian that holds or records it")
    jurisdiction = models.CharField(max_length=2, validators=[validate_country],
                                    help_text="ISO 3166-1 alpha-2 country where the asset is located or registered")
    location = models.CharField(max_length=300, blank=True, help_text="Address, branch, port, parking place …")
    estimated_value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True,
                                          validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 currency of the estimated value")
    valuation_date = models.DateField(null=True, blank=True)
    valuation_source = models.CharField(max_length=200, blank=True,
                                        help_text="Bank balance confirmation, expert appraisal, market price …")
    account = models.ForeignKey("finance.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="The ledger account or crypto address this asset is, if any")
    state = models.CharField(max_length=20, choices=AssetState.choices, default=AssetState.IDENTIFIED, editable=False)
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.label

    def clean(self):
        if self.estimated_value is not None and not self.currency:
            raise ValidationError({"currency": "Give the currency of the estimated value."})
        if self.currency and self.estimated_value is None:
            raise ValidationError({"estimated_value": "A currency without a value: give the estimated value too."})


class AssetIdentifier(models.Model):
    """IBAN, crypto address, registration, land-registry reference … validated and normalized by kind."""

    class Kind(models.TextChoices):
        IBAN = "iban", "IBAN"
        ACCOUNT_NUMBER = "account_number", "Account number (not IBAN)"
        CRYPTO_ADDRESS = "crypto_address", "Crypto address"
        VIN = "vin", "Vehicle identification number (VIN)"
        REGISTRATION_PLATE = "registration_plate", "Registration plate"
        IMO = "imo", "IMO ship number"
        AIRCRAFT_REGISTRATION = "aircraft_registration", "Aircraft registration mark"
        LAND_REGISTRY = "land_registry", "Land-registry reference"
        COMPANY_NUMBER = "company_number", "Company registration number"
        ISIN = "isin", "ISIN"
        SERIAL_NUMBER = "serial_number", "Serial number"
        OTHER = "other", "Other"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    value = models.CharField(max_length=150, help_text="As written in the source")
    value_normalized = models.CharField(max_length=150, db_index=True, editable=False)
    chain = models.CharField(max_length=20, blank=True, help_text="For crypto addresses: btc, eth, ltc …")

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["asset", "kind", "value_normalized"],
                                               name="recovery_identifier_once_per_asset")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class AssetHolder(CaseRecord):
    """A case person or organisation holding the asset, or owning it beneficially, with a share."""

    class Role(models.TextChoices):
        HOLDER = "holder", "Holder (legal owner)"
        BENEFICIAL_OWNER = "beneficial_owner", "Beneficial owner"

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="holders")
    entity = models.ForeignKey("cases.Entity", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.HOLDER)
    share_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
        help_text="Ownership share in percent; empty if unknown")
    note = models.CharField(max_length=300, blank=True)

    objects = AssetChildQuerySet.as_manager()

    class Meta:
        ordering = ["role", "-share_percent", "id"]
        constraints = [models.UniqueConstraint(fields=["asset", "entity", "role"], name="recovery_holder_once")]

    def __str__(self):
        share = f" ({self.share_percent}%)" if self.share_percent is not None else ""
        return f"{self.entity} — {self.get_role_display().lower()}{share}"


class AssetOrigin(CaseRecord):
    """A link from an asset to the evidence of its illicit origin: a transaction, a seizure, a firearm,
    an evidence file, an analysis result. Kinds are listed in finance/recovery/origins.py."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="origins")
    kind = models.CharField(max_length=30)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300, help_text="What the linked record was when linked")
    explanation = models.TextField(blank=True, help_text="Why this shows the asset's illicit origin")

    objects = AssetChildQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["asset", "content_type", "object_id"],
                                               name="recovery_origin_once")]

    def __str__(self):
        return self.label
