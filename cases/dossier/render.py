"""Assembling a dossier: collect the sections as the requester may see them,
write the manifest, render the PDF with WeasyPrint from templates/dossier/.

Fonts: DejaVu Serif / Sans / Sans Mono from Debian's fonts-dejavu-core (installed
by `.ci/run`, found through fontconfig); nothing is fetched from the network —
the URL fetcher below only reads data: URIs and files under the evidence store
and the project's static directory.
"""
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases.access import Handling
from cases.audit_checkpoints import checkpoint_for_print
from cases.dossier.base import Period, SectionContent, registered_sections
from cases.models import Agency, AuditEvent

MANIFEST_FORMAT = "parallax-dossier-manifest/1"


@dataclass
class Assembled:
    period: Period
    parts: list  # (section, SectionContent) in order
    handling_included: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)
    manifest_sha256: str = ""


def selected_sections(case, keys=None):
    """The registered sections that apply to the case, narrowed to `keys` if given (order kept)."""
    sections = [s for s in registered_sections() if s.applies(case)]
    if keys is None:
        return sections
    wanted = set(keys)
    return [s for s in sections if s.key in wanted]


def collect(*, dossier, progress=None) -> Assembled:
    period = Period(dossier.period_from, dossier.period_to)
    sections = selected_sections(dossier.case, dossier.parameters.get("sections"))
    parts = []
    for index, section in enumerate(sections):
        if progress:
            progress(index, len(sections) + 2, f"Collecting “{section.title}”")
        content = section.collect(dossier.case, dossier.requested_by, period)
        if not isinstance(content, SectionContent):
            raise TypeError(f"Dossier section {section.key!r} returned {type(content).__name__}, not SectionContent.")
        parts.append((section, content))
    for section, content in parts:
        section.finish(content, parts)
    assembled = Assembled(period=period, parts=parts)
    assembled.handling_included = handling_included(parts)
    return assembled


def handling_included(parts) -> list[str]:
    codes = {ref.get("handling", Handling.TEAM) for _s, content in parts for ref in content.records}
    return [code for code in Handling.values if code in codes]


def handling_statement(codes, parts):
    """Human sentences for the cover: which handling codes the dossier holds."""
    agency_ids = {ref["agency"] for _s, c in parts for ref in c.records if ref.get("handling") == Handling.AGENCY and "agency" in ref}
    agencies = ", ".join(a.name for a in Agency.objects.filter(pk__in=agency_ids)) or "the requester's agency"
    lines = []
    if Handling.TEAM in codes:
        lines.append(("team", "records shared with the whole joint team"))
    if Handling.AGENCY in codes:
        lines.append(("agency", f"records restricted to {agencies}, included because the requester belongs to it"))
    if Handling.FIU in codes:
        lines.append(("fiu", "financial intelligence released by the FIU for evidential use"))
    return lines


def exclusion_statement(codes):
    """What the cover says is left out."""
    left_out = ["records restricted to agencies the requester does not belong to",
                "financial intelligence the FIU has not released for evidential use"]
    if Handling.FIU not in codes:
        left_out[1] = "all financial intelligence (none has been released for evidential use, or none is visible)"
    return left_out


def build_manifest(*, dossier, assembled) -> dict:
    return {
        "format": MANIFEST_FORMAT,
        "dossier": dossier.identifier,
        "dossier_id": dossier.pk,
        "case": dossier.case.reference,
        "requested_by": dossier.requested_by.get_username(),
        "requested_at": dossier.requested_at.isoformat(),
        "via": dossier.via,
        "classification": dossier.classification,
        "parameters": {
            "sections": dossier.parameters.get("sections"),
            "period_from": dossier.period_from.isoformat() if dossier.period_from else None,
            "period_to": dossier.period_to.isoformat() if dossier.period_to else None,
            "bundle": bool(dossier.parameters.get("bundle")),
        },
        "handling_included": assembled.handling_included,
        "sections": [
            {"key": s.key, "title": s.title, "count": c.count, "records": c.records}
            for s, c in assembled.parts
        ],
    }


def canonical_json(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def generation_events(dossier):
    q = Q(object_type="cases.Dossier", object_id=str(dossier.pk))
    if dossier.job_id:
        q |= Q(object_type="cases.Job", object_id=str(dossier.job_id))
    return list(AuditEvent.objects.filter(q).order_by("id"))


# --- PDF -------------------------------------------------------------------------------

def _allowed_roots():
    return [Path(settings.EVIDENCE_ROOT).resolve(), (Path(settings.BASE_DIR) / "static").resolve()]


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    roots = _allowed_roots()

    class LocalOnlyFetcher(URLFetcher):
        """data: URIs and files under the evidence store or static/, nothing else."""

        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                from urllib.parse import unquote, urlsplit

                path = Path(unquote(urlsplit(url).path)).resolve()
                if not any(path.is_relative_to(root) for root in roots):
                    raise ValueError(f"The dossier may not read {path}.")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"}, timeout=5)


def document_html(*, dossier, assembled, events) -> str:
    numbered = []
    for number, (section, content) in enumerate(assembled.parts, start=1):
        numbered.append({
            "number": number, "key": section.key, "title": section.title, "template": section.template,
            "data": content.data, "count": content.count, "empty_message": content.empty_message,
            "uses_period": section.uses_period,
        })
    context = {
        "dossier": dossier,
        "case": dossier.case,
        "requested_by": dossier.requested_by,
        "classification": dossier.classification,
        "generated_at": dossier.generated_at,
        "period": assembled.period,
        "sections": numbered,
        "handling_lines": handling_statement(assembled.handling_included, assembled.parts),
        "left_out": exclusion_statement(assembled.handling_included),
        "manifest_sha256": assembled.manifest_sha256,
        "record_total": sum(len(c.records) for _s, c in assembled.parts),
        "events": events,
        "audit_checkpoint": checkpoint_for_print(),  # the signed chain head this dossier was built against
        "narrowed": [s.title for s, _c in assembled.parts if s.uses_period] if not assembled.period.is_open else [],
    }
    return render_to_string("dossier/document.html", context)


def render_pdf(html: str, progress=None) -> tuple[bytes, int, float]:
    """(pdf bytes, page count, seconds)."""
    from weasyprint import HTML

    started = time.monotonic()
    document = HTML(string=html, base_url=str(Path(settings.BASE_DIR)), url_fetcher=_url_fetcher()).render()
    if progress:
        progress(1, 2, f"Laid out {len(document.pages)} pages; writing the PDF")
    pdf = document.write_pdf()
    return pdf, len(document.pages), time.monotonic() - started


def now():
    return timezone.now()
