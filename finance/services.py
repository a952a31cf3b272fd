"""Every write of the finance app: imports, mappings, FX rates, releases, resolution decisions.

The import pipeline: `import_start` stores the upload as evidence (handling
`fiu` by default), refuses a file already imported (same SHA-256), detects the
format and, for tables, guesses a column mapping the analyst confirms
(`import_confirm_mapping`). The Celery task then calls `import_run`, which
parses and writes the whole file in one transaction: any invalid row means
nothing is written and the import lists every problem.
"""
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import evidence as evidence_store
from cases.access import Action, Handling, has_fiu_access
from cases.audit import AuditAction, audit_record
from cases.jobs import JobCancelled, job_start
from cases.services import check_handling, evidence_upload, require
from finance import ledger_writer, parsers
from finance.models import ColumnMappingProfile, FxRate, Import, ImportFormat
from finance.parsers import tabular

log = logging.getLogger(__name__)

UNFINISHED = (Import.Status.NEEDS_MAPPING, Import.Status.QUEUED, Import.Status.RUNNING, Import.Status.IMPORTED)


class ImportRejected(Exception):
    """The file has errors; the import lists them and nothing was written."""


def default_handling(*, by, case) -> str:
    """Imported financial data is FIU intelligence unless its uploader cannot mark it so."""
    if has_fiu_access(by, case):
        return Handling.FIU
    return Handling.AGENCY


def detect_format(data: bytes, name: str) -> str:
    """The import format from the content (and, for tables, the name)."""
    from finance.parsers import crypto

    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return ImportFormat.XLSX
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        if b"camt.053" in head:
            return ImportFormat.CAMT053
        if b"<report" in head:
            return ImportFormat.GOAML
        raise ValidationError(f"“{name}” is XML but neither a goAML report nor a camt.053 statement.")
    try:
        text = parsers.base.decode_text(head, name)[0]
    except parsers.FileRejected:
        text = ""
    if ":20:" in text and (":25:" in text or ":60F:" in text):
        return ImportFormat.MT940
    kind = crypto.detect(data[:65536], name)
    if kind:
        return kind
    return ImportFormat.CSV


def _read_upload(upload) -> bytes:
    name = upload.name or "upload"
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError({"file": f"“{name}” is {upload.size:,} bytes; the limit is {max_bytes:,} bytes."})
    if not upload.size:
        raise ValidationError({"file": f"“{name}” is empty (0 bytes)."})
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def import_start(*, case, by, upload, format="auto", handling=None, source_label="", profile=None, mapping=None,
                 options=None, confirm=False, run_inline=False) -> Import:
    """Take an uploaded file for import: store it as evidence, then either wait for the analyst to
    confirm a column mapping (CSV/XLSX) or queue the import job."""
    require(by, case, Action.ADD)
    handling = handling or default_handling(by=by, case=case)
    check_handling(by=by, case=case, handling=handling)
    data = _read_upload(upload)
    name = upload.name or "upload"
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = Import.objects.filter(case=case, sha256=sha256, status__in=UNFINISHED).order_by("id").first()
    if earlier is not None:
        raise ValidationError({"file": f"This file (SHA-256 {sha256[:16]}…) was already uploaded to this case as "
                                       f"import #{earlier.pk} on {earlier.created_at:%d %b %Y %H:%M}; it is not imported twice."})
    fmt = detect_format(data, name) if format in ("", "auto", None) else format
    if fmt not in ImportFormat.values:
        raise ValidationError({"format": f"Unknown import format “{fmt}”."})
    options = dict(options or {})
    options["format"] = fmt
    try:
        if fmt in (ImportFormat.GOAML, ImportFormat.CAMT053):
            parsers.base.parse_xml(data, name)  # refuses DTDs, entities and external references up front
        if fmt in (ImportFormat.CSV, ImportFormat.XLSX):
            # A preview only (the first rows, streamed): the job reads the whole file, within the caps.
            info = tabular.inspect(data, name, fmt, options)
            if profile is None and not mapping:
                profile = ColumnMappingProfile.objects.filter(case=case, header_signature=info["signature"]).first()
            if profile is not None or mapping:
                if profile is not None:
                    options = {**profile.settings, **options, "mapping": mapping or profile.mapping}
                else:
                    options["mapping"] = mapping
                info = tabular.inspect(data, name, fmt, options)
            options = info["options"]
            options["header"] = info["header"]
    except parsers.FileRejected as exc:
        raise ValidationError({"file": str(exc)}) from None

    needs_mapping = fmt in (ImportFormat.CSV, ImportFormat.XLSX) and not confirm
    with transaction.atomic():
        evidence = evidence_upload(case=case, by=by, upload=upload, handling=handling,
                                   title=f"Financial data import: {name}"[:200], source=source_label,
                                   description=f"Uploaded for import into the ledger ({ImportFormat(fmt).label}).")
        try:
            imp = Import(case=case, created_by=by, origin_agency=by.agency, handling=handling, evidence=evidence,
                         format=fmt, sha256=sha256, original_name=name[:255], options=options, profile=profile,
                         source_label=source_label[:200],
                         status=Import.Status.NEEDS_MAPPING if needs_mapping else Import.Status.QUEUED)
            imp.full_clean(exclude=["job"])
            imp.save()
            audit_record(actor=by, action=AuditAction.IMPORT_UPLOAD, obj=imp,
                         details={"format": fmt, "sha256": sha256, "file": name, "evidence": evidence.pk,
                                  "handling": handling})
            if not needs_mapping:
                if fmt in (ImportFormat.CSV, ImportFormat.XLSX):
                    problems = tabular.check_mapping(options.get("mapping") or {}, options.get("header", []), options)
                    if problems:
                        raise ValidationError({"mapping": "The column mapping cannot be used: " + "; ".join(problems) + "."})
                _queue(imp, by, run_inline)
        except BaseException:
            _forget_file_on_rollback(evidence)
            raise
    return imp


