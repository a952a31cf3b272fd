"""Writing and verifying the audit trail.

Every write, every view of a sensitive record, every download and export calls
`audit_record`. Events are chained: each stores the hash of the one before, so
changing or removing a stored event breaks the chain at that point.
"""
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from cases.middleware import current_ip
from cases.models import AuditEvent

# Arbitrary constant naming the advisory lock that serializes chain appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_270_001


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialized.


def audit_record(*, actor, action, obj=None, case=None, details=None, ip=None, label=None) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    if case is None and obj is not None:
        case = getattr(obj, "case", None)
    if obj is not None and case is not None and obj.__class__.__name__ == "Case":
        case = obj
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").only("hash").first()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=label or (actor.get_username() if getattr(actor, "pk", None) else "system"),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            case=case,
            ip=ip if ip is not None else current_ip(),
            details=details or {},
            prev_hash=last.hash if last else AuditEvent.GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    reason: str = ""


def audit_verify_chain(*, batch_size=5000) -> ChainReport:
    """Walk the whole chain; report the first event whose link or content is wrong."""
    prev = AuditEvent.GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return ChainReport(ok=True, checked=checked)
        for event in batch:
            if event.prev_hash != prev:
                return ChainReport(False, checked, event.id, "its link to the previous event does not match (an event before it was removed or changed)")
            if event.compute_hash() != event.hash:
                return ChainReport(False, checked, event.id, "its content does not match its hash (the event was altered)")
            prev = event.hash
            checked += 1
            last_id = event.id
