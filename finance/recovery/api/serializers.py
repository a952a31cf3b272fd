"""Serializers of the asset-recovery API (shapes only; rules live in the services)."""
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from cases.access import Handling
from cases.api.fields import CaseRecordSerializer, CaseRelatedField
from cases.models import Entity, EvidenceFile

from ..models import (
    Asset, AssetHolder, AssetIdentifier, AssetOrigin, AssetState, LegalMeasure, MlaRequest, RequestLetter,
    SharingAgreement,
)


@extend_schema_serializer(component_name="AssetIdentifier")
class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssetIdentifier
        fields = ["kind", "value", "value_normalized", "chain"]
        read_only_fields = ["value_normalized"]


class HolderSerializer(CaseRecordSerializer):
    entity_name = serializers.CharField(source="entity.name", read_only=True)

    class Meta:
        model = AssetHolder
        fields = ["id", "entity", "entity_name", "role", "share_percent", "note"]
        read_only_fields = fields  # a shape of the asset; holders are added one by one through the services


class OriginSerializer(CaseRecordSerializer):
    class Meta:
        model = AssetOrigin
        fields = ["id", "kind", "object_id", "label", "explanation"]


class AssetSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    identifiers = IdentifierSerializer(many=True, required=False)
    holders = serializers.SerializerMethodField()
    origins = OriginSerializer(many=True, read_only=True)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.TEAM)

    class Meta:
        model = Asset
        fields = ["id", "case", "kind", "label", "description", "institution", "jurisdiction", "location",
                  "estimated_value", "currency", "valuation_date", "valuation_source", "account", "state",
                  "state_changed_at", "handling", "identifiers", "holders", "origins", "created_at", "updated_at"]
        read_only_fields = ["state", "state_changed_at", "created_at", "updated_at"]
        extra_kwargs = {"jurisdiction": {"validators": []}}

    @extend_schema_field(HolderSerializer(many=True))
    def get_holders(self, asset):
        request = self.context.get("request")
        entities = Entity.objects.visible_to(request.user).values("id") if request else []
        return HolderSerializer(asset.holders.filter(entity_id__in=entities), many=True).data


class MeasureSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    asset_label = serializers.CharField(source="asset.label", read_only=True)
    documents = CaseRelatedField(EvidenceFile, many=True, read_only=True)

    class Meta:
        model = LegalMeasure
        fields = ["id", "case", "asset", "asset_label", "from_state", "to_state", "authority", "legal_basis",
                  "order_reference", "issued_on", "served_on", "expires_on", "review_on", "amount_covered",
                  "amount_currency", "reason", "note", "documents", "superseded_at", "created_at"]
        read_only_fields = fields  # measures are recorded with POST …/assets/<id>/transition/


class TransitionSerializer(serializers.Serializer):
    """A measure on an asset; pass `context={"request": …, "case": asset.case}`."""

    to_state = serializers.ChoiceField(choices=AssetState.choices)
    authority = serializers.CharField(max_length=200)
    legal_basis = serializers.CharField(max_length=300)
    issued_on = serializers.DateField()
    order_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    served_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)
    amount_covered = serializers.DecimalField(max_digits=20, decimal_places=2, required=False, allow_null=True)
    amount_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    documents = CaseRelatedField(EvidenceFile, many=True, required=False)


class DeadlineSerializer(serializers.Serializer):
    case = serializers.CharField(source="measure.case.reference")
    asset = serializers.IntegerField(source="measure.asset_id")
    asset_label = serializers.CharField(source="measure.asset.label")
    measure = serializers.IntegerField(source="measure.pk")
    order_reference = serializers.CharField(source="measure.order_reference")
    what = serializers.CharField()
    due = serializers.DateField()
    days_left = serializers.IntegerField()


class EndpointSerializer(serializers.Serializer):
    chain = serializers.CharField()
    address = serializers.CharField()
    amount = serializers.CharField(required=False, allow_blank=True)
    asset = serializers.CharField(required=False, allow_blank=True)
    analysis = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class LetterSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    assets = CaseRelatedField(Asset, many=True, required=False)
    endpoints = EndpointSerializer(many=True, required=False)
    handling = serializers.CharField(read_only=True)

    class Meta:
        model = RequestLetter
        fields = ["id", "case", "kind", "addressee", "addressee_kind", "addressee_address", "legal_basis", "subject",
                  "body", "assets", "transactions", "endpoints", "status", "issued_at", "issued_by", "evidence",
                  "handling", "created_at"]
        read_only_fields = ["transactions", "status", "issued_at", "issued_by", "evidence", "created_at"]
        extra_kwargs = {"subject": {"required": False}, "body": {"required": False}}


class MlaSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    assets = CaseRelatedField(Asset, many=True, required=False)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.TEAM)

    class Meta:
        model = MlaRequest
        fields = ["id", "case", "reference", "requesting_state", "requested_state", "purpose", "legal_basis",
                  "central_authority", "status", "sent_on", "received_on", "response_due_on", "executed_on",
                  "description", "assets", "handling", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"requesting_state": {"validators": []}, "requested_state": {"validators": []}}


class ShareSerializer(serializers.Serializer):
    state = serializers.CharField(max_length=3)
    share_percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class SharingSerializer(CaseRecordSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    assets = CaseRelatedField(Asset, many=True, required=False)
    shares = ShareSerializer(many=True)
    total_percent = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = SharingAgreement
        fields = ["id", "case", "reference", "concluded_on", "legal_basis", "assets", "mla_request", "note", "shares",
                  "total_percent", "created_at"]
        read_only_fields = ["created_at"]


class TotalsSerializer(serializers.Serializer):
    currency = serializers.CharField()
    rows = serializers.ListField()
    missing = serializers.ListField()
    complete = serializers.BooleanField()
