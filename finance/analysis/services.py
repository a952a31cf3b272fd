"""Every write of the money-flow analyses."""
import csv
import io
import time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import jobs
from cases.access import Action, Handling
from cases.audit import AuditAction, audit_read, audit_record, read_action
from cases.records import require_in_case
from cases.services import evidence_upload, record_release_fiu, require
from finance.models import Account, CryptoTransaction, Party, Transaction
from finance.normalize import identifier_normalized, name_normalized

from . import compute
from .models import Alert, AnalysisKind, AnalysisRun, CryptoTag, DetectorSettings, ListEntry, SeizurePayment
from .params import clean_params

MAX_LIST_ROWS = 100_000


# --- seeds ------------------------------------------------------------------------------------

def _entity_seed_keys(*, by, case, entity_ids):
    parties = Party.objects.visible_to(by, Action.VIEW).filter(case=case).filter(
        Q(entity_id__in=entity_ids) | Q(merged_into__entity_id__in=entity_ids))
    keys = set()
    for party in parties.prefetch_related("accounts"):
        keys.add(f"p:{party.pk}")
        keys.update(f"a:{a.pk}" for a in party.accounts.all())
    return keys


def seizure_entity_ids(*, by, case, seizure):
    from seizures.models import SeizureParty

    return list(SeizureParty.objects.visible_to(by, Action.VIEW).filter(case=case, seizure=seizure)
                .values_list("entity_id", flat=True))


def resolve_seeds(*, by, case, seeds, crypto=False):
    """Seeds as written by the user -> (node keys, seizure or None). Errors name the seed."""
    from seizures.models import Firearm, Seizure

    keys, seizure = set(), None
    accounts = Account.objects.visible_to(by, Action.VIEW).filter(case=case)
    for raw in seeds:
        kind, _, value = raw.partition(":")
        kind = kind.lower()
        try:
            if kind in ("account", "party", "entity", "seizure", "firearm"):
                pk = int(value)
        except ValueError:
            raise ValidationError({"params": f"seeds: '{raw}' — the part after ':' must be a number."}) from None
        if kind == "account":
            if not accounts.filter(pk=pk).exists():
                raise ValidationError({"params": f"seeds: '{raw}' is not an account of this case you may see."})
            keys.add(f"a:{pk}")
        elif kind == "party":
            party = Party.objects.visible_to(by, Action.VIEW).filter(case=case, pk=pk).first()
            if party is None:
                raise ValidationError({"params": f"seeds: '{raw}' is not a party of this case you may see."})
            keys.add(f"p:{pk}")
            keys.update(f"a:{a}" for a in party.accounts.values_list("pk", flat=True))
        elif kind == "entity":
            found = _entity_seed_keys(by=by, case=case, entity_ids=[pk])
            if not found:
                raise ValidationError({"params": f"seeds: entity {pk} is not linked to any party of the ledger."})
            keys |= found
        elif kind in ("seizure", "firearm"):
            if kind == "firearm":
                firearm = Firearm.objects.visible_to(by, Action.VIEW).filter(case=case, pk=pk).first()
                if firearm is None:
                    raise ValidationError({"params": f"seeds: '{raw}' is not a firearm of this case."})
                seizure = firearm.seizure
            else:
                seizure = Seizure.objects.visible_to(by, Action.VIEW).filter(case=case, pk=pk).first()
                if seizure is None:
                    raise ValidationError({"params": f"seeds: '{raw}' is not a seizure of this case."})
            found = _entity_seed_keys(by=by, case=case, entity_ids=seizure_entity_ids(by=by, case=case, seizure=seizure))
            from .selectors import seizure_payments

            # Only the payments `by` may see: an unreleased FIU purchase payment seeds no one else's trace.
            for payment in seizure_payments(user=by, case=case, seizure=seizure):
                if payment.transaction_id:  # the payer's account of a purchase payment
                    tx = payment.transaction
                    found.update(f"a:{a}" for a in (tx.debit_account_id,) if a)
                if payment.crypto_transaction_id:  # the paying addresses of a crypto purchase
                    found.update(f"a:{a}" for a in payment.crypto_transaction.movements.filter(side="in")
                                 .values_list("address_id", flat=True))
            if not found:
                raise ValidationError({"params": f"seeds: none of the persons or organisations of seizure "
                                                 f"{seizure.reference} is linked to a party of the ledger yet."})
            keys |= found
        else:
            norm = identifier_normalized(raw)
            ids = list(accounts.filter(identifier_normalized=norm).values_list("pk", flat=True))
            if not ids:
                raise ValidationError({"params": f"seeds: '{raw}' matches no account, IBAN or address of this case."})
            keys.update(f"a:{i}" for i in ids)
    if crypto:
        crypto_ids = set(accounts.filter(pk__in=[int(k[2:]) for k in keys if k.startswith("a:")],
                                         kind=Account.Kind.CRYPTO).values_list("pk", flat=True))
        if not crypto_ids:
            raise ValidationError({"params": "seeds: none of the seeds is a crypto address."})
        keys = {f"a:{i}" for i in crypto_ids}
    return sorted(keys), seizure


