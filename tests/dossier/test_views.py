"""The "Dossier" tab: export form, worker job with progress, notification, audited downloads."""
import pytest
from django.urls import reverse

from cases.models import AuditEvent, Dossier, Job, Notification

pytestmark = pytest.mark.django_db


def url(world, name, **kw):
    return reverse(f"cases:{name}", kwargs={"reference": world.case.reference, **kw})


def test_prosecutor_exports_a_dossier_through_a_job_and_downloads_it(world, content, login,
                                                                       django_capture_on_commit_callbacks):
    client = login(world.users["prosecutor"])
    page = client.get(url(world, "dossiers"))
    assert page.status_code == 200
    assert b"Export dossier" in page.content and b"Persons and organisations" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, "dossiers"), {"sections": ["summary", "persons", "exhibits"], "bundle": "on"})
    dossier = Dossier.objects.get()
    job = Job.objects.get(pk=dossier.job_id)
    assert response.status_code == 302 and response["Location"] == url(world, "job-detail", pk=job.pk)
    assert job.kind == "dossier.render" and job.status == Job.Status.SUCCEEDED, job.error
    assert dossier.status == Dossier.Status.READY and dossier.sections == ["summary", "persons", "exhibits"]
    detail_url = url(world, "dossier-detail", pk=dossier.pk)
    assert Notification.objects.filter(recipient=world.users["prosecutor"], url=detail_url).exists()
    job_page = client.get(url(world, "job-detail", pk=job.pk))
    assert detail_url.encode() in job_page.content  # "Open the result"

    download = client.get(url(world, "dossier-download", pk=dossier.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF") and download["X-Content-SHA256"] == dossier.pdf_sha256
    assert client.get(url(world, "dossier-bundle", pk=dossier.pk)).status_code == 200
    manifest = client.get(url(world, "dossier-manifest", pk=dossier.pk))
    assert manifest.json()["dossier"] == dossier.identifier
    actions = list(AuditEvent.objects.filter(object_type="cases.Dossier", actor=world.users["prosecutor"])
                   .values_list("action", flat=True))
    assert {"dossier.download.pdf", "dossier.download.bundle", "dossier.download.manifest"} <= set(actions)

    listing = client.get(url(world, "dossiers"))
    assert dossier.identifier.encode() in listing.content and dossier.pdf_sha256[:16].encode() in listing.content


def test_a_dossier_is_for_its_requester_only(world, content, login, django_capture_on_commit_callbacks):
    client = login(world.users["prosecutor"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, "dossiers"), {"sections": ["summary"]})
    dossier = Dossier.objects.get()
    lead = login(world.users["lead"])
    assert lead.get(url(world, "dossier-detail", pk=dossier.pk)).status_code == 404
    assert lead.get(url(world, "dossier-download", pk=dossier.pk)).status_code == 404
    assert dossier.identifier.encode() not in lead.get(url(world, "dossiers")).content


def test_form_errors_are_shown_in_place_and_nothing_is_queued(world, content, login):
    client = login(world.users["prosecutor"])
    response = client.post(url(world, "dossiers"), {"sections": ["summary"], "period_from": "2026-03-01",
                                                     "period_to": "2026-02-01"})
    assert response.status_code == 400
    assert b"The end of the period is before its start." in response.content
    response = client.post(url(world, "dossiers"), {"sections": ["seizures-that-do-not-exist"]})
    assert response.status_code == 400 and b"not one of the available choices" in response.content
    assert not Dossier.objects.exists() and not Job.objects.filter(kind="dossier.render").exists()


def test_outsider_has_no_dossier_tab(world, login):
    client = login(world.users["outsider"])
    assert client.get(url(world, "dossiers")).status_code == 404
    assert b"/dossier/" not in client.get(url(world, "detail")).content


def test_api_requests_lists_and_downloads_a_dossier(world, content, django_capture_on_commit_callbacks):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.users["prosecutor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/dossiers/", {"case": world.case.reference, "sections": ["summary", "exhibits"]},
                            format="json")
    assert response.status_code == 202, response.content
    dossier = Dossier.objects.get(pk=response.json()["id"])
    assert dossier.via == "api" and dossier.status == Dossier.Status.READY
    listing = api.get("/api/dossiers/", {"case": world.case.reference}).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [row["identifier"] for row in rows] == [dossier.identifier]
    download = api.get(f"/api/dossiers/{dossier.pk}/download/")
    assert download.status_code == 200 and download["X-Content-SHA256"] == dossier.pdf_sha256
    bad = api.post("/api/dossiers/", {"case": world.case.reference, "sections": ["nope"]}, format="json")
    assert bad.status_code == 400 and "nope" in str(bad.json())
    api.force_authenticate(world.users["outsider"])
    assert api.post("/api/dossiers/", {"case": world.case.reference}, format="json").status_code == 400
    assert api.get(f"/api/dossiers/{dossier.pk}/").status_code == 404
