"""Every write of the seizures app: seizures, items, custody, documents, tracing.

Each service checks that `by` may do it in the case, validates, writes in one
transaction and records the audit event.
"""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.access import Action, Handling
from cases.audit import AuditAction, audit_record
from cases.records import not_found_error
from cases.services import check_handling, evidence_upload, notify, require

from . import serials
from .deconfliction import firearm_deconflict
from .models import (
    Ammunition, CriminalContextChange, CustodyEvent, Firearm, FirearmPhoto, Part, Seizure, SeizureParty,
    TracingRequest, TransferDocument,
)
from .models.choices import CriminalContext


def _save(instance, exclude=None):
    instance.full_clean(exclude=exclude)
    instance.save()
    return instance


def _diff(instance, fields, apply):
    before = {name: str(getattr(instance, name)) for name in fields}
    apply()
    after = {name: str(getattr(instance, name)) for name in fields}
    return {k: [before[k], after[k]] for k in fields if before[k] != after[k]}


def _unknown(fields, allowed, what):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {sorted(unknown)}")


def _upper(fields, names):
    for name in names:
        if name in fields and fields[name] is not None:
            fields[name] = str(fields[name]).strip().upper()


# --- seizures -------------------------------------------------------------------

SEIZURE_FIELDS = ("reference", "occurred_at", "country", "region", "place", "latitude", "longitude",
                  "seizing_agency", "seizing_officer", "recovery_type", "context", "legal_basis",
                  "legal_basis_detail", "route_departure", "route_transit", "route_destination", "concealment",
                  "description")


def _clean_seizure_fields(fields):
    _upper(fields, ("country", "route_departure", "route_destination"))
    if "route_transit" in fields:
        transit = fields["route_transit"] or []
        if isinstance(transit, str):
            transit = [c for c in transit.replace(";", ",").replace(" ", ",").split(",")]
        fields["route_transit"] = [c.strip().upper() for c in transit if c and c.strip()]
    if "reference" in fields:
        fields["reference"] = (fields["reference"] or "").strip()


@transaction.atomic
def seizure_record(*, case, by, occurred_at, country, context, legal_basis, reference="", seizing_agency=None,
                   criminal_context=CriminalContext.UNKNOWN, parties=(), source_evidence=None, **fields) -> Seizure:
    """Record a seizure event. The seizing agency defaults to the recording officer's agency."""
    require(by, case, Action.ADD)
    _unknown(fields, SEIZURE_FIELDS, "seizure")
    fields.update(occurred_at=occurred_at, country=country, context=context, legal_basis=legal_basis,
                  reference=reference)
    _clean_seizure_fields(fields)
    if not fields["reference"]:
        fields["reference"] = _next_seizure_reference(case)
    if Seizure.objects.filter(case=case, reference=fields["reference"]).exists():
        raise ValidationError({"reference": f"Case {case.reference} already has a seizure {fields['reference']}."})
    if occurred_at and occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A seizure cannot be in the future."})
    seizing_agency = seizing_agency or by.agency
    if seizing_agency is None:
        raise ValidationError({"seizing_agency": "Name the seizing agency."})
    seizure = _save(Seizure(case=case, created_by=by, seizing_agency=seizing_agency, criminal_context=criminal_context,
                            source_evidence=source_evidence, **fields))
    CriminalContextChange.objects.create(case=case, created_by=by, seizure=seizure, previous="",
                                         context=criminal_context, reason="Recorded with the seizure")
    audit_record(actor=by, action=AuditAction.SEIZURE_RECORD, obj=seizure, case=case,
                 details={"reference": seizure.reference, "legal_basis": seizure.legal_basis,
                          "criminal_context": criminal_context})
    for party in parties:
        seizure_party_add(seizure=seizure, by=by, **party)
    return seizure


def _next_seizure_reference(case):
    n = Seizure.objects.filter(case=case).count()
    while True:
        n += 1
        candidate = f"SZ-{n}"
        if not Seizure.objects.filter(case=case, reference=candidate).exists():
            return candidate


