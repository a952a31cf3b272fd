"""The seizures app's dossier sections: seizures and firearms, tracing, chain of custody."""
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.access import Handling
from seizures import services
from seizures.models import CustodyEvent
from tests.dossier.conftest import normalized, pdf_text, render

pytestmark = pytest.mark.django_db


def _jpeg():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (120, 90, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("pistol.jpg", buffer.getvalue(), "image/jpeg")


@pytest.fixture
def seized(world):
    """Customs stop a lorry: a pistol (photographed, traced, in custody with a gap), a magazine, ammunition."""
    u, case = world.users, world.case
    at = timezone.now() - timedelta(days=20)
    seizure = services.seizure_record(
        case=case, by=u["investigator"], reference="SZ-77", occurred_at=at, country="HR", region="Vukovar-Srijem",
        place="Bajakovo border crossing", context="border_crossing", legal_basis="illicit_trafficking",
        route_departure="RS", route_transit=["HU"], route_destination="AT", concealment="false floor of the trailer")
    pistol = services.firearm_record(
        seizure=seizure, by=u["investigator"], weapon_type="pistol", make="Zastava", model="CZ99",
        calibre="9x19mm", serial_as_read="A12-3?5", marking_status="altered", converted=True,
        converted_from="alarm pistol", illicit_grounds="Converted alarm pistol without licence")
    services.firearm_photo_add(firearm=pistol, by=u["investigator"], upload=_jpeg(), caption="left side")
    services.part_record(seizure=seizure, by=u["investigator"], kind="magazine", quantity=3, make="Zastava")
    services.ammunition_record(seizure=seizure, by=u["investigator"], calibre="9x19mm", quantity=250,
                               headstamp="PPU 9mm Luger")
    services.custody_record(item=pistol, by=u["investigator"], kind=CustodyEvent.Kind.SEIZED,
                            occurred_at=at + timedelta(minutes=5), to_holder="Officer Perić",
                            to_location="Bajakovo border crossing")
    services.custody_record(item=pistol, by=u["investigator"], kind=CustodyEvent.Kind.RECEIVED,
                            occurred_at=at + timedelta(hours=6), from_holder="Officer Novak",
                            from_location="Bajakovo border crossing", to_holder="Evidence clerk Horvat",
                            to_location="Evidence store Zagreb")
    request = services.tracing_request_create(case=case, by=u["investigator"], firearms=[pistol],
                                              destination="foreign_state", destination_country="RS",
                                              destination_name="Ministry of the Interior", reference="TR-SZ77")
    services.tracing_request_send(request=request, by=u["investigator"])
    services.tracing_request_respond(request=request, by=u["investigator"], outcome="last_legal_owner",
                                     last_legal_owner="Oružje Promet d.o.o.", last_legal_country="RS",
                                     last_legal_transfer="Sale under licence 117/2009")
    # customs-only material: neither the prosecutor nor the lead (police) may get it
    secret = services.tracing_request_create(case=case, by=u["investigator"], firearms=[pistol],
                                             destination="manufacturer", destination_name="Informant-tipped maker",
                                             reference="TRCUSTOMSONLY", handling=Handling.AGENCY)
    document = services.transfer_document_record(
        case=case, by=u["investigator"], kind="end_user_certificate", number="EUC-SECRET-9",
        issuing_authority="Ministry of Defence", issuing_country="BA", handling=Handling.AGENCY, firearms=[pistol])
    return {"seizure": seizure, "pistol": pistol, "request": request, "secret": secret, "document": document}


def test_seizure_firearms_tracing_and_custody_are_in_the_prosecutors_dossier(world, seized):
    dossier, pdf = render(world, "prosecutor")
    text = normalized(pdf_text(pdf))
    for expected in ("Seizures and firearms", "Seizure SZ-77", "Bajakovo border crossing", "Illicit trafficking",
                     "RS → HU → AT", "false floor of the trailer", "Zastava CZ99", "9x19mm", "A12-3?5", "Altered",
                     "converted from alarm pistol", "Converted alarm pistol without licence", "Magazine",
                     "PPU 9mm Luger", "Tracing requests and results", "TR-SZ77", "Ministry of the Interior",
                     "Traced to the last legal owner", "Oružje Promet d.o.o.", "Sale under licence 117/2009",
                     "Chain of custody", "Evidence clerk Horvat", "Evidence store Zagreb"):
        assert expected in text, expected
    assert dossier.sections[:3] == ["summary", "team", "persons"] or "seizures" in dossier.sections
    assert {"seizures", "tracing", "custody"} <= set(dossier.sections)
    refs = {(r["type"], r["id"]) for s in dossier.manifest["sections"] for r in s["records"]}
    assert ("seizures.Seizure", seized["seizure"].pk) in refs
    assert ("seizures.Firearm", seized["pistol"].pk) in refs
    assert ("seizures.TracingRequest", seized["request"].pk) in refs
    assert len([r for r in refs if r[0] == "seizures.CustodyEvent"]) == 2
    # the seizure and the tracing answer are in the chronology
    chronology = text[text.index("Chronology"):]
    assert "Seizure SZ-77" in chronology and "Tracing response to TR-SZ77" in chronology


def test_the_photo_is_embedded_as_a_thumbnail(world, seized):
    from pypdf import PdfReader

    dossier, pdf = render(world, "prosecutor", sections=["seizures"])
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert images, "the firearm photo is in the PDF"
    assert max(max(i.image.size) for i in images) <= 260  # downscaled, not the 640 px original
    photo = seized["pistol"].photos.get()
    refs = [r for s in dossier.manifest["sections"] for r in s["records"] if r["type"] == "seizures.FirearmPhoto"]
    assert refs == [{"type": "seizures.FirearmPhoto", "id": photo.pk, "version": refs[0]["version"],
                     "evidence": photo.evidence_id, "sha256": photo.evidence.sha256}]


def test_agency_handled_records_of_another_agency_are_left_out(world, seized):
    for person in ("prosecutor", "lead"):
        dossier, pdf = render(world, person)
        text = normalized(pdf_text(pdf))
        assert "TR-SZ77" in text
        assert "TRCUSTOMSONLY" not in text and "Informant-tipped maker" not in text, person
        assert "EUC-SECRET-9" not in text, person
        refs = {(r["type"], r["id"]) for s in dossier.manifest["sections"] for r in s["records"]}
        assert ("seizures.TracingRequest", seized["secret"].pk) not in refs
        assert ("seizures.TransferDocument", seized["document"].pk) not in refs
    # customs' own investigator gets them, marked as agency material
    dossier, pdf = render(world, "investigator")
    text = normalized(pdf_text(pdf))
    assert "TRCUSTOMSONLY" in text and "EUC-SECRET-9" in text
    assert "agency · " in text
    assert "agency" in dossier.handling_included


def test_custody_gaps_are_shown(world, seized):
    _dossier, pdf = render(world, "prosecutor", sections=["custody"])
    text = normalized(pdf_text(pdf))
    assert "Handed over by Officer Novak, but the previous event left the item with Officer Perić." in text
    assert "3 gaps in the chain of 3 items" in text
    # the magazine and the ammunition have no custody events at all: that is a gap too
    assert text.count("No custody events are recorded for this item.") == 2


def test_unbroken_chain_says_so(world, seized):
    from seizures.models import Ammunition, Part

    # only the pistol's chain, repaired: a chain without gaps is called unbroken
    CustodyEvent.objects.filter(firearm=seized["pistol"], sequence=2).update(from_holder="Officer Perić")
    for item in (*Part.objects.filter(seizure=seized["seizure"]), *Ammunition.objects.filter(seizure=seized["seizure"])):
        services.custody_record(item=item, by=world.users["investigator"], kind=CustodyEvent.Kind.SEIZED,
                                occurred_at=timezone.now() - timedelta(days=19), to_holder="Officer Perić",
                                to_location="Bajakovo border crossing")
    _dossier, pdf = render(world, "prosecutor", sections=["custody"])
    text = normalized(pdf_text(pdf))
    assert "Every chain is unbroken" in text
    assert "⚠" not in text and "gap in the chain" not in text


def test_period_leaves_out_earlier_seizures_and_their_custody(world, seized):
    today = timezone.localdate()
    dossier, pdf = render(world, "prosecutor", sections=["seizures", "custody", "tracing"],
                          period_from=today - timedelta(days=5))
    text = normalized(pdf_text(pdf))
    assert "Seizure SZ-77" not in text and "false floor of the trailer" not in text
    assert "Evidence clerk Horvat" not in text  # custody goes with its seizure
    assert "TR-SZ77" in text  # tracing requests count by when they were drafted (today)
    refs = {r["type"] for s in dossier.manifest["sections"] for r in s["records"]}
    assert "seizures.Seizure" not in refs and "seizures.CustodyEvent" not in refs
