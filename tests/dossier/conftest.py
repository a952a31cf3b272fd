"""The case content of the dossier stories: one record of each handling code.

The police lead wrote an agency-only informant note, the FIU analyst wrote two
notes of financial intelligence (one released for evidential use, one not), and
there is an FIU-handled organisation that was never released.
"""
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.access import Handling
from cases.dossier import services as dossier_services


@dataclass
class Content:
    team_note: object
    agency_note: object
    fiu_unreleased: object
    fiu_released: object
    fiu_entity: object
    suspect: object
    company: object
    exhibit: object


@pytest.fixture
def content(world):
    u, case = world.users, world.case
    suspect = services.entity_create(case=case, by=u["lead"], kind="person", name="Dario Kovač",
                                     role_in_case="suspect", nationality="HR")
    services.identifier_add(entity=suspect, by=u["lead"], kind="passport", value="HR 0123 4567", country="HR")
    company = services.entity_create(case=case, by=u["investigator"], kind="organisation",
                                     name="Adriatic Freight Forwarding", role_in_case="carrier", country="HR")
    services.link_add(case=case, by=u["lead"], source=suspect, target=company, kind="director_of")
    fiu_entity = services.entity_create(case=case, by=u["analyst"], kind="organisation", name="Offshore Shell Ltd",
                                        handling=Handling.FIU)
    # an FIU entity linked to the suspect: the link must vanish with it
    services.link_add(case=case, by=u["analyst"], source=suspect, target=fiu_entity, kind="beneficial_owner_of")
    team_note = services.note_add(case=case, by=u["investigator"], title="Lorry stopped at the crossing",
                                  body="Twelve pistols in a false floor.")
    agency_note = services.note_add(case=case, by=u["lead"], title="Informant statement", handling=Handling.AGENCY,
                                    body="Source CI-17 names the organiser.")
    fiu_unreleased = services.note_add(case=case, by=u["analyst"], title="Suspicious transaction reports",
                                       handling=Handling.FIU, body="Three STRs on structured cash deposits.")
    fiu_released = services.note_add(case=case, by=u["analyst"], title="Bank statement analysis",
                                     handling=Handling.FIU, body="Payments to Nordwaffen from the freight company.")
    services.record_release_fiu(record=fiu_released, by=u["analyst"], reason="Consent of the FIU director")
    exhibit = services.evidence_upload(case=case, by=u["investigator"], title="Freight manifest",
                                       upload=SimpleUploadedFile("manifest.csv", b"consignment,shipper\nTRK-1,Nordwaffen\n", "text/csv"))
    return Content(team_note, agency_note, fiu_unreleased, fiu_released, fiu_entity, suspect, company, exhibit)


def pdf_pages(path_or_bytes) -> list[str]:
    """Text of each page, extracted with pypdf."""
    from pypdf import PdfReader

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, "rb").read()
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data) -> str:
    return "\n".join(pdf_pages(data))


def normalized(text: str) -> str:
    return " ".join(text.split())


def render(world, person, **params):
    """Request and build a dossier in-process, as the CLI does; returns (dossier, pdf bytes)."""
    dossier = dossier_services.dossier_request(case=world.case, by=world.users[person], start_job=False, **params)
    dossier_services.dossier_build(dossier=dossier)
    dossier.refresh_from_db()
    return dossier, dossier_services.stored_path(dossier.pdf_storage_name).read_bytes()


__all__ = ["pdf_pages", "pdf_text", "render"]
