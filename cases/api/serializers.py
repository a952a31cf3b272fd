from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.access import Action, Handling, Role
from cases.api.fields import CaseRecordSerializer, CaseRelatedField
from cases.models import (
    AuditEvent, Case, CaseMembership, Entity, EntityIdentifier, EntityLink, EvidenceFile, Job, Note, Task, User,
)


@extend_schema_field(OpenApiTypes.STR)
class CaseField(serializers.SlugRelatedField):
    """A case named by its reference, limited to the cases where the user may do `action`
    (a case outside them is "not found", whether it exists or not)."""

    def __init__(self, action=Action.ADD, **kwargs):
        kwargs.setdefault("slug_field", "reference")
        self.case_action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        return Case.objects.visible_to(self.context["request"].user, self.case_action)


class UserBriefSerializer(serializers.ModelSerializer):
    agency = serializers.StringRelatedField()

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "agency"]


class CaseSerializer(serializers.ModelSerializer):
    lead_agency = serializers.StringRelatedField()
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Case
        fields = ["reference", "title", "status", "opened_on", "lead_agency", "summary", "tags",
                  "reference_currency", "created_at", "updated_at"]


class CaseUpdateSerializer(serializers.Serializer):
    """PATCH of a case: only the fields given change."""
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    reference_currency = serializers.CharField(max_length=3, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)


class CaseOpenSerializer(serializers.Serializer):
    reference = serializers.CharField(required=False, allow_blank=True, max_length=40)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    reference_currency = serializers.CharField(required=False, max_length=3, default="EUR")


class MembershipSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = CaseMembership
        fields = ["id", "case", "user", "role", "since", "until"]


class MembershipAddSerializer(serializers.Serializer):
    case = CaseField(action=Action.MANAGE_TEAM)
    username = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=Role.choices)


class HandledFields(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    origin_agency = serializers.StringRelatedField(read_only=True)
    created_by = serializers.StringRelatedField(read_only=True)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.TEAM)

    HANDLED = ["case", "handling", "origin_agency", "fiu_released_at", "created_by", "created_at"]


class IdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntityIdentifier
        fields = ["kind", "value", "country"]


class EntitySerializer(HandledFields):
    identifiers = IdentifierSerializer(many=True, required=False)

    class Meta:
        model = Entity
        fields = ["id", "kind", "name", "role_in_case", "aliases", "sex", "date_of_birth", "nationality",
                  "country", "description", "identifiers", *HandledFields.HANDLED]
        read_only_fields = ["fiu_released_at", "created_at"]


class LinkSerializer(CaseRecordSerializer):
    """A link between two entities of one case: the source names the case (one where the user may add
    records), the target is looked up in that case only."""
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    source = CaseRelatedField(Entity, Action.ADD, anchor=True)
    target = CaseRelatedField(Entity, Action.ADD)

    class Meta:
        model = EntityLink
        case_from = "source"
        fields = ["id", "case", "source", "target", "kind", "since", "until", "description"]


class NoteSerializer(HandledFields):
    class Meta:
        model = Note
        fields = ["id", "title", "body", *HandledFields.HANDLED]
        read_only_fields = ["fiu_released_at", "created_at"]


class TeamMemberField(serializers.SlugRelatedField):
    """A user named by user name among the active members of the target case: someone outside the
    team reads exactly like a user name that does not exist."""

    def get_queryset(self):
        from cases.api.fields import target_case
        from cases.models import CaseMembership

        case = target_case(self)
        if case is None:
            return User.objects.none()
        return User.objects.filter(pk__in=CaseMembership.objects.active().filter(case=case).values("user_id"))


class TaskSerializer(HandledFields):
    assignee = TeamMemberField(slug_field="username", queryset=User.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Task
        fields = ["id", "title", "description", "assignee", "due_date", "status", "completed_at",
                  *HandledFields.HANDLED]
        read_only_fields = ["completed_at", "fiu_released_at", "created_at"]


class EvidenceSerializer(HandledFields):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "title", "description", "original_name", "content_type", "size", "sha256", "version",
                  "supersedes", "source", "download_url", *HandledFields.HANDLED]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        request = self.context.get("request")
        url = f"/api/evidence/{obj.pk}/download/"
        return request.build_absolute_uri(url) if request else url


class EvidenceUploadSerializer(serializers.Serializer):
    case = CaseField()
    file = serializers.FileField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=200)
    handling = serializers.ChoiceField(choices=Handling.choices, default=Handling.TEAM)
    supersedes = serializers.IntegerField(required=False, allow_null=True)


class JobSerializer(CaseRecordSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    started_by = serializers.StringRelatedField()
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "case", "started_by", "params", "status", "progress_current", "progress_total",
                  "progress_message", "percent", "result", "result_type", "result_id", "error", "attempts",
                  "cancel_requested", "created_at", "started_at", "finished_at"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    """An event as the viewer may read it: `redacted` events (see `cases.audit.audit_redact`) carry
    "(restricted record)" and no details."""
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    redacted = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_label", "action", "object_type", "object_id", "object_label", "case", "ip",
                  "details", "redacted", "hash"]
        read_only_fields = fields

    def get_redacted(self, event) -> bool:
        return bool(getattr(event, "redacted", True))


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField()