@transaction.atomic
def seizure_update(*, seizure, by, **fields) -> Seizure:
    """Correct the facts of a seizure. The criminal context changes only through `seizure_context_change`."""
    require(by, seizure.case, Action.CHANGE)
    if "criminal_context" in fields:
        raise ValidationError({"criminal_context": "Change the criminal context with a reason; its history is kept."})
    _unknown(fields, SEIZURE_FIELDS, "seizure")
    _clean_seizure_fields(fields)
    if fields.get("seizing_agency", False) is None:
        fields.pop("seizing_agency")  # left empty on a form: keep the agency recorded
    if "reference" in fields and not fields["reference"]:
        fields.pop("reference")
    if "reference" in fields and fields["reference"] != seizure.reference and Seizure.objects.filter(
            case=seizure.case, reference=fields["reference"]).exists():
        raise ValidationError({"reference": f"This case already has a seizure {fields['reference']}."})
    changed = _diff(seizure, fields, lambda: [setattr(seizure, k, v) for k, v in fields.items()])
    _save(seizure)
    audit_record(actor=by, action=AuditAction.SEIZURE_UPDATE, obj=seizure, case=seizure.case, details={"changed": changed})
    return seizure


@transaction.atomic
def seizure_context_change(*, seizure, by, context, reason) -> CriminalContextChange:
    """Reassess the criminal context (e.g. possession turns out to be trafficking); the history is kept."""
    require(by, seizure.case, Action.CHANGE)
    if context not in CriminalContext.values:
        raise ValidationError({"context": f"Unknown criminal context {context!r}."})
    if context == seizure.criminal_context:
        raise ValidationError({"context": "That is already the criminal context of this seizure."})
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the criminal context changes."})
    change = CriminalContextChange.objects.create(case=seizure.case, created_by=by, seizure=seizure,
                                                  previous=seizure.criminal_context, context=context,
                                                  reason=reason.strip()[:500])
    Seizure.objects.filter(pk=seizure.pk).update(criminal_context=context, updated_at=timezone.now())
    seizure.criminal_context = context
    audit_record(actor=by, action=AuditAction.SEIZURE_CONTEXT_CHANGE, obj=seizure, case=seizure.case,
                 details={"from": change.previous, "to": context, "reason": change.reason})
    return change


@transaction.atomic
def seizure_party_add(*, seizure, by, entity, role) -> SeizureParty:
    require(by, seizure.case, Action.ADD)
    if entity.case_id != seizure.case_id:
        raise ValidationError({"entity": "The person or organisation must belong to this case."})
    if SeizureParty.objects.filter(seizure=seizure, entity=entity, role=role).exists():
        raise ValidationError({"entity": f"{entity} is already linked to this seizure in that role."})
    party = _save(SeizureParty(case=seizure.case, created_by=by, seizure=seizure, entity=entity, role=role))
    audit_record(actor=by, action=AuditAction.SEIZURE_PARTY_ADD, obj=seizure, case=seizure.case,
                 details={"entity": entity.pk, "role": role})
    return party


# --- firearms, parts, ammunition ---------------------------------------------------

FIREARM_FIELDS = ("item_number", "weapon_type", "make", "model", "calibre", "serial_as_read", "country_of_manufacture",
                  "year_of_manufacture", "import_country", "import_year", "other_markings", "marking_status",
                  "craft_produced", "converted", "converted_from", "printed_3d", "deactivated", "reactivated",
                  "condition", "illicit_grounds", "origin_established", "origin_established_note", "source_row")


def _next_item_number(seizure, model, prefix):
    n = model.objects.filter(seizure=seizure).count()
    while True:
        n += 1
        candidate = f"{seizure.reference}/{prefix}{n:02d}"
        if not model.objects.filter(seizure=seizure, item_number=candidate).exists():
            return candidate


