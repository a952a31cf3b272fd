"""REST API of the analyses: start runs, read results and alerts, decide alerts, manage lists and tags."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.access import Action
from cases.api.base import CaseFilterMixin, CaseScopedViewSet
from cases.bad_input import id_param

from .. import exports, selectors, services
from ..models import Alert, AnalysisRun, CryptoTag, ListEntry
from . import serializers as s


def _decimal_safe(items):
    return [{k: (str(v) if v.__class__.__name__ == "Decimal" else v) for k, v in i.items()} for i in items]


class AnalysisRunViewSet(CaseFilterMixin, CaseScopedViewSet):
    """Analyses of a case. POST {case, kind, params} starts one (202 with the run and its job)."""
    queryset = AnalysisRun.objects.select_related("case", "created_by", "job")
    serializer_class = s.RunSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"rerun": Action.ADD, "endpoints": Action.VIEW, "export": Action.EXPORT,
                          "release": Action.RELEASE_FIU}

    def get_serializer_class(self):
        if self.action == "create":
            return s.RunStartSerializer
        return s.RunDetailSerializer if self.action == "retrieve" else s.RunSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        for name in ("kind", "status"):
            if self.request.query_params.get(name):
                qs = qs.filter(**{name: self.request.query_params[name]})
        return qs

    @extend_schema(parameters=[OpenApiParameter("case", str), OpenApiParameter("kind", str),
                               OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        services.run_viewed(run=run, by=request.user)
        return Response(s.RunDetailSerializer(run).data)

    @extend_schema(request=s.RunStartSerializer, responses={202: s.RunSerializer})
    def create(self, request, *args, **kwargs):
        case = self.case_for_create(request)
        body = s.RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        run = services.analysis_start(case=case, by=request.user, kind=d["kind"], params=d["params"], title=d["title"])
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: s.RunSerializer})
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        run = services.analysis_rerun(run=self.get_object(), by=request.user)
        return Response(s.RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.RunReleaseSerializer, responses={200: dict, 400: dict})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """FIU release of the run and its alerts. If it rests on unreleased FIU sources, the answer is 400
        naming them (`sources`) until the request says `confirm_sources: true`."""
        run = self.get_object()
        body = s.RunReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        pending = services.run_unreleased_sources(run)
        if pending and not d["confirm_sources"]:
            return Response({"confirm_sources": ["The run rests on unreleased FIU sources; releasing it discloses "
                                                 "their details. Send confirm_sources=true to proceed."],
                             "sources": pending}, status=status.HTTP_400_BAD_REQUEST)
        services.run_release_fiu(run=run, by=request.user, reason=d["reason"], confirm_sources=d["confirm_sources"])
        return Response({"released": True, "id": run.pk, "sources_disclosed": pending})

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def endpoints(self, request, pk=None):
        """Freeze candidates: exchange endpoints of a taint run, end accounts of a trace."""
        run = self.get_object()
        return Response({"run": run.pk, "endpoints": _decimal_safe(selectors.taint_endpoints(run))})

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The run as the CLI writes it: nodes, edges (with transaction external ids), alerts with evidence."""
        run = self.get_object()
        services.run_viewed(run=run, by=request.user, action="export.json")
        return Response(exports.run_json(run))


class AlertViewSet(CaseFilterMixin, CaseScopedViewSet):
    queryset = Alert.objects.select_related("case", "decided_by").prefetch_related("evidence")
    serializer_class = s.AlertSerializer
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"decide": Action.CHANGE}

    def get_queryset(self):
        qs = super().get_queryset()
        for name in ("typology", "status"):
            if self.request.query_params.get(name):
                qs = qs.filter(**{name: self.request.query_params[name]})
        run = id_param(self.request.query_params, "run")
        return qs.filter(run_id=run) if run is not None else qs

    @extend_schema(parameters=[OpenApiParameter("case", str), OpenApiParameter("typology", str),
                               OpenApiParameter("status", str), OpenApiParameter("run", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        raise drf_serializers.ValidationError("Alerts are made by typology scans: start an analysis of kind 'typologies'.")

    @extend_schema(request=s.DecisionSerializer, responses={200: s.AlertSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        alert = self.get_object()
        body = s.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert = services.alert_decide(alert=alert, by=request.user, **body.validated_data)
        return Response(s.AlertSerializer(alert).data)


class ListEntryViewSet(CaseFilterMixin, CaseScopedViewSet):
    queryset = ListEntry.objects.select_related("case")
    serializer_class = s.ListEntrySerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        case = self.case_for_create(request)
        body = s.ListEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.list_entry_add(case=case, by=request.user, **body.validated_data)
        return Response(s.ListEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CryptoTagViewSet(CaseFilterMixin, CaseScopedViewSet):
    queryset = CryptoTag.objects.select_related("case")
    serializer_class = s.CryptoTagSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        case = self.case_for_create(request)
        body = s.CryptoTagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tag = services.crypto_tag_add(case=case, by=request.user, **body.validated_data)
        return Response(s.CryptoTagSerializer(tag).data, status=status.HTTP_201_CREATED)
