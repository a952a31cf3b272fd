"""Pages: the investigator records a seizure and what was in it; others see only what they may."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEvent
from seizures.models import CriminalContextChange, Firearm, Seizure, TracingRequest
from tests.seizures.conftest import record_firearm, record_seizure


def url(world, name, **kw):
    return reverse(f"seizures:{name}", kwargs={"reference": world.case.reference, **kw})


def test_record_a_seizure_then_a_firearm(world, login):
    client = login(world.users["investigator"])
    when = (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url(world, "create"), {
        "occurred_at": when, "recovery_type": "seized", "context": "border_crossing", "legal_basis": "illicit_possession",
        "criminal_context": "unknown", "country": "HR", "route_departure": "RS", "route_transit": "hu, SI",
        "route_destination": "AT", "place": "Bajakovo"})
    assert response.status_code == 302
    seizure = Seizure.objects.get(case=world.case)
    assert seizure.route == ["RS", "HU", "SI", "AT"] and seizure.seizing_agency == world.users["investigator"].agency
    response = client.post(url(world, "firearm-create", pk=seizure.pk), {
        "weapon_type": "pistol", "make": "Zastava", "serial_as_read": "A 41-097", "marking_status": "intact"})
    firearm = Firearm.objects.get(seizure=seizure)
    assert response.status_code == 302 and response["Location"] == url(world, "firearm-detail", pk=firearm.pk)
    page = client.get(response["Location"]).content.decode()
    assert "A41097" in page and "Chain of custody" in page
    assert AuditEvent.objects.filter(action="firearm.view", actor=world.users["investigator"]).exists()


def test_form_errors_are_shown_in_place(world, login, seizure):
    client = login(world.users["investigator"])
    response = client.post(url(world, "firearm-create", pk=seizure.pk), {
        "weapon_type": "pistol", "serial_as_read": "A1", "marking_status": "unmarked"})
    assert response.status_code == 400
    assert "An unmarked firearm has no serial number" in response.content.decode()
    response = client.post(url(world, "create"), {"occurred_at": "", "country": "HR"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_criminal_context_changes_keep_history_and_legal_basis(world, login, seizure):
    client = login(world.users["lead"])
    response = client.post(url(world, "context-change", pk=seizure.pk), {"context": "arms_trafficking", "reason": ""})
    assert response.status_code == 400
    client.post(url(world, "context-change", pk=seizure.pk), {"context": "arms_trafficking", "reason": "EUC forged"})
    client.post(url(world, "context-change", pk=seizure.pk), {"context": "organised_crime", "reason": "Network"})
    seizure.refresh_from_db()
    assert seizure.criminal_context == "organised_crime" and seizure.legal_basis == "illicit_possession"
    history = list(CriminalContextChange.objects.filter(seizure=seizure).values_list("previous", "context"))
    assert history == [("", "unknown"), ("unknown", "arms_trafficking"), ("arms_trafficking", "organised_crime")]
    page = client.get(url(world, "detail", pk=seizure.pk)).content.decode()
    assert "was Arms trafficking" in page


def test_a_prosecutor_reads_but_cannot_change(world, login, firearm):
    client = login(world.users["prosecutor"])
    assert client.get(url(world, "firearm-detail", pk=firearm.pk)).status_code == 200
    assert client.get(url(world, "firearm-edit", pk=firearm.pk)).status_code == 404


def test_outsiders_get_404_everywhere(world, login, firearm):
    client = login(world.users["outsider"])
    for name, kw in [("list", {}), ("detail", {"pk": firearm.seizure_id}), ("firearm-detail", {"pk": firearm.pk}),
                     ("custody", {"kind": "firearm", "pk": firearm.pk}), ("tracing", {})]:
        assert client.get(url(world, name, **kw)).status_code == 404, name


def test_record_from_another_case_answers_404(world, login, firearm):
    other = record_firearm(record_seizure(world, by="outsider", case=world.other_case), world.users["outsider"],
                           serial_as_read="ZZ1")
    client = login(world.users["lead"])
    assert client.get(url(world, "firearm-detail", pk=other.pk)).status_code == 404


def test_deconfliction_notice_on_the_firearm_page_withholds_details(world, login, seizure):
    beta = record_seizure(world, by="outsider", case=world.other_case, reference="BETA-SECRET-7")
    record_firearm(beta, world.users["outsider"], serial_as_read="Q-777", model="SecretModel")
    firearm = record_firearm(seizure, world.users["investigator"], serial_as_read="Q777", model="CZ99")
    page = login(world.users["observer"]).get(url(world, "firearm-detail", pk=firearm.pk)).content.decode()
    assert "Another case holds" in page
    assert "BETA-SECRET-7" not in page and "SecretModel" not in page and "OP-BETA" not in page
    assert world.agencies["arms"].name in page


def test_custody_page_shows_gaps_and_closes_after_destruction(world, login, firearm):
    client = login(world.users["investigator"])
    page = url(world, "custody", kind="firearm", pk=firearm.pk)
    t = timezone.localtime(firearm.seizure.occurred_at)
    fmt = "%Y-%m-%dT%H:%M"
    assert client.post(page, {"kind": "seized", "occurred_at": t.strftime(fmt), "to_holder": "Varga",
                              "to_location": "Crossing"}).status_code == 302
    response = client.post(page, {"kind": "moved", "occurred_at": (t - timedelta(hours=1)).strftime(fmt)})
    assert response.status_code == 400 and "recorded in order" in response.content.decode()
    client.post(page, {"kind": "received", "occurred_at": (t + timedelta(hours=1)).strftime(fmt),
                       "from_holder": "Someone else", "to_holder": "Store", "to_location": "B"})
    body = client.get(page).content.decode()
    assert "Handed over by Someone else" in body
    client.post(page, {"kind": "destroyed", "occurred_at": (t + timedelta(hours=2)).strftime(fmt),
                       "method": "Smelted", "witnesses": "Two officers"})
    body = client.get(page).content.decode()
    assert "chain of custody is closed" in body and "Append an event" not in body


def test_tracing_flow_and_exports(world, login, firearm):
    client = login(world.users["investigator"])
    response = client.post(url(world, "tracing-create"), {"firearms": [firearm.pk], "destination": "foreign_state",
                                                          "destination_country": "RS", "priority": "routine",
                                                          "handling": "team"})
    tracing = TracingRequest.objects.get(case=world.case)
    assert response.status_code == 302
    client.post(url(world, "tracing-action", pk=tracing.pk, step="send"))
    tracing.refresh_from_db()
    assert tracing.status == "sent" and tracing.due_date == timezone.localdate() + timedelta(days=30)
    response = client.post(url(world, "tracing-action", pk=tracing.pk, step="respond"), {"outcome": "last_legal_owner"})
    assert response.status_code == 400 and "Name the last legal owner" in response.content.decode()
    board = client.get(url(world, "tracing")).content.decode()
    assert tracing.reference in board
    pdf = client.get(url(world, "tracing-export", pk=tracing.pk, fmt="pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = client.get(url(world, "tracing-export", pk=tracing.pk, fmt="json")).json()
    assert record["request"]["destination_country"] == "RS"
    assert record["firearms"][0]["serial_number"] == "A12-345"
    csv_text = client.get(url(world, "tracing-export", pk=tracing.pk, fmt="csv")).content.decode()
    assert "request_reference" in csv_text.splitlines()[0] and "A12-345" in csv_text
    assert AuditEvent.objects.filter(action="tracing.export_pdf").exists()


def test_photo_upload_becomes_evidence(world, login, firearm):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.seizures.routes import png_bytes
    client = login(world.users["investigator"])
    response = client.post(url(world, "firearm-photo", pk=firearm.pk),
                           {"file": SimpleUploadedFile("gun.png", png_bytes(), "image/png"), "caption": "left side"})
    assert response.status_code == 302
    photo = firearm.photos.get()
    assert photo.evidence.sha256 and photo.evidence.case == world.case


def test_case_summary_timeline_and_tabs(world, login, firearm):
    client = login(world.users["observer"])
    detail = client.get(reverse("cases:detail", kwargs={"reference": world.case.reference})).content.decode()
    assert "Firearms" in detail and url(world, "tracing") in detail
    timeline = client.get(reverse("cases:timeline", kwargs={"reference": world.case.reference})).content.decode()
    assert "Firearm" in timeline and firearm.item_number in timeline


def test_lists_filter_and_paginate(world, login, seizure):
    for i in range(27):
        record_firearm(seizure, world.users["investigator"], serial_as_read=f"P{i:03d}",
                       weapon_type="pistol" if i % 3 else "rifle")
    client = login(world.users["observer"])
    page = client.get(url(world, "firearms")).content.decode()
    assert "Page 1 of 2" in page
    rifles = client.get(url(world, "firearms"), {"weapon_type": "rifle"}).content.decode()
    assert "9 in all" in rifles
    empty = client.get(url(world, "firearms"), {"q": "NOPE"}).content.decode()
    assert "No firearms match" in empty
