"""REST API of the seizures app: the same selectors, services and scoping as the pages."""
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import Action
from cases.api.base import CaseScopedViewSetMixin
from cases.api.base import CaseFilterMixin
from cases.audit import AuditAction, audit_read, audit_record
from cases.bad_input import attachment_header

from .. import exports, importer, selectors, services, statistics
from ..models import Ammunition, CustodyEvent, Firearm, Part, Seizure, TracingRequest, TransferDocument
from . import serializers as s


class ScopedViewSet(CaseFilterMixin, CaseScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """List, retrieve (audited) and create through a service; `?case=REF` narrows a list."""
    http_method_names = ["get", "post", "head", "options"]
    view_action = ""

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        audit_read(record=record, by=request.user, action=f"{record._meta.model_name}.view", case=record.case)
        return Response(self.get_serializer(record).data)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = self.create_record(dict(body.validated_data))
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class UpdateMixin(mixins.UpdateModelMixin):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        body = self.get_serializer(record, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        record = self.update_record(record, dict(body.validated_data))
        return Response(self.get_serializer(record).data)


class SeizureViewSet(UpdateMixin, ScopedViewSet):
    queryset = Seizure.objects.select_related("case", "created_by", "seizing_agency")
    serializer_class = s.SeizureSerializer
    filterset_fields = ["recovery_type", "context", "legal_basis", "criminal_context"]
    action_permissions = {"context": Action.CHANGE, "parties": Action.ADD}

    def get_serializer_class(self):
        return s.SeizureDetailSerializer if self.action == "retrieve" else s.SeizureSerializer

    def create_record(self, data):
        case = data.pop("case", None)
        if case is None:
            raise drf_serializers.ValidationError({"case_reference": "Name the case by its reference."})
        return services.seizure_record(case=case, by=self.request.user, **data)

    def update_record(self, seizure, data):
        data.pop("case", None)
        if "criminal_context" in data:
            raise drf_serializers.ValidationError(
                {"criminal_context": "Change it with POST .../context/ and a reason; its history is kept."})
        return services.seizure_update(seizure=seizure, by=self.request.user, **data)

    @extend_schema(request=s.ContextChangeRequest, responses=s.SeizureDetailSerializer)
    @action(detail=True, methods=["post"])
    def context(self, request, pk=None):
        seizure = self.get_object()
        body = s.ContextChangeRequest(data=request.data)
        body.is_valid(raise_exception=True)
        services.seizure_context_change(seizure=seizure, by=request.user, **body.validated_data)
        return Response(s.SeizureDetailSerializer(seizure, context=self.get_serializer_context()).data)

    @extend_schema(request=s.PartyAddRequest, responses=s.PartySerializer)
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        seizure = self.get_object()
        body = s.PartyAddRequest(data=request.data, context={**self.get_serializer_context(), "case": seizure.case})
        body.is_valid(raise_exception=True)
        party = services.seizure_party_add(seizure=seizure, by=request.user, **body.validated_data)
        return Response(s.PartySerializer(party).data, status=status.HTTP_201_CREATED)


class FirearmViewSet(UpdateMixin, ScopedViewSet):
    queryset = Firearm.objects.select_related("case", "created_by", "seizure")
    serializer_class = s.FirearmSerializer
    filterset_fields = ["weapon_type", "marking_status", "seizure", "converted", "craft_produced", "printed_3d"]
    action_permissions = {"custody": Action.VIEW, "deconfliction": Action.VIEW, "photos": Action.ADD}

    def create_record(self, data):
        return services.firearm_record(by=self.request.user, **data)

    def update_record(self, firearm, data):
        data.pop("seizure", None)
        return services.firearm_update(firearm=firearm, by=self.request.user, **data)

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        firearm = self.create_record(dict(body.validated_data))
        return Response({**self.get_serializer(firearm).data, "deconfliction": _notices(firearm.deconfliction)},
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: inline_serializer("DeconflictionNotice", many=True, fields={
        "message": drf_serializers.CharField(), "match_type": drf_serializers.CharField(),
        "visible": drf_serializers.BooleanField(), "url": drf_serializers.CharField()})})
    @action(detail=True, methods=["get"], pagination_class=None)
    def deconfliction(self, request, pk=None):
        firearm = self.get_object()
        return Response(_notices(selectors.firearm_notices(user=request.user, firearm=firearm)))

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def custody(self, request, pk=None):
        firearm = self.get_object()
        return Response(_chain(request, firearm, self.get_serializer_context()))


    @extend_schema(request={"multipart/form-data": s.PhotoRequest}, responses=dict)
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """Attach a photo: stored as an evidence file (SHA-256) and linked to the firearm."""
        firearm = self.get_object()
        body = s.PhotoRequest(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.firearm_photo_add(firearm=firearm, by=request.user, upload=body.validated_data["file"],
                                           caption=body.validated_data.get("caption", ""))
        return Response({"id": photo.pk, "evidence": photo.evidence_id, "sha256": photo.evidence.sha256,
                         "caption": photo.caption}, status=status.HTTP_201_CREATED)


def _notices(notices):
    return [{"message": n.message, "match_type": n.hit.match_type, "url": n.url} for n in notices]


def _chain(request, item, context):
    events = list(selectors.custody_chain(user=request.user, item=item))
    return {"events": s.CustodyEventSerializer(events, many=True, context=context).data,
            "warnings": [w.message for w in selectors.custody_gaps(events)],
            "destroyed": selectors.is_destroyed(events)}


class PartViewSet(ScopedViewSet):
    queryset = Part.objects.select_related("case", "created_by", "seizure")
    serializer_class = s.PartSerializer

    def create_record(self, data):
        return services.part_record(by=self.request.user, **data)


class AmmunitionViewSet(ScopedViewSet):
    queryset = Ammunition.objects.select_related("case", "created_by", "seizure")
    serializer_class = s.AmmunitionSerializer

    def create_record(self, data):
        return services.ammunition_record(by=self.request.user, **data)


class CustodyEventViewSet(ScopedViewSet):
    """Append-only: events are created, never changed."""
    queryset = CustodyEvent.objects.select_related("case", "created_by")
    serializer_class = s.CustodyEventSerializer
    filterset_fields = ["firearm", "part", "ammunition", "kind"]

    def create_record(self, data):
        item = data.pop("firearm", None) or data.pop("part", None) or data.pop("ammunition", None)
        for name in ("firearm", "part", "ammunition"):
            data.pop(name, None)
        return services.custody_record(item=item, by=self.request.user, **data)


class TransferDocumentViewSet(UpdateMixin, ScopedViewSet):
    queryset = TransferDocument.objects.select_related("case", "created_by", "origin_agency").prefetch_related("firearms")
    serializer_class = s.TransferDocumentSerializer
    filterset_fields = ["kind", "verification_status"]

    def create_record(self, data):
        case = self._case_for_create()
        return services.transfer_document_record(case=case, by=self.request.user, **data)

    def update_record(self, document, data):
        data.pop("handling", None)
        return services.transfer_document_update(document=document, by=self.request.user, **data)

    def _case_for_create(self):
        return self.case_for_create(self.request)


class TracingRequestViewSet(ScopedViewSet):
    queryset = TracingRequest.objects.select_related("case", "created_by", "origin_agency").prefetch_related("firearms")
    serializer_class = s.TracingRequestSerializer
    filterset_fields = ["status", "priority", "destination", "outcome"]
    action_permissions = {"send": Action.CHANGE, "acknowledge": Action.CHANGE, "respond": Action.CHANGE,
                          "close": Action.CHANGE, "record": Action.EXPORT, "overdue": Action.VIEW}

    def get_queryset(self):
        qs = super().get_queryset()
        if self.request.query_params.get("overdue"):
            qs = qs.filter(status__in=TracingRequest.OPEN_STATUSES, due_date__lt=timezone.localdate())
        return qs

    def create_record(self, data):
        case = self.case_for_create(self.request)
        return services.tracing_request_create(case=case, by=self.request.user, **data)

    def _step(self, service, body_class=None):
        tracing = self.get_object()
        data = {}
        if body_class is not None:
            body = body_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            data = {k: v for k, v in body.validated_data.items() if v not in (None,)}
        service(request=tracing, by=self.request.user, **data)
        return Response(self.get_serializer(tracing).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._step(services.tracing_request_send)

    @extend_schema(request=s.AcknowledgeRequest)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._step(services.tracing_request_acknowledge, s.AcknowledgeRequest)

    @extend_schema(request=s.RespondRequest)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        return self._step(services.tracing_request_respond, s.RespondRequest)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._step(services.tracing_request_close)

    @extend_schema(parameters=[OpenApiParameter("as", str, enum=["json", "csv"])], responses=dict)
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):
        """The structured record an iARMS / ITI request needs (JSON, or CSV with ?as=csv)."""
        tracing = self.get_object()
        firearms = list(tracing.firearms.filter(pk__in=Firearm.objects.visible_to(request.user).values("pk")))
        fmt = "csv" if request.query_params.get("as") == "csv" else "json"
        audit_read(record=tracing, by=request.user, action=f"tracing.export_{fmt}", case=tracing.case)
        record = exports.tracing_record(tracing, firearms)
        if fmt == "csv":
            response = HttpResponse(exports.tracing_csv(record), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = attachment_header(f"{tracing.reference}.csv")
            return response
        return Response(record)


class StatisticsView(APIView):
    """Seizure and tracing statistics with SDG 16.4.2; the national focal point gets every case, figures only."""
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("date_from", str), OpenApiParameter("date_to", str)], responses=dict)
    def get(self, request):
        from ..forms import StatisticsForm
        form = StatisticsForm(request.query_params)
        if not form.is_valid():
            raise drf_serializers.ValidationError(form.errors)
        stats = statistics.seizure_statistics(user=request.user, **{k: v for k, v in form.cleaned_data.items() if v})
        audit_record(actor=request.user, action=AuditAction.SEIZURES_STATISTICS_VIEW,
                     details={"from": str(stats.date_from or ""), "to": str(stats.date_to or ""), "api": True})
        data = {
            "scope": stats.scope, "date_from": stats.date_from, "date_to": stats.date_to,
            "seizures": stats.seizures, "firearms": stats.firearms,
            "by_recovery_type": stats.by_recovery_type, "by_weapon_type": stats.by_weapon_type,
            "by_legal_basis": stats.by_legal_basis, "by_criminal_context": stats.by_criminal_context,
            "by_country_of_manufacture": stats.by_country_of_manufacture, "by_route": stats.by_route,
            "tracing": stats.tracing, "tracing_requests_sent": stats.tracing_requests_sent,
            "sdg_16_4_2": {"numerator": stats.sdg_numerator, "denominator": stats.sdg_denominator,
                           "proportion": stats.sdg_1642},
            "persons_by_sex_and_age": stats.persons_by_sex_and_age,
        }
        if stats.with_details:
            data["lists"] = stats.lists
        return Response(data)


class ImportView(APIView):
    """Import seizure records from CSV/XLSX (one row per firearm), all or nothing."""
    permission_classes = [IsAuthenticated]

    @extend_schema(request={"multipart/form-data": s.ImportRequest}, responses=dict)
    def post(self, request):
        body = s.ImportRequest(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            job = importer.seizure_import_start(case=body.validated_data["case"], by=request.user,
                                                upload=body.validated_data["file"])
        except importer.ImportRejected as exc:
            return Response({"file": exc.file_name, "imported": False,
                             "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]},
                            status=status.HTTP_400_BAD_REQUEST)
        from cases.api.serializers import JobSerializer
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
