"""Thin Celery tasks of the finance app: take ids, call one service."""
from celery import shared_task

from cases.models import Job


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=2)
def import_run_task(self, *, job_id):
    """Import one file into the ledger (finance.services.import_run). Routed to the `imports` queue."""
    if getattr(self.request, "parallax_skip", False):
        return None
    from finance import services
    from finance.models import Import

    from finance.progress import ImportProgress

    job = Job.objects.across_cases().get(pk=job_id)
    imp = Import.objects.in_case(job.case_id).select_related("case", "evidence", "created_by").get(pk=job.params["import"])
    progress = ImportProgress(job_id)
    try:
        return services.import_run(imp=imp, progress=progress)
    finally:
        progress.close()
