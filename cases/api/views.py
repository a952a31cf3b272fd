"""REST API of cases and case content: the same selectors, services and scoping as the pages."""
from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors, services
from cases.access import Action
from cases.audit import AuditAction, audit_read, audit_redact, read_filters
from cases.api import serializers as s
from cases.api.base import CaseFilterMixin, CaseScopedReadOnlyViewSet, CaseScopedViewSet, CaseScopedViewSetMixin
from cases.bad_input import header_safe, int_param
from cases.evidence import evidence_path
from cases.jobs import job_cancel
from cases.models import Case, CaseMembership, Entity, EntityLink, EvidenceFile, Job, Note, Task
from cases.records import not_found


def timeline_items():
    return inline_serializer("TimelineItem", many=True, fields={
        "at": drf_serializers.DateTimeField(), "kind": drf_serializers.CharField(),
        "title": drf_serializers.CharField(), "actor": drf_serializers.CharField(),
        "detail": drf_serializers.CharField(), "url": drf_serializers.CharField()})


class ReleaseMixin:
    @extend_schema(request=s.ReleaseSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        record = self.get_object()
        body = s.ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.record_release_fiu(record=record, by=request.user, reason=body.validated_data["reason"])
        return Response({"released": True, "id": record.pk})


class CaseViewSet(CaseScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    queryset = Case.objects.select_related("lead_agency").prefetch_related("tags")
    serializer_class = s.CaseSerializer
    lookup_field = "reference"
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {"audit": Action.MANAGE_TEAM, "verify_evidence": Action.ADD, "timeline": Action.VIEW}

    def get_serializer_class(self):
        return s.CaseOpenSerializer if self.action == "create" else self.serializer_class

    def get_queryset(self):
        qs = super().get_queryset()
        q = self.request.query_params.get("q")
        status_ = self.request.query_params.get("status")
        if q:
            qs = qs.filter(title__icontains=q) | qs.filter(reference__icontains=q)
        if status_:
            qs = qs.filter(status=status_)
        return qs

    def create(self, request, *args, **kwargs):
        body = s.CaseOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_open(by=request.user, **body.validated_data)
        return Response(s.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        services.record_viewed(record=case, by=request.user)
        return Response(s.CaseSerializer(case).data)

    @extend_schema(request=s.CaseUpdateSerializer, responses=s.CaseSerializer)
    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        body = s.CaseUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        case = services.case_update(case=case, by=request.user, **body.validated_data)
        return Response(s.CaseSerializer(case).data)

    @extend_schema(responses=s.AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def audit(self, request, reference=None):
        case = self.get_object()
        page = audit_redact(self.paginate_queryset(selectors.audit_list(user=request.user, case=case)), user=request.user)
        audit_read(record=case, by=request.user, action=AuditAction.AUDIT_VIEW, details=read_filters(request.query_params))
        return self.get_paginated_response(s.AuditEventSerializer(page, many=True).data)

    @extend_schema(responses={200: timeline_items()},
                   parameters=[OpenApiParameter("limit", int, description="How many items (1–500, default 100)")])
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, reference=None):
        case = self.get_object()
        limit = int_param(request.query_params, "limit", 100, minimum=1, maximum=500, clamp=True)
        items = selectors.timeline(user=request.user, case=case, limit=limit)
        audit_read(record=case, by=request.user, action=AuditAction.TIMELINE_VIEW, details={"limit": limit})
        return Response([{"at": i.at, "kind": i.kind, "title": i.title, "actor": i.actor, "detail": i.detail,
                          "url": i.url} for i in items])

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"], url_path="verify-evidence")
    def verify_evidence(self, request, reference=None):
        job = services.evidence_verify_start(case=self.get_object(), by=request.user)
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class MembershipViewSet(CaseFilterMixin, CaseScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    queryset = CaseMembership.objects.select_related("case", "user", "user__agency")
    serializer_class = s.MembershipSerializer
    action_permissions = {"create": Action.VIEW, "end": Action.MANAGE_TEAM}

    @extend_schema(request=s.MembershipAddSerializer, responses=s.MembershipSerializer)
    def create(self, request):
        body = s.MembershipAddSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        membership = services.membership_add(case=data["case"], by=request.user, user=data["username"], role=data["role"])
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        membership = services.membership_end(membership=self.get_object(), by=request.user)
        return Response(s.MembershipSerializer(membership).data)


class HandledRecordViewSet(ReleaseMixin, CaseFilterMixin, CaseScopedViewSet):
    """Create and update go to `create_service`/`update_service`; the case comes from `?case=` or the body."""
    action_permissions = {"release": Action.RELEASE_FIU}
    create_service = None
    update_service = None
    record_kwarg = None

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        services.record_viewed(record=record, by=request.user)
        return Response(self.get_serializer(record).data)

    def create(self, request, *args, **kwargs):
        case = self.case_for_create(request)
        body = self.get_serializer(data=request.data, context={**self.get_serializer_context(), "case": case})
        body.is_valid(raise_exception=True)
        record = type(self).create_service(case=case, by=request.user, **self.service_fields(body.validated_data))
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        body = self.get_serializer(record, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = self.service_fields(body.validated_data)
        record = type(self).update_service(**{self.record_kwarg: record}, by=request.user, **fields)
        return Response(self.get_serializer(record).data)

    def service_fields(self, data):
        return dict(data)


class EntityViewSet(HandledRecordViewSet):
    queryset = Entity.objects.select_related("case", "origin_agency", "created_by").prefetch_related("identifiers")
    serializer_class = s.EntitySerializer
    filterset_fields = ["kind", "role_in_case"]
    create_service = staticmethod(services.entity_create)
    update_service = staticmethod(services.entity_update)
    record_kwarg = "entity"

    def partial_update(self, request, *args, **kwargs):
        if "identifiers" in request.data:
            raise drf_serializers.ValidationError({"identifiers": "Add identifiers one by one; they are not replaced."})
        return super().partial_update(request, *args, **kwargs)


class NoteViewSet(HandledRecordViewSet):
    queryset = Note.objects.select_related("case", "origin_agency", "created_by")
    serializer_class = s.NoteSerializer
    create_service = staticmethod(services.note_add)
    http_method_names = ["get", "post", "head", "options"]


class TaskViewSet(HandledRecordViewSet):
    queryset = Task.objects.select_related("case", "origin_agency", "created_by", "assignee")
    serializer_class = s.TaskSerializer
    filterset_fields = ["status"]
    create_service = staticmethod(services.task_create)
    update_service = staticmethod(services.task_update)
    record_kwarg = "task"

    def service_fields(self, data):
        data = dict(data)
        if self.action == "partial_update":
            data.pop("handling", None)
        return data


class LinkViewSet(CaseFilterMixin, CaseScopedViewSet):
    queryset = EntityLink.objects.select_related("case", "source", "target")
    serializer_class = s.LinkSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        case = selectors.case_get(user=request.user, reference=data["source"].case.reference, action=Action.ADD)
        link = services.link_add(case=case, by=request.user, **data)
        return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)


class EvidenceViewSet(ReleaseMixin, CaseFilterMixin, CaseScopedReadOnlyViewSet):
    queryset = EvidenceFile.objects.select_related("case", "origin_agency", "created_by")
    serializer_class = s.EvidenceSerializer
    action_permissions = {"release": Action.RELEASE_FIU, "download": Action.VIEW, "create": Action.VIEW}

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        services.record_viewed(record=record, by=request.user)
        return Response(self.get_serializer(record).data)

    @extend_schema(request={"multipart/form-data": s.EvidenceUploadSerializer}, responses=s.EvidenceSerializer)
    def create(self, request):
        body = s.EvidenceUploadSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        case = data.pop("case")
        supersedes_id = data.pop("supersedes", None)
        supersedes = None
        if supersedes_id:
            supersedes = EvidenceFile.objects.visible_to(request.user).filter(case=case, pk=supersedes_id).first()
            if supersedes is None:  # another case's file reads like a missing one
                raise drf_serializers.ValidationError({"supersedes": not_found(supersedes_id)})
        evidence = services.evidence_upload(case=case, by=request.user, upload=data.pop("file"), supersedes=supersedes, **data)
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        evidence = self.get_object()
        path = evidence_path(evidence.storage_name)
        if not path.exists():
            raise Http404
        services.record_viewed(record=evidence, by=request.user, action="download")
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=header_safe(evidence.original_name),
                                content_type=evidence.content_type)
        response["X-Content-SHA256"] = evidence.sha256
        return response


class JobViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    queryset = Job.objects.select_related("case", "started_by")
    serializer_class = s.JobSerializer
    action_permissions = {"cancel": Action.VIEW}

    @extend_schema(request=None, responses=s.JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = self.get_object()
        if job.started_by_id != request.user.pk and not selectors.user_actions(user=request.user, case=job.case) >= {Action.MANAGE_TEAM}:
            raise Http404
        return Response(s.JobSerializer(job_cancel(job=job, by=request.user)).data)
