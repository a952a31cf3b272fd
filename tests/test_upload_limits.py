"""Uploads cannot hold a web worker: the request stores the file and returns, the worker reads it as
a stream and refuses it at the row or cell cap, and a zip bomb is refused on its zip directory.

The attack files are built here: a small XLSX of 300,000 rows with no <dimension> (openpyxl's
read-only mode parsed such a sheet to its end before the first row, twice per upload)."""
import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import EvidenceFile, Job
from finance.models import Import, Transaction
from seizures.importer import TEMPLATE_HEADER
from seizures.models import Firearm, Seizure

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOUND = 5.0  # seconds, generous for a busy machine: the requests take 0.1–0.4 s; the old code took 37–56 s
ROWS = 300_000
SEIZURE_ROWS = 20_000  # four times the row limit of a seizure import
BANK_HEADER = ["Booking date", "Amount", "Currency", "Reference"]
BANK_ROW = ["2026-01-02", 100, "EUR", "Invoice"]


def xlsx_without_dimension(header, row, count, padding=0):
    """A workbook whose one sheet has `header` then `count` copies of `row` (text as shared strings, as
    Excel writes it), no <dimension> and no row or cell references (valid: readers count them);
    `padding` adds that many bytes of blank XML to the sheet."""
    strings = list(dict.fromkeys(str(v) for v in [*header, *row] if not isinstance(v, (int, float))))

    def cell(value):
        if isinstance(value, (int, float)):
            return f"<c><v>{value}</v></c>"
        return f'<c t="s"><v>{strings.index(str(value))}</v></c>'

    line = "<row>" + "".join(cell(v) for v in row) + "</row>"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + " " * padding + "<sheetData><row>" + "".join(cell(v) for v in header) + "</row>"
             + line * count + "</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org/"
    shared = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}spreadsheetml/2006/main" '
              f'count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{main}package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{main}package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{main}officeDocument/2006/relationships/officeDocument" '
            f'Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}spreadsheetml/2006/main" '
            f'xmlns:r="{main}officeDocument/2006/relationships"><sheets>'
            f'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{main}package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{main}officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def big_bank_xlsx():
    data = xlsx_without_dimension(BANK_HEADER, BANK_ROW, ROWS)
    assert len(data) < 200_000  # small on the wire, like the file of the report
    return data


@pytest.fixture
def worker_like_celery():
    """Eager tasks that fail behave like a worker's: the failure signal marks the job, nothing is re-raised."""
    from config.celery import app

    old = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = old


def warm(client, world):
    """One page first, so the timed request does not pay for loading the URL configuration."""
    assert client.get(f"/cases/{world.case.reference}/").status_code == 200


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_the_sheet_reader_never_sizes_the_sheet_and_stops_at_the_caps(big_bank_xlsx, settings):
    from cases.spreadsheets import SpreadsheetRefused, Workbook

    with Workbook(io.BytesIO(big_bank_xlsx), "big.xlsx") as book:
        start = time.monotonic()
        first = next(book.rows())
        assert first == (1, BANK_HEADER) and time.monotonic() - start < 1
    settings.PARALLAX_IMPORT_MAX_ROWS = 1000
    with Workbook(io.BytesIO(big_bank_xlsx), "big.xlsx") as book, pytest.raises(SpreadsheetRefused) as refused:
        for _ in book.rows():
            pass
    assert "“big.xlsx”, sheet “Sheet1”: more than 1,000 rows; the limit is 1,000 rows per file." == str(refused.value)
    settings.PARALLAX_IMPORT_MAX_ROWS = ROWS * 2
    settings.PARALLAX_IMPORT_MAX_CELLS = 2000
    with Workbook(io.BytesIO(big_bank_xlsx), "big.xlsx") as book, pytest.raises(SpreadsheetRefused) as refused:
        for _ in book.rows():
            pass
    assert "more than 2,000 cells (reached at row 501)" in str(refused.value)