def _prepare_firearm(firearm):
    firearm.serial_as_read = (firearm.serial_as_read or "").strip()
    firearm.make = (firearm.make or "").strip()
    firearm.make_normalized = serials.normalize_make(firearm.make)
    firearm.serial_normalized = serials.normalize_serial(firearm.serial_as_read)
    firearm.serial_is_partial = serials.is_partial(firearm.serial_normalized)
    if firearm.serial_as_read and not firearm.serial_normalized:
        raise ValidationError({"serial_as_read": "A serial number needs at least one letter or digit (or ? for an "
                                                 "unreadable character)."})
    if firearm.serial_is_partial and firearm.marking_status == "intact":
        raise ValidationError({"serial_as_read": "A serial with unreadable characters (? or *) cannot have an intact "
                                                 "marking; choose altered, obliterated or restored."})


@transaction.atomic
def firearm_record(*, seizure, by, weapon_type, deconflict=True, **fields) -> Firearm:
    """Record a seized firearm and check its serial number against every other case.

    The returned firearm carries `deconfliction` — the notices `by` may see."""
    require(by, seizure.case, Action.ADD)
    _unknown(fields, FIREARM_FIELDS, "firearm")
    _upper(fields, ("country_of_manufacture", "import_country"))
    fields["item_number"] = (fields.get("item_number") or "").strip() or _next_item_number(seizure, Firearm, "F")
    if Firearm.objects.filter(seizure=seizure, item_number=fields["item_number"]).exists():
        raise ValidationError({"item_number": f"Seizure {seizure.reference} already has an item {fields['item_number']}."})
    firearm = Firearm(case=seizure.case, created_by=by, seizure=seizure, weapon_type=weapon_type, **fields)
    _prepare_firearm(firearm)
    _save(firearm)
    audit_record(actor=by, action=AuditAction.FIREARM_RECORD, obj=firearm, case=seizure.case,
                 details={"item": firearm.item_number, "make": firearm.make, "serial": firearm.serial_as_read,
                          "serial_normalized": firearm.serial_normalized, "marking_status": firearm.marking_status})
    firearm.deconfliction = firearm_deconflict(firearm=firearm, by=by) if deconflict else []
    return firearm


@transaction.atomic
def firearm_update(*, firearm, by, **fields) -> Firearm:
    require(by, firearm.case, Action.CHANGE)
    _unknown(fields, FIREARM_FIELDS, "firearm")
    _upper(fields, ("country_of_manufacture", "import_country"))
    if "item_number" in fields and fields["item_number"] != firearm.item_number and Firearm.objects.filter(
            seizure=firearm.seizure, item_number=fields["item_number"]).exists():
        raise ValidationError({"item_number": f"This seizure already has an item {fields['item_number']}."})
    old_key = (firearm.make_normalized, firearm.serial_normalized)
    changed = _diff(firearm, fields, lambda: [setattr(firearm, k, v) for k, v in fields.items()])
    _prepare_firearm(firearm)
    _save(firearm)
    audit_record(actor=by, action=AuditAction.FIREARM_UPDATE, obj=firearm, case=firearm.case, details={"changed": changed})
    firearm.deconfliction = []
    if (firearm.make_normalized, firearm.serial_normalized) != old_key:
        firearm.deconfliction = firearm_deconflict(firearm=firearm, by=by)
    return firearm


def firearm_photo_add(*, firearm, by, upload, caption="") -> FirearmPhoto:
    """Store a photo as an evidence file (hashed) and link it to the firearm."""
    require(by, firearm.case, Action.ADD)
    evidence = evidence_upload(case=firearm.case, by=by, upload=upload,
                               title=f"Photo of {firearm.item_number}" + (f" — {caption}" if caption else ""),
                               source=f"Photo of firearm {firearm.item_number}")
    with transaction.atomic():
        photo = _save(FirearmPhoto(case=firearm.case, created_by=by, firearm=firearm, evidence=evidence,
                                   caption=caption[:200]))
        audit_record(actor=by, action=AuditAction.FIREARM_PHOTO_ADD, obj=firearm, case=firearm.case,
                     details={"evidence": evidence.pk, "sha256": evidence.sha256})
    return photo


