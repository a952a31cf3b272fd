"""Evidence uploads: hashed at upload; refused files leave nothing behind."""
import hashlib
import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import AuditEvent, EvidenceFile

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def stored_files(settings):
    return [p for p in Path(settings.EVIDENCE_ROOT).rglob("*") if p.is_file()]


def upload_page(client, world, upload, **data):
    url = reverse("cases:evidence", kwargs={"reference": world.case.reference})
    return client.post(url, {"file": upload, "handling": "team", **data})


def test_upload_stores_the_file_with_its_hash_and_audits_it(world, client, settings):
    client.force_login(world.users["investigator"])
    body = b"consignment,shipper\nTRK-2291,Nordwaffen\n"
    response = upload_page(client, world, SimpleUploadedFile("manifest.csv", body, "text/csv"), title="Manifest")
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.sha256 == hashlib.sha256(body).hexdigest() and evidence.size == len(body)
    assert stored_files(settings)[0].read_bytes() == body
    assert AuditEvent.objects.filter(action="evidence.upload", object_id=str(evidence.pk)).exists()
    download = client.get(reverse("cases:evidence-download", kwargs={"reference": world.case.reference, "pk": evidence.pk}))
    assert b"".join(download.streaming_content) == body
    assert download["X-Content-SHA256"] == evidence.sha256
    assert AuditEvent.objects.filter(action="evidencefile.download", object_id=str(evidence.pk)).exists()


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), "empty"),
    (SimpleUploadedFile("photo.png", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "image/png"), "PDF"),
    (SimpleUploadedFile("report.pdf", PNG, "application/pdf"), "PNG"),
    (SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/octet-stream"), "tool.exe"),
], ids=["empty", "declared-png-is-pdf", "declared-pdf-is-png", "executable"])
def test_refused_upload_names_the_problem_and_stores_nothing(world, client, settings, upload, message):
    client.force_login(world.users["investigator"])
    before = AuditEvent.objects.count()
    response = upload_page(client, world, upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []
    assert AuditEvent.objects.count() == before


def test_oversized_upload_is_refused_and_nothing_is_stored(world, client, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(world.users["investigator"])
    response = upload_page(client, world, SimpleUploadedFile("big.csv", b"a,b\n" + b"1,2\n" * 1000, "text/csv"))
    assert response.status_code == 400
    assert "limit of 1,024 bytes" in response.content.decode() or "the limit is 1,024 bytes" in response.content.decode()
    assert not EvidenceFile.objects.exists() and stored_files(settings) == []


def test_oversized_upload_by_api_is_a_400_naming_the_limit(world, client, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(world.users["investigator"])
    response = client.post("/api/evidence/", {"case": world.case.reference,
                                              "file": SimpleUploadedFile("big.csv", b"x,y\n" * 100, "text/csv")})
    assert response.status_code == 400 and "100 bytes" in str(response.json())
    assert not EvidenceFile.objects.exists() and stored_files(settings) == []


def test_a_failing_database_write_removes_the_stored_file(world, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("cases.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        services.evidence_upload(case=world.case, by=world.users["lead"],
                                 upload=SimpleUploadedFile("a.csv", b"a,b\n1,2\n", "text/csv"))
    assert stored_files(settings) == [] and not EvidenceFile.objects.exists()


def test_new_version_supersedes_without_overwriting(world):
    lead = world.users["lead"]
    first = services.evidence_upload(case=world.case, by=lead, upload=SimpleUploadedFile("m.csv", b"a\n1\n", "text/csv"))
    second = services.evidence_upload(case=world.case, by=lead, supersedes=first,
                                      upload=SimpleUploadedFile("m.csv", b"a\n2\n", "text/csv"))
    first.refresh_from_db()
    assert (first.is_current, second.version, second.supersedes) == (False, 2, first)
    with pytest.raises(ValidationError, match="current version"):
        services.evidence_upload(case=world.case, by=lead, supersedes=first,
                                 upload=SimpleUploadedFile("m.csv", b"a\n3\n", "text/csv"))


def test_evidence_of_another_case_cannot_be_superseded(world):
    other = services.evidence_upload(case=world.other_case, by=world.users["outsider"],
                                     upload=SimpleUploadedFile("o.csv", b"a\n1\n", "text/csv"))
    with pytest.raises(ValidationError, match="does not exist"):
        services.evidence_upload(case=world.case, by=world.users["lead"], supersedes=other,
                                 upload=SimpleUploadedFile("m.csv", b"a\n2\n", "text/csv"))


def test_verify_job_reports_a_tampered_file(world, settings, django_capture_on_commit_callbacks):
    lead = world.users["lead"]
    good = services.evidence_upload(case=world.case, by=lead, upload=SimpleUploadedFile("g.csv", b"a\n1\n", "text/csv"))
    bad = services.evidence_upload(case=world.case, by=lead, upload=SimpleUploadedFile("b.csv", b"a\n2\n", "text/csv"))
    path = Path(settings.EVIDENCE_ROOT) / bad.storage_name
    os.chmod(path, 0o640)
    path.write_bytes(b"a\n999\n")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.evidence_verify_start(case=world.case, by=lead)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    summary = job.result
    assert summary["checked"] == 2 and summary["ok"] == 1
    assert [p["id"] for p in summary["problems"]] == [bad.pk] and summary["problems"][0]["problem"] == "hash mismatch"
    assert good.pk not in [p["id"] for p in summary["problems"]]
    assert (job.progress_current, job.progress_total) == (2, 2)


def test_job_results_are_shown_as_labelled_values(world, client):
    from cases.models import Job

    job = Job.objects.create(kind="seizures.import", case=world.case, started_by=world.users["lead"],
                             origin_agency=world.agencies["police"], status="succeeded",
                             result={"rows_written": 12, "firearms": [1, 2, 3], "url": "/cases/OP-ALPHA/"})
    client.force_login(world.users["lead"])
    page = client.get(reverse("cases:job-detail", kwargs={"reference": world.case.reference, "pk": job.pk})).content.decode()
    assert "Rows written" in page and "3 items" in page and "Open the result" in page
    assert "{&#x27;" not in page and "{'" not in page


def test_job_kinds_and_result_keys_read_as_words():
    from cases.templatetags.parallax import label

    assert label("dossier.render") == "Dossier render"
    assert label("sha256") == "SHA-256" and label("rows_written") == "Rows written"
