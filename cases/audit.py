"""Writing and verifying the audit trail.

Every write, every view of a sensitive record, every download and export is an
audit event: writes call `audit_record`, reads call `audit_read`. The action of
an event is one of the closed vocabulary `AuditAction` (after Zulip's
`AuditLogEventType`): an action string that is not in it is refused, so the
trail can be read and filtered by a fixed list of verbs.

Events are chained: each stores the hash of the one before, so changing or
removing a stored event breaks the chain at that point.

Each event about a record keeps the handling of that record at write time in
`details["_handling"]` (see `Handling.strictest`): the audit page and API show an
event's label and details only to a viewer who may see the record, or, when the
record is gone or the event derives from several records, whom that handling admits.
"""
import hmac
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from cases.access import across_cases
from cases.middleware import current_ip
from cases.models import AuditEvent

# Arbitrary constant naming the advisory lock that serializes chain appends on PostgreSQL.
_CHAIN_LOCK_KEY = 7_270_001

HANDLING_KEY = "_handling"  # reserved key of `details`: the handling of what the event is about
RESTRICTED_LABEL = "(restricted record)"


class AuditAction(models.TextChoices):
    """Every action the audit trail knows. Reads end in .view/.list/.download/.export…"""

    # accounts and administration
    AUTH_LOGIN = "auth.login"
    AUTH_LOGOUT = "auth.logout"
    AUTH_TOKEN = "auth.token"
    AUTH_TOTP_ENABLE = "auth.totp.enable"
    AUTH_TOTP_DISABLE = "auth.totp.disable"
    AUTH_VERIFY = "auth.verify"  # second factor entered for a signed-in session
    AUTH_RECOVERY_CODE_USE = "auth.recovery_code.use"
    AUTH_RECOVERY_CODES_GENERATE = "auth.recovery_codes.generate"
    AUTH_TOKEN_REVOKE = "auth.token.revoke"
    USER_CREATE = "user.create"
    AGENCY_CREATE = "agency.create"
    ADMIN_AGENCY_ADD = "admin.agency.add"
    ADMIN_AGENCY_CHANGE = "admin.agency.change"
    ADMIN_AGENCY_DELETE = "admin.agency.delete"
    ADMIN_USER_ADD = "admin.user.add"
    ADMIN_USER_CHANGE = "admin.user.change"
    ADMIN_USER_DELETE = "admin.user.delete"
    ADMIN_FXRATE_ADD = "admin.fxrate.add"
    ADMIN_FXRATE_CHANGE = "admin.fxrate.change"
    ADMIN_FXRATE_DELETE = "admin.fxrate.delete"
    # cases and teams
    CASE_OPEN = "case.open"
    CASE_UPDATE = "case.update"
    CASE_VIEW = "case.view"
    PAGE_VIEW = "page.view"  # a case page that shows case content but no single record (object: the case)
    API_LIST = "api.list"  # an API list read (object: the case whose rows it returned)
    MEMBERSHIP_ADD = "membership.add"
    MEMBERSHIP_END = "membership.end"
    CASEMEMBERSHIP_VIEW = "casemembership.view"
    FIU_ACCESS_GRANT = "fiu.access.grant"
    FIU_ACCESS_REVOKE = "fiu.access.revoke"
    FIU_RELEASE = "fiu.release"
    FIUACCESSGRANT_VIEW = "fiuaccessgrant.view"
    # persons, organisations, notes, tasks, links
    ENTITY_CREATE = "entity.create"
    ENTITY_UPDATE = "entity.update"
    ENTITY_IDENTIFIER_ADD = "entity.identifier.add"
    ENTITY_VIEW = "entity.view"
    ENTITY_LIST = "entity.list"
    LINK_ADD = "link.add"
    ENTITYLINK_VIEW = "entitylink.view"
    ENTITYLINK_DELETE = "entitylink.delete"
    NOTE_ADD = "note.add"
    NOTE_VIEW = "note.view"
    NOTE_LIST = "note.list"
    NOTE_DELETE = "note.delete"
    TASK_CREATE = "task.create"
    TASK_UPDATE = "task.update"
    TASK_VIEW = "task.view"
    TASK_LIST = "task.list"
    TASK_DELETE = "task.delete"
    TIMELINE_VIEW = "timeline.view"
    AUDIT_VIEW = "audit.view"  # the case's audit trail
    # evidence
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_VERIFY = "evidence.verify"
    EVIDENCEFILE_VIEW = "evidencefile.view"
    EVIDENCEFILE_DOWNLOAD = "evidencefile.download"
    EVIDENCE_LIST = "evidence.list"
    # jobs
    JOB_START = "job.start"
    JOB_CANCEL = "job.cancel"
    JOB_FAILED = "job.failed"
    JOB_CANCELLED = "job.cancelled"
    JOB_VIEW = "job.view"
    # deconfliction, notifications
    DECONFLICTION_HIT = "deconfliction.hit"
    DECONFLICTION_HIT_RECEIVED = "deconfliction.hit_received"
    DECONFLICTIONHIT_VIEW = "deconflictionhit.view"
    NOTIFICATION_VIEW = "notification.view"
    # dossiers
    DOSSIER_REQUEST = "dossier.request"
    DOSSIER_RENDER_START = "dossier.render.start"
    DOSSIER_GENERATE = "dossier.generate"
    DOSSIER_DOWNLOAD_PDF = "dossier.download.pdf"
    DOSSIER_DOWNLOAD_BUNDLE = "dossier.download.bundle"
    DOSSIER_DOWNLOAD_MANIFEST = "dossier.download.manifest"
    DOSSIER_VERIFY = "dossier.verify"
    DOSSIER_VIEW = "dossier.view"
    # seizures
    SEIZURE_RECORD = "seizure.record"
    SEIZURE_UPDATE = "seizure.update"
    SEIZURE_CONTEXT_CHANGE = "seizure.context_change"
    SEIZURE_PARTY_ADD = "seizure.party_add"
    SEIZURE_IMPORT = "seizure.import"
    SEIZURE_IMPORT_REJECTED = "seizure.import_rejected"
    SEIZURE_VIEW = "seizure.view"
    SEIZURES_STATISTICS_VIEW = "seizures.statistics_view"
    SEIZURES_STATISTICS_EXPORT = "seizures.statistics_export"
    CRIMINALCONTEXTCHANGE_VIEW = "criminalcontextchange.view"
    SEIZUREPARTY_VIEW = "seizureparty.view"
    FIREARM_RECORD = "firearm.record"
    FIREARM_UPDATE = "firearm.update"
    FIREARM_PHOTO_ADD = "firearm.photo_add"
    FIREARM_VIEW = "firearm.view"
    FIREARMPHOTO_VIEW = "firearmphoto.view"
    PART_RECORD = "part.record"
    PART_VIEW = "part.view"
    AMMUNITION_RECORD = "ammunition.record"
    AMMUNITION_VIEW = "ammunition.view"
    CUSTODY_RECORD = "custody.record"
    CUSTODY_VIEW = "custody.view"
    CUSTODYEVENT_VIEW = "custodyevent.view"
    TRANSFER_DOCUMENT_RECORD = "transfer_document.record"
    TRANSFER_DOCUMENT_UPDATE = "transfer_document.update"
    TRANSFER_DOCUMENT_VIEW = "transfer_document.view"
    TRANSFERDOCUMENT_VIEW = "transferdocument.view"
    TRACING_CREATE = "tracing.create"
    TRACING_SEND = "tracing.send"
    TRACING_ACKNOWLEDGE = "tracing.acknowledge"
    TRACING_RESPOND = "tracing.respond"
    TRACING_CLOSE = "tracing.close"
    TRACING_VIEW = "tracing.view"
    TRACING_EXPORT_JSON = "tracing.export_json"
    TRACING_EXPORT_CSV = "tracing.export_csv"
    TRACING_EXPORT_PDF = "tracing.export_pdf"
    TRACINGREQUEST_VIEW = "tracingrequest.view"
    # finance: imports, parties, accounts, transactions
    IMPORT_UPLOAD = "import.upload"
    IMPORT_MAPPING_CONFIRM = "import.mapping_confirm"
    IMPORT_COMPLETE = "import.complete"
    IMPORT_NEEDS_MAPPING = "import.needs_mapping"
    IMPORT_QUEUED = "import.queued"
    IMPORT_RUNNING = "import.running"
    IMPORT_IMPORTED = "import.imported"
    IMPORT_REJECTED = "import.rejected"
    IMPORT_FAILED = "import.failed"
    IMPORT_CANCELLED = "import.cancelled"
    IMPORT_ERROR_REPORT = "import.error_report"
    IMPORT_VIEW = "import.view"
    COLUMNMAPPINGPROFILE_VIEW = "columnmappingprofile.view"
    FX_SET = "fx.set"
    PARTY_MATCH_CONFIRM = "party.match_confirm"
    PARTY_MATCH_REJECT = "party.match_reject"
    PARTY_MERGE = "party.merge"
    PARTY_VIEW = "party.view"
    ACCOUNT_VIEW = "account.view"
    TRANSACTION_VIEW = "transaction.view"
    LEDGER_LIST = "ledger.list"
    CRYPTOTRANSACTION_VIEW = "cryptotransaction.view"
    CRYPTOMOVEMENT_VIEW = "cryptomovement.view"
    RESOLUTIONSUGGESTION_VIEW = "resolutionsuggestion.view"
    # finance: analysis
    ANALYSIS_START = "analysis.start"
    ANALYSIS_FINISH = "analysis.finish"
    ANALYSISRUN_VIEW = "analysisrun.view"
    ANALYSISRUN_GRAPH = "analysisrun.graph"
    ANALYSISRUN_EDGE = "analysisrun.edge"
    ANALYSISRUN_ENDPOINTS = "analysisrun.endpoints"
    ANALYSISRUN_EXPORT_CSV = "analysisrun.export.csv"
    ANALYSISRUN_EXPORT_FTM = "analysisrun.export.ftm.json"
    ANALYSISRUN_EXPORT_JSON = "analysisrun.export.json"
    ANALYSISRUN_EXPORT_CLI = "analysisrun.export.cli"
    ALERT_OPEN = "alert.open"
    ALERT_CONFIRMED = "alert.confirmed"
    ALERT_DISMISSED = "alert.dismissed"
    ALERT_VIEW = "alert.view"
    DETECTORSETTINGS_CHANGE = "detectorsettings.change"
    DETECTORSETTINGS_VIEW = "detectorsettings.view"
    LISTENTRY_ADD = "listentry.add"
    LISTENTRY_IMPORT = "listentry.import"
    LISTENTRY_DELETE = "listentry.delete"
    LISTENTRY_VIEW = "listentry.view"
    CRYPTOTAG_ADD = "cryptotag.add"
    CRYPTOTAG_IMPORT = "cryptotag.import"
    CRYPTOTAG_VIEW = "cryptotag.view"
    FXRATE_CRYPTO_SET = "fxrate.crypto_set"
    SEIZUREPAYMENT_ADD = "seizurepayment.add"
    SEIZUREPAYMENT_VIEW = "seizurepayment.view"
    MONEY_OVERVIEW_VIEW = "money.overview_view"
    # finance: asset recovery
    ASSET_REGISTER = "asset.register"
    ASSET_UPDATE = "asset.update"
    ASSET_IDENTIFIER_ADD = "asset.identifier.add"
    ASSET_HOLDER_ADD = "asset.holder.add"
    ASSET_ORIGIN_LINK = "asset.origin.link"
    ASSET_MEASURE_IDENTIFIED = "asset.measure.identified"
    ASSET_MEASURE_FREEZE_REQUESTED = "asset.measure.freeze_requested"
    ASSET_MEASURE_FROZEN = "asset.measure.frozen"
    ASSET_MEASURE_SEIZED = "asset.measure.seized"
    ASSET_MEASURE_CONFISCATED = "asset.measure.confiscated"
    ASSET_MEASURE_FORFEITED = "asset.measure.forfeited"
    ASSET_MEASURE_DISPOSED = "asset.measure.disposed"
    ASSET_MEASURE_RETURNED = "asset.measure.returned"
    ASSET_MEASURE_SHARED = "asset.measure.shared"
    ASSET_MEASURE_RELEASED = "asset.measure.released"
    ASSET_DEADLINE_REMIND = "asset.deadline.remind"
    ASSET_VIEW = "asset.view"
    ASSETHOLDER_VIEW = "assetholder.view"
    ASSETORIGIN_VIEW = "assetorigin.view"
    LEGALMEASURE_VIEW = "legalmeasure.view"
    LETTER_DRAFT = "letter.draft"
    LETTER_UPDATE = "letter.update"
    LETTER_ISSUE = "letter.issue"
    REQUESTLETTER_VIEW = "requestletter.view"
    REQUESTLETTER_PREVIEW = "requestletter.preview"
    MLA_CREATE = "mla.create"
    MLA_UPDATE = "mla.update"
    MLAREQUEST_VIEW = "mlarequest.view"
    SHARING_CREATE = "sharing.create"
    SHARING_SHARES = "sharing.shares"
    SHARINGAGREEMENT_VIEW = "sharingagreement.view"
    SHARINGSHARE_VIEW = "sharingshare.view"


