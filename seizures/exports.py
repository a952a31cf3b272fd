"""A tracing request as a letter (PDF) and as a structured record (JSON / CSV).

The record carries the fields an INTERPOL iARMS query or an International
Tracing Instrument request needs: requesting state and authority, reference,
urgency and justification, and for each firearm its type, make, model,
calibre, serial number, markings (manufacture and import) and where and when
it was found.
"""
import io

from django.template.loader import render_to_string
from django.utils import timezone

from cases import csv_safe

RECORD_VERSION = "parallax-tracing-1"


def tracing_record(tracing, firearms) -> dict:
    case = tracing.case
    agency = tracing.origin_agency
    return {
        "format": RECORD_VERSION,
        "request": {
            "reference": tracing.reference,
            "case_reference": case.reference,
            "requesting_state": agency.country if agency else "",
            "requesting_authority": agency.name if agency else "",
            "requesting_officer": tracing.created_by.get_full_name() or tracing.created_by.username,
            "destination": tracing.destination,
            "destination_country": tracing.destination_country,
            "destination_name": tracing.destination_name,
            "priority": tracing.priority,
            "justification": tracing.justification,
            "status": tracing.status,
            "sent_at": tracing.sent_at.isoformat() if tracing.sent_at else None,
            "due_date": tracing.due_date.isoformat() if tracing.due_date else None,
        },
        "firearms": [
            {
                "item_number": f.item_number,
                "weapon_type": f.weapon_type,
                "make": f.make,
                "model": f.model,
                "calibre": f.calibre,
                "serial_number": f.serial_as_read,
                "serial_number_normalized": f.serial_normalized,
                "marking_status": f.marking_status,
                "country_of_manufacture": f.country_of_manufacture,
                "year_of_manufacture": f.year_of_manufacture,
                "import_marking_country": f.import_country,
                "import_marking_year": f.import_year,
                "other_markings": f.other_markings,
                "craft_produced": f.craft_produced,
                "converted": f.converted,
                "converted_from": f.converted_from,
                "printed_3d": f.printed_3d,
                "seizure_reference": f.seizure.reference,
                "seizure_date": timezone.localtime(f.seizure.occurred_at).date().isoformat(),
                "seizure_country": f.seizure.country,
                "seizure_place": f.seizure.place,
                "recovery_type": f.seizure.recovery_type,
            }
            for f in firearms
        ],
        "response": {
            "outcome": tracing.outcome,
            "last_legal_owner": tracing.last_legal_owner,
            "last_legal_transfer": tracing.last_legal_transfer,
            "last_legal_country": tracing.last_legal_country,
            "diversion_point": tracing.diversion_point,
            "diversion_type": tracing.diversion_type,
            "not_traced_reason": tracing.not_traced_reason,
        } if tracing.outcome else None,
    }


def tracing_csv(record) -> str:
    """One row per firearm with the request fields repeated; safe against formula injection."""
    request = record["request"]
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    request_cols = list(request)
    firearm_cols = list(record["firearms"][0]) if record["firearms"] else []
    writer.writerow([f"request_{c}" for c in request_cols] + firearm_cols)
    for firearm in record["firearms"]:
        writer.writerow([request[c] for c in request_cols] + [firearm[c] for c in firearm_cols])
    return buffer.getvalue()


def tracing_letter_pdf(tracing, firearms, *, by) -> bytes:
    from weasyprint import HTML

    html = render_to_string("seizures/tracing_letter.html", {
        "tracing": tracing, "firearms": firearms, "agency": tracing.origin_agency, "by": by,
        "today": timezone.localdate(),
    })
    return HTML(string=html).write_pdf()