def _input_handling(*, by, case, kind):
    """The handling of the job while it runs: the most restrictive code among what it will read."""
    model = CryptoTransaction if kind in (AnalysisKind.CRYPTO_CLUSTER, AnalysisKind.TAINT) else Transaction
    qs = model.objects.visible_to(by, Action.VIEW).filter(case=case)
    if qs.filter(handling=Handling.FIU).exists():
        return Handling.FIU
    if qs.filter(handling=Handling.AGENCY).exists():
        return Handling.AGENCY
    return Handling.TEAM


# --- runs -----------------------------------------------------------------------------------------

class _InProcess:
    """Stands in for the Celery task when the caller does the work itself (the CLI without --wait)."""

    @staticmethod
    def apply_async(**options):
        return None


@transaction.atomic
def analysis_start(*, case, by, kind, params=None, title="", rerun_of=None, enqueue=True) -> AnalysisRun:
    """Validate, store the run with its parameters and start its job on the "analyses" queue
    (with enqueue=False the caller runs `analysis_execute` itself)."""
    from .tasks import analysis_run_task

    require(by, case, Action.ADD)
    p = clean_params(kind, params)
    seizure = None
    if kind in (AnalysisKind.TRACE, AnalysisKind.TAINT):
        p["seed_keys"], seizure = resolve_seeds(by=by, case=case, seeds=p["seeds"], crypto=kind == AnalysisKind.TAINT)
        if kind == AnalysisKind.TAINT:
            p["seed_account_ids"] = [int(k[2:]) for k in p["seed_keys"]]
    handling = _input_handling(by=by, case=case, kind=kind)
    version = AnalysisRun.objects.filter(case=case, kind=kind).count() + 1
    run = AnalysisRun(case=case, created_by=by, kind=kind, title=title[:200], params=p, rerun_of=rerun_of,
                      seizure=seizure, version=version, handling=handling, origin_agency=by.agency)
    run.full_clean()
    run.save()
    job = jobs.job_start(case=case, by=by, kind=f"analysis.{kind}", task=analysis_run_task if enqueue else _InProcess,
                         params={"run": run.pk}, handling=handling, origin_agency=by.agency, queue="analyses")
    run.job = job
    run.save(update_fields=["job"])
    audit_record(actor=by, action=AuditAction.ANALYSIS_START, obj=run, details={"kind": kind, "params": p, "job": job.pk})
    return run


def analysis_rerun(*, run, by) -> AnalysisRun:
    """Run again with the same parameters, on the ledger as it is now; the old run stays readable."""
    params = {k: v for k, v in run.params.items() if k not in ("seed_keys", "seed_account_ids")}
    return analysis_start(case=run.case, by=by, kind=run.kind, params=params, title=run.title, rerun_of=run)


