"""The case-record kit of the API: related ids resolve only among records the requester may see in the
target case.

`CaseRelatedField(Model, action)` (or `many=True`) looks an id up in
`Model.objects.visible_to(request.user, action).filter(case=<target case>)`. Anything else — a record
of another case, one the requester may not see, an id that names nothing — answers the same text
(`Invalid pk "7" - object does not exist.`), never a label.

The target case is, in this order:
1. `context["case"]` (actions on a record pass the record's case: `context={"request": …, "case": …}`);
2. the case of the instance being changed (`Serializer(instance, data=…)`);
3. the record named by the serializer's *anchor* field (`Meta.case_from = "seizure"`: a firearm is added
   to the case of its seizure); the anchor itself is a `CaseRelatedField(..., anchor=True)`, resolved
   among every case where the requester may do `action`;
4. on `create`, the view's `case_for_create(request)` (the case named by `case` / `?case=`).
With none of them, nothing resolves (fail closed).

`CaseRecordSerializer` is the base of every ModelSerializer of case records: the related fields it
builds for foreign keys and many-to-many fields to case-owned models are `CaseRelatedField`s too.
"""
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField

from cases.access import Action


def is_case_owned(model) -> bool:
    """A model whose rows belong to one case and whose manager answers `visible_to(user, action)`."""
    try:
        field = model._meta.get_field("case")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
        return False
    return bool(field.is_relation and hasattr(model._default_manager, "visible_to"))


def target_case(field):
    """The case a write of `field`'s serializer goes to (see the module doc), or None."""
    from cases.models import Case

    root = field.root
    context = field.context
    if context.get("case") is not None:
        return context["case"]
    instance = getattr(root, "instance", None)
    if isinstance(instance, models.Model):
        if isinstance(instance, Case):
            return instance
        if getattr(instance, "case_id", None):
            return instance.case
    anchor = getattr(getattr(root, "Meta", None), "case_from", None)
    if anchor:
        anchor_field = getattr(root, "fields", {}).get(anchor)
        data = getattr(root, "initial_data", None)
        if anchor_field is None or anchor_field is field or not hasattr(data, "get"):
            return None
        value = data.get(anchor)
        if value in (None, ""):
            return None
        try:
            record = anchor_field.to_internal_value(value)
        except serializers.ValidationError:
            return None
        return record if isinstance(record, Case) else getattr(record, "case", None)
    view = context.get("view")
    request = context.get("request")
    if view is not None and request is not None and getattr(view, "action", None) == "create" \
            and hasattr(view, "case_for_create"):
        case = view.case_for_create(request)
        context["case"] = case
        return case
    return None


@extend_schema_field(OpenApiTypes.INT)
class CaseRelatedField(PrimaryKeyRelatedField):
    """A related case record by id, among those the requester may `action` in the target case."""

    def __init__(self, model=None, action=Action.VIEW, anchor=False, **kwargs):
        queryset = kwargs.pop("queryset", None)
        if model is None and queryset is not None:
            model = queryset.model
        assert model is not None, "CaseRelatedField needs the model of the related records"
        assert is_case_owned(model), f"{model._meta.label} is not a case-owned model"
        self.model, self.case_action, self.anchor = model, action, anchor
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        qs = self.model._default_manager.visible_to(user, self.case_action)
        if self.anchor:  # names the case of a new record; a change stays in the record's case
            instance = getattr(self.root, "instance", None)
            if isinstance(instance, models.Model) and getattr(instance, "case_id", None):
                return qs.filter(case_id=instance.case_id)
            return qs
        case = target_case(self)
        return qs.filter(case=case) if case is not None else qs.none()

    def to_internal_value(self, data):
        # Whatever makes the id unusable here reads as "does not exist" (a bool is not an id either).
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class CaseRecordSerializer(serializers.ModelSerializer):
    """Base ModelSerializer of case records: its built related fields to case-owned models are
    `CaseRelatedField`s (to other models, plain primary keys)."""

    related_action = Action.VIEW

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        model = relation_info.related_model
        if field_class is PrimaryKeyRelatedField and is_case_owned(model):
            kwargs.pop("queryset", None)
            if not kwargs.get("read_only"):
                kwargs.update(model=model, action=self.related_action)
            else:
                kwargs["model"] = model
            return CaseRelatedField, kwargs
        return field_class, kwargs
