"""Thin Celery tasks of the seizures app."""
from celery import shared_task

from seizures import services


@shared_task
def tracing_due_check():
    """Daily: tell requesters about their overdue tracing requests."""
    return services.tracing_overdue_notify()


@shared_task(bind=True, acks_late=True)
def seizure_import_task(self, *, job_id):
    if getattr(self.request, "parallax_skip", False):
        return None
    from cases.jobs import ProgressReporter
    from cases.models import Job
    from seizures.importer import seizure_import_run

    job = Job.objects.across_cases().select_related("case", "started_by").get(pk=job_id)
    return seizure_import_run(job=job, progress=ProgressReporter(job_id))