def analysis_execute(*, run_id, progress, case_id=None) -> dict:
    """The work of a run's job. Computes without writing, then writes result, alerts and status
    in one transaction: a worker lost mid-run leaves nothing half-written, and a retried job
    computes again (a run already finished is not computed twice)."""
    # A job's task names its case; the command line and the demo run outside the scope guard.
    runs = AnalysisRun.objects.in_case(case_id) if case_id is not None else AnalysisRun.objects.across_cases()
    run = runs.select_related("case", "created_by").get(pk=run_id)
    if run.status == AnalysisRun.Status.SUCCEEDED:
        return _task_result(run)
    started = timezone.now()
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING, started_at=started, error="")
    t0 = time.perf_counter()
    try:
        _test_pause(progress)
        computed = compute.COMPUTE[run.kind](run, progress)
        with transaction.atomic():
            run = AnalysisRun.objects.select_for_update().in_case(run.case_id).select_related("case", "created_by").get(pk=run_id)
            if run.status == AnalysisRun.Status.SUCCEEDED:
                return _task_result(run)
            run.result = computed.result
            run.summary = computed.summary
            run.input_snapshot = computed.snapshot
            if computed.handling == Handling.FIU or run.handling == Handling.FIU:
                run.handling = Handling.FIU
            elif computed.handling == Handling.AGENCY:
                run.handling = Handling.AGENCY
            run.status = AnalysisRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.duration_ms = int((time.perf_counter() - t0) * 1000)
            run.save()
            kept = _write_alerts(run, computed.alerts) if computed.alerts else 0
            if kept:
                run.summary = {**run.summary, "decisions_kept": kept}
                run.save(update_fields=["summary"])
            audit_record(actor=run.created_by, action=AuditAction.ANALYSIS_FINISH, obj=run,
                         details={"summary": run.summary, "inputs": computed.snapshot.get("imports", [])[:50]})
        return _task_result(run)
    except Exception as exc:
        AnalysisRun.objects.filter(pk=run_id).exclude(status=AnalysisRun.Status.SUCCEEDED).update(
            status=AnalysisRun.Status.FAILED, error=f"{exc.__class__.__name__}: {exc}"[:2000],
            finished_at=timezone.now())
        raise


def _test_pause(progress):
    """Test hook (only with PARALLAX_TESTING): hold a running analysis so a test can kill its worker."""
    import os

    from django.conf import settings

    seconds = float(os.environ.get("PARALLAX_ANALYSIS_TEST_PAUSE") or 0) if settings.TESTING else 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        progress(0, 1, "Paused by the test hook")
        time.sleep(0.2)


def _task_result(run):
    url = reverse("analysis:run-detail", kwargs={"reference": run.case.reference, "pk": run.pk})
    return {"summary": {**run.summary, "url": url}, "result_type": "analysis.AnalysisRun", "result_id": run.pk}


def _write_alerts(run, alerts) -> int:
    """Create the run's alerts; an alert whose fingerprint was already decided keeps that decision."""
    fps = [a["fingerprint"] for a in alerts]
    decided = {}
    for old in (Alert.objects.filter(case=run.case, fingerprint__in=fps).exclude(status=Alert.Status.OPEN)
                .exclude(run=run).order_by("decided_at", "id")):
        decided[old.fingerprint] = old  # the latest decision wins
    rows = []
    for a in alerts:
        old = decided.get(a["fingerprint"])
        details = dict(a["details"])
        if old:
            details["decision_from_alert"] = old.pk
        rows.append(Alert(
            case=run.case, created_by=run.created_by, handling=run.handling, origin_agency=run.origin_agency,
            run=run, typology=a["typology"], fingerprint=a["fingerprint"], subject_id=a["subject_id"],
            subject_label=a["subject_label"], title=a["title"], explanation=a["explanation"], score=a["score"],
            total_amount=a["total_amount"], first_at=a["first_at"], last_at=a["last_at"], details=details,
            status=old.status if old else Alert.Status.OPEN, decision_reason=old.decision_reason if old else "",
            decided_by=old.decided_by if old else None, decided_at=old.decided_at if old else None))
    created = Alert.objects.bulk_create(rows, batch_size=500)
    through = Alert.evidence.through
    links = [through(alert_id=alert.pk, transaction_id=tid) for alert, a in zip(created, alerts) for tid in a["evidence"]]
    through.objects.bulk_create(links, batch_size=2000)
    return sum(1 for a in alerts if a["fingerprint"] in decided)


