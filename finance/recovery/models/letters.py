"""Freeze and production request letters to banks and crypto exchanges."""
from django.conf import settings
from django.db import models

from cases.models.records import HandledRecord


class RequestLetter(HandledRecord):
    """A letter drafted from selected assets (or crypto-taint endpoints), edited, then issued as a PDF
    stored as an evidence file of the case."""

    class Kind(models.TextChoices):
        FREEZE = "freeze", "Freeze request"
        PRODUCTION = "production", "Production order / request for information"

    class AddresseeKind(models.TextChoices):
        BANK = "bank", "Bank"
        EXCHANGE = "exchange", "Crypto exchange / virtual-asset service provider"
        OTHER = "other", "Other institution"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FREEZE)
    addressee = models.CharField(max_length=200, help_text="Name of the bank or exchange")
    addressee_kind = models.CharField(max_length=10, choices=AddresseeKind.choices, default=AddresseeKind.BANK)
    addressee_address = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="The letter's text; edit freely before issuing")
    assets = models.ManyToManyField("recovery.Asset", blank=True, related_name="letters")
    transactions = models.ManyToManyField("finance.Transaction", blank=True, related_name="+",
                                          help_text="Transactions supporting the request")
    # crypto-taint endpoints of an analysis: [{"chain": "btc", "address": "...", "amount": "0.5", "asset": "BTC",
    #  "analysis": "<id>", "note": "..."}]
    endpoints = models.JSONField(default=list, blank=True)
    # What else the letter is made from besides its assets and transactions (the analysis run of its
    # endpoints): [[model label, pk], ...], so a release can name what it rests on.
    sources = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey("cases.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="The issued PDF")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.addressee}"
