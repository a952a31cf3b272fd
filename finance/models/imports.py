"""Imports: one uploaded file turned into ledger rows, with its provenance."""
from django.conf import settings as django_settings
from django.db import models

from cases.models.records import CaseRecord, HandledRecord


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV table"
    XLSX = "xlsx", "Excel workbook"
    GOAML = "goaml", "goAML XML report"
    CAMT053 = "camt053", "ISO 20022 camt.053 statement"
    MT940 = "mt940", "SWIFT MT940 statement"
    CRYPTO_UTXO = "crypto-utxo", "Crypto export, UTXO (inputs/outputs)"
    CRYPTO_ACCOUNT = "crypto-account", "Crypto export, account model (from/to)"


class Import(HandledRecord):
    """An uploaded file and what became of it. Every ledger row points here."""

    class Status(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", "Waiting for column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected — errors in the file"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    evidence = models.ForeignKey("cases.EvidenceFile", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=20, choices=ImportFormat.choices)
    sha256 = models.CharField(max_length=64, db_index=True)
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey("cases.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Detected dialect (encoding, delimiter, decimal separator, date format) and column mapping.
    options = models.JSONField(default=dict, blank=True)
    profile = models.ForeignKey("finance.ColumnMappingProfile", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="imports")
    source_label = models.CharField(max_length=200, blank=True, help_text="Bank, exchange or reporting entity")
    row_count = models.PositiveIntegerField(default=0)
    transaction_count = models.PositiveIntegerField(default=0)
    crypto_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # Every problem found: [{"row": …, "field": …, "value": …, "reason": …}], capped (see ERRORS_KEPT).
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    ERRORS_KEPT = 5000

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "sha256"])]

    def __str__(self):
        return f"Import #{self.pk}: {self.original_name} ({self.get_format_display()})"

    @property
    def is_tabular(self):
        return self.format in (ImportFormat.CSV, ImportFormat.XLSX)


class ColumnMappingProfile(CaseRecord):
    """A saved CSV/XLSX column mapping ("export of bank X"), reused when a file with the same header arrives."""

    name = models.CharField(max_length=100)
    # ledger field -> column header, e.g. {"booked_at": "Buchungstag", "amount": "Betrag"}
    mapping = models.JSONField(default=dict)
    # Dialect settings that are not detected reliably: date format, decimal separator, default currency.
    settings = models.JSONField(default=dict, blank=True)
    header_signature = models.CharField(max_length=64, db_index=True, blank=True,
                                        help_text="SHA-256 of the normalised header row it was made for")
    last_used_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="finance_profile_name_once")]

    def __str__(self):
        return self.name
