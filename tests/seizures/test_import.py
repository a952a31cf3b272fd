"""Bulk import: all or nothing, with a report that names the row and the column."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import EvidenceFile
from seizures.importer import ImportRejected, TEMPLATE_HEADER, seizure_import, template_csv
from seizures.models import Firearm, Seizure

HEADER = ("seizure_reference,occurred_at,country,place,recovery_type,context,legal_basis,route_departure,"
          "route_transit,route_destination,item_number,weapon_type,make,model,calibre,serial,marking_status,"
          "converted,converted_from,country_of_manufacture,year_of_manufacture")
GOOD = [
    "SZ-7,2026-02-10 05:30,HR,Bajakovo,seized,border_crossing,illicit_trafficking,RS,,AT,SZ-7/01,pistol,Zastava,CZ99,9x19mm,A 77 001,intact,no,,RS,2001",
    "SZ-7,2026-02-10 05:30,HR,Bajakovo,seized,Border crossing,Illicit trafficking,RS,,AT,SZ-7/02,revolver,Ekol,Viper,9mm,EK-55?1,obliterated,yes,alarm revolver,TR,",
    "SZ-8,2026-02-11,HR,Zagreb,found,premises,illicit_possession,,,,,rifle,Mauser,98k,7.92x57,1234,intact,,,DE,1940",
]


def upload(rows, name="seizures.csv", header=HEADER):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode(), "text/csv")


def test_a_good_file_is_imported_with_provenance(world):
    result = seizure_import(case=world.case, by=world.users["investigator"], upload=upload(GOOD))
    assert [s.reference for s in result.seizures] == ["SZ-7", "SZ-8"]
    assert Firearm.objects.filter(case=world.case).count() == 3
    revolver = Firearm.objects.get(item_number="SZ-7/02")
    assert revolver.converted and revolver.serial_is_partial and revolver.source_row == 3
    assert revolver.seizure.source_evidence == result.evidence
    assert result.evidence.sha256 and EvidenceFile.objects.filter(case=world.case).count() == 1
    assert Seizure.objects.get(reference="SZ-8").recovery_type == "found"


def test_bad_rows_write_nothing_and_the_report_names_row_and_column(world):
    bad = list(GOOD)
    bad[1] = bad[1].replace(",revolver,", ",bazooka,")                     # row 3: weapon_type
    bad[2] = bad[2].replace("2026-02-11", "11/02/2026").replace(",DE,", ",XX,")  # row 4: date, country
    with pytest.raises(ImportRejected) as err:
        seizure_import(case=world.case, by=world.users["investigator"], upload=upload(bad))
    problems = {(e.row, e.column) for e in err.value.errors}
    assert (3, "weapon_type") in problems
    assert (4, "occurred_at") in problems
    assert "Row 3, column weapon_type" in str(err.value)
    assert not Seizure.objects.exists() and not Firearm.objects.exists() and not EvidenceFile.objects.exists()


def test_model_rules_are_reported_per_row(world):
    rows = [GOOD[0], GOOD[0].replace("SZ-7/01", "SZ-7/03").replace(",no,,RS", ",no,alarm pistol,RS"),
            GOOD[0].replace("SZ-7/01,pistol", "SZ-7/04,pistol").replace(",RS,2001", ",ZZ,2001")]
    with pytest.raises(ImportRejected) as err:
        seizure_import(case=world.case, by=world.users["investigator"], upload=upload(rows))
    problems = {(e.row, e.column) for e in err.value.errors}
    assert problems == {(3, "converted_from"), (4, "country_of_manufacture")}
    assert not Firearm.objects.exists()


def test_conflicting_seizure_facts_and_duplicates(world):
    rows = [GOOD[0], GOOD[0], GOOD[1].replace(",HR,Bajakovo", ",SI,Bajakovo")]
    with pytest.raises(ImportRejected) as err:
        seizure_import(case=world.case, by=world.users["investigator"], upload=upload(rows))
    messages = {(e.row, e.column): e.message for e in err.value.errors}
    assert "appears twice" in messages[(3, "item_number")]
    assert "differs from row 2" in messages[(4, "country")]


def test_missing_and_unknown_columns(world):
    with pytest.raises(ImportRejected) as err:
        seizure_import(case=world.case, by=world.users["investigator"],
                       upload=upload(["x"], header="seizure_reference,colour"))
    columns = {e.column for e in err.value.errors}
    assert {"occurred_at", "weapon_type", "colour"} <= columns


def test_xlsx_is_read_too(world):
    from openpyxl import Workbook
    from datetime import datetime
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADER)
    row = dict.fromkeys(TEMPLATE_HEADER, None)
    row.update(seizure_reference="X-1", occurred_at=datetime(2026, 1, 3, 8, 0), country="HR", context="vehicle",
               legal_basis="illicit_possession", weapon_type="pistol", make="Glock", serial="BKX 113", year_of_manufacture=2015)
    sheet.append([row[c] for c in TEMPLATE_HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    result = seizure_import(case=world.case, by=world.users["investigator"], upload=SimpleUploadedFile(
        "seizures.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    firearm = result.firearms[0]
    assert firearm.serial_normalized == "BKX113" and firearm.year_of_manufacture == 2015


def test_the_template_imports(world):
    result = seizure_import(case=world.case, by=world.users["investigator"],
                            upload=SimpleUploadedFile("t.csv", template_csv().encode(), "text/csv"))
    assert len(result.firearms) == 1


def test_the_import_page_shows_the_report_or_runs_a_job(world, login, django_capture_on_commit_callbacks):
    from cases.models import Job
    client = login(world.users["investigator"])
    bad = [GOOD[0].replace(",pistol,", ",cannon,")]
    response = client.post(reverse("seizures:import", kwargs={"reference": world.case.reference}),
                           {"file": upload(bad)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "nothing was written" in body and "weapon_type" in body and "<td>2</td>" in body
    assert not EvidenceFile.objects.exists() and not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("seizures:import", kwargs={"reference": world.case.reference}),
                               {"file": upload(GOOD)})
    job = Job.objects.get(kind="seizures.import")
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == "succeeded", job.error
    assert job.result["seizures"] == ["SZ-7", "SZ-8"] and job.result["firearms"] == 3
    assert job.progress_current == 3
    assert Firearm.objects.filter(source_row=4, seizure__source_evidence__isnull=False).exists()


def test_the_job_rechecks_and_writes_nothing_when_the_case_changed(world, django_capture_on_commit_callbacks):
    from cases.models import Job
    from seizures.importer import seizure_import_start
    from tests.seizures.conftest import record_seizure
    job = seizure_import_start(case=world.case, by=world.users["investigator"], upload=upload(GOOD))
    record_seizure(world, reference="SZ-8")  # someone records SZ-8 before the job runs
    from seizures.tasks import seizure_import_task
    seizure_import_task.apply(kwargs={"job_id": job.pk}, task_id=job.celery_task_id, throw=False)
    job = Job.objects.get(pk=job.pk)
    assert job.status == "failed" and "Row 4, column seizure_reference" in job.error
    assert not Firearm.objects.exists() and Seizure.objects.count() == 1
