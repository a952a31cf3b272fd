"""REST API of dossiers: list yours, request one (rendered by a worker), fetch it.

Registered in cases/api/urls.py as `dossiers` (route names dossier-list,
dossier-detail, dossier-download).
"""
from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors
from cases.access import Action
from cases.audit import audit_read
from cases.dossier import services
from cases.models import Dossier


class DossierSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.reference", read_only=True)
    identifier = serializers.CharField(read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "identifier", "case", "requested_by", "requested_at", "via", "status", "parameters",
                  "sections", "period_from", "period_to", "handling_included", "classification", "generated_at",
                  "page_count", "pdf_size", "pdf_sha256", "manifest_sha256", "bundle_sha256", "job", "error"]
        read_only_fields = fields


class DossierRequestSerializer(serializers.Serializer):
    case = serializers.CharField(help_text="Case reference")
    sections = serializers.ListField(child=serializers.CharField(), required=False, allow_null=True,
                                     help_text="Section keys; omit for every section that applies")
    period_from = serializers.DateField(required=False, allow_null=True)
    period_to = serializers.DateField(required=False, allow_null=True)
    bundle = serializers.BooleanField(required=False, default=False)


class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your dossiers (a dossier is visible to its requester only); `?case=REF` narrows the list."""

    serializer_class = DossierSerializer

    def get_queryset(self):
        qs = Dossier.objects.visible_to(self.request.user).select_related("case", "requested_by")
        reference = self.request.query_params.get("case")
        return qs.filter(case__reference=reference) if reference else qs

    def retrieve(self, request, *args, **kwargs):
        dossier = self.get_object()
        audit_read(record=dossier, by=request.user)
        return Response(self.get_serializer(dossier).data)

    @extend_schema(request=DossierRequestSerializer, responses={202: DossierSerializer})
    def create(self, request):
        body = DossierRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            case = selectors.case_get(user=request.user, reference=data["case"], action=Action.EXPORT)
        except Http404:
            raise serializers.ValidationError({"case": f"No case {data['case']} from which you may export."})
        from django.core.exceptions import ValidationError

        try:
            dossier = services.dossier_request(case=case, by=request.user, sections=data.get("sections"),
                                               period_from=data.get("period_from"), period_to=data.get("period_to"),
                                               bundle=data.get("bundle", False), via="api")
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        dossier = self.get_object()
        if dossier.status != Dossier.Status.READY:
            raise Http404("The dossier is not ready.")
        path = services.stored_path(dossier.pdf_storage_name)
        if not path.exists():
            raise Http404("The stored dossier file is missing.")
        services.dossier_downloaded(dossier=dossier, by=request.user, what="pdf")
        response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"{dossier.identifier}.pdf",
                                content_type="application/pdf")
        response["X-Content-SHA256"] = dossier.pdf_sha256
        return response