@transaction.atomic
def alert_decide(*, alert, by, status, reason) -> Alert:
    """Confirm or dismiss an alert with a reason (or reopen it). Later runs keep the decision."""
    require(by, alert.case, Action.CHANGE)
    if status not in Alert.Status.values:
        raise ValidationError({"status": f"One of {', '.join(Alert.Status.values)}."})
    reason = (reason or "").strip()
    if status != Alert.Status.OPEN and not reason:
        raise ValidationError({"reason": "Say why the alert is confirmed or dismissed."})
    previous = alert.status
    alert.status = status
    alert.decision_reason = reason if status != Alert.Status.OPEN else ""
    alert.decided_by = by if status != Alert.Status.OPEN else None
    alert.decided_at = timezone.now() if status != Alert.Status.OPEN else None
    alert.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=by, action=f"alert.{status}", obj=alert,
                 details={"previous": previous, "reason": reason, "fingerprint": alert.fingerprint})
    return alert


def run_sources(run) -> list:
    """The records a run's result is made from: the imports it read (its input snapshot)."""
    from finance.models import Import

    ids = [i["id"] for i in (run.input_snapshot or {}).get("imports", []) if i.get("id")]
    return list(Import.objects.filter(case=run.case, pk__in=ids).order_by("pk"))


def run_unreleased_sources(run) -> list[str]:
    """What releasing the run would disclose besides itself: its unreleased FIU sources, by label."""
    from cases.services import unreleased_sources

    return unreleased_sources(record=run, sources=run_sources(run))


@transaction.atomic
def run_release_fiu(*, run, by, reason, confirm_sources=False) -> AnalysisRun:
    """Release an FIU-handled run (and its alerts) for the team and for evidence. A run made from
    unreleased FIU imports discloses their details: the release names them and needs `confirm_sources`."""
    record_release_fiu(record=run, by=by, reason=reason, sources=run_sources(run), confirm_sources=confirm_sources)
    for alert in Alert.objects.filter(run=run, handling=Handling.FIU, fiu_released_at__isnull=True):
        alert.fiu_released_at, alert.fiu_released_by = run.fiu_released_at, by
        alert.save(update_fields=["fiu_released_at", "fiu_released_by"])
    return run


def run_viewed(*, run, by, action="view"):
    audit_read(record=run, by=by, action=read_action(run, action))


# --- detector settings, lists, tags ----------------------------------------------------------------

@transaction.atomic
def detector_settings_update(*, case, by, settings) -> DetectorSettings:
    from .engine.typologies import settings_clean

    require(by, case, Action.CHANGE)
    try:
        settings_clean(settings)
    except ValueError as exc:
        raise ValidationError({"settings": str(exc)}) from None
    row = DetectorSettings.objects.filter(case=case).first() or DetectorSettings(case=case, created_by=by)
    before = dict(row.settings or {})
    row.settings = settings
    row.full_clean()
    row.save()
    audit_record(actor=by, action=AuditAction.DETECTORSETTINGS_CHANGE, obj=row, details={"before": before, "after": settings})
    return row


def _normalize_list_value(kind, value):
    value = (value or "").strip()
    if kind == ListEntry.Kind.JURISDICTION:
        import pycountry

        country = pycountry.countries.get(alpha_2=value.upper()) or pycountry.countries.get(alpha_3=value.upper())
        if country is None:
            raise ValueError(f"'{value}' is not an ISO 3166 country code")
        return country.alpha_2
    if kind == ListEntry.Kind.NAME:
        norm = name_normalized(value)
        if not norm:
            raise ValueError("the name is empty")
        return norm
    if kind == ListEntry.Kind.IDENTIFIER:
        norm = identifier_normalized(value)
        if not norm:
            raise ValueError("the identifier is empty")
        return norm
    raise ValueError(f"kind '{kind}' is not one of {', '.join(ListEntry.Kind.values)}")


@transaction.atomic
def list_entry_add(*, case, by, kind, value, list_name, reason="", source="") -> ListEntry:
    require(by, case, Action.ADD)
    try:
        norm = _normalize_list_value(kind, value)
    except ValueError as exc:
        raise ValidationError({"value": str(exc)}) from None
    if ListEntry.objects.filter(case=case, kind=kind, value_normalized=norm, list_name=list_name).exists():
        raise ValidationError({"value": f"'{value}' is already on list '{list_name}'."})
    entry = ListEntry(case=case, created_by=by, kind=kind, value=value.strip()[:300], value_normalized=norm[:300],
                      list_name=(list_name or "").strip()[:100], reason=reason[:300], source=source[:300])
    entry.full_clean()
    entry.save()
    audit_record(actor=by, action=AuditAction.LISTENTRY_ADD, obj=entry, details={"kind": kind, "value": value})
    return entry


