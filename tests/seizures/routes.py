"""Authorization rules for the routes of `seizures` (see tests/authz.py)."""
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.access import Action
from seizures import services
from tests.authz import ANONYMOUS, Route, case_kwargs, no_kwargs



def png_bytes():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "grey").save(buffer, "PNG")
    return buffer.getvalue()


def build(world):
    u = world.users
    inv = u["investigator"]
    seizure = services.seizure_record(case=world.case, by=inv, reference="SZ-R", country="HR", context="border_crossing",
                                      legal_basis="illicit_possession", occurred_at=timezone.now() - timedelta(days=2))
    firearm = services.firearm_record(seizure=seizure, by=inv, weapon_type="pistol", make="Zastava",
                                      serial_as_read="R-1", deconflict=False)
    services.custody_record(item=firearm, by=inv, kind="seized", occurred_at=seizure.occurred_at,
                            to_holder="Varga", to_location="Crossing")
    document = services.transfer_document_record(case=world.case, by=inv, kind="end_user_certificate", number="EUC-1",
                                                 issuing_authority="MoD", issuing_country="RS", firearms=[firearm])
    draft = services.tracing_request_create(case=world.case, by=inv, firearms=[firearm], destination="iarms")
    sent = services.tracing_request_create(case=world.case, by=inv, firearms=[firearm], destination="iarms")
    services.tracing_request_send(request=sent, by=inv)
    answered = services.tracing_request_create(case=world.case, by=inv, firearms=[firearm], destination="iarms")
    services.tracing_request_send(request=answered, by=inv)
    services.tracing_request_respond(request=answered, by=inv, outcome="not_traced", not_traced_reason="No record")
    world.objects["tracing_answered"] = answered
    world.objects.update(seizure=seizure, firearm=firearm, document=document, tracing_draft=draft, tracing_sent=sent,
                         ammo=services.ammunition_record(seizure=seizure, by=inv, calibre="9mm", quantity=50),
                         entity=world.objects.get("entity") or _entity(world))


def _entity(world):
    from cases import services as case_services
    return case_services.entity_create(case=world.case, by=world.users["lead"], kind="person", name="Carrier")


def pk(name, **extra):
    return lambda w: case_kwargs(w, pk=getattr(w, name).pk, **extra)


def api_pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


def logged_in(status, anonymous="login"):
    return lambda person: anonymous if person == ANONYMOUS else status


def now_local():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


SEIZURE_FORM = lambda w: {"occurred_at": now_local(), "recovery_type": "seized", "context": "vehicle",  # noqa: E731
                          "legal_basis": "illicit_possession", "criminal_context": "unknown", "country": "HR"}
IMPORT_CSV = (b"seizure_reference,occurred_at,country,context,legal_basis,weapon_type,serial\n"
              b"IMP-1,2026-01-02,HR,vehicle,illicit_possession,pistol,IMP-77\n")