PART_FIELDS = ("item_number", "firearm", "make", "serial_as_read", "markings", "quantity", "description", "source_row")
AMMUNITION_FIELDS = ("item_number", "quantity", "headstamp", "lot_number", "country_of_manufacture", "description",
                     "source_row")


@transaction.atomic
def part_record(*, seizure, by, kind, **fields) -> Part:
    require(by, seizure.case, Action.ADD)
    _unknown(fields, PART_FIELDS, "part")
    if fields.get("firearm") is not None and fields["firearm"].case_id != seizure.case_id:
        raise not_found_error("firearm", fields["firearm"].pk)
    if fields.get("firearm") is not None and fields["firearm"].seizure_id != seizure.pk:
        raise ValidationError({"firearm": "The firearm belongs to another seizure."})
    fields["item_number"] = (fields.get("item_number") or "").strip() or _next_item_number(seizure, Part, "P")
    if Part.objects.filter(seizure=seizure, item_number=fields["item_number"]).exists():
        raise ValidationError({"item_number": f"Seizure {seizure.reference} already has a part {fields['item_number']}."})
    part = Part(case=seizure.case, created_by=by, seizure=seizure, kind=kind, **fields)
    part.serial_normalized = serials.normalize_serial(part.serial_as_read)
    _save(part)
    audit_record(actor=by, action=AuditAction.PART_RECORD, obj=part, case=seizure.case,
                 details={"item": part.item_number, "kind": kind, "quantity": part.quantity})
    return part


@transaction.atomic
def ammunition_record(*, seizure, by, calibre, quantity, **fields) -> Ammunition:
    require(by, seizure.case, Action.ADD)
    _unknown(fields, AMMUNITION_FIELDS, "ammunition")
    _upper(fields, ("country_of_manufacture",))
    fields["item_number"] = (fields.get("item_number") or "").strip() or _next_item_number(seizure, Ammunition, "A")
    if Ammunition.objects.filter(seizure=seizure, item_number=fields["item_number"]).exists():
        raise ValidationError({"item_number": f"Seizure {seizure.reference} already has an item {fields['item_number']}."})
    ammo = _save(Ammunition(case=seizure.case, created_by=by, seizure=seizure, calibre=calibre.strip(),
                            quantity=quantity, **fields))
    audit_record(actor=by, action=AuditAction.AMMUNITION_RECORD, obj=ammo, case=seizure.case,
                 details={"item": ammo.item_number, "calibre": ammo.calibre, "quantity": quantity,
                          "headstamp": ammo.headstamp, "lot": ammo.lot_number})
    return ammo


# --- chain of custody ---------------------------------------------------------------

CUSTODY_FIELDS = ("from_holder", "to_holder", "from_location", "to_location", "method", "witnesses",
                  "ballistic_reference", "notes")
ITEM_FIELD = {Firearm: "firearm", Part: "part", Ammunition: "ammunition"}


