"""Writes of the dossier: request it, build it (in a worker or from the CLI),
record its downloads, verify a file against the stored dossiers.

What the requester gets: a PDF holding only what they may see in the case,
without FIU intelligence that the FIU has not released, with a manifest of
every record it prints and its SHA-256 stored and audited.
"""
import hashlib
import io
import json
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.access import Action
from cases.audit import AuditAction, audit_record
from cases.dossier import render
from cases.models import Dossier
from cases.services import notify, require


def dossier_root() -> Path:
    return Path(settings.EVIDENCE_ROOT) / "dossiers"


def stored_path(storage_name: str) -> Path:
    root = dossier_root().resolve()
    path = (root / storage_name).resolve()
    if not path.is_relative_to(root):
        raise ValidationError("Invalid dossier storage name.")
    return path


def _write(data: bytes, *, case_reference: str, suffix: str) -> str:
    name = f"{case_reference}/{uuid.uuid4().hex}{suffix}"
    path = stored_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:  # never overwrite
        handle.write(data)
    os.chmod(path, 0o440)
    return name


def _remove(name: str):
    if name:
        try:
            stored_path(name).unlink(missing_ok=True)
        except OSError:
            pass


# --- request --------------------------------------------------------------------------

def _validate(case, sections, period_from, period_to):
    available = {s.key: s for s in render.selected_sections(case)}
    if sections is not None:
        sections = list(dict.fromkeys(sections))
        unknown = [key for key in sections if key not in available]
        if unknown:
            raise ValidationError({"sections": f"Unknown or unavailable section(s) for this case: {', '.join(unknown)}."})
        if not sections:
            raise ValidationError({"sections": "Choose at least one section."})
    if period_from and period_to and period_from > period_to:
        raise ValidationError({"period_to": "The end of the period is before its start."})
    today = timezone.localdate()
    if period_from and period_from > today:
        raise ValidationError({"period_from": "The period starts in the future."})
    return sections


@transaction.atomic
def dossier_request(*, case, by, sections=None, period_from=None, period_to=None, bundle=False, via="web",
                    start_job=True) -> Dossier:
    """Ask for a dossier; a worker renders it (queue "documents") and tells the requester when it is ready.

    `sections` is a list of section keys (None: every section that applies)."""
    require(by, case, Action.EXPORT)
    sections = _validate(case, sections, period_from, period_to)
    dossier = Dossier(
        case=case, requested_by=by, via=via, period_from=period_from, period_to=period_to,
        classification=settings.PARALLAX_CLASSIFICATION,
        parameters={"sections": sections, "period_from": str(period_from or ""), "period_to": str(period_to or ""),
                    "bundle": bool(bundle)},
    )
    dossier.full_clean()
    dossier.save()
    audit_record(actor=by, action=AuditAction.DOSSIER_REQUEST, obj=dossier, case=case,
                 details={"sections": sections, "period_from": str(period_from or ""),
                          "period_to": str(period_to or ""), "bundle": bool(bundle), "via": via})
    if start_job:
        from cases.dossier.tasks import dossier_render_task
        from cases.jobs import job_start

        job = job_start(case=case, by=by, kind="dossier.render", task=dossier_render_task, queue="documents",
                        params={"dossier": dossier.pk, "case": case.reference})
        dossier.job = job
        dossier.save(update_fields=["job"])
    return dossier


# --- build ----------------------------------------------------------------------------

def dossier_build(*, dossier, progress=None) -> dict:
    """Collect, render, hash and store the dossier; audit and notify. Returns the job result.

    Three steps, so that no write lock is held while the pages are laid out
    (SQLite allows one writer): a short transaction marks the start (its audit
    event is printed in the appendix), the collection and rendering only read,
    and a short transaction stores the result with the `dossier.generate` event.
    """
    progress = progress or (lambda *a, **k: None)
    case, by = dossier.case, dossier.requested_by
    written = []
    try:
        # The requester's access is checked again: it may have ended since the request.
        require(by, case, Action.EXPORT)
        with transaction.atomic():
            dossier.generated_at = timezone.now()
            dossier.status = Dossier.Status.RENDERING
            dossier.save(update_fields=["generated_at", "status"])
            audit_record(actor=by, action=AuditAction.DOSSIER_RENDER_START, obj=dossier, case=case,
                         details={"job": dossier.job_id, "worker": os.uname().nodename})
        assembled = render.collect(dossier=dossier, progress=progress)
        manifest = render.build_manifest(dossier=dossier, assembled=assembled)
        manifest["generated_at"] = dossier.generated_at.isoformat()
        assembled.manifest = manifest
        assembled.manifest_sha256 = render.sha256_bytes(render.canonical_json(manifest))
        total = len(assembled.parts) + 2
        progress(len(assembled.parts), total, "Laying out the pages")
        html = render.document_html(dossier=dossier, assembled=assembled, events=render.generation_events(dossier))
        pdf, pages, seconds = render.render_pdf(html)
        progress(total - 1, total, f"Rendered {pages} pages; storing")
        dossier.pdf_storage_name = _write(pdf, case_reference=case.reference, suffix=".pdf")
        written.append(dossier.pdf_storage_name)
        dossier.pdf_sha256 = render.sha256_bytes(pdf)
        dossier.pdf_size = len(pdf)
        dossier.page_count = pages
        dossier.manifest = manifest
        dossier.manifest_sha256 = assembled.manifest_sha256
        dossier.sections = [s.key for s, _c in assembled.parts]
        dossier.handling_included = assembled.handling_included
        if dossier.parameters.get("bundle"):
            bundle = _bundle(dossier=dossier, pdf=pdf, assembled=assembled)
            dossier.bundle_storage_name = _write(bundle, case_reference=case.reference, suffix=".zip")
            written.append(dossier.bundle_storage_name)
            dossier.bundle_sha256 = render.sha256_bytes(bundle)
            dossier.bundle_size = len(bundle)
        with transaction.atomic():
            dossier.status = Dossier.Status.READY
            dossier.error = ""
            dossier.save()
            audit_record(actor=by, action=AuditAction.DOSSIER_GENERATE, obj=dossier, case=case, details={
                "sha256": dossier.pdf_sha256, "size": dossier.pdf_size, "pages": pages,
                "manifest_sha256": dossier.manifest_sha256, "bundle_sha256": dossier.bundle_sha256 or None,
                "sections": dossier.sections, "handling_included": dossier.handling_included,
                "records": sum(len(c.records) for _s, c in assembled.parts), "render_seconds": round(seconds, 2),
            })
            url = reverse("cases:dossier-detail", kwargs={"reference": case.reference, "pk": dossier.pk})
            notify(recipient=by, case=case, url=url, dedupe_key=f"dossier-ready:{dossier.pk}", sources=[dossier.job],
                   message=f"{case.reference}: your dossier {dossier.identifier} is ready ({pages} pages).")
    except BaseException as exc:
        for name in written:
            _remove(name)
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Dossier.Status.FAILED, error=str(exc)[:2000] or exc.__class__.__name__,
            pdf_storage_name="", pdf_sha256="", bundle_storage_name="", bundle_sha256="")
        raise
    progress(1, 1, "Ready")
    return {
        "summary": {"dossier": dossier.identifier, "pages": dossier.page_count, "sha256": dossier.pdf_sha256,
                    "url": url},
        "result_type": "cases.Dossier", "result_id": dossier.pk,
    }


