"""An observer starts no job: verifying evidence, imports and analyses need ADD (through the API, the
pages and the services alike). Observers may still export a dossier of what they can read."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services as case_services
from cases.models import Job
from finance import services as finance_services
from finance.analysis import services as analysis_services
from seizures import importer as seizure_importer

CSV = b"date,amount,currency,reference\n2026-01-02,100.00,EUR,Invoice 1\n"


def _csv(name="ledger.csv"):
    return SimpleUploadedFile(name, CSV, "text/csv")


# Every service that starts a job, called the way a request or a command would call it.
JOB_STARTERS = {
    "evidence verification": lambda case, by: case_services.evidence_verify_start(case=case, by=by),
    "financial import": lambda case, by: finance_services.import_start(case=case, by=by, upload=_csv()),
    "analysis": lambda case, by: analysis_services.analysis_start(case=case, by=by, kind="typologies"),
    "seizure import": lambda case, by: seizure_importer.seizure_import_start(case=case, by=by,
                                                                             upload=_csv("seizures.csv")),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(JOB_STARTERS))
def test_the_observer_starts_no_job_through_a_service(world, name):
    before = Job.objects.count()
    with pytest.raises(PermissionDenied):
        JOB_STARTERS[name](world.case, world.users["observer"])
    assert Job.objects.count() == before


@pytest.mark.django_db
def test_the_observer_cannot_verify_evidence_through_the_api(world, login):
    client = login(world.users["observer"])
    before = Job.objects.count()
    response = client.post(f"/api/cases/{world.case.reference}/verify-evidence/")
    assert response.status_code == 404, response.content
    assert Job.objects.count() == before


@pytest.mark.django_db
def test_the_observer_cannot_verify_evidence_through_the_page(world, login):
    client = login(world.users["observer"])
    before = Job.objects.count()
    response = client.post(reverse("cases:evidence-verify", kwargs={"reference": world.case.reference}))
    assert response.status_code in (403, 404)
    assert Job.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url, body", [
    ("/api/analyses/", {"case": "OP-ALPHA", "kind": "typologies"}),
    ("/api/finance/imports/", {"case": "OP-ALPHA", "file": "ledger"}),
    ("/api/seizure-imports/", {"case": "OP-ALPHA", "file": "seizures"}),
])
def test_the_observer_starts_no_import_or_analysis_through_the_api(world, login, url, body):
    client = login(world.users["observer"])
    if body.get("file"):
        body = {**body, "file": _csv(f"{body['file']}.csv")}
        response = client.post(url, data=body)
    else:
        response = client.post(url, data=body, content_type="application/json")
    assert response.status_code in (400, 403, 404), response.content
    assert not Job.objects.filter(started_by=world.users["observer"]).exists()


@pytest.mark.django_db
def test_a_member_who_may_add_still_verifies_evidence(world, login):
    client = login(world.users["investigator"])
    response = client.post(f"/api/cases/{world.case.reference}/verify-evidence/")
    assert response.status_code == 202, response.content
    assert Job.objects.filter(kind="evidence.verify", started_by=world.users["investigator"]).exists()


@pytest.mark.django_db
def test_the_observer_may_still_export_a_dossier_of_what_he_reads(world):
    from cases.dossier.services import dossier_request

    dossier = dossier_request(case=world.case, by=world.users["observer"], start_job=False)
    assert dossier.requested_by == world.users["observer"]