ROUTES = {
    # --- pages outside a case ---
    "seizures-global:figures": Route(expect=logged_in(200), kwargs=no_kwargs),
    "seizures-global:figures-csv": Route(expect=logged_in(200), kwargs=no_kwargs),
    "seizures-global:tracing-overdue": Route(expect=logged_in(200), kwargs=no_kwargs),
    # --- case pages ---
    "seizures:list": Route(Action.VIEW),
    "seizures:create": [Route(Action.ADD), Route(Action.ADD, method="post", data=SEIZURE_FORM)],
    "seizures:import": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", files=lambda w: {"file": SimpleUploadedFile("s.csv", IMPORT_CSV, "text/csv")}),
    ],
    "seizures:import-template": Route(Action.VIEW),
    "seizures:detail": Route(Action.VIEW, kwargs=pk("seizure")),
    "seizures:edit": [
        Route(Action.CHANGE, kwargs=pk("seizure")),
        Route(Action.CHANGE, method="post", kwargs=pk("seizure"),
              data=lambda w: {**SEIZURE_FORM(w), "reference": "SZ-R", "place": "Bajakovo"}),
    ],
    "seizures:context-change": Route(Action.CHANGE, method="post", kwargs=pk("seizure"),
                                     data=lambda w: {"context": "arms_trafficking", "reason": "Payments found"}),
    "seizures:party-add": Route(Action.ADD, method="post", kwargs=pk("seizure"),
                                data=lambda w: {"entity": w.entity.pk, "role": "carrier"}),
    "seizures:firearm-create": [
        Route(Action.ADD, kwargs=pk("seizure")),
        Route(Action.ADD, method="post", kwargs=pk("seizure"),
              data=lambda w: {"weapon_type": "revolver", "marking_status": "intact", "serial_as_read": "X-1"}),
    ],
    "seizures:part-create": [
        Route(Action.ADD, kwargs=pk("seizure")),
        Route(Action.ADD, method="post", kwargs=pk("seizure"), data=lambda w: {"kind": "barrel", "quantity": 1}),
    ],
    "seizures:ammunition-create": [
        Route(Action.ADD, kwargs=pk("seizure")),
        Route(Action.ADD, method="post", kwargs=pk("seizure"), data=lambda w: {"calibre": "9mm", "quantity": 20}),
    ],
    "seizures:firearms": Route(Action.VIEW),
    "seizures:firearm-detail": Route(Action.VIEW, kwargs=pk("firearm")),
    "seizures:firearm-edit": [
        Route(Action.CHANGE, kwargs=pk("firearm")),
        Route(Action.CHANGE, method="post", kwargs=pk("firearm"),
              data=lambda w: {"item_number": w.firearm.item_number, "weapon_type": "pistol", "marking_status": "intact",
                              "make": "Zastava", "serial_as_read": "R-1", "condition": "worn"}),
    ],
    "seizures:firearm-photo": Route(Action.ADD, method="post", kwargs=pk("firearm"),
                                    files=lambda w: {"file": SimpleUploadedFile("p.png", png_bytes(), "image/png")}),
    "seizures:custody": [
        Route(Action.VIEW, kwargs=pk("firearm", kind="firearm")),
        Route(Action.ADD, method="post", kwargs=pk("firearm", kind="firearm"),
              data=lambda w: {"kind": "received", "occurred_at": now_local(), "from_holder": "Varga",
                              "to_holder": "Store", "from_location": "Crossing", "to_location": "Store B"}),
    ],
    "seizures:documents": Route(Action.VIEW),
    "seizures:document-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post",
              data=lambda w: {"kind": "export_licence", "number": "EL-9", "issuing_authority": "MoE",
                              "issuing_country": "AT", "verification_status": "unverified", "handling": "team"}),
    ],
    "seizures:document-detail": Route(Action.VIEW, kwargs=pk("document")),
    "seizures:document-edit": [
        Route(Action.CHANGE, kwargs=pk("document")),
        Route(Action.CHANGE, method="post", kwargs=pk("document"),
              data=lambda w: {"kind": "end_user_certificate", "number": "EUC-1", "issuing_authority": "MoD",
                              "issuing_country": "RS", "verification_status": "forged",
                              "verification_method": "Issuing ministry denies issuing it"}),
    ],
    "seizures:tracing": Route(Action.VIEW),
    "seizures:tracing-create": [
        Route(Action.ADD),
        Route(Action.ADD, method="post", data=lambda w: {"firearms": [w.firearm.pk], "destination": "iarms",
                                                         "priority": "routine", "handling": "team"}),
    ],
    "seizures:tracing-detail": Route(Action.VIEW, kwargs=pk("tracing_draft")),
    "seizures:tracing-action": [
        Route(Action.CHANGE, method="post", kwargs=pk("tracing_draft", step="send")),
        Route(Action.CHANGE, method="post", kwargs=pk("tracing_sent", step="respond"),
              data=lambda w: {"outcome": "not_traced", "not_traced_reason": "No records"}),
    ],
    "seizures:tracing-export": [
        Route(Action.EXPORT, kwargs=pk("tracing_sent", fmt="json")),
        Route(Action.EXPORT, kwargs=pk("tracing_sent", fmt="csv")),
    ],
    # --- API ---
    "seizure-statistics": Route(expect=logged_in(200, anonymous={401, 403}), kwargs=no_kwargs),
    "seizure-import": Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400, format="multipart",
                            data=lambda w: {"case": w.case.reference},
                            files=lambda w: {"file": SimpleUploadedFile("s.csv", IMPORT_CSV, "text/csv")}),
    "seizure-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case_reference": w.case.reference, "occurred_at": timezone.now().isoformat(),
                              "country": "HR", "context": "postal_courier", "legal_basis": "illicit_trafficking",
                              "recovery_type": "seized"}),
    ],
    "seizure-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("seizure")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("seizure"), data=lambda w: {"region": "East"}),
    ],
    "seizure-context": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("seizure"),
                             data=lambda w: {"context": "organised_crime", "reason": "Network identified"}),
    "seizure-parties": Route(Action.ADD, api=True, method="post", kwargs=api_pk("seizure"),
                             data=lambda w: {"entity": w.entity.pk, "role": "possessor"}),
    "firearm-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"seizure": w.seizure.pk, "weapon_type": "rifle", "serial_as_read": "API-1"}),
    ],
    "firearm-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("firearm")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("firearm"), data=lambda w: {"condition": "rusty"}),
    ],
    "firearm-custody": Route(Action.VIEW, api=True, kwargs=api_pk("firearm")),
    "firearm-photos": Route(Action.ADD, api=True, method="post", kwargs=api_pk("firearm"), format="multipart",
                            files=lambda w: {"file": SimpleUploadedFile("p.png", png_bytes(), "image/png")}),
    "firearm-deconfliction": Route(Action.VIEW, api=True, kwargs=api_pk("firearm")),
    "seizure-part-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"seizure": w.seizure.pk, "kind": "slide", "quantity": 1}),
    ],
    "seizure-part-detail": Route(Action.VIEW, api=True, kwargs=lambda w: {"pk": _part(w).pk}),
    "ammunition-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"seizure": w.seizure.pk, "calibre": "7.62x39", "quantity": 30}),
    ],
    "ammunition-detail": Route(Action.VIEW, api=True, kwargs=api_pk("ammo")),
    "custody-event-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"firearm": w.firearm.pk, "kind": "moved", "occurred_at": timezone.now().isoformat(),
                              "to_holder": "Lab", "to_location": "Lab"}),
    ],
    "custody-event-detail": Route(Action.VIEW, api=True, kwargs=lambda w: {"pk": w.firearm.custody.first().pk}),
    "transfer-document-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "kind": "transit_licence", "number": "T-1",
                              "issuing_authority": "MoT", "issuing_country": "HU"}),
    ],
    "transfer-document-detail": [
        Route(Action.VIEW, api=True, kwargs=api_pk("document")),
        Route(Action.CHANGE, api=True, method="patch", kwargs=api_pk("document"),
              data=lambda w: {"verification_status": "authentic", "verification_method": "Confirmed by MoD"}),
    ],
    "tracing-request-list": [
        Route(api=True, list_all=True, kwargs=no_kwargs),
        Route(Action.ADD, api=True, method="post", kwargs=no_kwargs, refused=400,
              data=lambda w: {"case": w.case.reference, "firearms": [w.firearm.pk], "destination": "manufacturer",
                              "destination_name": "Zastava Arms"}),
    ],
    "tracing-request-detail": Route(Action.VIEW, api=True, kwargs=api_pk("tracing_draft")),
    "tracing-request-send": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("tracing_draft")),
    "tracing-request-acknowledge": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("tracing_sent"),
                                         data=lambda w: {"their_reference": "X-1"}),
    "tracing-request-respond": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("tracing_sent"),
                                     data=lambda w: {"outcome": "last_legal_owner", "last_legal_owner": "Shop"}),
    "tracing-request-close": Route(Action.CHANGE, api=True, method="post", kwargs=api_pk("tracing_answered")),
    "tracing-request-record": Route(Action.EXPORT, api=True, kwargs=api_pk("tracing_sent")),
}


def _part(world):
    if "part" not in world.objects:
        world.objects["part"] = services.part_record(seizure=world.seizure, by=world.users["investigator"], kind="frame_receiver")
    return world.objects["part"]
