"""Fixtures of the finance tests: files to import and a helper that runs an import end to end."""
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
SAMPLES = SAMPLES.resolve()
GOAML_XSD = SAMPLES / "goaml" / "goAMLSchema-5.0.2.xsd"

needs_samples = pytest.mark.skipif(not SAMPLES.exists(), reason=f"real-world samples not found at {SAMPLES}")


def fixture_bytes(name):
    return (FIXTURES / name).read_bytes()


def upload(name, data=None, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, fixture_bytes(name) if data is None else data, content_type)


@pytest.fixture
def worker_like_celery():
    """Eager tasks that fail behave like a worker's: the failure signal marks the job, nothing is re-raised."""
    from config.celery import app

    old = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = old


@pytest.fixture
def run_import(world, django_capture_on_commit_callbacks, worker_like_celery):
    """run_import("bank_export.csv", by="analyst", **kwargs) -> the Import after its job ran."""
    from finance import services

    def _run(name, by="analyst", data=None, confirm=None, **kwargs):
        user = world.users[by] if isinstance(by, str) else by
        if confirm is None:
            confirm = name.endswith((".csv", ".xlsx")) and ("mapping" in kwargs or "options" in kwargs)
        case = kwargs.pop("case", world.case)
        with django_capture_on_commit_callbacks(execute=True):
            imp = services.import_start(case=case, by=user, upload=upload(name, data), confirm=confirm, **kwargs)
        imp.refresh_from_db()
        return imp

    return _run


@pytest.fixture(autouse=True)
def _goaml_xsd(settings):
    settings.GOAML_XSD_PATH = str(GOAML_XSD) if GOAML_XSD.exists() else ""