def _forget_file_on_rollback(evidence):
    # The evidence row is rolled back with this transaction; its stored file must go too.
    evidence_store.remove_stored(evidence.storage_name)


def _queue(imp, by, run_inline=False):
    from finance.tasks import import_run_task

    imp.status = Import.Status.QUEUED
    if run_inline:
        imp.save(update_fields=["status", "updated_at"])
        return
    job = job_start(case=imp.case, by=by, kind="finance.import", task=import_run_task, handling=imp.handling,
                    origin_agency=imp.origin_agency, params={"import": imp.pk, "file": imp.original_name})
    imp.job = job
    imp.save(update_fields=["status", "job", "updated_at"])


@transaction.atomic
def import_confirm_mapping(*, imp, by, mapping, decimal=".", date_format="", currency="", account="",
                           profile_name="", run_inline=False) -> Import:
    """The analyst confirms (or corrects) the column mapping; it is saved as a profile for the next file."""
    require(by, imp.case, Action.ADD)
    if imp.status != Import.Status.NEEDS_MAPPING:
        raise ValidationError("This import is not waiting for a column mapping.")
    mapping = {field: column for field, column in mapping.items() if column}
    options = {**imp.options, "mapping": mapping, "decimal": decimal or ".", "date_format": date_format or "",
               "currency": (currency or "").upper(), "account": account or ""}
    problems = tabular.check_mapping(mapping, imp.options.get("header", []), options)
    if options["currency"]:
        from finance.validation import Invalid, check_currency
        try:
            check_currency(options["currency"])
        except Invalid:
            problems.append(f"“{options['currency']}” is not an ISO 4217 currency code")
    if problems:
        raise ValidationError({"mapping": "; ".join(problems)[:1000] + "."})
    imp.options = options
    profile_name = (profile_name or "").strip()
    if profile_name:
        profile, _created = ColumnMappingProfile.objects.get_or_create(
            case=imp.case, name=profile_name[:100], defaults={"created_by": by, "mapping": mapping})
        profile.mapping = mapping
        profile.settings = {k: options[k] for k in ("decimal", "date_format", "currency", "delimiter") if options.get(k)}
        profile.header_signature = tabular.header_signature(imp.options.get("header", []))
        profile.updated_by = by
        profile.last_used_at = timezone.now()
        profile.save()
        imp.profile = profile
    imp.save(update_fields=["options", "profile", "updated_at"])
    audit_record(actor=by, action=AuditAction.IMPORT_MAPPING_CONFIRM, obj=imp,
                 details={"mapping": mapping, "profile": profile_name, "decimal": options["decimal"],
                          "date_format": options["date_format"]})
    _queue(imp, by, run_inline)
    return imp


