"""A worker killed in the middle of an analysis leaves the job failed (or retried) and no partial result."""
import os
import signal
import time
from datetime import timedelta

import pytest

from cases import jobs
from cases.models import Job
from finance.analysis import services
from finance.analysis.models import Alert, AnalysisRun
from tests.analysis.conftest import LedgerFactory
from tests.cases.test_worker import worker  # noqa: F401  (the real-worker fixture)
from tests.conftest import build_world

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paused(monkeypatch):
    monkeypatch.setenv("PARALLAX_ANALYSIS_TEST_PAUSE", "60")


def _wait(predicate, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        assert process.poll() is None or predicate(), log.read_text()[-3000:]
        time.sleep(0.3)
    return False


def test_worker_killed_mid_analysis_leaves_no_partial_result(paused, worker):  # noqa: F811
    process, log = worker
    world = build_world()
    ledger = LedgerFactory(world.case, world.users["analyst"])
    for day in range(4):
        ledger.tx(None, "S", 9500, day=day, channel="cash_deposit")
    run = services.analysis_start(case=world.case, by=world.users["analyst"], kind="typologies")
    job = Job.objects.get(pk=run.job_id)
    assert _wait(lambda: AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.RUNNING, process, log), \
        log.read_text()[-3000:]
    os.kill(process.pid, signal.SIGKILL)  # the worker is lost mid-run
    process.wait(timeout=10)
    run.refresh_from_db()
    assert run.result == {} and not Alert.objects.filter(run=run).exists()
    # the reaper fails the job whose worker stopped reporting (the broker may also redeliver it: acks_late)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=job.created_at - timedelta(hours=2))
    assert jobs.jobs_reap_stale(older_than=timedelta(minutes=45)) == 1
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert run.effective_status == AnalysisRun.Status.FAILED and run.result == {}
    assert not Alert.objects.filter(run=run).exists()
