"""Every read of the seizures app, built on the case-scoped querysets."""
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cases.access import Action
from cases.deconfliction import deconfliction_notices
from cases.selectors import record_get, visible

from .models import (
    Ammunition, CriminalContextChange, CustodyEvent, Firearm, Part, Seizure, SeizureParty, TracingRequest,
    TransferDocument,
)
from .serials import normalize_serial


def seizure_list(*, user, case, q="", recovery_type="", context="", legal_basis="", date_from=None, date_to=None):
    qs = visible(Seizure, user=user, case=case).select_related("seizing_agency").annotate(
        firearm_count=Count("firearms", distinct=True), ammunition_count=Count("ammunitions", distinct=True)
    ).order_by("-occurred_at", "-id")  # Meta.ordering is not applied to aggregated queries
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(place__icontains=q) | Q(region__icontains=q)
                       | Q(description__icontains=q) | Q(concealment__icontains=q))
    if recovery_type:
        qs = qs.filter(recovery_type=recovery_type)
    if context:
        qs = qs.filter(context=context)
    if legal_basis:
        qs = qs.filter(legal_basis=legal_basis)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs


def seizure_get(*, user, case, pk, action=Action.VIEW) -> Seizure:
    return record_get(Seizure, user=user, case=case, pk=pk, action=action)


def seizure_parties(*, user, seizure):
    """Parties whose person or organisation record the user may see (handling codes apply)."""
    from cases.models import Entity

    visible_entities = Entity.objects.visible_to(user).filter(case=seizure.case).values("id")
    return (SeizureParty.objects.visible_to(user).filter(seizure=seizure, entity_id__in=visible_entities)
            .select_related("entity"))


def context_history(*, user, seizure):
    return CriminalContextChange.objects.visible_to(user).filter(seizure=seizure).select_related("created_by")


def firearm_list(*, user, case, q="", weapon_type="", marking_status="", seizure=None, flag=""):
    qs = visible(Firearm, user=user, case=case).select_related("seizure")
    if q:
        serial = normalize_serial(q)
        cond = Q(make__icontains=q) | Q(model__icontains=q) | Q(item_number__icontains=q) | Q(serial_as_read__icontains=q)
        if serial:
            cond |= Q(serial_normalized__contains=serial)
        qs = qs.filter(cond)
    if weapon_type:
        qs = qs.filter(weapon_type=weapon_type)
    if marking_status:
        qs = qs.filter(marking_status=marking_status)
    if seizure is not None:
        qs = qs.filter(seizure=seizure)
    if flag in ("craft_produced", "converted", "printed_3d", "deactivated", "reactivated"):
        qs = qs.filter(**{flag: True})
    return qs


def firearm_get(*, user, case, pk, action=Action.VIEW) -> Firearm:
    return record_get(Firearm, user=user, case=case, pk=pk, action=action)


def firearm_notices(*, user, firearm):
    return deconfliction_notices(user=user, case=firearm.case, subject=firearm)


def item_get(*, user, case, kind, pk, action=Action.VIEW):
    model = {"firearm": Firearm, "part": Part, "ammunition": Ammunition}[kind]
    return record_get(model, user=user, case=case, pk=pk, action=action)


def custody_chain(*, user, item):
    field = {Firearm: "firearm", Part: "part", Ammunition: "ammunition"}[type(item)]
    return CustodyEvent.objects.visible_to(user).filter(**{field: item}).select_related("created_by").order_by("sequence")


@dataclass(frozen=True)
class CustodyWarning:
    event: CustodyEvent | None
    message: str


def _same(a, b):
    return " ".join((a or "").casefold().split()) == " ".join((b or "").casefold().split())