_ACTIONS = frozenset(AuditAction.values)

# The requests that track their reads (see `reads_tracked`): a list of the events written, or None.
_request_events: ContextVar = ContextVar("parallax_audit_request_events", default=None)


@contextmanager
def reads_tracked():
    """Collect the audit events written while the block runs (one page or API request), so the
    case page mixin and the base viewset can tell whether the view already audited its read."""
    events = []
    token = _request_events.set(events)
    try:
        yield events
    finally:
        _request_events.reset(token)


def _lock_chain():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialized.


def _is_case(obj) -> bool:
    return obj is not None and obj._meta.label == "cases.Case"


def handling_snapshot(obj, sources=()) -> dict:
    """The handling of `obj` (and of the `sources` it derives from) now, for `details["_handling"]`."""
    from cases.access import Handling

    records = [r for r in (obj, *sources) if r is not None and not _is_case(r)]
    derived = Handling.strictest(records)
    snapshot = {
        "handling": str(derived.handling),
        "origin_agency_id": derived.origin_agency_id,
        "released": any(getattr(r, "fiu_released_at", None) is not None for r in records
                        if getattr(r, "handling", None) == Handling.FIU),
    }
    if sources:
        snapshot["derived"] = True
    return snapshot


def audit_record(*, actor, action, obj=None, case=None, details=None, ip=None, label=None, sources=()) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    `action` must be one of `AuditAction`. The event belongs to `case`, or to the case of `obj`
    (a case itself, when `obj` is one). `sources`: the records an event about something derived
    was made from; their strictest handling is stored with the event (see `handling_snapshot`)."""
    if action not in _ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to cases.audit.AuditAction.")
    if case is None and obj is not None:
        case = obj if _is_case(obj) else getattr(obj, "case", None)
    details = dict(details or {})
    details.pop(HANDLING_KEY, None)
    if obj is not None or sources:
        details[HANDLING_KEY] = handling_snapshot(obj, sources)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").only("hash").first()
        event = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=label or (actor.get_username() if getattr(actor, "pk", None) else "system"),
            action=str(action),
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            case=case,
            ip=ip if ip is not None else current_ip(),
            details=details,
            prev_hash=last.hash if last else AuditEvent.GENESIS,
        )
        event.hash = event.compute_hash()
        event.save()
    tracked = _request_events.get()
    if tracked is not None:
        tracked.append(event)
    return event


def read_action(record, verb="view") -> str:
    """The vocabulary's read action for a record: "<model>.<verb>", e.g. note.view, evidencefile.download."""
    return f"{record._meta.model_name}.{verb}"