def _read_csv(upload, required):
    data = upload.read()
    name = getattr(upload, "name", "upload.csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": f"{name}: not UTF-8 text."}) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationError({"file": f"{name}: missing column(s) {', '.join(missing)} in the header row."})
    reader.fieldnames = header
    rows = list(reader)
    if len(rows) > MAX_LIST_ROWS:
        raise ValidationError({"file": f"{name}: more than {MAX_LIST_ROWS} rows."})
    if not rows:
        raise ValidationError({"file": f"{name}: no rows after the header."})
    upload.seek(0)
    return name, rows


@transaction.atomic
def list_import(*, case, by, upload, list_name) -> int:
    """Load a list from CSV (columns: kind, value[, reason]): all rows or none; the file is kept as evidence."""
    require(by, case, Action.ADD)
    list_name = (list_name or "").strip()
    if not list_name:
        raise ValidationError({"list_name": "Name the list (e.g. 'FATF high-risk jurisdictions')."})
    name, rows = _read_csv(upload, ["kind", "value"])
    entries, errors, seen = [], [], set()
    existing = set(ListEntry.objects.filter(case=case, list_name=list_name).values_list("kind", "value_normalized"))
    for i, row in enumerate(rows, start=2):
        kind = (row.get("kind") or "").strip().lower()
        try:
            norm = _normalize_list_value(kind, row.get("value"))
        except ValueError as exc:
            errors.append(f"{name} row {i}: {exc}.")
            continue
        if (kind, norm) in seen or (kind, norm) in existing:
            continue
        seen.add((kind, norm))
        entries.append((kind, row["value"].strip(), norm, (row.get("reason") or "").strip()))
    if errors:
        raise ValidationError({"file": errors[:20] + ([f"… and {len(errors) - 20} more"] if len(errors) > 20 else [])})
    evidence = evidence_upload(case=case, by=by, upload=upload, title=f"List: {list_name}", source="list import")
    ListEntry.objects.bulk_create([
        ListEntry(case=case, created_by=by, kind=k, value=v[:300], value_normalized=n[:300], list_name=list_name[:100],
                  reason=r[:300], source=name[:300], evidence=evidence) for k, v, n, r in entries])
    audit_record(actor=by, action=AuditAction.LISTENTRY_IMPORT, obj=evidence,
                 details={"list": list_name, "rows": len(rows), "added": len(entries)})
    return len(entries)


@transaction.atomic
def list_entry_delete(*, entry, by):
    require(by, entry.case, Action.DELETE)
    audit_record(actor=by, action=AuditAction.LISTENTRY_DELETE, obj=entry, details={"value": entry.value, "list": entry.list_name})
    entry.delete()


def _tag_values(row_or_kwargs):
    label = (row_or_kwargs.get("label") or "").strip().lower().replace(" ", "_")
    if label not in CryptoTag.Label.values:
        raise ValueError(f"label '{label}' is not one of {', '.join(CryptoTag.Label.values)}")
    address = (row_or_kwargs.get("address") or "").strip()
    if not address:
        raise ValueError("the address is empty")
    try:
        confidence = Decimal(str(row_or_kwargs.get("confidence") or "1"))
    except InvalidOperation:
        raise ValueError(f"confidence '{row_or_kwargs.get('confidence')}' is not a number") from None
    if not 0 <= confidence <= 1:
        raise ValueError(f"confidence {confidence} is not between 0 and 1")
    source = (row_or_kwargs.get("source") or "").strip()
    if not source:
        raise ValueError("say where the attribution comes from (source)")
    name = (row_or_kwargs.get("name") or "").strip() or label
    chain = (row_or_kwargs.get("chain") or "").strip().lower()
    return dict(chain=chain[:20], address=address[:120], address_normalized=identifier_normalized(address)[:120],
                label=label, name=name[:200], source=source[:300], confidence=confidence.quantize(Decimal("0.01")))


