"""REST API: the same services and scoping as the pages."""
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from seizures.models import Firearm, Seizure
from tests.seizures.conftest import record_firearm, record_seizure


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_record_a_seizure_and_firearm_through_the_api(world, login):
    client = login(world.users["investigator"])
    response = post(client, "/api/seizures/", {
        "case_reference": world.case.reference, "occurred_at": timezone.now().isoformat(), "country": "hr",
        "context": "postal_courier", "legal_basis": "illicit_trafficking", "route_transit": ["de"]})
    assert response.status_code == 201, response.content
    seizure = Seizure.objects.get(pk=response.json()["id"])
    assert seizure.country == "HR" and seizure.route_transit == ["DE"]
    response = post(client, "/api/firearms/", {"seizure": seizure.pk, "weapon_type": "pistol", "make": "Glock",
                                               "serial_as_read": "bkx-113"})
    assert response.status_code == 201 and response.json()["serial_normalized"] == "BKX113"
    assert response.json()["deconfliction"] == []


def test_api_refuses_other_cases_and_bad_values(world, login, seizure):
    client = login(world.users["outsider"])
    assert post(client, "/api/firearms/", {"seizure": seizure.pk, "weapon_type": "pistol"}).status_code == 400
    assert client.get(f"/api/seizures/{seizure.pk}/").status_code == 404
    data = client.get("/api/firearms/").json()
    assert (data["results"] if isinstance(data, dict) else data) == []
    lead = login(world.users["lead"])
    response = post(lead, "/api/firearms/", {"seizure": seizure.pk, "weapon_type": "pistol",
                                             "marking_status": "unmarked", "serial_as_read": "X1"})
    assert response.status_code == 400 and "serial_as_read" in response.json()


def test_criminal_context_via_its_own_endpoint(world, login, seizure):
    client = login(world.users["lead"])
    response = client.patch(f"/api/seizures/{seizure.pk}/", data=json.dumps({"criminal_context": "terrorism"}),
                            content_type="application/json")
    assert response.status_code == 400
    response = post(client, f"/api/seizures/{seizure.pk}/context/", {"context": "terrorism", "reason": "Intel"})
    assert response.status_code == 200 and len(response.json()["context_history"]) == 2


def test_custody_and_tracing_through_the_api(world, login, firearm):
    client = login(world.users["investigator"])
    at = firearm.seizure.occurred_at.isoformat()
    assert post(client, "/api/custody-events/", {"firearm": firearm.pk, "kind": "seized", "occurred_at": at,
                                                 "to_holder": "V", "to_location": "X"}).status_code == 201
    response = post(client, "/api/custody-events/", {"firearm": firearm.pk, "kind": "seized", "occurred_at": at})
    assert response.status_code == 400 and "kind" in response.json()
    chain = client.get(f"/api/firearms/{firearm.pk}/custody/").json()
    assert len(chain["events"]) == 1 and chain["destroyed"] is False
    response = post(client, "/api/tracing-requests/", {"case": world.case.reference, "firearms": [firearm.pk],
                                                       "destination": "iarms"})
    assert response.status_code == 201
    pk = response.json()["id"]
    assert post(client, f"/api/tracing-requests/{pk}/send/", {}).json()["status"] == "sent"
    response = post(client, f"/api/tracing-requests/{pk}/respond/", {"outcome": "not_traced"})
    assert response.status_code == 400 and "not_traced_reason" in response.json()
    record = client.get(f"/api/tracing-requests/{pk}/record/").json()
    assert record["firearms"][0]["make"] == "Zastava"


def test_statistics_api_for_the_focal_point_has_no_lists(world, login, firearm):
    body = login(world.users["focal"]).get("/api/seizure-statistics/").json()
    assert body["firearms"] == 1 and "lists" not in body
    assert body["sdg_16_4_2"] == {"numerator": 0, "denominator": 1, "proportion": 0.0}
    member = login(world.users["lead"]).get("/api/seizure-statistics/").json()
    assert "lists" in member


def test_import_api_reports_rows(world, login):
    client = login(world.users["investigator"])
    csv_bytes = (b"seizure_reference,occurred_at,country,context,legal_basis,weapon_type\n"
                 b"I-1,2026-01-02,HR,vehicle,illicit_possession,laser\n")
    response = client.post("/api/seizure-imports/", {"case": world.case.reference,
                                                     "file": SimpleUploadedFile("x.csv", csv_bytes, "text/csv")})
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2 and response.json()["errors"][0]["column"] == "weapon_type"
    assert not Firearm.objects.exists()
    good = (b"seizure_reference,occurred_at,country,context,legal_basis,weapon_type\n"
            b"I-1,2026-01-02,HR,vehicle,illicit_possession,pistol\n")
    response = client.post("/api/seizure-imports/", {"case": world.case.reference,
                                                     "file": SimpleUploadedFile("x.csv", good, "text/csv")})
    assert response.status_code == 202 and response.json()["kind"] == "seizures.import"
