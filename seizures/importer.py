"""Bulk import of seizure records from CSV or XLSX, one row per firearm.

Rows with the same `seizure_reference` form one seizure. Every row is checked
before anything is written; one bad cell rejects the whole file, and the
report names the row and the column. An accepted file is kept as an evidence
file (SHA-256) and every seizure and firearm points back to it and its row.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.access import Action
from cases.audit import AuditAction, audit_record
from cases.evidence import remove_stored
from cases.services import evidence_upload, require
from cases.spreadsheets import limit as upload_limit

from . import services
from .models import Firearm, Seizure
from .models.choices import CriminalContext, LegalBasis, MarkingStatus, RecoveryType, SeizureContext, WeaponType

MAX_REPORTED = 200

SEIZURE_COLUMNS = {
    "seizure_reference": "reference", "occurred_at": "occurred_at", "country": "country", "region": "region",
    "place": "place", "recovery_type": "recovery_type", "context": "context", "legal_basis": "legal_basis",
    "legal_basis_detail": "legal_basis_detail", "criminal_context": "criminal_context",
    "route_departure": "route_departure", "route_transit": "route_transit", "route_destination": "route_destination",
    "concealment": "concealment", "seizing_officer": "seizing_officer",
}
FIREARM_COLUMNS = {
    "item_number": "item_number", "weapon_type": "weapon_type", "make": "make", "model": "model", "calibre": "calibre",
    "serial": "serial_as_read", "country_of_manufacture": "country_of_manufacture",
    "year_of_manufacture": "year_of_manufacture", "import_country": "import_country", "import_year": "import_year",
    "other_markings": "other_markings", "marking_status": "marking_status", "craft_produced": "craft_produced",
    "converted": "converted", "converted_from": "converted_from", "printed_3d": "printed_3d",
    "deactivated": "deactivated", "reactivated": "reactivated", "condition": "condition",
    "illicit_grounds": "illicit_grounds",
}
REQUIRED = ("seizure_reference", "occurred_at", "country", "context", "legal_basis", "weapon_type")
CHOICES = {
    "recovery_type": RecoveryType, "context": SeizureContext, "legal_basis": LegalBasis,
    "criminal_context": CriminalContext, "weapon_type": WeaponType, "marking_status": MarkingStatus,
}
BOOLEANS = ("craft_produced", "converted", "printed_3d", "deactivated", "reactivated")
INTEGERS = ("year_of_manufacture", "import_year")
TEMPLATE_HEADER = list(SEIZURE_COLUMNS) + list(FIREARM_COLUMNS)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if not self.row:  # about the whole file
            return self.message
        return f"Row {self.row}, column {self.column}: {self.message}" if self.column else f"Row {self.row}: {self.message}"


class ImportRejected(ValidationError):
    """The file was refused; `errors` names every row and column at fault. Nothing was written."""

    def __init__(self, file_name, errors):
        self.file_name = file_name
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{file_name}: {len(self.errors)} problem(s), nothing was imported. {shown}{more}")


@dataclass
class ImportResult:
    evidence: object
    seizures: list = field(default_factory=list)
    firearms: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def max_rows() -> int:
    return upload_limit("PARALLAX_SEIZURE_IMPORT_MAX_ROWS")


def _numbered_rows(upload, data):
    """(row number, values) of the file as a stream; an XLSX within the workbook caps (cases.spreadsheets)."""
    name = (upload.name or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from cases.spreadsheets import SpreadsheetRefused, Workbook

        # Every row element counts, blank ones too: twice the row limit leaves room for blank rows.
        try:
            with Workbook(io.BytesIO(data), upload.name) as workbook:
                yield from workbook.rows(max_rows=2 * max_rows() + 1,
                                         max_cells=(2 * max_rows() + 1) * len(TEMPLATE_HEADER))
        except SpreadsheetRefused as exc:
            raise ImportRejected(upload.name, [RowError(0, "", str(exc))]) from None
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(upload.name, [RowError(0, "", "the file is not UTF-8 text; save it as CSV UTF-8")])
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        pass
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for number, values in enumerate(reader, start=1):
            if number > 2 * max_rows() + 1:
                raise ImportRejected(upload.name, [RowError(0, "", f"more than {2 * max_rows() + 1:,} lines; "
                                                                   f"at most {max_rows():,} rows per file")])
            yield number, values
    except csv.Error as exc:
        raise ImportRejected(upload.name, [RowError(reader.line_num, "", f"cannot be read as CSV ({exc})")]) from None


def read_rows(upload, *, limit=None) -> tuple[list[dict], bool]:
    """The first `limit` rows as dicts keyed by lower-case header, read as a stream (row numbers
    follow the file, header = row 1), and whether the file holds more rows than that."""
    limit = max_rows() if limit is None else limit
    upload.seek(0)
    data = upload.read()
    stream = _numbered_rows(upload, data)
    first = next(stream, None)
    if first is None:
        raise ImportRejected(upload.name, [RowError(1, "", "the file is empty")])
    header = [str(h or "").strip().lower().replace(" ", "_") for h in first[1]]
    problems = [RowError(1, c, "required column is missing") for c in REQUIRED if c not in header]
    problems += [RowError(1, h, "unknown column") for h in header
                 if h and h not in SEIZURE_COLUMNS and h not in FIREARM_COLUMNS]
    if problems:
        raise ImportRejected(upload.name, problems)
    out = []
    for number, values in stream:
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        if len(out) == limit:
            stream.close()
            return out, True
        out.append({"_row": number, **{h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}})
    return out, False


def read_table(upload) -> list[dict]:
    """Every row as a dict keyed by lower-case header; refused at once past the row limit
    (setting PARALLAX_SEIZURE_IMPORT_MAX_ROWS), without reading the rest of the file."""
    rows, more = read_rows(upload)
    if more:
        raise ImportRejected(upload.name, [RowError(0, "", f"more than {max_rows():,} rows; "
                                                           f"at most {max_rows():,} per file")])
    return rows


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice(enum, value):
    text = _text(value)
    if not text:
        return ""
    for key, label in enum.choices:
        if text.lower() in (key.lower(), label.lower(), key.replace("_", " ").lower()):
            return key
    raise ValueError(f"{text!r} is not one of: {', '.join(enum.values)}")


def _bool(value):
    text = _text(value).lower()
    if text in ("", "0", "no", "n", "false", "f"):
        return False
    if text in ("1", "yes", "y", "true", "t", "x"):
        return True
    raise ValueError(f"{text!r} is not yes or no")


def _datetime(value):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0, 0))
    else:
        text = _text(value)
        moment = parse_datetime(text.replace(" ", "T", 1)) if len(text) > 10 else None
        if moment is None:
            day = parse_date(text)
            if day is None:
                raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD or YYYY-MM-DD HH:MM)")
            moment = datetime.combine(day, time(0, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _convert(column, value):
    if column in CHOICES:
        return _choice(CHOICES[column], value)
    if column in BOOLEANS:
        return _bool(value)
    if column in INTEGERS:
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"{text!r} is not a year")
        return int(text)
    if column == "occurred_at":
        return _datetime(value)
    if column == "route_transit":
        return [c.strip().upper() for c in _text(value).replace(";", ",").split(",") if c.strip()]
    if column in ("country", "route_departure", "route_destination", "country_of_manufacture", "import_country"):
        return _text(value).upper()
    return _text(value)


def _model_errors(exc, row, columns_by_field):
    errors = []
    for name, messages in exc.message_dict.items():
        column = columns_by_field.get(name, "" if name == "__all__" else name)
        errors.extend(RowError(row, column, m) for m in messages)
    return errors


def validate_rows(*, case, by, rows):
    """Convert and check every row; returns (seizure plans, firearm plans, errors)."""
    errors = []
    seizures: dict[str, dict] = {}
    firearms = []
    seen_items = set()
    seizure_cols = {v: k for k, v in SEIZURE_COLUMNS.items()}
    firearm_cols = {v: k for k, v in FIREARM_COLUMNS.items()}
    existing = set(Seizure.objects.filter(case=case).values_list("reference", flat=True))
    for raw in rows:
        number = raw["_row"]
        converted, bad = {}, False
        for column, value in raw.items():
            if column == "_row":
                continue
            try:
                converted[column] = _convert(column, value)
            except ValueError as exc:
                errors.append(RowError(number, column, str(exc)))
                bad = True
        for column in REQUIRED:
            if column in converted and converted[column] in ("", None):
                errors.append(RowError(number, column, "required"))
                bad = True
        if bad:
            continue
        reference = converted["seizure_reference"]
        seizure_fields = {SEIZURE_COLUMNS[c]: v for c, v in converted.items() if c in SEIZURE_COLUMNS}
        seizure_fields.setdefault("recovery_type", RecoveryType.SEIZED)
        seizure_fields["recovery_type"] = seizure_fields["recovery_type"] or RecoveryType.SEIZED
        seizure_fields["criminal_context"] = seizure_fields.get("criminal_context") or CriminalContext.UNKNOWN
        if reference in existing:
            errors.append(RowError(number, "seizure_reference", f"case {case.reference} already has seizure {reference}; "
                                                                  "an import adds new seizures only"))
            continue
        plan = seizures.get(reference)
        if plan is None:
            candidate = Seizure(case=case, created_by=by, seizing_agency=by.agency, **seizure_fields)
            try:
                candidate.full_clean(exclude=["seizing_agency"], validate_constraints=False)
            except ValidationError as exc:
                errors.extend(_model_errors(exc, number, seizure_cols))
                continue
            if candidate.occurred_at > timezone.now():
                errors.append(RowError(number, "occurred_at", "a seizure cannot be in the future"))
                continue
            seizures[reference] = plan = {"row": number, "fields": seizure_fields}
        else:
            for name, value in seizure_fields.items():
                if value not in ("", None, []) and plan["fields"].get(name) not in ("", None, []) \
                        and plan["fields"][name] != value:
                    errors.append(RowError(number, seizure_cols.get(name, name),
                                           f"differs from row {plan['row']} of the same seizure {reference}"))
        firearm_fields = {FIREARM_COLUMNS[c]: v for c, v in converted.items() if c in FIREARM_COLUMNS}
        firearm_fields["marking_status"] = firearm_fields.get("marking_status") or MarkingStatus.INTACT
        firearm = Firearm(case=case, created_by=by, source_row=number, **firearm_fields)
        try:
            services._prepare_firearm(firearm)
            firearm.item_number = firearm.item_number or "pending"
            firearm.full_clean(exclude=["seizure"], validate_constraints=False)
        except ValidationError as exc:
            errors.extend(_model_errors(exc, number, firearm_cols))
            continue
        item = firearm_fields.get("item_number")
        if item:
            if (reference, item) in seen_items:
                errors.append(RowError(number, "item_number", f"item {item} appears twice in seizure {reference}"))
                continue
            seen_items.add((reference, item))
        firearms.append({"row": number, "seizure": reference, "fields": firearm_fields})
    return seizures, firearms, errors


def _checked_plans(*, case, by, upload, rows=None):
    rows = read_table(upload) if rows is None else rows
    if not rows:
        raise ImportRejected(upload.name, [RowError(2, "", "the file has a header but no rows")])
    plans, firearm_plans, errors = validate_rows(case=case, by=by, rows=rows)
    if errors:
        audit_record(actor=by, action=AuditAction.SEIZURE_IMPORT_REJECTED, case=case,
                     details={"file": upload.name, "problems": len(errors), "first": [str(e) for e in errors[:10]]})
        raise ImportRejected(upload.name, errors[:MAX_REPORTED])
    return plans, firearm_plans


def _write(*, case, by, evidence, plans, firearm_plans, progress=None) -> ImportResult:
    """Write the checked rows in one transaction (the caller's)."""
    result = ImportResult(evidence=evidence)
    seizures = {}
    total = len(firearm_plans)
    for reference, plan in plans.items():
        seizures[reference] = services.seizure_record(case=case, by=by, source_evidence=evidence, **plan["fields"])
    for index, plan in enumerate(firearm_plans, start=1):
        firearm = services.firearm_record(seizure=seizures[plan["seizure"]], by=by, source_row=plan["row"],
                                          **plan["fields"])
        result.firearms.append(firearm)
        result.notices.extend(firearm.deconfliction)
        if progress is not None:
            progress(index, total, f"Row {plan['row']}: {firearm.item_number}")
    result.seizures = list(seizures.values())
    audit_record(actor=by, action=AuditAction.SEIZURE_IMPORT, obj=evidence, case=case,
                 details={"file": evidence.original_name, "sha256": evidence.sha256, "seizures": len(seizures),
                          "firearms": len(result.firearms)})
    return result


def seizure_import(*, case, by, upload) -> ImportResult:
    """Import a CSV/XLSX of firearms (one per row), all or nothing, in this process."""
    require(by, case, Action.ADD)
    plans, firearm_plans = _checked_plans(case=case, by=by, upload=upload)
    upload.seek(0)
    evidence = None
    try:
        with transaction.atomic():
            evidence = evidence_upload(case=case, by=by, upload=upload, title=f"Seizure import {upload.name}",
                                       source="Bulk import of seizure records")
            return _write(case=case, by=by, evidence=evidence, plans=plans, firearm_plans=firearm_plans)
    except BaseException:
        # The rows are rolled back; the stored copy of the file goes too, so nothing remains.
        if evidence is not None:
            remove_stored(evidence.storage_name)
        raise


def seizure_import_start(*, case, by, upload):
    """Keep the file as evidence and write the records in a background job with progress; returns the Job.

    The request reads the header and at most PARALLAX_SEIZURE_IMPORT_INLINE_ROWS rows, as a stream:
    a file that small is checked now (the report comes back at once); a larger one is checked by the
    job, which refuses it past the row limit. `params["rows"]` is the number of rows checked now, or
    None when the job checks them."""
    from cases.jobs import job_start

    from .tasks import seizure_import_task

    require(by, case, Action.ADD)
    rows, more = read_rows(upload, limit=upload_limit("PARALLAX_SEIZURE_IMPORT_INLINE_ROWS"))
    checked = None
    if not more:
        _plans, firearm_plans = _checked_plans(case=case, by=by, upload=upload, rows=rows)
        checked = len(firearm_plans)
    upload.seek(0)
    with transaction.atomic():
        evidence = evidence_upload(case=case, by=by, upload=upload, title=f"Seizure import {upload.name}",
                                   source="Bulk import of seizure records")
        return job_start(case=case, by=by, kind="seizures.import", task=seizure_import_task, queue="imports",
                         params={"evidence": evidence.pk, "file": upload.name, "rows": checked})


def seizure_import_run(*, job, progress) -> dict:
    """The job's work: check the stored file again (the case may have changed) and write it, all or nothing."""
    from django.core.files import File

    from cases.evidence import evidence_path
    from cases.models import EvidenceFile

    evidence = EvidenceFile.objects.get(pk=job.params["evidence"], case=job.case)
    with open(evidence_path(evidence.storage_name), "rb") as handle:
        upload = File(handle, name=evidence.original_name)
        plans, firearm_plans = _checked_plans(case=job.case, by=job.started_by, upload=upload)
    progress(0, len(firearm_plans), f"{len(firearm_plans)} rows checked; writing")
    with transaction.atomic():
        result = _write(case=job.case, by=job.started_by, evidence=evidence, plans=plans,
                        firearm_plans=firearm_plans, progress=progress)
    return {"summary": {
        "message": f"Imported {len(result.seizures)} seizure(s) and {len(result.firearms)} firearm(s) "
                   f"from {evidence.original_name}.",
        "seizures": [s.reference for s in result.seizures],
        "firearms": len(result.firearms),
        "deconfliction": [n.message for n in result.notices],
        "evidence_sha256": evidence.sha256,
    }}


def template_csv() -> str:
    from cases import csv_safe

    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(["SZ-100", "2026-03-14 06:40", "HR", "Vukovar-Srijem", "Bajakovo border crossing", "seized",
                     "border_crossing", "illicit_trafficking", "", "unknown", "RS", "", "HR", "false floor of a lorry",
                     "Insp. Varga", "SZ-100/F01", "pistol", "Zastava", "CZ99", "9x19mm", "A12-345", "RS", "2004", "",
                     "", "", "intact", "no", "no", "", "no", "no", "no", "used", "no licence"])
    return buffer.getvalue()