@transaction.atomic
def custody_record(*, item, by, kind, occurred_at, **fields) -> CustodyEvent:
    """Append an event to an item's chain of custody.

    Events are appended in time order; the first is the seizure itself; a destroyed
    item accepts nothing more."""
    require(by, item.case, Action.ADD)
    _unknown(fields, CUSTODY_FIELDS, "custody")
    field = ITEM_FIELD.get(type(item))
    if field is None:
        raise ValidationError("Custody is kept for firearms, parts and ammunition.")
    if kind not in CustodyEvent.Kind.values:
        raise ValidationError({"kind": f"Unknown custody event {kind!r}."})
    # Lock the item so two officers appending at once get consecutive sequence numbers.
    type(item).objects.select_for_update().in_case(item.case_id).filter(pk=item.pk).first()
    chain = CustodyEvent.objects.filter(**{field: item}).order_by("-sequence")
    last = chain.first()
    K = CustodyEvent.Kind
    if occurred_at is None:
        raise ValidationError({"occurred_at": "Say when it happened."})
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A custody event cannot be in the future."})
    if last is not None and last.kind == K.DESTROYED:
        if kind == K.DESTROYED:
            raise ValidationError({"kind": f"{item.item_number} was already destroyed on "
                                           f"{timezone.localtime(last.occurred_at):%d %b %Y %H:%M}; it cannot be "
                                           f"destroyed twice."})
        raise ValidationError({"kind": f"{item.item_number} was destroyed on "
                                       f"{timezone.localtime(last.occurred_at):%d %b %Y %H:%M}; a destroyed item "
                                       f"accepts no further custody events."})
    if last is None and kind != K.SEIZED:
        raise ValidationError({"kind": "The chain of custody starts with the seizure: record 'Seized' first."})
    if last is not None and kind == K.SEIZED:
        raise ValidationError({"kind": "This item's seizure is already recorded; choose another event."})
    if last is not None and occurred_at < last.occurred_at:
        raise ValidationError({"occurred_at": f"Events are recorded in order: the last event "
                                              f"({last.get_kind_display().lower()}) is at "
                                              f"{timezone.localtime(last.occurred_at):%d %b %Y %H:%M}, "
                                              f"after this time."})
    if last is None and occurred_at < item.seizure.occurred_at - timedelta(minutes=1):
        raise ValidationError({"occurred_at": "The item cannot be in custody before the seizure took place."})
    if kind == K.DESTROYED:
        if not fields.get("method", "").strip():
            raise ValidationError({"method": "Say how the item was destroyed."})
        if not fields.get("witnesses", "").strip():
            raise ValidationError({"witnesses": "Name the witnesses of the destruction."})
    event = _save(CustodyEvent(case=item.case, created_by=by, kind=kind, occurred_at=occurred_at,
                               sequence=(last.sequence + 1) if last else 1, **{field: item}, **fields))
    audit_record(actor=by, action=AuditAction.CUSTODY_RECORD, obj=item, case=item.case,
                 details={"event": event.pk, "sequence": event.sequence, "kind": kind,
                          "to_holder": event.to_holder, "to_location": event.to_location})
    return event


# --- transfer documents ----------------------------------------------------------------

DOCUMENT_FIELDS = ("seizure", "kind", "number", "issuing_authority", "issuing_country", "issued_on", "valid_until",
                   "exporter", "importer", "broker", "carrier", "declared_end_user", "items_description", "quantity",
                   "non_reexport_clause", "verification_status", "verification_method", "evidence")
PARTY_FIELDS = ("exporter", "importer", "broker", "carrier", "declared_end_user")


def _check_same_case(case, fields, firearms):
    for name in (*PARTY_FIELDS, "seizure", "evidence"):
        value = fields.get(name)
        if value is not None and value.case_id != case.pk:
            raise not_found_error(name, value.pk)  # named like a missing id: nothing of the other case
    for firearm in firearms:
        if firearm.case_id != case.pk:
            raise not_found_error("firearms", firearm.pk)


@transaction.atomic
def transfer_document_record(*, case, by, firearms=(), handling=Handling.TEAM, **fields) -> TransferDocument:
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    _unknown(fields, DOCUMENT_FIELDS, "transfer document")
    _upper(fields, ("issuing_country",))
    _check_same_case(case, fields, firearms)
    document = _save(TransferDocument(case=case, created_by=by, origin_agency=by.agency, handling=handling, **fields))
    document.firearms.set(firearms)
    audit_record(actor=by, action=AuditAction.TRANSFER_DOCUMENT_RECORD, obj=document, case=case,
                 details={"kind": document.kind, "number": document.number,
                          "verification": document.verification_status, "firearms": [f.pk for f in firearms]})
    return document


