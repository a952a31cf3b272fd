"""The OpenAPI schema says what the API really answers (checked by tests/test_api_fuzz.py).

- Every operation documents its error answers: 400 (validation: field name -> messages, or a list of
  messages for the request as a whole), 401/403 (not signed in, CSRF), 404 (not found, or not yours
  to see: the same answer), and 415 where it takes a body.
- A read-only field whose model field (or any relation on its way) may be null is `nullable`; a
  read-only choice whose model field may be blank admits "" — DRF drops both facts for read-only
  fields, and the answers carry them.
"""
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

VALIDATION_ERROR = {
    "description": "What is wrong with the request: each field (or `non_field_errors`, or a JSON path for "
                   "nested values) with its messages; or a list of messages about the request as a whole; "
                   "or `detail` when the body could not be read.",
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {"type": "string"}},
    ],
}
DETAIL_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = [
    # code, description, component name
    ("400", "Malformed input: the field (or parameter) is named.", "ValidationError"),
    ("401", "Not signed in (no valid session or token).", "ErrorDetail"),
    ("403", "Signed in but refused (e.g. a session request without its CSRF token).", "ErrorDetail"),
    ("404", "No such record, or none you may see or act on (the same answer).", "ErrorDetail"),
]
UNSUPPORTED_MEDIA = ("415", "The request body's content type is not one the operation reads.", "ErrorDetail")
BODY_METHODS = {"POST", "PUT", "PATCH"}


def _model_facts(field):
    """(nullable, blank) of the model field behind a bound serializer field, by its source path."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    nullable = blank = False
    if model is None:
        return nullable, blank
    for attr in getattr(field, "source_attrs", None) or []:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return nullable, False  # a property or method: nothing known
        nullable = nullable or bool(getattr(model_field, "null", False))
        blank = bool(getattr(model_field, "blank", False))
        if model_field.is_relation and model_field.related_model is not None:
            if model_field.auto_created and not model_field.concrete:  # a reverse relation may be missing
                nullable = nullable or model_field.one_to_one
            model = model_field.related_model
    return nullable, blank


class ParallaxAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        from cases.api.base import CaseFilterMixin

        if (isinstance(self.view, CaseFilterMixin) and getattr(self.view, "action", None) == "list"
                and not any(getattr(p, "name", None) == "case" for p in parameters)):
            parameters = [*parameters, OpenApiParameter(
                "case", str, description="Only the records of this case (its reference).")]
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if field.read_only and not isinstance(field, serializers.SerializerMethodField):
            nullable, blank = _model_facts(field)
            if nullable:
                field.allow_null = True
            if blank and isinstance(field, serializers.ChoiceField):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = [*ERRORS, UNSUPPORTED_MEDIA] if self.method in BODY_METHODS else ERRORS
        for code, description, name in errors:
            if code in responses:
                continue
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=f"parallax.{name}",
                schema=VALIDATION_ERROR if name == "ValidationError" else DETAIL_ERROR)
            self.registry.register_on_missing(component)
            responses[code] = {"description": description, "content": {"application/json": {"schema": component.ref}}}
        return responses