def audit_read(*, record, by, action=None, details=None, case=None) -> AuditEvent:
    """Audit that `by` read `record` (a detail page, an API retrieve, a download, an export).

    A list read is one event about the case (`record` = the case, `action` e.g. AuditAction.NOTE_LIST,
    `details` = the filters), not one per row. `action` defaults to "<model>.view"."""
    return audit_record(actor=by, action=action or read_action(record), obj=record, case=case, details=details)


def read_filters(query) -> dict:
    """The filters of a list read, for its event's details (the page number is no filter)."""
    return {key: (values if len(values) > 1 else values[0])
            for key, values in query.lists() if key not in ("page", "csrfmiddlewaretoken") and any(values)}


def _route_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else request.path


def audit_request_read(*, request, by, case=None, records=(), listed_case_ids=(), action=None):
    """The safety net of the case page mixin and the base viewset: a read request that wrote no audit
    event of its own is audited here — each record it loaded, or else (a list, an overview) one
    event per case whose content it showed, with the route and the filters as details."""
    seen = set()
    for record in records:
        key = (record._meta.label, record.pk)
        if key not in seen:
            seen.add(key)
            verb = read_action(record)
            audit_read(record=record, by=by, action=verb if verb in _ACTIONS else AuditAction.PAGE_VIEW)
    if seen:
        return
    details = {"route": _route_name(request), "filters": read_filters(getattr(request, "query_params", request.GET))}
    if listed_case_ids:
        from cases.models import Case

        targets = list(Case.objects.filter(pk__in=set(listed_case_ids)).order_by("pk"))
    else:
        targets = [case] if case is not None else []
    for target in targets:
        audit_read(record=target, by=by, action=action or AuditAction.PAGE_VIEW, details=details)