@transaction.atomic
def transfer_document_update(*, document, by, firearms=None, **fields) -> TransferDocument:
    """Correct a document or record its verification (status and how it was verified)."""
    require(by, document.case, Action.CHANGE)
    _unknown(fields, DOCUMENT_FIELDS, "transfer document")
    _upper(fields, ("issuing_country",))
    _check_same_case(document.case, fields, firearms or ())
    changed = _diff(document, fields, lambda: [setattr(document, k, v) for k, v in fields.items()])
    _save(document)
    if firearms is not None:
        document.firearms.set(firearms)
        changed["firearms"] = [f.pk for f in firearms]
    audit_record(actor=by, action=AuditAction.TRANSFER_DOCUMENT_UPDATE, obj=document, case=document.case,
                 details={"changed": changed})
    return document


# --- tracing requests ---------------------------------------------------------------------

DEFAULT_DUE_DAYS = {TracingRequest.Priority.URGENT: 1, TracingRequest.Priority.ROUTINE: 30}


def tracing_due_days(priority) -> int:
    """Days a tracing request may take, by priority (setting PARALLAX_TRACING_DUE_DAYS)."""
    configured = getattr(settings, "PARALLAX_TRACING_DUE_DAYS", None) or {}
    return int(configured.get(priority, DEFAULT_DUE_DAYS[priority]))


def tracing_due_date(priority, sent_at):
    return timezone.localdate(sent_at) + timedelta(days=tracing_due_days(priority))


TRACING_FIELDS = ("destination_country", "destination_name", "priority", "justification")


def _next_tracing_reference(case):
    n = TracingRequest.objects.filter(case=case).count()
    while True:
        n += 1
        candidate = f"{case.reference}-TR-{n:03d}"
        if not TracingRequest.objects.filter(case=case, reference=candidate).exists():
            return candidate


@transaction.atomic
def tracing_request_create(*, case, by, firearms, destination, reference="", handling=Handling.TEAM,
                           **fields) -> TracingRequest:
    """Draft a tracing request for one or more firearms of the case."""
    require(by, case, Action.ADD)
    check_handling(by=by, case=case, handling=handling)
    _unknown(fields, TRACING_FIELDS, "tracing request")
    _upper(fields, ("destination_country",))
    firearms = list(firearms)
    if not firearms:
        raise ValidationError({"firearms": "Choose at least one firearm to trace."})
    _check_same_case(case, {}, firearms)
    reference = (reference or "").strip() or _next_tracing_reference(case)
    if any(ord(c) < 32 or ord(c) == 127 for c in reference):
        # It names the exported files (a Content-Disposition header) and the letter: one line only.
        raise ValidationError({"reference": "A reference is one line: no line breaks, tabs or control characters."})
    if TracingRequest.objects.filter(case=case, reference=reference).exists():
        raise ValidationError({"reference": f"This case already has a tracing request {reference}."})
    request = _save(TracingRequest(case=case, created_by=by, origin_agency=by.agency, handling=handling,
                                   reference=reference, destination=destination, **fields))
    request.firearms.set(firearms)
    audit_record(actor=by, action=AuditAction.TRACING_CREATE, obj=request, case=case,
                 details={"reference": reference, "destination": destination, "priority": request.priority,
                          "firearms": [f.pk for f in firearms]})
    return request


def _transition(request, allowed_from, target):
    if request.status not in allowed_from:
        raise ValidationError({"status": f"A request that is {request.get_status_display().lower()} cannot become "
                                         f"{TracingRequest.Status(target).label.lower()}."})


@transaction.atomic
def tracing_request_send(*, request, by, sent_at=None) -> TracingRequest:
    """Mark the request as sent; its due date follows from its priority."""
    require(by, request.case, Action.CHANGE)
    _transition(request, (TracingRequest.Status.DRAFT,), TracingRequest.Status.SENT)
    request.sent_at = sent_at or timezone.now()
    request.due_date = tracing_due_date(request.priority, request.sent_at)
    request.status = TracingRequest.Status.SENT
    _save(request)
    audit_record(actor=by, action=AuditAction.TRACING_SEND, obj=request, case=request.case,
                 details={"sent_at": request.sent_at.isoformat(), "due": request.due_date.isoformat()})
    return request


