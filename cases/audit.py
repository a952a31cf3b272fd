"""Writing and verifying the audit trail.

Every write, every view of a sensitive record, every download and export calls
`audit_record`. Events are chained: each stores the hash of the one before, so
changing or removing a stored event breaks the chain at that point.
"""
import hmac
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
    checked: int  # events verified (before the broken one, when broken)
    broken_event_id: int | None = None
    reason: str = ""
    problem: str = ""  # link, seal, downgrade, algo, rechained, count, missing, truncated, checkpoint-file
    head_id: int | None = None
    head_hash: str = ""
    head_algo: str = ""
    checkpoints: int = 0  # signed checkpoints the chain was compared with
    latest_checkpoint: object = None


def audit_verify_chain(*, batch_size=5000, checkpoints=None, resume_from=None) -> ChainReport:
    """Walk the chain; report the first event whose link, seal or checkpoint is wrong.

    Each event must link to the one before and carry a valid seal: HMAC-SHA256 under the audit
    key, or plain SHA-256 for events stored before the key (accepted only before the first keyed
    event). The chain must also agree with every signed checkpoint outside the database
    (cases/audit_checkpoints.py): event #N of a checkpoint must still exist with the same seal
    and the same number of events up to it. That finds what the chain alone cannot: the newest
    events deleted (truncation) and a chain re-sealed with the key (re-chaining).

    `checkpoints`: None reads the checkpoint file. `resume_from`: a verified checkpoint to start
    from instead of the genesis (the scheduled checkpoint only walks what is new).
    """
    from cases.audit_checkpoints import CheckpointFileError, read_checkpoints
    from cases.models.audit import audit_key

    if checkpoints is None:
        try:
            checkpoints = read_checkpoints()
        except CheckpointFileError as exc:
            return ChainReport(False, 0, None, f"the checkpoint file cannot be trusted: {exc}", "checkpoint-file")
    checkpoints = [c for c in checkpoints if c.count > 0]
    latest = max(checkpoints, key=lambda c: (c.last_id, c.line), default=None)
    pending = sorted(checkpoints, key=lambda c: (c.last_id, c.line))
    key = audit_key()
    prev, checked, last_id, keyed_seen, last_good_checkpoint = AuditEvent.GENESIS, 0, 0, False, 0
    head = None

    def broken(event_id, problem, reason):
        return ChainReport(False, checked, event_id, reason, problem, checkpoints=len(checkpoints),
                           latest_checkpoint=latest)

    if resume_from is not None:
        row = AuditEvent.objects.filter(id=resume_from.last_id).values_list("hash", "algo").first()
        if row is None:
            return broken(resume_from.last_id, "missing",
                          f"it is missing, but it is the head of the {resume_from.describe()}: events were deleted")
        if row[0] != resume_from.hash:
            return broken(resume_from.last_id, "rechained",
                          f"its seal differs from the {resume_from.describe()}: the chain was re-written and re-sealed")
        prev, checked, last_id = resume_from.hash, resume_from.count, resume_from.last_id
        keyed_seen = resume_from.algo == AuditEvent.ALGO_HMAC
        head = (resume_from.last_id, resume_from.hash, resume_from.algo)
        pending = [c for c in pending if c.last_id > resume_from.last_id]
        last_good_checkpoint = resume_from.last_id

    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return broken(event.id, "link", "its link to the previous event does not match "
                                                "(an event before it was removed, or changed and re-sealed)")
            if event.algo not in AuditEvent.ALGOS:
                return broken(event.id, "algo", f"its seal algorithm {event.algo!r} is unknown (the event was altered)")
            if event.algo == AuditEvent.ALGO_SHA256 and keyed_seen:
                return broken(event.id, "downgrade",
                              "it is sealed with plain SHA-256 after keyed events: the chain was re-sealed "
                              "without the audit key from here on (re-chaining)")
            if not hmac.compare_digest(event.compute_hash(key), event.hash):
                if event.algo == AuditEvent.ALGO_HMAC:
                    return broken(event.id, "seal", "its content does not match its HMAC seal (the event was altered, "
                                                    "or re-sealed without the audit key)")
                return broken(event.id, "seal", "its content does not match its hash (the event was altered)")
            keyed_seen = keyed_seen or event.algo == AuditEvent.ALGO_HMAC
            if pending and pending[0].last_id < event.id:
                checkpoint = pending[0]
                return broken(checkpoint.last_id, "missing",
                              f"it is missing, but it is the head of the {checkpoint.describe()}: "
                              f"events after #{last_id} were deleted and the chain re-sealed")
            while pending and pending[0].last_id == event.id:
                checkpoint = pending.pop(0)
                if checkpoint.hash != event.hash:
                    return broken(event.id, "rechained",
                                  f"its seal differs from the {checkpoint.describe()}: the chain after "
                                  f"#{last_good_checkpoint} was re-written and re-sealed (re-chaining)")
                if checkpoint.count != checked + 1:
                    return broken(event.id, "count",
                                  f"the chain holds {checked + 1} events up to it, but the {checkpoint.describe()} "
                                  f"records {checkpoint.count}: events were removed or inserted and the chain re-sealed")
                last_good_checkpoint = event.id
            prev = event.hash
            checked += 1
            last_id = event.id
            head = (event.id, event.hash, event.algo)
    if pending:
        checkpoint = pending[0]
        ends = f"ends at #{head[0]} after {checked} events" if head else "is empty"
        return broken(checkpoint.last_id, "truncated",
                      f"it is missing: the chain {ends}, but the {checkpoint.describe()}; "
                      f"the newest events were deleted (truncation)")
    head_id, head_hash, head_algo = head if head else (None, "", "")
    return ChainReport(True, checked, head_id=head_id, head_hash=head_hash, head_algo=head_algo,
                       checkpoints=len(checkpoints), latest_checkpoint=latest)
