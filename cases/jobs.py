"""Background jobs: start, report progress, cancel.

A job's row is written from outside the task body: `job_start` creates it,
Celery signal handlers (connected in `CasesConfig.ready`) mark it running,
succeeded or failed, and the service doing the work reports progress through a
`ProgressReporter` it is handed. Task bodies stay about the work.
"""
import logging
import time
import uuid
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.access import Handling
from cases.audit import AuditAction, audit_record
from cases.models import Job

log = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a job's work when its user asked to cancel it."""


class ProgressReporter:
    """Callable `(current, total, message)` that updates the job row, at most
    a few times a second, and stops the work if cancellation was requested."""

    def __init__(self, job_id, min_interval=0.5):
        self.job_id = job_id
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, current, total=None, message=""):
        now = time.monotonic()
        done = total is not None and current >= total
        if not done and now - self._last < self.min_interval:
            return
        self._last = now
        fields = {"progress_current": current, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["progress_message"] = message[:300]
        # Written through the task's own connection: work that holds one long
        # transaction must report through a reporter with its own connection
        # (finance.progress.ImportProgress does so on PostgreSQL), or the page
        # sees the progress only at commit.
        Job.objects.across_cases().filter(pk=self.job_id).update(**fields)
        if Job.objects.across_cases().filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled()


def job_start(*, case, by, kind, task, params=None, handling=Handling.TEAM, origin_agency=None, queue=None) -> Job:
    """Create the job row and enqueue its task once the transaction commits."""
    job = Job.objects.create(
        kind=kind,
        case=case,
        started_by=by,
        params=params or {},
        celery_task_id=str(uuid.uuid4()),
        handling=handling,
        origin_agency=origin_agency or by.agency,
        progress_message="Waiting for a worker",
    )
    audit_record(actor=by, action=AuditAction.JOB_START, obj=job, case=case, details={"kind": kind, "params": params or {}})
    options = {"task_id": job.celery_task_id, "kwargs": {"job_id": job.pk}}
    if queue:
        options["queue"] = queue
    transaction.on_commit(lambda: task.apply_async(**options))
    return job


def job_cancel(*, job, by) -> Job:
    """Ask a job to stop. A queued job is cancelled at once; a running job
    stops at its next progress report and its work is rolled back."""
    if job.is_finished:
        return job
    with transaction.atomic():
        Job.objects.across_cases().filter(pk=job.pk).update(cancel_requested=True)
        if job.status == Job.Status.QUEUED:
            Job.objects.across_cases().filter(pk=job.pk).update(
                status=Job.Status.CANCELLED, finished_at=timezone.now(), progress_message="Cancelled before it started"
            )
        audit_record(actor=by, action=AuditAction.JOB_CANCEL, obj=job, case=job.case)
    if job.status == Job.Status.QUEUED:
        from config.celery import app

        try:
            app.control.revoke(job.celery_task_id)
        except Exception:  # the broker may not support broadcast; the flag is enough
            log.info("could not broadcast revoke for job %s", job.pk)
    job.refresh_from_db()
    return job


# --- called from Celery signals ------------------------------------------

def job_mark_running(job_id) -> bool:
    """Returns False when the job must not run (finished or cancelled)."""
    now = timezone.now()
    job = Job.objects.across_cases().filter(pk=job_id).first()
    if job is None or job.is_finished or job.cancel_requested:
        return False
    Job.objects.across_cases().filter(pk=job_id).update(
        status=Job.Status.RUNNING,
        started_at=job.started_at or now,
        heartbeat_at=now,
        attempts=job.attempts + 1,
        progress_message="Started" if job.attempts == 0 else f"Restarted (attempt {job.attempts + 1})",
        error="",
    )
    return True


def job_mark_succeeded(job_id, result):
    fields = {"status": Job.Status.SUCCEEDED, "finished_at": timezone.now(), "progress_message": "Finished"}
    if isinstance(result, dict):
        fields["result"] = result.get("summary", result)
        if "result_type" in result:
            fields["result_type"] = result["result_type"]
            fields["result_id"] = str(result.get("result_id", ""))
    Job.objects.across_cases().filter(pk=job_id).exclude(status__in=Job.FINISHED).update(**fields)


def job_mark_failed(job_id, error):
    if isinstance(error, JobCancelled):
        status, message, text = Job.Status.CANCELLED, "Cancelled; nothing was written", ""
    else:
        status, message, text = Job.Status.FAILED, "Failed; nothing was written", _describe(error)
    Job.objects.across_cases().filter(pk=job_id).exclude(status__in=Job.FINISHED).update(
        status=status, finished_at=timezone.now(), progress_message=message, error=text
    )
    job = Job.objects.across_cases().filter(pk=job_id).select_related("case", "started_by").first()
    if job is not None:
        audit_record(
            actor=None, label="worker", action=f"job.{status}", obj=job, case=job.case, details={"error": text[:500]}
        )


def _describe(error):
    from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

    if isinstance(error, (SoftTimeLimitExceeded, TimeLimitExceeded)):
        return "The job ran past its time limit and was stopped."
    return f"{error.__class__.__name__}: {error}"


def jobs_reap_stale(*, older_than=timedelta(minutes=45)) -> int:
    """Mark running jobs whose worker stopped reporting as failed."""
    cutoff = timezone.now() - older_than
    stale = Job.objects.across_cases().filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    count = 0
    for job_id in list(stale.values_list("id", flat=True)):
        job_mark_failed(job_id, RuntimeError("the worker running this job stopped responding"))
        count += 1
    return count
