"""A real Celery worker process imports a file (not eager mode): job, progress, ledger."""
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Job
from finance import services
from finance.models import Import, Transaction
from tests.cases.test_worker import worker  # noqa: F401  (fixture)
from tests.conftest import build_world

from .conftest import fixture_bytes

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_imports_a_statement(worker):  # noqa: F811
    process, log = worker
    world = build_world()
    imp = services.import_start(case=world.case, by=world.users["analyst"],
                                upload=SimpleUploadedFile("statement.mt940", fixture_bytes("statement.mt940")))
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        imp.refresh_from_db()
        job = Job.objects.get(pk=imp.job_id)
        # the import row commits inside the task; the job row is finished by the task's success signal just after
        if imp.status not in (Import.Status.QUEUED, Import.Status.RUNNING) and job.is_finished:
            break
        assert process.poll() is None, log.read_text()
        time.sleep(0.3)
    assert imp.status == Import.Status.IMPORTED, f"{imp.status} {imp.error_message}\n{log.read_text()[-3000:]}"
    assert job.status == Job.Status.SUCCEEDED and job.progress_current == job.progress_total
    assert Transaction.objects.filter(source_import=imp).count() == 3
    assert "import_run_task" in log.read_text()
