"""The case's ledger: accounts, parties, transactions and crypto transactions.

Amounts are Decimal with a currency; every row keeps the import it came from
and the row number or XML element path inside that file.
"""
from django.conf import settings
from django.db import models

from cases.models.records import HandledRecord


class FxRate(models.Model):
    """Stored exchange rates: 1 unit of `currency` = `rate` units of `quote_currency` on `on`.

    Not case data: one table for all cases, filled by administrators or a
    feed (central bank reference rates). Amounts in a case's reference
    currency use the latest rate on or before the booking date.
    """

    currency = models.CharField(max_length=3)
    quote_currency = models.CharField(max_length=3)
    on = models.DateField()
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    source = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-on", "currency"]
        constraints = [models.UniqueConstraint(fields=["currency", "quote_currency", "on"], name="finance_fx_once")]
        verbose_name = "FX rate"

    def __str__(self):
        return f"1 {self.currency} = {self.rate} {self.quote_currency} on {self.on}"


class ProvenanceMixin(models.Model):
    """Where a ledger row came from: the import (file SHA-256, format, uploader, time) and the row or element."""

    source_import = models.ForeignKey("finance.Import", on_delete=models.PROTECT, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True, help_text="Row number in the file (1 = header)")
    source_path = models.CharField(max_length=300, blank=True, help_text="XML element path or statement line")

    class Meta:
        abstract = True

    @property
    def source_location(self):
        return f"row {self.source_row}" if self.source_row else self.source_path


class Party(ProvenanceMixin, HandledRecord):
    """A holder, payer or payee named in imported data; resolved to a case person/organisation when matched."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        UNKNOWN = "unknown", "Unknown"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.UNKNOWN)
    name = models.CharField(max_length=300)
    name_normalized = models.CharField(max_length=300, db_index=True, editable=False)
    # [{"kind": "id_number", "value": "...", "normalized": "...", "country": "AE"}]
    identifiers = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=2, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    entity = models.ForeignKey("cases.Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="The case person/organisation this party was confirmed to be")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "parties"

    def __str__(self):
        return self.name


class Account(ProvenanceMixin, HandledRecord):
    """A bank account, card, cash point, crypto address or payment-service account."""

    class Kind(models.TextChoices):
        BANK = "bank", "Bank account"
        CARD = "card", "Card"
        CASH = "cash", "Cash"
        CRYPTO = "crypto", "Crypto address"
        PAYMENT_SERVICE = "payment_service", "Payment service account"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BANK)
    identifier = models.CharField(max_length=120, help_text="IBAN, account number, card number or address as given")
    identifier_normalized = models.CharField(max_length=120, db_index=True, editable=False)
    is_iban = models.BooleanField(default=False)
    bic = models.CharField(max_length=11, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    chain = models.CharField(max_length=20, blank=True, help_text="For crypto addresses: btc, ltc, eth …")
    holders = models.ManyToManyField(Party, blank=True, related_name="accounts")

    class Meta:
        ordering = ["identifier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "chain", "identifier_normalized"],
                                    name="finance_account_once_per_case"),
        ]

    @property
    def holder_names(self):
        """Distinct names of the holders (each import brings its own party for the same holder)."""
        return sorted({party.name for party in self.holders.all()})

    def __str__(self):
        label = self.identifier
        if self.institution:
            label += f" ({self.institution})"
        return label


class Channel(models.TextChoices):
    TRANSFER = "transfer", "Transfer"
    CASH_DEPOSIT = "cash_deposit", "Cash deposit"
    CASH_WITHDRAWAL = "cash_withdrawal", "Cash withdrawal"
    CARD = "card", "Card payment"
    CRYPTO = "crypto", "Crypto"
    OTHER = "other", "Other"


class Transaction(ProvenanceMixin, HandledRecord):
    """Money moving from the debit side (payer) to the credit side (payee)."""

    Channel = Channel

    # Ledgers reach millions of rows: only the indexes the pages and analyses use are kept (the
    # composite (case, …) indexes below cover the case column). Only `source_import` is a foreign key
    # the database checks for each row: case, author, agency and releaser are always those of the
    # row's import (whose own keys are enforced), and the accounts and parties are created or looked
    # up by the import's writer in the same transaction. Checking them again for each of a million
    # rows at commit would double an import's time. Deletion is still refused by the ORM (PROTECT).
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", db_index=False,
                             db_constraint=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   db_index=False, db_constraint=False)
    origin_agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="+", db_index=False,
                                      db_constraint=False)
    fiu_released_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", db_index=False, db_constraint=False)
    booked_at = models.DateTimeField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=4, help_text="Always positive; direction is debit→credit")
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    amount_reference = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True,
                                           help_text="Amount in the case's reference currency")
    reference_currency = models.CharField(max_length=3, blank=True)
    fx_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    fx_rate_date = models.DateField(null=True, blank=True)
    debit_account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="debits",
                                      db_constraint=False)
    credit_account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT, related_name="credits",
                                      db_constraint=False)
    debit_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="debits",
                                    db_constraint=False)
    credit_party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT, related_name="credits",
                                    db_constraint=False)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.TRANSFER)
    reference = models.CharField(max_length=500, blank=True, help_text="Purpose / remittance text")
    external_id = models.CharField(max_length=120, blank=True, help_text="Bank's or reporting entity's id")
    # Same day, amount, currency (used to find the same transaction arriving from two sources).
    match_key = models.CharField(max_length=80, editable=False)
    probable_duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="probable_duplicates", db_index=False,
                                              db_constraint=False)

    class Meta:
        ordering = ["-booked_at", "-id"]
        indexes = [
            models.Index(fields=["case", "booked_at"]), models.Index(fields=["case", "match_key"]),
            models.Index(fields=["probable_duplicate_of"], condition=models.Q(probable_duplicate_of__isnull=False),
                         name="finance_tx_duplicates"),
        ]

    def __str__(self):
        return f"{self.booked_at:%Y-%m-%d} {self.amount} {self.currency}"


class CryptoTransaction(ProvenanceMixin, HandledRecord):
    """A blockchain transaction with its inputs and outputs (UTXO) or from/to (account model)."""

    class Model(models.TextChoices):
        UTXO = "utxo", "UTXO (inputs and outputs)"
        ACCOUNT = "account", "Account model (from/to)"

    chain = models.CharField(max_length=20)
    tx_hash = models.CharField(max_length=100, db_index=True)
    block_time = models.DateTimeField(db_index=True)
    block_height = models.PositiveBigIntegerField(null=True, blank=True)
    asset = models.CharField(max_length=20, help_text="BTC, ETH, USDT …")
    fee = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)
    model = models.CharField(max_length=10, choices=Model.choices)
    probable_duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="probable_duplicates")

    class Meta:
        ordering = ["-block_time", "-id"]
        indexes = [models.Index(fields=["case", "chain", "tx_hash"])]

    def __str__(self):
        return f"{self.chain}:{self.tx_hash[:16]}…"


class CryptoMovement(HandledRecord):
    """One input or output of a crypto transaction: which address, how much."""

    class Side(models.TextChoices):
        INPUT = "in", "Input"
        OUTPUT = "out", "Output"

    transaction = models.ForeignKey(CryptoTransaction, on_delete=models.CASCADE, related_name="movements")
    side = models.CharField(max_length=3, choices=Side.choices)
    position = models.PositiveIntegerField(default=0)
    address = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="crypto_movements")
    value = models.DecimalField(max_digits=38, decimal_places=18)

    class Meta:
        ordering = ["transaction_id", "side", "position"]

    def __str__(self):
        return f"{self.get_side_display()} {self.value} @ {self.address.identifier}"
