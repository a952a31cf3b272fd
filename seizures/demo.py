"""The seizures part of the demo: a lorry stopped at the eastern border crossing (DEMO-1).

Pistols and converted alarm revolvers behind a false floor, one pistol with an
obliterated serial, ammunition and a conversion kit; custody up to laboratory
examination; a forged end-user certificate; two tracing requests (one
answered, one overdue). One Zastava serial is also held by DEMO-2, so the
deconfliction notice shows.
"""
import io
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from seizures import services
from seizures.models import Seizure

REFERENCE = "CUS-BAJ-0147"

PISTOLS = [
    # item, make, model, calibre, serial as read, marking, country, year, extra
    ("01", "Zastava", "CZ99", "9x19mm", "A 41 022", "intact", "RS", 2003, {}),
    ("02", "Zastava", "CZ99", "9x19mm", "A41 097", "intact", "RS", 2003, {}),
    ("03", "Zastava", "M70", "7.65mm", "M70-118 245", "intact", "RS", 1989, {"import_country": "HR", "import_year": 2004}),
    ("04", "Glock", "17 Gen4", "9x19mm", "BK??71", "obliterated", "AT", None,
     {"other_markings": "Serial ground off the frame; slide serial partly restored by acid etching",
      "illicit_grounds": "Obliterated marking"}),
    ("05", "CZ", "75 B", "9x19mm", "C 0 33 912", "intact", "CZ", 1998, {}),
]
REVOLVERS = [
    ("06", "Ekol", "Viper 2.5", "9mm P.A.K. (converted to .380)", "EK-15 20331"),
    ("07", "Ekol", "Viper 2.5", "9mm P.A.K. (converted to .380)", "EK-15 20347"),
    ("08", "Ekol", "Viper 3", "9mm P.A.K. (converted to .380)", "EK-16 00912"),
]


def _at(demo, days_ago, hour=6, minute=40):
    return timezone.make_aware(datetime.combine(demo.today - timedelta(days=days_ago), time(hour, minute)))


def _png():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "#d8d8d0")
    ImageDraw.Draw(image).rectangle((40, 80, 280, 120), fill="#555")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@transaction.atomic