# --- who may read what an event says ---------------------------------------------------

def _stored_handling_admits(event, user) -> bool:
    from cases.access import DerivedHandling

    stored = (event.details or {}).get(HANDLING_KEY)
    if not isinstance(stored, dict):
        return False  # an event stored before handling was recorded: its record is unknown now
    handling = DerivedHandling(stored.get("handling") or "team", stored.get("origin_agency_id"))
    if event.case_id is None:
        return handling.handling == "team"
    return handling.visible_to(user, event.case_id)


def audit_redact(events, *, user):
    """Mark each of `events` (`event.redacted`) and blank the label and details of those the viewer may
    not read: the record it is about must be visible to `user` (one query per record type); when it no
    longer exists, or the event derives from several records, the handling stored with it must admit
    `user`. The events are changed in memory only (they are never saved again)."""
    from django.apps import apps

    events = list(events)
    wanted = {}
    for event in events:
        if event.object_type and event.object_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    visible, checkable = {}, set()
    for label, ids in wanted.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            continue
        manager = model._default_manager
        if not hasattr(manager.all(), "visible_to"):
            continue
        checkable.add(label)
        pks = []
        for value in ids:
            try:
                pks.append(model._meta.pk.to_python(value))
            except Exception:  # noqa: BLE001 - an id that is no pk of the model matches nothing
                continue
        found = manager.all().visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
        existing = across_cases(manager.all()).filter(pk__in=pks).values_list("pk", flat=True)
        visible[label] = {str(pk) for pk in found}
        visible[label + "#exists"] = {str(pk) for pk in existing}
    for event in events:
        stored = (event.details or {}).get(HANDLING_KEY)
        derived = isinstance(stored, dict) and stored.get("derived")
        if event.object_type and event.object_type in checkable:
            if event.object_id in visible[event.object_type + "#exists"]:
                ok = event.object_id in visible[event.object_type]
                if ok and derived:
                    ok = _stored_handling_admits(event, user)
            else:
                ok = _stored_handling_admits(event, user)
        elif event.object_type:
            ok = _stored_handling_admits(event, user)
        else:
            ok = stored is None or _stored_handling_admits(event, user)
        event.redacted = not ok
        if event.redacted:
            event.object_label = RESTRICTED_LABEL
            event.details = {}
        elif isinstance(event.details, dict) and HANDLING_KEY in event.details:
            event.details = {k: v for k, v in event.details.items() if k != HANDLING_KEY}
    return events


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
