"""Thin Celery tasks: take ids, load, call one service."""
from celery import shared_task

from cases import jobs, services
from cases.models import Job


def _skip(task):
    return getattr(task.request, "parallax_skip", False)


@shared_task(bind=True, acks_late=True)
def evidence_verify_task(self, *, job_id):
    if _skip(self):
        return None
    job = Job.objects.across_cases().select_related("case", "started_by").get(pk=job_id)
    return services.evidence_verify_all(case=job.case, by=job.started_by, progress=jobs.ProgressReporter(job_id))


@shared_task
def jobs_reap_stale():
    return jobs.jobs_reap_stale()


@shared_task
def tasks_due_check():
    return services.tasks_overdue_notify()


@shared_task
def audit_checkpoint():
    from cases.audit_checkpoints import audit_checkpoint_write

    checkpoint = audit_checkpoint_write(reason="schedule")
    return None if checkpoint is None else {"last_id": checkpoint.last_id, "count": checkpoint.count}