@transaction.atomic
def crypto_tag_add(*, case, by, **fields) -> CryptoTag:
    require(by, case, Action.ADD)
    try:
        values = _tag_values(fields)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    tag = CryptoTag(case=case, created_by=by, **values)
    tag.full_clean()
    tag.save()
    audit_record(actor=by, action=AuditAction.CRYPTOTAG_ADD, obj=tag, details={"address": tag.address, "label": tag.label})
    return tag


@transaction.atomic
def crypto_tags_import(*, case, by, upload) -> int:
    """CSV with columns chain, address, label, name, source, confidence: all rows or none."""
    require(by, case, Action.ADD)
    name, rows = _read_csv(upload, ["address", "label", "source"])
    values, errors, seen = [], [], set()
    existing = set(CryptoTag.objects.filter(case=case).values_list("chain", "address_normalized", "label", "name"))
    for i, row in enumerate(rows, start=2):
        try:
            v = _tag_values(row)
        except ValueError as exc:
            errors.append(f"{name} row {i}: {exc}.")
            continue
        key = (v["chain"], v["address_normalized"], v["label"], v["name"])
        if key in seen or key in existing:
            continue
        seen.add(key)
        values.append(v)
    if errors:
        raise ValidationError({"file": errors[:20] + ([f"… and {len(errors) - 20} more"] if len(errors) > 20 else [])})
    evidence = evidence_upload(case=case, by=by, upload=upload, title="Crypto address tags", source="tag import")
    CryptoTag.objects.bulk_create([CryptoTag(case=case, created_by=by, evidence=evidence, **v) for v in values])
    audit_record(actor=by, action=AuditAction.CRYPTOTAG_IMPORT, obj=evidence, details={"rows": len(rows), "added": len(values)})
    return len(values)


# --- crypto reference prices -------------------------------------------------------------------

CRYPTO_ASSETS = {"BTC", "ETH", "LTC", "BCH", "XMR", "TRX"}


@transaction.atomic
def crypto_price_set(*, by, asset, quote_currency, on, rate, source=""):
    """A reference price of a crypto asset (not an ISO 4217 code, so finance's fx_rate_set refuses
    it), stored in the shared FX table so crypto payments can join traces in the case currency.
    Administrators only, like other reference rates."""
    from finance.models import FxRate
    from finance.validation import check_currency

    if by is None or not (by.is_superuser or by.is_staff):
        raise PermissionDenied("Only administrators set reference prices.")
    asset = (asset or "").upper()
    if asset not in CRYPTO_ASSETS:
        raise ValidationError({"asset": f"One of {', '.join(sorted(CRYPTO_ASSETS))}."})
    rate = Decimal(str(rate))
    if rate <= 0:
        raise ValidationError({"rate": "A positive price."})
    row, _ = FxRate.objects.update_or_create(currency=asset, quote_currency=check_currency(quote_currency), on=on,
                                             defaults={"rate": rate, "source": source[:100]})
    audit_record(actor=by, action=AuditAction.FXRATE_CRYPTO_SET, obj=row, case=None,
                 details={"asset": asset, "quote": quote_currency, "on": str(on), "rate": str(rate)})
    return row


# --- seizures ------------------------------------------------------------------------------------

@transaction.atomic
def seizure_payment_mark(*, case, by, seizure, transaction=None, crypto_transaction=None, note="") -> SeizurePayment:
    """Mark a payment as linked to a seizure (e.g. the darknet order for the seized guns)."""
    require(by, case, Action.ADD)
    for obj, what in ((seizure, "seizure"), (transaction, "transaction"), (crypto_transaction, "crypto transaction")):
        if obj is not None:  # another case's record, or a hidden one, reads like a missing id
            require_in_case(case, obj, what.replace(" ", "_"), user=by)
    link = SeizurePayment(case=case, created_by=by, seizure=seizure, transaction=transaction,
                          crypto_transaction=crypto_transaction, note=note[:300])
    link.full_clean()
    link.save()
    audit_record(actor=by, action=AuditAction.SEIZUREPAYMENT_ADD, obj=link,
                 details={"seizure": seizure.pk, "transaction": getattr(transaction, "pk", None),
                          "crypto_transaction": getattr(crypto_transaction, "pk", None)})
    return link
