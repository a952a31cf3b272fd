"""Money-flow analyses: runs with their parameters, inputs and results; typology alerts;
the case's lists (listed counterparties, high-risk jurisdictions), crypto tags, per-case
detector settings, and purchase payments marked against a seizure.

A run's result is written once, in the same transaction that marks it succeeded; a
re-run is a new run (the old one stays readable).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from cases.models.records import CaseRecord, HandledRecord


class AnalysisKind(models.TextChoices):
    TRACE = "trace", "Follow the money (trace)"
    TYPOLOGIES = "typologies", "Typology scan (laundering patterns)"
    CRYPTO_CLUSTER = "crypto-cluster", "Crypto address clustering"
    TAINT = "taint", "Crypto taint to exchanges"


class AnalysisRun(HandledRecord):
    """One execution of an analysis. Handling follows the most restrictive input it read."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    Kind = AnalysisKind

    kind = models.CharField(max_length=20, choices=AnalysisKind.choices)
    title = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    job = models.ForeignKey("cases.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns")
    seizure = models.ForeignKey("seizures.Seizure", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", help_text="The seizure this trace was started from")
    version = models.PositiveIntegerField(default=1, help_text="n-th run of this kind in the case")
    # Provenance of the input: imports (id, file, SHA-256), row counts, latest transaction id, handling codes read.
    input_snapshot = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "kind", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.version}" + (f" — {self.title}" if self.title else "")

    @property
    def effective_status(self):
        """A run whose job failed or was cancelled (e.g. its worker was lost and the job reaped)
        is failed even if the run row never heard of it: it has no result."""
        if self.status in (self.Status.QUEUED, self.Status.RUNNING) and self.job_id and self.job.is_finished \
                and self.job.status != "succeeded":
            return self.Status.FAILED
        return self.status


class Typology(models.TextChoices):
    STRUCTURING = "structuring", "Structuring"
    FAN_IN = "fan_in", "Fan-in (many senders)"
    FAN_OUT = "fan_out", "Fan-out (many receivers)"
    ROUND_TRIP = "round_trip", "Round-tripping"
    PASS_THROUGH = "pass_through", "Pass-through / rapid movement"
    SCATTER_GATHER = "scatter_gather", "Scatter-gather / layering"
    LISTED = "listed", "Listed counterparty or high-risk jurisdiction"


class Alert(HandledRecord):
    """A pattern a detector found, with its evidence. Decisions survive re-runs via `fingerprint`."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONFIRMED = "confirmed", "Confirmed"
        DISMISSED = "dismissed", "Dismissed"

    Typology = Typology

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="alerts")
    typology = models.CharField(max_length=20, choices=Typology.choices)
    fingerprint = models.CharField(max_length=64, db_index=True)
    subject = models.ForeignKey("finance.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_label = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=300)
    explanation = models.TextField()
    score = models.DecimalField(max_digits=4, decimal_places=3)
    total_amount = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    first_at = models.DateTimeField(null=True, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    evidence = models.ManyToManyField("finance.Transaction", related_name="+", blank=True)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "-id"]
        constraints = [models.UniqueConstraint(fields=["run", "fingerprint"], name="analysis_alert_once_per_run")]

    def __str__(self):
        return self.title


class ListEntry(CaseRecord):
    """An entry of a list the case loads: a listed counterparty or a high-risk jurisdiction."""

    class Kind(models.TextChoices):
        JURISDICTION = "jurisdiction", "High-risk jurisdiction (country code)"
        NAME = "name", "Listed counterparty name"
        IDENTIFIER = "identifier", "Listed account / IBAN / address"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.CharField(max_length=300)
    value_normalized = models.CharField(max_length=300, db_index=True, editable=False)
    list_name = models.CharField(max_length=100, help_text="e.g. 'FATF call for action', 'EU sanctions'")
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="File or publication it came from")
    evidence = models.ForeignKey("cases.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["list_name", "kind", "value"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "value_normalized", "list_name"],
                                               name="analysis_list_entry_once")]

    def __str__(self):
        return f"{self.value} ({self.list_name})"


class CryptoTag(CaseRecord):
    """What the case knows about a crypto address: exchange, mixer, darknet market …, with source and confidence."""

    class Label(models.TextChoices):
        EXCHANGE = "exchange", "Exchange"
        MIXER = "mixer", "Mixer"
        DARKNET_MARKET = "darknet_market", "Darknet market"
        GAMBLING = "gambling", "Gambling"
        SERVICE = "service", "Other service"
        PERSONAL = "personal", "Personal wallet"

    chain = models.CharField(max_length=20)
    address = models.CharField(max_length=120)
    address_normalized = models.CharField(max_length=120, db_index=True, editable=False)
    label = models.CharField(max_length=20, choices=Label.choices)
    name = models.CharField(max_length=200, help_text="e.g. 'Binance', 'Hydra market'")
    source = models.CharField(max_length=300, help_text="Where the attribution comes from")
    confidence = models.DecimalField(max_digits=3, decimal_places=2, help_text="0 to 1")
    evidence = models.ForeignKey("cases.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["label", "name", "address"]
        constraints = [models.UniqueConstraint(fields=["case", "chain", "address_normalized", "label", "name"],
                                               name="analysis_crypto_tag_once")]

    def clean(self):
        if self.confidence is not None and not 0 <= self.confidence <= 1:
            raise ValidationError({"confidence": "Confidence lies between 0 and 1."})

    def __str__(self):
        return f"{self.address} — {self.get_label_display()} {self.name}"


class DetectorSettings(CaseRecord):
    """Per-case detector configuration (JSON, validated by `finance.analysis.engine.typologies`)."""

    settings = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case"], name="analysis_detector_settings_once")]
        verbose_name_plural = "detector settings"


class SeizurePayment(CaseRecord):
    """A payment marked as linked to a seizure (e.g. the darknet order that bought the guns)."""

    seizure = models.ForeignKey("seizures.Seizure", on_delete=models.CASCADE, related_name="+")
    transaction = models.ForeignKey("finance.Transaction", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    crypto_transaction = models.ForeignKey("finance.CryptoTransaction", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(transaction__isnull=False) | models.Q(crypto_transaction__isnull=False),
                name="analysis_seizure_payment_has_payment"),
        ]

    def clean(self):
        if not self.transaction_id and not self.crypto_transaction_id:
            raise ValidationError("Choose the transaction or crypto transaction that paid for the seizure.")