def import_run(*, imp, progress) -> dict:
    """Parse, validate and write a whole import in one transaction (the Celery task's body).

    Any invalid row: nothing is written, the import lists every problem and this raises
    ImportRejected. Cancelled, timed out or crashed: nothing is written either."""
    imp.refresh_from_db()
    if imp.status == Import.Status.IMPORTED:
        return _job_result(imp)
    if imp.status not in (Import.Status.QUEUED, Import.Status.RUNNING):
        raise ValidationError(f"Import #{imp.pk} is {imp.get_status_display().lower()} and cannot run.")
    Import.objects.filter(pk=imp.pk).update(status=Import.Status.RUNNING, error_message="")
    try:
        with open(evidence_store.evidence_path(imp.evidence.storage_name), "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() != imp.sha256:
            raise ValidationError("The stored file no longer matches its SHA-256; the import was stopped.")
        if imp.format in (ImportFormat.CSV, ImportFormat.XLSX):
            # Sheet size first, streamed: a file over the row or cell cap is refused before any row is written.
            progress(0, None, "Checking the size of the file")
            tabular.check_size(data, imp.original_name, imp.format, {**imp.options, "format": imp.format})
        with transaction.atomic():
            result = ledger_writer.write_import(imp=imp, data=data, progress=progress)
            if result.errors:
                raise ImportRejected(result)
            Import.objects.filter(pk=imp.pk).update(
                status=Import.Status.IMPORTED, imported_at=timezone.now(), row_count=result.rows,
                transaction_count=result.transactions, crypto_count=result.crypto, duplicate_count=result.duplicates,
                error_count=0, errors=[], summary=result.summary())
            imp.refresh_from_db()
            audit_record(actor=imp.created_by, action=AuditAction.IMPORT_COMPLETE, obj=imp, details=result.summary())
            ledger_writer.after_import(imp=imp, result=result)
    except ImportRejected as rejected:
        result = rejected.args[0]
        _finish(imp, Import.Status.REJECTED, f"{result.error_total} problem(s) in the file; nothing was imported.",
                errors=[e.as_dict() for e in result.errors[:Import.ERRORS_KEPT]], error_count=result.error_total,
                row_count=result.rows)
        raise ImportRejected(f"{result.error_total} problem(s) in “{imp.original_name}”; nothing was imported. "
                             f"First: {_describe(result.errors[0])}") from None
    except parsers.FileRejected as exc:
        _finish(imp, Import.Status.REJECTED, str(exc), errors=[{"row": "", "field": "(file)", "value": "", "reason": str(exc)}],
                error_count=1)
        raise ImportRejected(str(exc)) from None
    except JobCancelled:
        _finish(imp, Import.Status.CANCELLED, "Cancelled by the user; nothing was imported.")
        raise
    except BaseException as exc:
        from celery.exceptions import SoftTimeLimitExceeded
        message = ("The import ran past its time limit; nothing was imported." if isinstance(exc, SoftTimeLimitExceeded)
                   else f"The import failed ({exc.__class__.__name__}: {exc}); nothing was imported.")
        _finish(imp, Import.Status.FAILED, message)
        raise
    return _job_result(imp)


def _job_result(imp):
    from django.urls import reverse

    url = reverse("finance:import-detail", kwargs={"reference": imp.case.reference, "pk": imp.pk})
    return {"summary": {**imp.summary, "url": url}, "result_type": "finance.Import", "result_id": imp.pk}


def _describe(error):
    return f"row {error.row}, {error.field} “{str(error.value)[:40]}”: {error.reason}"


def _finish(imp, status, message, **fields):
    Import.objects.filter(pk=imp.pk).update(status=status, error_message=message[:2000], **fields)
    audit_record(actor=None, label="worker", action=f"import.{status}", obj=imp, case=imp.case,
                 details={"message": message[:500], "errors": fields.get("error_count", 0)})


def import_error_report_viewed(*, imp, by):
    audit_record(actor=by, action=AuditAction.IMPORT_ERROR_REPORT, obj=imp, details={"errors": imp.error_count})


@transaction.atomic
def import_release(*, imp, by, reason) -> Import:
    """FIU release of an import: the file, its job and every ledger row it created become visible to the team."""
    from cases.services import record_release_fiu

    record_release_fiu(record=imp, by=by, reason=reason)
    stamp = {"fiu_released_at": imp.fiu_released_at, "fiu_released_by": by}
    if imp.evidence.handling == Handling.FIU and imp.evidence.fiu_released_at is None:
        record_release_fiu(record=imp.evidence, by=by, reason=reason)
    for model in ledger_writer.LEDGER_MODELS:
        model.objects.filter(source_import=imp, handling=Handling.FIU).update(**stamp)
    from finance.models import CryptoMovement
    CryptoMovement.objects.filter(transaction__source_import=imp, handling=Handling.FIU).update(**stamp)
    if imp.job_id:
        from cases.models import Job
        Job.objects.filter(pk=imp.job_id).update(fiu_released_at=imp.fiu_released_at)
    return imp


@transaction.atomic
def fx_rate_set(*, by, currency, quote_currency, on, rate, source="") -> FxRate:
    """Store an exchange rate (administrators and rate feeds)."""
    from finance.validation import check_currency

    if by is not None and not (by.is_superuser or by.is_staff):
        from django.core.exceptions import PermissionDenied
        raise PermissionDenied("Only administrators maintain exchange rates.")
    fx, _ = FxRate.objects.update_or_create(
        currency=check_currency(currency), quote_currency=check_currency(quote_currency), on=on,
        defaults={"rate": rate, "source": source})
    audit_record(actor=by, action=AuditAction.FX_SET, obj=fx, details={"rate": str(rate), "on": str(on)})
    return fx