def test_a_big_xlsx_upload_returns_at_once_and_the_import_job_refuses_it(
        world, login, big_bank_xlsx, settings, django_capture_on_commit_callbacks, worker_like_celery):
    settings.PARALLAX_IMPORT_MAX_ROWS = 20_000
    client = login(world.users["analyst"])
    warm(client, world)
    ref = world.case.reference
    with django_capture_on_commit_callbacks(execute=True):
        response, elapsed = timed(lambda: client.post(f"/cases/{ref}/finance/imports/", {
            "file": SimpleUploadedFile("statement-300k.xlsx", big_bank_xlsx, XLSX), "format": "auto",
            "handling": "fiu", "source_label": ""}))
    assert response.status_code == 302, response.content[:2000]
    assert elapsed < BOUND, f"the upload request took {elapsed:.1f} s"
    imp = Import.objects.get()
    assert imp.status == Import.Status.NEEDS_MAPPING and imp.options["header"] == BANK_HEADER
    page, elapsed = timed(lambda: client.get(response["Location"]))
    assert page.status_code == 200 and b"Invoice" in page.content and elapsed < BOUND
    mapping = {f"map_{field}": column for field, column in imp.options["mapping"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        response, elapsed = timed(lambda: client.post(f"/cases/{ref}/finance/imports/{imp.pk}/mapping/",
                                                      {**mapping, "decimal": ".", "date_format": "%Y-%m-%d"}))
    assert response.status_code == 302
    imp.refresh_from_db()
    limit = "“statement-300k.xlsx”, sheet “Sheet1”: more than 20,000 rows; the limit is 20,000 rows per file."
    assert imp.status == Import.Status.REJECTED and imp.error_message == limit
    assert imp.job.status == Job.Status.FAILED and limit in imp.job.error
    assert not Transaction.objects.exists()


def test_the_api_upload_returns_at_once_and_the_job_refuses_the_file(
        world, login, big_bank_xlsx, settings, django_capture_on_commit_callbacks, worker_like_celery):
    settings.PARALLAX_IMPORT_MAX_ROWS = 20_000
    client = login(world.users["analyst"])
    warm(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response, elapsed = timed(lambda: client.post("/api/finance/imports/", {
            "case": world.case.reference, "file": SimpleUploadedFile("api-300k.xlsx", big_bank_xlsx, XLSX),
            "confirm": "true", "date_format": "%Y-%m-%d",
            "mapping": '{"booked_at": "Booking date", "amount": "Amount", "currency": "Currency"}'}))
    assert response.status_code == 201, response.content
    assert elapsed < BOUND, f"the API upload took {elapsed:.1f} s"
    body = client.get(f"/api/finance/imports/{response.json()['id']}/").json()
    assert body["status"] == "rejected"
    assert "“api-300k.xlsx”, sheet “Sheet1”: more than 20,000 rows" in str(body)
    assert not Transaction.objects.exists()


def test_a_zip_bomb_is_refused_on_its_directory_before_any_xml_is_parsed(world, login, settings, monkeypatch):
    import openpyxl.reader.excel

    settings.PARALLAX_IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000_000
    bomb = xlsx_without_dimension(BANK_HEADER, BANK_ROW, 10, padding=3_000_000)
    assert len(bomb) < 20_000

    def parsing(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl.reader.excel.ExcelReader, "__init__", parsing)
    client = login(world.users["analyst"])
    response = client.post(f"/cases/{world.case.reference}/finance/imports/", {
        "file": SimpleUploadedFile("bomb.xlsx", bomb, XLSX), "format": "auto", "handling": "fiu"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "“bomb.xlsx” unpacks to 3,00" in text and "the limit is 1,000,000 bytes" in text
    assert not Import.objects.exists() and not EvidenceFile.objects.exists()


def _seizure_row():
    row = dict.fromkeys(TEMPLATE_HEADER, "")
    row.update(seizure_reference="SZ-BIG", occurred_at="2026-01-03 08:00", country="HR", context="vehicle",
               legal_basis="illicit_possession", weapon_type="pistol", make="Zastava", serial="A-1")
    return [row[c] for c in TEMPLATE_HEADER]


@pytest.fixture(scope="module")
def big_seizure_xlsx():
    data = xlsx_without_dimension(TEMPLATE_HEADER, _seizure_row(), SEIZURE_ROWS)
    assert len(data) < 200_000  # like the 145 kB file of the report
    return data


def _seizure_job_refused(job, limit="5,000"):
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"more than {limit} rows; at most {limit} per file" in job.error and "seizures-big.xlsx" in job.error
    assert not Seizure.objects.exists() and not Firearm.objects.exists()


def test_a_seizure_import_over_its_row_limit_returns_at_once_and_its_job_refuses_it(
        world, login, big_seizure_xlsx, django_capture_on_commit_callbacks, worker_like_celery):
    client = login(world.users["investigator"])
    warm(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response, elapsed = timed(lambda: client.post(
            reverse("seizures:import", kwargs={"reference": world.case.reference}),
            {"file": SimpleUploadedFile("seizures-big.xlsx", big_seizure_xlsx, XLSX)}))
    assert response.status_code == 302, response.content[:2000]
    assert elapsed < BOUND, f"the seizure import request took {elapsed:.1f} s"
    job = Job.objects.get(kind="seizures.import")
    assert response["Location"].endswith(f"/jobs/{job.pk}/")
    _seizure_job_refused(job)


def test_the_seizure_import_api_returns_at_once_and_its_job_refuses_the_file(
        world, login, big_seizure_xlsx, settings, django_capture_on_commit_callbacks, worker_like_celery):
    settings.PARALLAX_SEIZURE_IMPORT_MAX_ROWS = 1000
    client = login(world.users["investigator"])
    warm(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        response, elapsed = timed(lambda: client.post("/api/seizure-imports/", {
            "case": world.case.reference, "file": SimpleUploadedFile("seizures-big.xlsx", big_seizure_xlsx, XLSX)}))
    assert response.status_code == 202, response.content
    assert elapsed < BOUND, f"the seizure import API took {elapsed:.1f} s"
    _seizure_job_refused(Job.objects.get(pk=response.json()["id"]), limit="1,000")


def test_a_small_seizure_file_is_still_checked_in_the_request(world):
    """The row report comes back at once for a file within the inline limit."""
    from seizures.importer import ImportRejected, seizure_import_start

    bad = _seizure_row()
    bad[TEMPLATE_HEADER.index("weapon_type")] = "cannon"
    data = xlsx_without_dimension(TEMPLATE_HEADER, bad, 3)
    with pytest.raises(ImportRejected) as rejected:
        seizure_import_start(case=world.case, by=world.users["investigator"],
                             upload=SimpleUploadedFile("small.xlsx", data, XLSX))
    assert {(e.row, e.column) for e in rejected.value.errors} == {(2, "weapon_type"), (3, "weapon_type"),
                                                                   (4, "weapon_type")}
    assert not Job.objects.exists() and not EvidenceFile.objects.exists()