def custody_gaps(events) -> list[CustodyWarning]:
    """Warnings about an item's chain: time with no holder, an item handed over by
    someone who did not hold it, or taken from a place where it was not."""
    events = list(events)
    K = CustodyEvent.Kind
    ends = (K.DESTROYED, K.RELEASED, K.RETURNED)  # after these the item has left police custody

    def when(event):
        return f"{timezone.localtime(event.occurred_at):%d %b %Y %H:%M}"

    if not events:
        return [CustodyWarning(None, "No custody events are recorded for this item.")]
    warnings = []
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        if following is not None:
            if following.from_holder and event.to_holder and not _same(following.from_holder, event.to_holder):
                warnings.append(CustodyWarning(following, f"Handed over by {following.from_holder}, but the previous "
                                                          f"event left the item with {event.to_holder}."))
            if following.from_location and event.to_location and not _same(following.from_location, event.to_location):
                warnings.append(CustodyWarning(following, f"Taken from {following.from_location}, but the previous "
                                                          f"event left the item at {event.to_location}."))
        if event.kind in ends:
            continue
        until = when(following) if following is not None else "now"
        if not event.to_holder:
            warnings.append(CustodyWarning(event, f"Nobody is recorded as holding the item from {when(event)} "
                                                  f"until {until}."))
        if not event.to_location:
            warnings.append(CustodyWarning(event, f"No location is recorded for the item from {when(event)} "
                                                  f"until {until}."))
    return warnings


def is_destroyed(events) -> bool:
    events = list(events)
    return bool(events) and events[-1].kind == CustodyEvent.Kind.DESTROYED


def part_list(*, user, case, seizure=None):
    qs = visible(Part, user=user, case=case).select_related("seizure", "firearm")
    return qs.filter(seizure=seizure) if seizure is not None else qs


def ammunition_list(*, user, case, seizure=None):
    qs = visible(Ammunition, user=user, case=case).select_related("seizure")
    return qs.filter(seizure=seizure) if seizure is not None else qs


def document_list(*, user, case, kind="", verification_status=""):
    qs = visible(TransferDocument, user=user, case=case).select_related(
        "seizure", "exporter", "importer", "broker", "carrier", "declared_end_user").prefetch_related("firearms")
    if kind:
        qs = qs.filter(kind=kind)
    if verification_status:
        qs = qs.filter(verification_status=verification_status)
    return qs


DOCUMENT_PARTY_LABELS = (("exporter", "Exporter"), ("importer", "Importer"), ("broker", "Broker"),
                         ("carrier", "Carrier"), ("declared_end_user", "Declared end user"))


def document_parties(*, user, document):
    """(label, entity or None) for each party; a party the user may not see is withheld, not named."""
    from cases.models import Entity

    ids = [getattr(document, f"{name}_id") for name, _ in DOCUMENT_PARTY_LABELS]
    visible_ids = set(Entity.objects.visible_to(user).filter(pk__in=[i for i in ids if i]).values_list("pk", flat=True))
    out = []
    for name, label in DOCUMENT_PARTY_LABELS:
        entity_id = getattr(document, f"{name}_id")
        if entity_id:
            out.append((label, getattr(document, name) if entity_id in visible_ids else None))
    return out


def tracing_list(*, user, case, status="", priority="", overdue=False, today=None):
    today = today or timezone.localdate()
    qs = visible(TracingRequest, user=user, case=case).select_related("created_by").prefetch_related("firearms")
    if status:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    if overdue:
        qs = qs.filter(status__in=TracingRequest.OPEN_STATUSES, due_date__lt=today)
    return qs


def tracing_board(*, user, case, today=None):
    """Requests in columns by status, overdue ones flagged."""
    today = today or timezone.localdate()
    columns = {status: [] for status in TracingRequest.Status.values}
    for request in tracing_list(user=user, case=case).order_by("due_date", "created_at"):
        request.overdue = request.is_overdue(today)
        columns[request.status].append(request)
    return [(TracingRequest.Status(s).label, s, items) for s, items in columns.items()]


def tracing_overdue_visible(*, user, today=None):
    """Overdue requests in every case the user may see (for the global overdue list)."""
    today = today or timezone.localdate()
    return (TracingRequest.objects.visible_to(user).filter(status__in=TracingRequest.OPEN_STATUSES, due_date__lt=today)
            .select_related("case", "created_by").order_by("due_date"))
