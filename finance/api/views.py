"""REST API of the finance app: the same selectors, services and scoping as the pages."""
import json

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers as drf_serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors as case_selectors
from cases import services as case_services
from cases.access import Action
from cases.api.base import CaseFilterMixin, CaseScopedReadOnlyViewSet, CaseScopedViewSetMixin
from cases.api.serializers import ReleaseSerializer
from finance import resolution, selectors, services
from finance.api import serializers as s
from finance.forms import LedgerFilterForm
from finance.models import Account, CryptoTransaction, Import, Party, ResolutionSuggestion, Transaction


class ImportViewSet(CaseScopedViewSetMixin, CaseFilterMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Upload files for import, confirm column mappings, read results and error reports."""

    queryset = Import.objects.select_related("case", "created_by")
    serializer_class = s.ImportSerializer
    action_permissions = {"confirm": Action.ADD, "errors": Action.EXPORT, "release": Action.RELEASE_FIU}

    def get_serializer_class(self):
        return s.ImportUploadSerializer if self.action == "create" else s.ImportSerializer

    def retrieve(self, request, *args, **kwargs):
        imp = self.get_object()
        case_services.record_viewed(record=imp, by=request.user)
        return Response(s.ImportSerializer(imp).data)

    @extend_schema(request=s.ImportUploadSerializer, responses={201: s.ImportSerializer})
    def create(self, request, *args, **kwargs):
        body = s.ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            case = case_selectors.case_get(user=request.user, reference=data["case"], action=Action.ADD)
        except Http404:
            raise drf_serializers.ValidationError({"case": f"No case {data['case']} where you may add records."})
        mapping = data.get("mapping")
        if isinstance(mapping, str):
            mapping = json.loads(mapping or "{}")
        options = {k: data[k] for k in ("decimal", "date_format", "currency", "account") if data.get(k)}
        imp = services.import_start(case=case, by=request.user, upload=data["file"], format=data["format"],
                                    handling=data.get("handling"), source_label=data["source_label"],
                                    mapping=mapping or None, options=options, confirm=data["confirm"])
        return Response(s.ImportSerializer(imp).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MappingConfirmSerializer, responses={200: s.ImportSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        imp = self.get_object()
        body = s.MappingConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        imp = services.import_confirm_mapping(imp=imp, by=request.user, **body.validated_data)
        return Response(s.ImportSerializer(imp).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def errors(self, request, pk=None):
        imp = self.get_object()
        services.import_error_report_viewed(imp=imp, by=request.user)
        return Response({"import": imp.pk, "error_count": imp.error_count, "errors": imp.errors})

    @extend_schema(request=ReleaseSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        imp = self.get_object()
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.import_release(imp=imp, by=request.user, reason=body.validated_data["reason"])
        return Response({"released": True, "id": imp.pk})


class TransactionViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    """The ledger. Filters: case, account, party, date_from, date_to, amount_min, amount_max, channel, currency,
    source_import, q, duplicates."""

    queryset = Transaction.objects.select_related("source_import")
    serializer_class = s.TransactionSerializer

    @extend_schema(parameters=[OpenApiParameter(name, str) for name in LedgerFilterForm.base_fields])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        form = LedgerFilterForm(self.request.query_params)
        if not form.is_valid():
            raise drf_serializers.ValidationError(form.errors)
        f = form.filters()
        if f.get("account"):
            qs = qs.filter(Q(debit_account_id=f["account"]) | Q(credit_account_id=f["account"]))
        if f.get("party"):
            qs = qs.filter(Q(debit_party_id=f["party"]) | Q(credit_party_id=f["party"]))
        for key, lookup in (("date_from", "booked_at__date__gte"), ("date_to", "booked_at__date__lte"),
                            ("amount_min", "amount__gte"), ("amount_max", "amount__lte"), ("channel", "channel"),
                            ("source_import", "source_import_id")):
            if key in f:
                qs = qs.filter(**{lookup: f[key]})
        if f.get("currency"):
            qs = qs.filter(currency=f["currency"].upper())
        if f.get("duplicates"):
            qs = qs.filter(probable_duplicate_of__isnull=False)
        if f.get("q"):
            qs = qs.filter(Q(reference__icontains=f["q"]) | Q(external_id__icontains=f["q"]))
        return qs


class AccountViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    queryset = Account.objects.all()
    serializer_class = s.AccountSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related(selectors.visible_holders(user=self.request.user))

    def retrieve(self, request, *args, **kwargs):
        account = self.get_object()
        case_services.record_viewed(record=account, by=request.user)
        return Response(self.get_serializer(account).data)


class PartyViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    queryset = Party.objects.all()
    serializer_class = s.PartySerializer


class CryptoTransactionViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    queryset = CryptoTransaction.objects.prefetch_related("movements__address")
    serializer_class = s.CryptoTransactionSerializer


class SuggestionViewSet(CaseFilterMixin, CaseScopedReadOnlyViewSet):
    """Entity-resolution suggestions; confirm or reject them (remembered)."""

    queryset = ResolutionSuggestion.objects.select_related("party", "entity", "other_party")
    serializer_class = s.SuggestionSerializer
    action_permissions = {"confirm": Action.CHANGE, "reject": Action.CHANGE}

    def get_queryset(self):
        qs = super().get_queryset()
        # a suggestion is visible when its parties are (they carry the handling code)
        parties = Party.objects.visible_to(self.request.user).values("id")
        return qs.filter(party_id__in=parties).filter(Q(other_party__isnull=True) | Q(other_party_id__in=parties))

    def _decide(self, request, confirm):
        suggestion = self.get_object()
        resolution.suggestion_decide(suggestion=suggestion, by=request.user, confirm=confirm)
        return Response(self.get_serializer(suggestion).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)