def _bundle(*, dossier, pdf, assembled) -> bytes:
    """A zip with the PDF, its manifest and the exhibit files listed in the exhibit index."""
    from cases.evidence import evidence_path

    buffer = io.BytesIO()
    exhibits = []
    for section, content in assembled.parts:
        if section.key == "exhibits":
            exhibits = content.data.get("exhibits", [])
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{dossier.identifier}.pdf", pdf)
        archive.writestr("manifest.json", json.dumps(assembled.manifest, indent=2, ensure_ascii=False, default=str))
        sums = [f"{render.sha256_bytes(pdf)}  {dossier.identifier}.pdf"]
        for exhibit in exhibits:
            path = evidence_path(exhibit.storage_name)
            if not path.exists():
                continue
            name = f"exhibits/EX-{exhibit.pk}_{Path(exhibit.original_name).name}"
            archive.write(path, name)
            sums.append(f"{exhibit.sha256}  {name}")
        archive.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return buffer.getvalue()


# --- downloads and verification ----------------------------------------------------------

def dossier_downloaded(*, dossier, by, what="pdf"):
    audit_record(actor=by, action=f"dossier.download.{what}", obj=dossier, case=dossier.case,
                 details={"sha256": dossier.bundle_sha256 if what == "bundle" else dossier.pdf_sha256})


@dataclass
class Verification:
    ok: bool
    sha256: str
    dossier: Dossier | None = None
    matched: str = ""  # "pdf" or "bundle"
    message: str = ""


def sha256_of_file(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _claimed_identifier(path) -> str:
    """The dossier identifier the file says it is (the PDF's Keywords metadata), if it can be read."""
    import re

    pattern = re.compile(r"parallax-dossier:([A-Z0-9-]+-D\d+)")
    try:
        from pypdf import PdfReader

        metadata = PdfReader(str(path)).metadata or {}
        match = pattern.search(str(metadata.get("/Keywords", "")))
        if match:
            return match.group(1)
    except Exception:  # a damaged or non-PDF file claims nothing
        pass
    with open(path, "rb") as handle:
        match = pattern.search(handle.read(4 << 20).decode("latin-1"))
    return match.group(1) if match else ""


def dossier_verify_file(*, path, by=None, label="dossier_verify") -> Verification:
    """Whether a file is, byte for byte, a stored dossier (PDF or zip bundle), and which."""
    digest = sha256_of_file(path)
    dossier = Dossier.objects.filter(pdf_sha256=digest).select_related("case", "requested_by").first()
    matched = "pdf"
    if dossier is None:
        dossier = Dossier.objects.filter(bundle_sha256=digest).select_related("case", "requested_by").first()
        matched = "bundle"
    if dossier is not None:
        result = Verification(True, digest, dossier, matched,
                              f"OK: the file is {'the zip bundle of ' if matched == 'bundle' else ''}dossier "
                              f"{dossier.identifier} of case {dossier.case.reference}, generated for "
                              f"{dossier.requested_by.get_username()} on {dossier.generated_at:%Y-%m-%d %H:%M:%S %Z} "
                              f"({dossier.page_count} pages, manifest SHA-256 {dossier.manifest_sha256}).")
    else:
        claimed = _claimed_identifier(path)
        message = f"NO MATCH: SHA-256 {digest} is not the fingerprint of any stored dossier."
        if claimed:
            message += (f" The file claims to be dossier {claimed}; it has been altered or is not the file "
                        f"that was generated.")
        result = Verification(False, digest, None, "", message)
    audit_record(actor=by, label=None if by else label, action=AuditAction.DOSSIER_VERIFY,
                 obj=result.dossier, case=result.dossier.case if result.dossier else None,
                 details={"sha256": digest, "ok": result.ok, "matched": matched if result.ok else None})
    return result