def seizures_demo(demo):
    if Seizure.objects.filter(case=demo.case, reference=REFERENCE).exists():
        return
    u = demo.users
    inv, lead, outsider = u["demo-investigator"], u["demo-lead"], u["demo-outsider"]

    # DEMO-2 already holds one of the Zastava pistols (recorded in an earlier brokering inquiry).
    if not Seizure.objects.filter(case=demo.other_case, reference="ARMS-SI-22").exists():
        earlier = services.seizure_record(
            case=demo.other_case, by=outsider, reference="ARMS-SI-22", occurred_at=_at(demo, 200, 14, 5),
            country="SI", region="Ljubljana", place="Warehouse, Letališka cesta", recovery_type="seized",
            context="premises", legal_basis="illicit_trafficking", route_departure="RS", route_destination="SI",
            seizing_agency=demo.agencies["arms"], seizing_officer="Insp. Novak")
        services.firearm_record(seizure=earlier, by=outsider, weapon_type="pistol", make="ZASTAVA ARMS", model="CZ99",
                                calibre="9x19mm", serial_as_read="A41097", country_of_manufacture="RS")

    t0 = _at(demo, 45)
    seizure = services.seizure_record(
        case=demo.case, by=inv, reference=REFERENCE, occurred_at=t0, country="HR", region="Vukovar-Srijem",
        place="Bajakovo border crossing, inbound freight lane 3", latitude="45.047900", longitude="19.101700",
        recovery_type="seized", context="border_crossing", legal_basis="illicit_possession",
        legal_basis_detail="Weapons Act art. 99 (possession without a licence)",
        route_departure="RS", route_transit=["HR"], route_destination="AT",
        concealment="False floor welded under the trailer bed, under pallets of machine parts",
        seizing_officer="Customs officer T. Varga",
        description="Lorry TRK-2291 declared as machine parts. X-ray showed a cavity; 5 pistols, 3 converted alarm "
                    "revolvers, a conversion kit and 400 rounds recovered.",
    )
    roles = {"Goran Petrović": "carrier", "Adriatic Freight Forwarding d.o.o.": "consignee", "Dario Kovač": "possessor",
             "Nordwaffen Handels GmbH": "consignor"}
    for name, role in roles.items():
        if name in demo.entities:
            services.seizure_party_add(seizure=seizure, by=inv, entity=demo.entities[name], role=role)

    firearms = []
    for item, make, model, calibre, serial, marking, country, year, extra in PISTOLS:
        firearms.append(services.firearm_record(
            seizure=seizure, by=inv, item_number=f"{REFERENCE}/F{item}", weapon_type="pistol", make=make, model=model,
            calibre=calibre, serial_as_read=serial, marking_status=marking, country_of_manufacture=country,
            year_of_manufacture=year, condition="Serviceable, loaded magazine" if item == "01" else "Serviceable",
            illicit_grounds=extra.pop("illicit_grounds", "No licence; undeclared import"), **extra))
    for item, make, model, calibre, serial in REVOLVERS:
        firearms.append(services.firearm_record(
            seizure=seizure, by=inv, item_number=f"{REFERENCE}/F{item}", weapon_type="revolver", make=make,
            model=model, calibre=calibre, serial_as_read=serial, marking_status="altered", country_of_manufacture="TR",
            converted=True, converted_from="alarm revolver (9mm P.A.K.)",
            other_markings="PTB mark removed; barrel insert drilled through",
            illicit_grounds="Converted alarm weapon capable of firing live rounds"))
    kit = services.part_record(seizure=seizure, by=inv, item_number=f"{REFERENCE}/P01", kind="conversion_kit",
                               quantity=4, description="Barrel liners and drilled cylinders for Ekol Viper")
    services.part_record(seizure=seizure, by=inv, item_number=f"{REFERENCE}/P02", kind="magazine", quantity=6,
                         make="Zastava", firearm=firearms[0], description="15-round CZ99 magazines")
    ammo = services.ammunition_record(seizure=seizure, by=inv, item_number=f"{REFERENCE}/A01", calibre="9x19mm",
                                      quantity=300, headstamp="PPU 9mm LUGER", lot_number="PPU-21-0447",
                                      country_of_manufacture="RS")
    services.ammunition_record(seizure=seizure, by=inv, item_number=f"{REFERENCE}/A02", calibre=".380 ACP",
                               quantity=100, headstamp="S&B 380 AUTO", lot_number="SB-19-3310",
                               country_of_manufacture="CZ")

    services.firearm_photo_add(firearm=firearms[3], by=inv, caption="frame, serial area after etching",
                               upload=SimpleUploadedFile("glock-frame.png", _png(), "image/png"))

    # Chain of custody: seized at the crossing, into the customs store, to the forensic lab, examined.
    lab = "National Forensic Science Centre"
    for index, item in enumerate([*firearms, kit, ammo]):
        services.custody_record(item=item, by=inv, kind="seized", occurred_at=t0 + timedelta(minutes=20),
                                to_holder="Customs officer T. Varga", to_location="Bajakovo border crossing")
        services.custody_record(item=item, by=inv, kind="received", occurred_at=t0 + timedelta(hours=6),
                                from_holder="Customs officer T. Varga", from_location="Bajakovo border crossing",
                                to_holder="Evidence store, Customs Enforcement Division",
                                to_location="Customs HQ Zagreb, store B, shelf 4")
        if item in firearms:
            services.custody_record(item=item, by=inv, kind="sent_to_lab", occurred_at=t0 + timedelta(days=2),
                                    from_holder="Evidence store, Customs Enforcement Division",
                                    from_location="Customs HQ Zagreb, store B, shelf 4",
                                    to_holder=f"{lab}, firearms unit", to_location=f"{lab}, Zagreb")
            if index < 6:
                services.custody_record(item=item, by=lead, kind="examined", occurred_at=t0 + timedelta(days=9 + index),
                                        from_holder=f"{lab}, firearms unit", from_location=f"{lab}, Zagreb",
                                        to_holder=f"{lab}, firearms unit", to_location=f"{lab}, Zagreb",
                                        ballistic_reference=f"IBIS-HR-2026-{4410 + index}",
                                        notes="Test-fired; cartridge cases entered in the ballistic database.")

    # A forged end-user certificate found in the cab.
    services.transfer_document_record(
        case=demo.case, by=inv, seizure=seizure, kind="end_user_certificate", number="MO-EUC-2025/1187",
        issuing_authority="Ministry of Defence", issuing_country="RS", issued_on=demo.today - timedelta(days=120),
        exporter=demo.entities.get("Nordwaffen Handels GmbH"),
        importer=demo.entities.get("Adriatic Freight Forwarding d.o.o."),
        carrier=demo.entities.get("Adriatic Freight Forwarding d.o.o."),
        items_description="20 pistols 9x19mm, 'for sporting club use'", quantity=20, non_reexport_clause=True,
        verification_status="forged",
        verification_method="Issuing ministry confirmed via liaison officer that no certificate with this number exists",
        firearms=firearms[:3])

    answered = services.tracing_request_create(
        case=demo.case, by=inv, firearms=firearms[:2], destination="foreign_state", destination_country="RS",
        destination_name="Ministry of Interior — national focal point for SALW")
    services.tracing_request_send(request=answered, by=inv, sent_at=t0 + timedelta(days=3))
    services.tracing_request_acknowledge(request=answered, by=inv, their_reference="MUP-SALW-26-118",
                                         acknowledged_at=t0 + timedelta(days=6))
    services.tracing_request_respond(
        request=answered, by=inv, outcome="diversion_point", responded_at=t0 + timedelta(days=21),
        last_legal_owner="Police Directorate Niš (service weapons)", last_legal_country="RS",
        last_legal_transfer="Issued to the Police Directorate Niš in 2004, delivery note 44/2004",
        diversion_point="Police Directorate Niš armoury, reported missing in the 2019 inventory",
        diversion_type="stockpile_loss",
        response_text="Both pistols belong to a batch of 11 reported lost from the Niš armoury in 2019.")

    overdue = services.tracing_request_create(
        case=demo.case, by=inv, firearms=firearms[5:8], destination="manufacturer", destination_country="TR",
        destination_name="Ekol Voltran (manufacturer of the alarm revolvers)")
    services.tracing_request_send(request=overdue, by=inv, sent_at=t0 + timedelta(days=5))
    services.tracing_request_create(
        case=demo.case, by=lead, firearms=[firearms[3]], destination="iarms", priority="urgent",
        justification="The carrier's detention ends in 48 hours; a match would support trafficking charges.")

    services.seizure_context_change(seizure=seizure, by=lead, context="arms_trafficking",
                                    reason="Forged end-user certificate and the Niš trace show an organised supply "
                                           "chain, not possession for own use.")
    demo.log.append(f"seizures: {REFERENCE} with {len(firearms)} firearms, custody, 3 tracing requests")
