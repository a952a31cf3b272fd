"""The one base viewset that applies case access to the REST API.

Concrete viewsets declare `queryset = Model.objects.all()`; this class narrows
it with `.visible_to(user, action)` where the action follows the HTTP method,
so an object the user may not see, or may not act on, answers 404.

Related ids in request bodies are resolved by the serializers of `cases.api.fields`
(`CaseRecordSerializer`, `CaseRelatedField`): only among the records the requester may see in the
target case, anything else reading exactly like an id that does not exist.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, viewsets

from cases.access import Action
from cases.audit import AuditAction, audit_request_read, reads_tracked

METHOD_ACTIONS = {
    "GET": Action.VIEW, "HEAD": Action.VIEW, "OPTIONS": Action.VIEW,
    "POST": Action.ADD, "PUT": Action.CHANGE, "PATCH": Action.CHANGE, "DELETE": Action.DELETE,
}


class CaseScopedViewSetMixin:
    # Extra actions (@action) may name the case action they need: {"release": Action.RELEASE_FIU}
    action_permissions: dict = {}

    def required_action(self):
        return self.action_permissions.get(self.action) or METHOD_ACTIONS.get(self.request.method, Action.VIEW)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user, self.required_action())

    # Every read of case content is audited: a GET that writes no audit event of its own is audited
    # here, as a read of each object it retrieved, or of each case whose rows a list page returned.
    def dispatch(self, request, *args, **kwargs):
        if request.method != "GET":
            return super().dispatch(request, *args, **kwargs)
        self.records_read, self.rows_listed = [], []
        with reads_tracked() as events:
            response = super().dispatch(request, *args, **kwargs)
        if response.status_code < 400 and not events and getattr(self.request, "user", None) is not None:
            case_ids = [row.pk if row._meta.label == "cases.Case" else row.case_id for row in self.rows_listed
                        if hasattr(row, "_meta") and (row._meta.label == "cases.Case" or getattr(row, "case_id", None))]
            audit_request_read(request=self.request, by=self.request.user, records=self.records_read,
                               listed_case_ids=case_ids, action=AuditAction.API_LIST)
        return response

    def get_object(self):
        record = super().get_object()
        if hasattr(self, "records_read"):
            self.records_read.append(record)
        return record

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and hasattr(self, "rows_listed"):
            self.rows_listed.extend(page)
        return page

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            exc = exceptions.ValidationError(detail)
        elif isinstance(exc, DjangoPermissionDenied):
            # The object was visible but the action is not allowed by the role: same answer as unknown.
            exc = exceptions.NotFound()
        return super().handle_exception(exc)


class CaseFilterMixin:
    """`?case=REF` narrows a list to one case (still within what the user may see); creates name
    their case by reference in the body or the query string."""

    def get_queryset(self):
        qs = super().get_queryset()
        reference = self.request.query_params.get("case")
        return qs.filter(case__reference=reference) if reference else qs

    def case_for_create(self, request, action=Action.ADD):
        """The case named by the request, if the user may `action` in it; otherwise a 400 that says
        the same whether the case exists or not."""
        from cases.selectors import case_get

        data = request.data
        if not hasattr(data, "get"):  # a JSON list, string or null: nothing to read a case from
            raise exceptions.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        reference = data.get("case") or request.query_params.get("case")
        if reference is not None and not isinstance(reference, str):
            raise exceptions.ValidationError({"case": "Name the case by its reference (a string)."})
        if not reference:
            raise exceptions.ValidationError({"case": "Name the case by its reference."})
        try:
            return case_get(user=request.user, reference=reference, action=action)
        except Http404:
            raise exceptions.ValidationError({"case": f"No case {reference} where you may add records."}) from None


class CaseScopedReadOnlyViewSet(CaseScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class CaseScopedViewSet(CaseScopedViewSetMixin, viewsets.ModelViewSet):
    """Writes go through `perform_create`/`perform_update`, which concrete viewsets route to services."""

    http_method_names = ["get", "post", "patch", "head", "options"]

