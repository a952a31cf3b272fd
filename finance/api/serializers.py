"""Serializers of the finance API: shapes only; services validate and write."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.access import Handling
from cases.api.fields import CaseRecordSerializer
from finance.models import Account, CryptoMovement, CryptoTransaction, Import, ImportFormat, Party, ResolutionSuggestion, Transaction
from finance.parsers.tabular import FIELDS


class ImportSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    job = serializers.IntegerField(source="job_id", read_only=True)
    evidence = serializers.IntegerField(source="evidence_id", read_only=True)
    mapping = serializers.SerializerMethodField()
    header = serializers.SerializerMethodField()

    class Meta:
        model = Import
        fields = ["id", "case", "format", "original_name", "sha256", "status", "handling", "fiu_released_at",
                  "source_label", "job", "evidence", "row_count", "transaction_count", "crypto_count",
                  "duplicate_count", "error_count", "error_message", "summary", "header", "mapping", "created_by",
                  "created_at", "imported_at"]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"},
                          "description": "ledger field -> column of the file"})
    def get_mapping(self, obj):
        return obj.options.get("mapping", {})

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_header(self, obj):
        return obj.options.get("header", [])


class ImportUploadSerializer(serializers.Serializer):
    case = serializers.CharField()
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=[("auto", "auto")] + list(ImportFormat.choices), default="auto")
    handling = serializers.ChoiceField(choices=Handling.choices, required=False)
    source_label = serializers.CharField(required=False, default="", allow_blank=True)
    mapping = serializers.JSONField(required=False, help_text="ledger field → column header; CSV/XLSX only")
    decimal = serializers.ChoiceField(choices=[".", ","], required=False)
    date_format = serializers.CharField(required=False, allow_blank=True)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    account = serializers.CharField(required=False, allow_blank=True)
    confirm = serializers.BooleanField(default=False, help_text="CSV/XLSX: import at once with this (or the guessed) mapping")


class MappingConfirmSerializer(serializers.Serializer):
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True),
                                   help_text=f"ledger field → column header; fields: {', '.join(FIELDS)}")
    decimal = serializers.ChoiceField(choices=[".", ","], default=".")
    date_format = serializers.CharField(required=False, allow_blank=True, default="")
    currency = serializers.CharField(required=False, allow_blank=True, default="")
    account = serializers.CharField(required=False, allow_blank=True, default="")
    profile_name = serializers.CharField(required=False, allow_blank=True, default="")


class AccountSerializer(CaseRecordSerializer):
    holders = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = ["id", "kind", "identifier", "identifier_normalized", "is_iban", "bic", "institution", "country",
                  "currency", "chain", "holders", "handling", "source_import", "source_row", "source_path"]
        read_only_fields = fields  # the ledger is written by imports only

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}}})
    def get_holders(self, obj):
        return [{"id": p.pk, "name": p.name} for p in obj.holders.all()]


class PartySerializer(CaseRecordSerializer):
    class Meta:
        model = Party
        fields = ["id", "kind", "name", "identifiers", "country", "birth_date", "entity", "merged_into", "handling",
                  "source_import", "source_row", "source_path"]
        read_only_fields = fields  # the ledger is written by imports only


class TransactionSerializer(CaseRecordSerializer):
    source_sha256 = serializers.CharField(source="source_import.sha256", read_only=True)
    source_format = serializers.CharField(source="source_import.format", read_only=True)

    class Meta:
        model = Transaction
        fields = ["id", "booked_at", "value_date", "amount", "currency", "amount_reference", "reference_currency",
                  "fx_rate", "fx_rate_date", "debit_account", "credit_account", "debit_party", "credit_party",
                  "channel", "reference", "external_id", "probable_duplicate_of", "handling", "source_import",
                  "source_sha256", "source_format", "source_row", "source_path"]
        read_only_fields = fields  # the ledger is written by imports only


class CryptoMovementSerializer(CaseRecordSerializer):
    address = serializers.CharField(source="address.identifier")

    class Meta:
        model = CryptoMovement
        fields = ["side", "position", "address", "value"]


class CryptoTransactionSerializer(CaseRecordSerializer):
    movements = CryptoMovementSerializer(many=True, read_only=True)

    class Meta:
        model = CryptoTransaction
        fields = ["id", "chain", "tx_hash", "block_time", "block_height", "asset", "fee", "model", "movements",
                  "probable_duplicate_of", "handling", "source_import", "source_row", "source_path"]
        read_only_fields = fields  # the ledger is written by imports only


class SuggestionSerializer(CaseRecordSerializer):
    party_name = serializers.CharField(source="party.name", read_only=True)
    target_name = serializers.SerializerMethodField()

    class Meta:
        model = ResolutionSuggestion
        fields = ["id", "party", "party_name", "entity", "other_party", "target_name", "score", "reasons", "status",
                  "decided_by", "decided_at"]
        read_only_fields = fields  # the ledger is written by imports only

    @extend_schema_field(OpenApiTypes.STR)
    def get_target_name(self, obj):
        return str(obj.target)