@transaction.atomic
def tracing_request_acknowledge(*, request, by, their_reference="", acknowledged_at=None) -> TracingRequest:
    require(by, request.case, Action.CHANGE)
    _transition(request, (TracingRequest.Status.SENT,), TracingRequest.Status.ACKNOWLEDGED)
    request.acknowledged_at = acknowledged_at or timezone.now()
    request.their_reference = their_reference.strip()
    request.status = TracingRequest.Status.ACKNOWLEDGED
    _save(request)
    audit_record(actor=by, action=AuditAction.TRACING_ACKNOWLEDGE, obj=request, case=request.case,
                 details={"their_reference": request.their_reference})
    return request


RESPONSE_FIELDS = ("not_traced_reason", "last_legal_owner", "last_legal_transfer", "last_legal_country",
                   "diversion_point", "diversion_type", "response_text", "their_reference")


@transaction.atomic
def tracing_request_respond(*, request, by, outcome, responded_at=None, **fields) -> TracingRequest:
    """Record the answer: the last legal owner or transfer and the point and type of diversion, or why not traced."""
    require(by, request.case, Action.CHANGE)
    _unknown(fields, RESPONSE_FIELDS, "tracing response")
    _upper(fields, ("last_legal_country",))
    _transition(request, TracingRequest.OPEN_STATUSES, TracingRequest.Status.RESPONDED)
    if outcome not in TracingRequest.Outcome.values:
        raise ValidationError({"outcome": f"Unknown outcome {outcome!r}."})
    if outcome == TracingRequest.Outcome.DIVERSION_POINT and not fields.get("diversion_type"):
        raise ValidationError({"diversion_type": "A trace to the point of diversion says what kind of diversion."})
    if outcome == TracingRequest.Outcome.LAST_LEGAL_OWNER and not fields.get("last_legal_owner", "").strip():
        raise ValidationError({"last_legal_owner": "Name the last legal owner the trace established."})
    for name, value in fields.items():
        setattr(request, name, value)
    request.outcome = outcome
    request.responded_at = responded_at or timezone.now()
    request.status = TracingRequest.Status.RESPONDED
    _save(request)
    audit_record(actor=by, action=AuditAction.TRACING_RESPOND, obj=request, case=request.case,
                 details={"outcome": outcome, "diversion_type": request.diversion_type,
                          "last_legal_country": request.last_legal_country})
    return request


@transaction.atomic
def tracing_request_close(*, request, by) -> TracingRequest:
    require(by, request.case, Action.CHANGE)
    _transition(request, (TracingRequest.Status.RESPONDED,), TracingRequest.Status.CLOSED)
    request.status = TracingRequest.Status.CLOSED
    request.closed_at = timezone.now()
    _save(request)
    audit_record(actor=by, action=AuditAction.TRACING_CLOSE, obj=request, case=request.case, details={"outcome": request.outcome})
    return request


def tracing_overdue(*, today=None):
    """Sent or acknowledged requests past their due date, in every case (for the daily check)."""
    today = today or timezone.localdate()
    # The daily check looks at every case; each reminder goes to its own requester only.
    return TracingRequest.objects.across_cases().filter(status__in=TracingRequest.OPEN_STATUSES, due_date__lt=today)


def tracing_overdue_notify(*, today=None) -> int:
    """Daily check: tell each requester about their overdue tracing requests, once per request and due date."""
    today = today or timezone.localdate()
    sent = 0
    for request in tracing_overdue(today=today).select_related("case", "created_by"):
        url = reverse("seizures:tracing-detail", kwargs={"reference": request.case.reference, "pk": request.pk})
        if notify(recipient=request.created_by, case=request.case, url=url, sources=[request],
                  message=f"{request.case.reference}: tracing request {request.reference} "
                          f"({request.get_priority_display().lower()}) was due on {request.due_date:%d %b %Y} "
                          f"and has no answer.",
                  dedupe_key=f"tracing-overdue:{request.pk}:{request.due_date.isoformat()}"):
            sent += 1
    return sent
