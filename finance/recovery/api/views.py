"""REST API of asset recovery: the same selectors, services and scoping as the pages."""
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases.access import Action
from cases.audit import AuditAction, audit_read
from cases.api.base import CaseScopedReadOnlyViewSet, CaseScopedViewSet
from cases.api.base import CaseFilterMixin
from cases.api.views import HandledRecordViewSet
from cases.bad_input import int_param

from .. import selectors, services
from ..models import Asset, LegalMeasure, MlaRequest, RequestLetter, SharingAgreement
from . import serializers as s



class AssetViewSet(HandledRecordViewSet):
    """Assets of the user's cases. Create with `?case=REF` or `case` in the body; move through the legal
    states with POST …/transition/."""
    queryset = Asset.objects.select_related("case").prefetch_related("identifiers", "origins", "holders")
    serializer_class = s.AssetSerializer
    filterset_fields = ["kind", "state", "jurisdiction"]
    create_service = staticmethod(services.asset_register)
    update_service = staticmethod(services.asset_update)
    record_kwarg = "asset"
    action_permissions = {"release": Action.RELEASE_FIU, "transition": Action.ADD}

    def service_fields(self, data):
        data = dict(data)
        if self.action == "partial_update":
            data.pop("identifiers", None)
        else:
            data["identifiers"] = [dict(i) for i in data.get("identifiers", [])]
        return data

    @extend_schema(request=s.TransitionSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        asset = self.get_object()
        body = s.TransitionSerializer(data=request.data, context={**self.get_serializer_context(), "case": asset.case})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        measure = services.measure_record(case=asset.case, by=request.user, asset=asset,
                                          documents=data.pop("documents", []), **data)
        return Response(s.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class MeasureViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    """Legal measures (read-only here: record them with POST /api/recovery/assets/<id>/transition/)."""
    queryset = LegalMeasure.objects.select_related("case", "asset").prefetch_related("documents")
    serializer_class = s.MeasureSerializer
    filterset_fields = ["to_state", "asset"]

    @extend_schema(responses=s.DeadlineSerializer(many=True),
                   parameters=[OpenApiParameter("days", int), OpenApiParameter("case", str)])
    @action(detail=False, methods=["get"], pagination_class=None)
    def deadlines(self, request):
        case = None
        if request.query_params.get("case"):
            case = case_selectors.case_get(user=request.user, reference=request.query_params["case"])
        days = int_param(request.query_params, "days", 90, minimum=1, maximum=730, clamp=True)
        rows = selectors.deadlines(user=request.user, case=case, horizon_days=days)
        return Response(s.DeadlineSerializer(rows, many=True).data)


class LetterViewSet(HandledRecordViewSet):
    """Freeze / production request letters: POST drafts one from `assets` (ids) and/or crypto `endpoints`;
    PATCH edits a draft; POST …/issue/ renders the PDF and stores it as an evidence file."""
    queryset = RequestLetter.objects.select_related("case").prefetch_related("assets", "transactions")
    serializer_class = s.LetterSerializer
    filterset_fields = ["status", "kind"]
    create_service = staticmethod(services.freeze_request_draft)
    update_service = staticmethod(services.letter_update)
    record_kwarg = "letter"
    action_permissions = {"release": Action.RELEASE_FIU, "issue": Action.ADD}

    def service_fields(self, data):
        data = dict(data)
        if self.action == "create":
            data["endpoints"] = [dict(e) for e in data.get("endpoints", [])]
            data.pop("body", None)
        else:
            data = {k: v for k, v in data.items() if k in services.LETTER_FIELDS}
        return data

    @extend_schema(request=None, responses=s.LetterSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        letter = services.letter_issue(letter=self.get_object(), by=request.user)
        return Response(s.LetterSerializer(letter).data)

    @extend_schema(request=None, responses={200: dict, 400: dict})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """FIU release of a letter. If it rests on unreleased FIU sources (its taint run, FIU assets), the
        answer is 400 naming them (`sources`) until the request says `confirm_sources: true`."""
        from finance.analysis.api.serializers import RunReleaseSerializer

        letter = self.get_object()
        body = RunReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pending = services.letter_unreleased_sources(letter)
        if pending and not body.validated_data["confirm_sources"]:
            return Response({"confirm_sources": ["The letter rests on unreleased FIU sources; releasing it "
                                                 "discloses them. Send confirm_sources=true to proceed."],
                             "sources": pending}, status=status.HTTP_400_BAD_REQUEST)
        services.letter_release_fiu(letter=letter, by=request.user, reason=body.validated_data["reason"],
                                    confirm_sources=body.validated_data["confirm_sources"])
        return Response({"released": True, "id": letter.pk, "sources_disclosed": pending})


class MlaViewSet(HandledRecordViewSet):
    queryset = MlaRequest.objects.select_related("case").prefetch_related("assets")
    serializer_class = s.MlaSerializer
    filterset_fields = ["status", "requested_state"]
    create_service = staticmethod(services.mla_create)
    update_service = staticmethod(services.mla_update)
    record_kwarg = "mla"

    def service_fields(self, data):
        data = dict(data)
        if self.action == "partial_update":
            for name in ("reference", "requesting_state", "requested_state", "handling"):
                data.pop(name, None)
        return data


class SharingViewSet(CaseFilterMixin, CaseScopedViewSet):
    """Asset-sharing agreements with each state's share (at most 100 % in all)."""
    queryset = SharingAgreement.objects.select_related("case").prefetch_related("shares", "assets")
    serializer_class = s.SharingSerializer
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        case = self.case_for_create(request)
        body = self.get_serializer(data=request.data, context={**self.get_serializer_context(), "case": case})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data["shares"] = [(x["state"], x["share_percent"]) for x in data["shares"]]
        agreement = services.sharing_create(case=case, by=request.user, **data)
        return Response(self.get_serializer(agreement).data, status=status.HTTP_201_CREATED)


class TotalsView(APIView):
    """Totals in the case's reference currency (`?case=REF`), or across the user's cases (`?currency=EUR`)."""
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("case", str), OpenApiParameter("currency", str)], responses=dict)
    def get(self, request):
        def shape(t):
            return {"currency": t.currency, "complete": t.complete,
                    "rows": [{**r, "amount": str(r["amount"])} for r in t.rows],
                    "missing": [{"asset": a.pk, "label": a.label, "reason": reason} for a, reason in t.missing],
                    "unvalued": [a.pk for a in t.unvalued]}

        reference = request.query_params.get("case")
        if reference:
            try:
                case = case_selectors.case_get(user=request.user, reference=reference)
            except Http404:
                return Response({"detail": "Not found."}, status=404)
            totals = selectors.case_totals(user=request.user, case=case)
            audit_read(record=case, by=request.user, action=AuditAction.PAGE_VIEW, details={"route": "recovery-totals"})
            return Response({"case": case.reference, **shape(totals)})
        from finance.validation import Invalid, check_currency

        currency = request.query_params.get("currency")
        try:
            currency = check_currency(currency) if currency else None
        except Invalid:
            return Response({"currency": [f"“{currency}” is not an ISO 4217 currency code."]}, status=400)
        currency, per_case, overall = selectors.totals_across_cases(user=request.user, currency=currency)
        return Response({"overall": shape(overall),
                         "cases": [{"case": c.reference, **shape(t)} for c, t in per_case]})
