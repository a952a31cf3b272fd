"""Serializers of the seizures API: shapes only; services validate and write."""
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cases.access import Action, Handling
from cases.api.fields import CaseRecordSerializer, CaseRelatedField
from cases.api.serializers import CaseField
from cases.models import Agency, Entity

from ..models import (
    Ammunition, CriminalContextChange, CustodyEvent, Firearm, Part, Seizure, SeizureParty, TracingRequest,
    TransferDocument,
)
from ..models.choices import CriminalContext, PartyRole

CASE_RECORD = ["id", "case", "created_by", "created_at"]


class RecordSerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    created_by = serializers.StringRelatedField(read_only=True)


@extend_schema_serializer(component_name="SeizureParty")
class PartySerializer(CaseRecordSerializer):
    entity_name = serializers.CharField(source="entity.name", read_only=True)

    class Meta:
        model = SeizureParty
        fields = ["id", "entity", "entity_name", "role"]
        read_only_fields = fields  # added through POST …/seizures/<id>/parties/ (PartyAddRequest)


class ContextChangeSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()

    class Meta:
        model = CriminalContextChange
        fields = ["previous", "context", "reason", "created_by", "created_at"]


class SeizureSerializer(RecordSerializer):
    case_reference = CaseField(action=Action.ADD, source="case", write_only=True, required=False)
    seizing_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)
    criminal_context = serializers.ChoiceField(choices=CriminalContext.choices, required=False)
    route_transit = serializers.ListField(child=serializers.CharField(max_length=2), required=False)
    reference = serializers.CharField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = Seizure
        case_from = "case_reference"
        validators = []  # uniqueness is checked by the services, with a clear message
        fields = [*CASE_RECORD, "case_reference", "reference", "occurred_at", "country", "region", "place", "latitude",
                  "longitude", "seizing_agency", "seizing_officer", "recovery_type", "context", "legal_basis",
                  "legal_basis_detail", "criminal_context", "route_departure", "route_transit", "route_destination",
                  "concealment", "description", "source_evidence"]
        read_only_fields = ["source_evidence"]


class SeizureDetailSerializer(SeizureSerializer):
    parties = serializers.SerializerMethodField()
    context_history = ContextChangeSerializer(source="context_changes", many=True, read_only=True)

    class Meta(SeizureSerializer.Meta):
        fields = [*SeizureSerializer.Meta.fields, "parties", "context_history"]

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, seizure):
        from ..selectors import seizure_parties
        return PartySerializer(seizure_parties(user=self.context["request"].user, seizure=seizure), many=True).data


class ContextChangeRequest(serializers.Serializer):
    context = serializers.ChoiceField(choices=CriminalContext.choices)
    reason = serializers.CharField(max_length=500)


class PartyAddRequest(serializers.Serializer):
    """A party of a seizure; pass `context={"request": …, "case": seizure.case}`."""

    entity = CaseRelatedField(Entity)
    role = serializers.ChoiceField(choices=PartyRole.choices)


class FirearmSerializer(RecordSerializer):
    seizure = CaseRelatedField(Seizure, Action.ADD, anchor=True)  # the new record goes to its case
    item_number = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Firearm
        validators = []  # uniqueness is checked by the services, with a clear message
        fields = [*CASE_RECORD, "seizure", "item_number", "weapon_type", "make", "model", "calibre", "serial_as_read",
                  "serial_normalized", "serial_is_partial", "country_of_manufacture", "year_of_manufacture",
                  "import_country", "import_year", "other_markings", "marking_status", "craft_produced", "converted",
                  "converted_from", "printed_3d", "deactivated", "reactivated", "condition", "illicit_grounds",
                  "origin_established", "origin_established_note", "source_row"]
        read_only_fields = ["serial_normalized", "serial_is_partial", "source_row"]


class PartSerializer(RecordSerializer):
    seizure = CaseRelatedField(Seizure, Action.ADD, anchor=True)  # the new record goes to its case
    firearm = CaseRelatedField(Firearm, required=False, allow_null=True)
    item_number = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Part
        case_from = "seizure"
        validators = []  # uniqueness is checked by the services, with a clear message
        fields = [*CASE_RECORD, "seizure", "item_number", "kind", "firearm", "make", "serial_as_read",
                  "serial_normalized", "markings", "quantity", "description"]
        read_only_fields = ["serial_normalized"]


