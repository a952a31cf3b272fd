"""A real Celery worker process runs a job end to end (not eager mode).

The worker is started on the same database and broker as the test: SQLite and
the filesystem broker by default, PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set (CI).
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from cases import services
from cases.models import Job
from tests.conftest import build_world

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def isolated_redis_url(url):
    """The same Redis server, another database per parallel test process, so that two
    real workers of one test run never take each other's messages."""
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url.rstrip("/")
    return f"{base}/{1 + index % 15}"


@pytest.fixture
def worker(tmp_path, settings):
    from config.celery import app

    broker_dir = f"test-broker-{os.getpid()}"
    redis_url = isolated_redis_url(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else ""
    env = {
        **os.environ,
        "PARALLAX_TESTING": "1",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DATABASE_URL": database_url(),
        "EVIDENCE_ROOT": str(settings.EVIDENCE_ROOT),
        "PARALLAX_BROKER_DIR": broker_dir,
        **({"REDIS_URL": redis_url} if redis_url else {}),
    }
    # This process sends through the same broker as the worker listens on; everything is put
    # back afterwards, even when the set-up fails, or later tests would stop running eagerly.
    old_broker, old_options = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.task_always_eager = False
    process = None
    try:
        if redis_url:
            app.conf.broker_url = redis_url
        else:
            base = Path(os.environ.get("PARALLAX_VAR_DIR", Path(settings.BASE_DIR) / "var")) / broker_dir
            for sub in ("queue", "processed", "control"):
                (base / sub).mkdir(parents=True, exist_ok=True)
            app.conf.broker_transport_options = {
                **old_options,
                "data_folder_in": str(base / "queue"), "data_folder_out": str(base / "queue"),
                "processed_folder": str(base / "processed"), "control_folder": str(base / "control"),
            }
        _reset_connections(app)
        if redis_url:
            app.control.purge()  # messages left by an earlier killed worker are not this test's
        log = tmp_path / "worker.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo",
             "-Q", "default,imports,analyses,documents",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT,
        )
        yield process, log
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        app.conf.task_always_eager = True
        app.conf.broker_url, app.conf.broker_transport_options = old_broker, old_options
        _reset_connections(app)


def _reset_connections(app):
    """Connections made with other broker settings must not be reused: drop Celery's pools and
    kombu's global producer pools (keyed by broker URL, they would hand out closed connections)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def test_a_real_worker_verifies_the_evidence_of_a_case(worker):
    process, log = worker
    world = build_world()
    lead = world.users["lead"]
    for i in range(3):
        services.evidence_upload(case=world.case, by=lead,
                                 upload=SimpleUploadedFile(f"f{i}.csv", f"a\n{i}\n".encode(), "text/csv"))
    job = services.evidence_verify_start(case=world.case, by=lead)  # autocommit: enqueued at once
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        assert process.poll() is None, log.read_text()
        time.sleep(0.3)
    assert job.status == Job.Status.SUCCEEDED, f"{job.status} {job.error}\n{log.read_text()[-3000:]}"
    assert job.result["checked"] == 3 and job.result["problems"] == []
    assert job.started_at and job.finished_at and job.attempts >= 1
    assert "evidence_verify_task" in log.read_text()
