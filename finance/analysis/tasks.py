"""Thin Celery task: take the job id, call one service."""
from celery import shared_task

from cases import jobs
from cases.models import Job


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=3300, time_limit=3600)
def analysis_run_task(self, *, job_id):
    if getattr(self.request, "parallax_skip", False):
        return None
    from . import services

    job = Job.objects.across_cases().get(pk=job_id)
    return services.analysis_execute(run_id=job.params["run"], case_id=job.case_id,
                                     progress=jobs.ProgressReporter(job_id))