class AmmunitionSerializer(RecordSerializer):
    seizure = CaseRelatedField(Seizure, Action.ADD, anchor=True)  # the new record goes to its case
    item_number = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Ammunition
        validators = []  # uniqueness is checked by the services, with a clear message
        fields = [*CASE_RECORD, "seizure", "item_number", "calibre", "quantity", "headstamp", "lot_number",
                  "country_of_manufacture", "description"]


class CustodyEventSerializer(RecordSerializer):
    firearm = CaseRelatedField(Firearm, Action.ADD, anchor=True, required=False, allow_null=True)
    part = CaseRelatedField(Part, Action.ADD, anchor=True, required=False, allow_null=True)
    ammunition = CaseRelatedField(Ammunition, Action.ADD, anchor=True, required=False, allow_null=True)

    class Meta:
        model = CustodyEvent
        fields = [*CASE_RECORD, "firearm", "part", "ammunition", "sequence", "kind", "occurred_at", "from_holder",
                  "to_holder", "from_location", "to_location", "method", "witnesses", "ballistic_reference", "notes"]
        read_only_fields = ["sequence"]

    def validate(self, data):
        items = [name for name in ("firearm", "part", "ammunition") if data.get(name) is not None]
        if len(items) != 1:
            raise serializers.ValidationError("Name exactly one item: firearm, part or ammunition.")
        return data


class HandledSerializer(RecordSerializer):
    origin_agency = serializers.StringRelatedField(read_only=True)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.TEAM)


class TransferDocumentSerializer(HandledSerializer):
    seizure = CaseRelatedField(Seizure, required=False, allow_null=True)
    firearms = CaseRelatedField(Firearm, many=True, required=False)
    exporter = CaseRelatedField(Entity, required=False, allow_null=True)
    importer = CaseRelatedField(Entity, required=False, allow_null=True)
    broker = CaseRelatedField(Entity, required=False, allow_null=True)
    carrier = CaseRelatedField(Entity, required=False, allow_null=True)
    declared_end_user = CaseRelatedField(Entity, required=False, allow_null=True)

    class Meta:
        model = TransferDocument
        fields = [*CASE_RECORD, "handling", "origin_agency", "seizure", "kind", "number", "issuing_authority",
                  "issuing_country", "issued_on", "valid_until", "exporter", "importer", "broker", "carrier",
                  "declared_end_user", "items_description", "quantity", "non_reexport_clause", "verification_status",
                  "verification_method", "firearms"]


class TracingRequestSerializer(HandledSerializer):
    firearms = CaseRelatedField(Firearm, many=True)
    reference = serializers.CharField(max_length=40, required=False, allow_blank=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = TracingRequest
        validators = []  # uniqueness is checked by the services, with a clear message
        fields = [*CASE_RECORD, "handling", "origin_agency", "reference", "firearms", "destination",
                  "destination_country", "destination_name", "priority", "justification", "status", "sent_at",
                  "due_date", "overdue", "acknowledged_at", "their_reference", "responded_at", "outcome",
                  "not_traced_reason", "last_legal_owner", "last_legal_transfer", "last_legal_country",
                  "diversion_point", "diversion_type", "response_text", "closed_at"]
        read_only_fields = ["status", "sent_at", "due_date", "acknowledged_at", "their_reference", "responded_at",
                            "outcome", "not_traced_reason", "last_legal_owner", "last_legal_transfer",
                            "last_legal_country", "diversion_point", "diversion_type", "response_text", "closed_at"]

    def get_overdue(self, request) -> bool:
        from django.utils import timezone
        return request.is_overdue(timezone.localdate())


class AcknowledgeRequest(serializers.Serializer):
    their_reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class RespondRequest(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=TracingRequest.Outcome.choices)
    last_legal_owner = serializers.CharField(max_length=200, required=False, allow_blank=True)
    last_legal_transfer = serializers.CharField(max_length=300, required=False, allow_blank=True)
    last_legal_country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    diversion_point = serializers.CharField(max_length=300, required=False, allow_blank=True)
    diversion_type = serializers.ChoiceField(choices=TracingRequest.DiversionType.choices, required=False,
                                             allow_blank=True)
    not_traced_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    response_text = serializers.CharField(required=False, allow_blank=True)


class ImportRequest(serializers.Serializer):
    case = CaseField(action=Action.ADD)
    file = serializers.FileField()


class PhotoRequest(serializers.Serializer):
    file = serializers.ImageField()
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
