from rest_framework import serializers

from cases.api.fields import CaseRecordSerializer

from ..models import Alert, AnalysisKind, AnalysisRun, CryptoTag, ListEntry


class RunSerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    job_status = serializers.CharField(source="job.status", read_only=True, default="")
    job_percent = serializers.IntegerField(source="job.percent", read_only=True, default=0)

    class Meta:
        model = AnalysisRun
        fields = ["id", "case", "kind", "title", "version", "status", "params", "summary", "input_snapshot",
                  "handling", "fiu_released_at", "job", "job_status", "job_percent", "rerun_of", "seizure",
                  "created_by", "created_at", "started_at", "finished_at", "duration_ms", "error"]
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "result"]
        read_only_fields = fields


class RunStartSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="Case reference")
    kind = serializers.ChoiceField(choices=AnalysisKind.choices)
    title = serializers.CharField(required=False, allow_blank=True, default="")
    params = serializers.JSONField(required=False, default=dict)


class AlertSerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Alert
        fields = ["id", "case", "run", "typology", "fingerprint", "subject", "subject_label", "title", "explanation",
                  "score", "total_amount", "first_at", "last_at", "evidence", "details", "status", "decision_reason",
                  "decided_by", "decided_at", "handling"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Alert.Status.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ListEntrySerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = ListEntry
        fields = ["id", "case", "kind", "value", "value_normalized", "list_name", "reason", "source", "created_at"]
        read_only_fields = ["id", "case", "value_normalized", "created_at"]


class CryptoTagSerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)

    class Meta:
        model = CryptoTag
        fields = ["id", "case", "chain", "address", "label", "name", "source", "confidence", "created_at"]
        read_only_fields = ["id", "case", "created_at"]


class RunReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField()
    confirm_sources = serializers.BooleanField(
        default=False, help_text="Required when the run rests on unreleased FIU sources (a 400 names them).")
